"""write-error-rate at the edges of its domain, errors naming the flags typed (issue 14),
and two neighbouring commands' input checks (precession --sample-step, magnetoresistance --angles)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parents[2]
MTJ = ROOT / "examples" / "macrospin" / "mtj.toml"
IN_PLANE = ROOT / "examples" / "macrospin" / "in_plane.toml"


def invoke(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from spintorque.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _valid(doc: dict) -> None:
    for row in doc["write_error_rate"]:
        assert all(v is not None and 0.0 <= v <= 1.0 for v in row)


@pytest.mark.parametrize(("sigma", "ratio"), [
    pytest.param("500", "0.5", marks=pytest.mark.slow),
    ("300", "0.5"),
    pytest.param("200", "1.5", marks=pytest.mark.slow),
])
def test_large_barriers_and_currents_give_json_without_tracebacks_or_warnings(sigma, ratio):
    code, out, err = invoke("write-error-rate", "--sigma", sigma, "--current-ratio", ratio,
                            "--pulse", "0:0.5:6", "--json")
    assert code == 0, err
    assert "Warning" not in err and "Traceback" not in err
    doc = json.loads(out)
    _valid(doc)
    assert doc["lambda1_tau_N"][0] > 0


def test_lambda1_below_the_double_range_is_null_with_a_reason():
    code, out, err = invoke("write-error-rate", "--sigma", "2000", "--current-ratio", "0.2",
                            "--pulse", "0:1:2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["lambda1_tau_N"] == [None]
    assert "below the double range" in doc["lambda1_note"]
    assert doc["write_error_rate"][0][1] == pytest.approx(1.0, abs=1e-12)


@pytest.mark.slow
def test_the_mtj_file_far_above_the_critical_current_is_finite():
    code, out, err = invoke("write-error-rate", str(MTJ), "--current", "3e11 A/m^2",
                            "--pulse", "1ns:20ns:3", "--json")
    assert code == 0, err
    doc = json.loads(out)
    _valid(doc)
    wer = doc["write_error_rate"][0]
    assert 1e-4 < wer[0] < 1e-2  # the reversal from the thermal angle is mostly over at 1 ns
    assert wer[0] > wer[1] > wer[2]


def test_unresolved_2d_lambda1_is_nan_not_a_negative_extrapolation():
    from spintorque.thermal.wer.sphere import _lambda1

    sizes = (41, 49, 57, 65)
    assert math.isnan(_lambda1(sizes, [8.80428978, 8.66447388, 9.78176472, 4.93221254], True))
    assert math.isnan(_lambda1(sizes, [1.0, -2.0, 1.0, 1.0], False))
    smooth = [2.0 + 5.0 / n**2 for n in sizes]
    assert _lambda1(sizes, smooth, True) == pytest.approx(2.0, rel=1e-9)


@pytest.mark.slow
def test_in_plane_file_far_above_critical_reports_no_negative_lambda1():
    code, out, err = invoke("write-error-rate", str(IN_PLANE), "--current", "5e11 A/m^2",
                            "--pulse", "0.1ns:2ns:3", "--json")
    assert code == 0, err
    doc = json.loads(out)
    lam = doc["lambda1_tau_N"][0]
    assert lam is None or lam > 0
    if lam is None:
        assert "lambda1" in doc["lambda1_note"]


@pytest.mark.slow
def test_target_out_of_reach_is_null_with_a_reason():
    from spintorque.thermal import AxialModel
    from spintorque.thermal.wer import current_for_target

    found = current_for_target(AxialModel(10.0), 1e-6, [0.002, 2.0], nodes=9, max_cells=256)
    assert found.outside.tolist() == [True, False]
    assert math.isnan(found.current_ratio[0]) and math.isnan(found.error[0])
    assert "not reached" in found.reason[0] and found.reason[1] is None
    assert 0.0 < found.current_ratio[1] < 4.0


def test_target_search_is_not_capped_below_the_bracket():
    from spintorque.thermal import AxialModel
    from spintorque.thermal.wer.target import largest_current

    # the old sigma (1 + 2|h_eff|) <= 325 rule stopped sigma = 77 at i = 1.61
    assert largest_current(AxialModel(77.0)) > 1000.0


@pytest.mark.slow
def test_target_on_the_mtj_file_reports_null_where_unreachable_and_agrees_with_the_table():
    code, out, err = invoke("write-error-rate", str(MTJ), "--current", "3e10 A/m^2", "--pulse",
                            "1ns:50ns:5", "--target", "1e-9", "--json")
    assert code == 0, err
    target = json.loads(out)["target"]
    assert target["current_ratio"][0] is None and target["current_ratio_error"][0] is None
    assert "not reached" in target["reason"][0]
    ratios = np.array(target["current_ratio"][1:], dtype=float)
    assert np.all(ratios > 1.61) or ratios[0] > 1.61  # beyond the old cap
    assert np.all(np.diff(ratios) < 0)  # longer pulses need less current
    from spintorque.thermal.wer import problem_from_file, write_error_rate

    density = target["current_density"][1]
    problem = problem_from_file(MTJ, [density])
    check = write_error_rate(problem, None, [13.25e-9 / problem.tau_N])
    assert check.write_error_rate[0, 0] == pytest.approx(1e-9, rel=1e-3)


def test_read_disturb_needs_a_start_well():
    code, _, err = invoke("write-error-rate", "--sigma", "20", "--reduced-field", "-1.2",
                          "--current-ratio", "0.3", "--pulse", "0:0.01:2", "--read-disturb")
    assert code == 2
    assert err.startswith("error: --reduced-field:") and "start well" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(("extra", "flag"), [
    (["--rtol", "2"], "--rtol"),
    (["--max-cells", "10"], "--max-cells"),
    (["--target", "2"], "--target"),
    (["--nu", "-1"], "--nu"),
    (["--reduced-field", "nan"], "--reduced-field"),
    (["--read-disturb"], "--current-ratio"),
    (["--method", "spectral", "--current-ratio", "0.5"], "--method"),
])
def test_errors_name_the_flag_typed(extra, flag):
    args = ["write-error-rate", "--sigma", "20", "--current-ratio", "1.5", "--pulse", "0:1:3"]
    if "--current-ratio" in extra:
        args = args[:3] + args[5:]
    code, _, err = invoke(*args, *extra)
    assert code == 2
    assert err.startswith(f"error: {flag}:"), err
    assert err.count("\n") == 1


def test_read_current_from_a_file_names_current():
    code, _, err = invoke("write-error-rate", str(MTJ), "--current", "3e11 A/m^2",
                          "--pulse", "1ns:2ns:2", "--read-disturb")
    assert code == 2 and err.startswith("error: --current:"), err


@pytest.mark.slow  # loads the dynamics stack (~2.5 s on the shared machine)
def test_precession_sample_step_too_coarse_names_the_flag():
    code, _, err = invoke("precession", str(MTJ), "--currents", "1e11:2e11:2", "--sample-step", "1ns")
    assert code == 2
    assert err.startswith("error: --sample-step:") and "duration/32" in err


@pytest.mark.parametrize("spec", ["0:1e9:3", "-800:0:3"])
def test_magnetoresistance_angles_within_two_turns(spec):
    code, _, err = invoke("magnetoresistance", str(ROOT / "examples" / "co_cu_py.toml"),
                            "--rotate", "F2", "--angles", spec)
    assert code == 2
    assert err.startswith("error: --angles:") and "720" in err
