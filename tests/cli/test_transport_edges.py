"""Transport commands at the edges: huge currents, collinear states, unpolarized layers.

Every document must be strict JSON (no NaN/Infinity: a value that does not exist is null with a
reason) and every refusal one line on stderr with exit status 2.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import spintorque as st
from tests.test_stack import BASE


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spintorque", *args], capture_output=True,
                          text=True, timeout=300, check=False)


def stdout_of(*args: str) -> str:
    """Run a command in-process (a subprocess costs seconds of imports) and return its stdout."""
    from typer.testing import CliRunner

    from spintorque.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def strict(text: str) -> object:
    def refuse(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")
    return json.loads(text, parse_constant=refuse)


def stack_file(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = BASE
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "stack.toml"
    path.write_text(text)
    return path


def test_solve_refuses_a_current_density_beyond_the_physical_range(tmp_path):
    # (it ended in an OverflowError traceback above 1.3e154 A/m², where J² overflows)
    path = stack_file(tmp_path, ('density = "1e11 A/m^2"', 'density = "1.3e155 A/m^2"'))
    proc = run("solve", str(path), "--json")
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
    assert "current.density" in proc.stderr and "1e+20 A/m²" in proc.stderr


def test_solve_gives_the_collinear_limit_for_the_parallel_state(tmp_path):
    path = stack_file(tmp_path, ('{theta = "30 deg", phi = "90 deg"}', "[0, 0, 1]"))
    result = st.solve(st.load_stack(path))
    out = stdout_of("solve", str(path))
    assert "nan" not in out.lower()
    assert f"g1 = {float(result.efficiency['g1']):.6g}" in out
    doc = strict(stdout_of("solve", str(path), "--json"))
    assert doc["efficiency"]["g2"] == pytest.approx(float(result.efficiency["g2"]), rel=1e-15)


def test_touching_parallel_ferromagnets_print_undefined_with_a_reason(tmp_path):
    data_lines = BASE.split("[[layers]]")
    text = "[[layers]]".join([data_lines[0], data_lines[1], data_lines[3]])
    path = tmp_path / "touch.toml"
    path.write_text(text.replace('{theta = "30 deg", phi = "90 deg"}', "[0, 0, 1]"))
    out = stdout_of("solve", str(path))
    assert "g1 undefined" in out and "touch" in out
    doc = strict(stdout_of("solve", str(path), "--json"))
    assert doc["efficiency"] == {"g1": None, "g2": None}
    assert "touch" in doc["efficiency_undefined"]["g1"]
    sweep = strict(stdout_of("efficiency", str(path), "--rotate", "F2", "--angles", "0:90:3",
                             "--json"))
    g2 = sweep["efficiency"][sweep["ferromagnets"][1]]
    assert g2[0] is None and g2[1] is not None and "g2" in sweep["undefined"]


def test_signmap_json_is_strict_when_p1_is_zero(tmp_path):
    path = stack_file(tmp_path)
    doc = strict(stdout_of("signmap", str(path), "--vary", "F1.spin_asymmetry=0:0.4:3",
                           "--angles", "0:90:4", "--json"))
    assert doc["p2_over_p1"][0] is None and doc["p2_over_p1"][1] is not None
    assert "p1 = 0" in doc["undefined"]["p2_over_p1"]
    assert all(v is not None for row in doc["g2"] for v in row)
