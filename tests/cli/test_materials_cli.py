"""``spintorque materials``: fits 80 columns, sources on request, everything in --json."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from spintorque.materials import load_database


def run(*args: str, columns: int = 80) -> str:
    env = {**os.environ, "COLUMNS": str(columns)}
    proc = subprocess.run(
        [sys.executable, "-m", "spintorque", "materials", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("args", [(), ("--sources",)])
def test_the_table_fits_an_80_column_terminal_with_its_units(args):
    out = run(*args)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "l_sf [nm]" in out and "rho [µΩ·cm]" in out and "T [K]" in out
    assert all(any(line.split()[:1] == [name] for line in lines) for name in load_database())
    assert "5.5±1 ✓" in out  # l_sf(Py), checked, with its uncertainty


def test_sources_are_shown_only_on_request():
    citation = "IEEE Trans. Magn. 33, 3505 (1997)"
    assert citation not in " ".join(run().split())
    assert citation in " ".join(run("--sources").split())


def test_json_gives_every_parameter_in_si_with_units_status_and_source():
    doc = json.loads(run("--json"))
    assert set(doc["materials"]) == set(load_database())
    py = doc["materials"]["Py"]
    assert py["status"] == "illustrative" and py["type"] == "ferromagnet"
    l_sf = py["parameters"]["spin_diffusion_length"]
    assert (l_sf["value"], l_sf["unit"], l_sf["uncertainty"], l_sf["status"]) == (
        5.5e-9,
        "m",
        1e-9,
        "checked",
    )
    assert py["parameters"]["resistivity"] == {
        **py["parameters"]["resistivity"],
        "value": 1.5e-7,
        "unit": "ohm*m",
    }
    for name, entry in doc["materials"].items():
        for key, parameter in entry["parameters"].items():
            assert {"value", "unit", "uncertainty", "status", "source"} <= set(parameter), (name, key)
    assert doc["provenance"]["spintorque_version"]
