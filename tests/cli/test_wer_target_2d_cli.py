"""`write-error-rate --target` on a non-axial file: the JSON contract (the axial keys, currents
in A/m²), strict JSON, the text form and the plot, with the 2D WER replaced by an analytic one
(the numerics are tests/thermal/test_wer_target_2d.py's)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from spintorque.thermal import wer as wer_package
from spintorque.thermal.wer import sphere_target
from spintorque.thermal.wer.sphere import two_d_result

IN_PLANE = Path(__file__).parents[2] / "examples" / "macrospin" / "in_plane.toml"
AXIAL_TARGET_KEYS = {"write_error_rate", "current_ratio", "current_ratio_error", "outside_bracket",
                     "bracket_current_ratio", "reason", "current_density",
                     "write_error_rate_relative_error", "rtol", "converged_per_pulse", "converged"}


def _log_wer(J: np.ndarray, t: np.ndarray) -> np.ndarray:
    """ln WER = −(t/0.1) (|J|/1e11)³: decreasing in |J| and t."""
    return -np.outer((np.abs(J) / 1e11) ** 3, t / 0.1)


@pytest.fixture
def analytic(monkeypatch):
    def table(problem, times, rtol):
        w = np.exp(_log_wer(problem.current_density, times))
        err = np.full(w.shape, 1e-9)
        return two_d_result(problem, times, w, err, (1,), rtol, np.ones(w.shape[0]),
                            tuple("analytic" for _ in w), "harmonics")

    def fake_wer(problem, currents, pulses, **kwargs):
        return table(problem, np.atleast_1d(np.asarray(pulses, dtype=float)), kwargs.get("rtol", 1e-6))

    def fake_evaluate(make, currents, times, rtol, method, workers):
        return table(make(currents), times, rtol)

    monkeypatch.setattr(wer_package, "write_error_rate", fake_wer)
    monkeypatch.setattr(sphere_target, "_evaluate", fake_evaluate)


def invoke(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from spintorque.cli import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_2d_target_keeps_the_axial_keys_with_currents_in_si(analytic, tmp_path):
    plot = tmp_path / "wer.png"
    code, out, err = invoke("write-error-rate", str(IN_PLANE), "--current", "-2e11,-4e11 A/m^2",
                            "--pulse", "1ns:3ns:3", "--target", "1e-6", "--json", "--plot", str(plot))
    assert code == 0, err
    doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))
    target = doc["target"]
    assert set(target) >= AXIAL_TARGET_KEYS and target["write_error_rate"] == 1e-6
    assert target["current_ratio"] == [None] * 3 and target["bracket_current_ratio"] == [None, None]
    assert target["bracket_current_density"] == [-2e11, -4e11]
    tau = doc["tau_N"]
    exact = [-1e11 * (math.log(1e6) * 0.1 / (t / tau)) ** (1 / 3) for t in doc["pulse_s"]]
    found, errors = target["current_density"], target["current_density_error"]
    for j, (J, e, x) in enumerate(zip(found, errors, exact, strict=True)):
        if -4e11 <= x <= -2e11:
            assert J is not None and abs(J - x) <= e, (j, J, x, e)
        else:
            assert J is None and target["outside_bracket"][j] and target["reason"][j]
    assert target["converged"] is all(target["converged_per_pulse"])
    assert target["monotone_per_pulse"] == [True] * 3
    assert len(target["node_current_density"]) == len(target["node_write_error_rate"])
    assert plot.stat().st_size > 0 and plot.with_name("wer_target.png").stat().st_size > 0


def test_the_2d_target_in_words_names_the_unit(analytic):
    code, out, err = invoke("write-error-rate", str(IN_PLANE), "--current", "-2e11,-4e11 A/m^2",
                            "--pulse", "2ns:3ns:2", "--target", "1e-6")
    assert code == 0, err
    assert "current for WER = 1e-06 (A/m^2):" in out and " ± " in out
