"""Every command's outputs carry the provenance record: version, command line, input texts."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from pathlib import Path

import pytest
import xarray as xr
from PIL import Image

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "co_cu_py.toml"
MACROSPIN = ROOT / "examples" / "macrospin" / "wavy_valve.toml"
STACK = ROOT / "examples" / "macrospin" / "wavy_stack.toml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spintorque", *args], capture_output=True, text=True, timeout=300, check=False
    )


def _texts(files: list[dict[str, str]]) -> dict[str, str]:
    return {Path(f["path"]).name: f["text"] for f in files}


def test_json_output_records_version_command_and_stack_text():
    proc = run("efficiency", str(EXAMPLE), "--rotate", "F2", "--angles", "0:90:3", "--json")
    assert proc.returncode == 0, proc.stderr
    prov = json.loads(proc.stdout)["provenance"]
    assert prov["spintorque_version"] == importlib.metadata.version("spintorque")
    assert prov["command"]["name"] == "spintorque efficiency"
    assert prov["command"]["arguments"] == {
        "stack_file": str(EXAMPLE),
        "rotate": "F2",
        "angles": "0:90:3",
        "json_output": True,
        "plot": None,
        "transparent": False,
    }
    assert _texts(prov["input_files"]) == {EXAMPLE.name: EXAMPLE.read_text("utf-8")}


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_a_png_figure_carries_the_same_record(tmp_path):
    png = tmp_path / "p.png"
    proc = run("profile", str(EXAMPLE), "--plot", str(png))
    assert proc.returncode == 0, proc.stderr
    with Image.open(png) as image:
        prov = json.loads(image.text["spintorque_provenance"])
        assert image.text["Software"] == f"spintorque {prov['spintorque_version']}"
    assert _texts(prov["input_files"]) == {EXAMPLE.name: EXAMPLE.read_text("utf-8")}


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_a_dynamics_dataset_holds_the_referenced_stack_file_text(tmp_path):
    (tmp_path / STACK.name).write_text(STACK.read_text("utf-8"), encoding="utf-8")
    magnet = tmp_path / "magnet.toml"
    magnet.write_text(MACROSPIN.read_text("utf-8"), encoding="utf-8")
    out = tmp_path / "run.nc"
    proc = run("dynamics", str(magnet), "--duration", "0.2ps", "--dt", "0.1ps", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    with xr.open_dataset(out) as ds:
        files = json.loads(ds.attrs["input_files"])
        assert json.loads(ds.attrs["command"])["name"] == "spintorque dynamics"
    assert _texts(files) == {
        "magnet.toml": MACROSPIN.read_text("utf-8"),
        STACK.name: STACK.read_text("utf-8"),
    }
