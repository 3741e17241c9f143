"""The write-error-rate command: the JSON contract, physical files, read disturb, bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from spintorque.thermal import AxialModel
from spintorque.thermal.wer import problem_from_file, write_error_rate

ROOT = Path(__file__).parents[2]

MTJ = ROOT / "examples" / "macrospin" / "mtj.toml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spintorque", *args], capture_output=True,
                          text=True, timeout=300, check=False)


def invoke(*args: str) -> tuple[int, str, str]:
    """The command in-process (no interpreter start-up): exit code, stdout, stderr."""
    from typer.testing import CliRunner

    from spintorque.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_reduced_json_matches_the_library_and_the_contract(tmp_path):
    out = tmp_path / "wer.nc"
    plot = tmp_path / "wer.png"
    code, stdout, stderr = invoke("write-error-rate", "--sigma", "10", "--current-ratio", "1.5,2",
                                  "--pulse", "0:2:5", "--max-cells", "256", "--json", "--output",
                                  str(out), "--plot", str(plot))
    assert code == 0, stderr
    doc = json.loads(stdout, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    assert doc["current_ratio"] == [1.5, 2.0]
    assert doc["pulse_over_tau_N"] == [0.0, 0.5, 1.0, 1.5, 2.0]
    table = np.array(doc["write_error_rate"])
    assert table.shape == (2, 5)
    lib = write_error_rate(AxialModel(10.0), [1.5, 2.0], np.linspace(0, 2, 5), max_cells=256)
    np.testing.assert_allclose(table, lib.write_error_rate, rtol=1e-14)
    assert table[:, 0].tolist() == [1.0, 1.0]
    assert doc["solver"] == "1d" and isinstance(doc["converged"], bool)
    assert len(doc["write_error_rate_relative_error"]) == 2
    assert out.stat().st_size > 0 and plot.stat().st_size > 0


def test_read_disturb_reports_the_switching_probability():
    proc = run("write-error-rate", "--sigma", "40", "--current-ratio", "0.1,0.2", "--pulse", "1:1e6:3",
               "--read-disturb", "--max-cells", "256", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    p = np.array(doc["read_disturb_probability"])
    assert np.all((p > 0) & (p < 1)) and np.all(np.diff(p, axis=1) > 0) and np.all(p[1] > p[0])
    assert p[0, 0] < 1e-12


def test_a_macrospin_file_is_in_seconds(tmp_path):
    magnet = MTJ
    code, stdout, stderr = invoke("write-error-rate", str(magnet), "--current", "3e10,3.5e10 A/m^2",
                                  "--pulse", "1ns:20ns:3", "--max-cells", "256", "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["current_density"] == [3e10, 3.5e10]
    np.testing.assert_allclose(doc["pulse_s"], [1e-9, 10.5e-9, 20e-9], rtol=1e-12)
    problem = problem_from_file(magnet, [3e10, 3.5e10])
    np.testing.assert_allclose(doc["pulse_over_tau_N"], np.array(doc["pulse_s"]) / problem.tau_N, rtol=1e-12)
    np.testing.assert_allclose(doc["current_ratio"], problem.current_ratio, rtol=1e-12)
    wer = np.array(doc["write_error_rate"])
    assert 1.0 < doc["current_ratio"][0] < doc["current_ratio"][1]
    assert np.all(wer[1] <= wer[0]) and np.all(wer[1, 1:] < wer[0, 1:]) and np.all(np.diff(wer, axis=1) <= 0)
    assert math.isclose(doc["critical_current_density"], 3e10 / doc["current_ratio"][0], rel_tol=1e-12)


@pytest.mark.parametrize(("args", "word"), [
    (["--sigma", "10", "--current-ratio", "1.5", "--pulse", "0:1"], "--pulse"),
    (["--sigma", "10", "--current-ratio", "1.5,x", "--pulse", "0:1:3"], "--current-ratio"),
    (["--sigma", "10", "--current-ratio", "1.5", "--pulse", "-1:1:3"], "--pulse"),
    (["--sigma", "10", "--current-ratio", "1.5", "--pulse", "0:1:3", "--read-disturb"], "read current"),
    (["--current-ratio", "1.5", "--pulse", "0:1:3"], "--sigma"),
    # read disturb of a non-axial file is computed (2D), but not above the critical current
    ([str(ROOT / "examples" / "macrospin" / "in_plane.toml"), "--current", "-3e11 A/m^2", "--pulse",
      "1ns:2ns:2", "--read-disturb"], "error: --current: J = -3e+11 A/m^2 leaves no stable start"),
    # the 2D target search runs between the given currents: two of one sign (before any table)
    ([str(ROOT / "examples" / "macrospin" / "in_plane.toml"), "--current", "-3e11 A/m^2", "--pulse",
      "1ns:2ns:2", "--target", "1e-6"], "error: --target: "),
    ([str(ROOT / "examples" / "macrospin" / "in_plane.toml"), "--current", "3e11,-3e11 A/m^2",
      "--pulse", "1ns:2ns:2", "--target", "1e-6"], "error: --target: "),
    ([str(ROOT / "examples" / "macrospin" / "in_plane.toml"), "--current", "1e11 A/m^2", "--pulse",
      "1ns:2ns:2", "--method", "chain"], "solved in 2D"),
    ([str(ROOT / "examples" / "macrospin" / "in_plane.toml"), "--current-ratio", "1.5", "--pulse",
      "1ns:2ns:2"], "reduced-unit flags"),
    (["--sigma", "5000", "--current-ratio", "5", "--pulse", "0:1:3"], "sigma"),
    # the override is what the user wrote, not the file's field (both geometries)
    ([str(MTJ), "--current", "4e11 A/m^2", "--pulse", "1ns:2ns:2", "--temperature", "0 K"],
     "error: --temperature: "),
    ([str(ROOT / "examples" / "macrospin" / "in_plane.toml"), "--current", "-3e11 A/m^2", "--pulse",
      "1ns:2ns:2", "--temperature", "0 K"], "error: --temperature: "),
    # checked before the table is computed (the CLI passes the count to the library)
    ([str(ROOT / "examples" / "macrospin" / "in_plane.toml"), "--current", "-3e11 A/m^2", "--pulse",
      "1ns:2ns:2", "--workers", "0"], "error: --workers: "),
    (["--sigma", "10", "--current-ratio", "1.5", "--pulse", "0:1:3", "--workers", "-2"],
     "error: --workers: "),
    (["--sigma", "10", "--current-ratio", "1.5", "--pulse", "0:1:3", "--workers", "two"], "--workers"),
])
def test_bad_input_is_one_line(args, word):
    code, _, stderr = invoke("write-error-rate", *args)
    assert code == 2
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and word in lines[0], stderr


@pytest.mark.slow
def test_in_plane_file_is_solved_in_2d_with_the_same_keys(tmp_path):
    from tests.thermal.test_wer_sphere import SMALL_IN_PLANE

    path = tmp_path / "cell.toml"
    path.write_text(SMALL_IN_PLANE)
    code, stdout, stderr = invoke("write-error-rate", str(path), "--current", "-1e12 A/m^2",
                                  "--pulse", "0.25ns:0.5ns:2", "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["solver"] == "2d" and doc["method_per_current"][0].startswith("sphere[planar")
    for key in ("current_density", "pulse_s", "write_error_rate", "write_error_rate_relative_error",
                "converged", "max_relative_error", "switching_axis"):
        assert key in doc
    assert doc["current_ratio"] == [None] and doc["switching_axis"] == [1.0, 0.0, 0.0]
    wer = np.array(doc["write_error_rate"][0])
    assert np.all((wer > 0) & (wer < 1)) and wer[1] < wer[0]


def _strict(text: str) -> dict:
    def refuse(name: str) -> None:
        raise AssertionError(f"non-strict JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.slow  # two target searches: a few seconds
def test_target_current_on_an_unconverged_wer_says_so():
    # sigma = 40, t = 3 tau_N: the secant's WER (at most 256 cells) reaches 2.8e-6, not 1e-6
    code, stdout, stderr = invoke("write-error-rate", "--sigma", "40", "--current-ratio", "1.0",
                                  "--pulse", "3:3:1", "--target", "1e-9", "--json")
    assert code == 0, stderr
    target = _strict(stdout)["target"]
    assert target["converged"] is False and target["converged_per_pulse"] == [False]
    assert target["write_error_rate_relative_error"][0] > target["rtol"] == 1e-6
    # the error carries that WER error through the slope d ln WER / d i ≈ −131
    assert target["current_ratio_error"][0] > target["write_error_rate_relative_error"][0] / 140
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: --target:")]
    assert len(warnings) == 1 and "not converged" in warnings[0] and "3 tau_N" in warnings[0]
    # the text output shows the current too (it printed the table only)
    code, stdout, _ = invoke("write-error-rate", "--sigma", "40", "--current-ratio", "1.0",
                             "--pulse", "3:3:1", "--target", "1e-9")
    assert code == 0 and "current for WER = 1e-09" in stdout
    assert f"{target['current_ratio'][0]:.8g} ±" in stdout and "(not converged)" in stdout


def _rtol_warning(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if "miss --rtol" in line]
    assert len(lines) == 1, stderr
    return lines[0]


def test_max_cells_hint_only_where_the_chain_grid_limits():
    # the chain on at most 256 cells misses 1e-6 here (4.8e-6): a finer grid is the remedy
    code, stdout, stderr = invoke("write-error-rate", "--sigma", "40", "--current-ratio", "1.0",
                                  "--pulse", "3:3:1", "--max-cells", "256", "--method", "chain",
                                  "--json")
    assert code == 0 and _strict(stdout)["converged"] is False
    assert "try --max-cells 512" in _rtol_warning(stderr)
    # the spectral path does not use --max-cells: no such hint, but what limits it
    code, stdout, stderr = invoke("write-error-rate", "--sigma", "10", "--current-ratio", "2",
                                  "--pulse", "0.5:1:2", "--method", "spectral", "--rtol", "1e-10",
                                  "--json")
    assert code == 0 and _strict(stdout)["converged"] is False
    line = _rtol_warning(stderr)
    assert "--max-cells does not change it" in line and "try --max-cells" not in line
    assert "Legendre-Galerkin" in line


def test_an_unbounded_error_estimate_is_said_in_words():
    # sigma = 60, i = 20: the WER underflows double precision at the longest pulse, so the
    # largest estimate is null in the JSON; the text said "None"
    code, out, err = invoke("write-error-rate", "--sigma", "60", "--current-ratio", "20", "--pulse", "0:4:3")
    assert code == 0 and "None" not in out + err
    assert "unbounded: a value underflows double precision" in " ".join(out.split())  # rich wraps
