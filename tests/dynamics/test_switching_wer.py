"""The `write-error-rate` command (axial Fokker–Planck) and the `switching` ensemble (stochastic
LLG) agree where both apply: the same magnet file, started from the Boltzmann state of its start
well at zero current, under the same pulse (THERMAL.md §6). Until issue 14 this comparison lived
only in benchmarks/wer.py."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from spintorque.dynamics.switching import run_switching
from spintorque.magnet.io import load_macrospin
from spintorque.thermal.wer import problem_from_file

MTJ = Path(__file__).parents[2] / "examples" / "macrospin" / "mtj.toml"


def _small_mtj(tmp_path: Path) -> Path:
    """The perpendicular MTJ example made cheap: 20 nm across (sigma = 19.2 instead of 77) and
    damping 0.1 (tau_N = 3.39 ns instead of 134 ns), so that a write takes ~1 ns."""
    path = tmp_path / "small_mtj.toml"
    path.write_text(MTJ.read_text().replace('diameter = "40 nm"', 'diameter = "20 nm"')
                    .replace("damping = 0.01", "damping = 0.1"))
    return path


def _wer_command(path: Path, J: float, pulses: str) -> dict:
    from typer.testing import CliRunner

    from spintorque.cli import app

    result = CliRunner().invoke(app, ["write-error-rate", str(path), "--current", f"{J:.17g} A/m^2",
                                      "--pulse", pulses, "--json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))


@pytest.mark.slow
def test_write_error_rate_command_agrees_with_the_switching_ensemble_within_3_standard_errors(
        tmp_path):
    path = _small_mtj(tmp_path)
    zero = problem_from_file(path, [0.0])
    assert zero.tau_N is not None and zero.critical_current_density is not None
    assert 15 < zero.model.sigma < 25
    J = 1.8 * zero.critical_current_density
    doc = _wer_command(path, J, "0.22ns:0.52ns:4")
    pulses = np.array(doc["pulse_s"])
    wer = np.array(doc["write_error_rate"])[0]
    assert doc["current_ratio"][0] == pytest.approx(1.8, rel=1e-9)
    assert doc["converged"] and np.all((wer > 0.05) & (wer < 0.95))  # resolvable by 800 runs

    # the ensemble: thermalised one tau_N at zero current (the WER's start distribution), then
    # the pulse; settled below m_z = −0.05 (h = 0: the separatrix is the equator) for 20 ps
    run = load_macrospin(path)
    thermalise, n, dt = 3.4e-9, 800, 5e-13
    conditions = replace(run.conditions, current_density=lambda t: np.where(
        np.asarray(t) >= thermalise, J, 0.0))
    result = run_switching(run.model, conditions, duration=thermalise + 0.52e-9, dt=dt,
                           trajectories=n, seed=14, threshold=0.05, settle=2e-11)
    assert not result.warnings
    # (1) the WER's own definition on the ensemble: m on the start side at the end of the pulse
    assert pulses[-1] == pytest.approx(0.52e-9, rel=1e-12)
    final = float(np.mean(result.final_m[:, 2] > 0.0))
    assert abs(final - wer[-1]) <= 3.0 * math.sqrt(wer[-1] * (1 - wer[-1]) / n), (final, wer[-1])
    # (2) the switching criterion: switched (settled beyond −c, t_s <= T − w) by the end of each
    # shorter pulse, against 1 − WER; neglected: returns out of the barrier-free reversed well
    # and the mass in transit through −c < m_z < 0 (measured, seed 14: −0.9, −1.1, −0.4 and, for
    # (1), +0.2 standard errors, from the default thermal start and from start="initial" alike:
    # after one tau_N in the well the same noise has carried both starts to the same states)
    for tp, w in zip(pulses[:-1], wer[:-1], strict=True):
        switched = float(np.mean(result.switched & (result.switching_time <= thermalise + tp)))
        sigma = math.sqrt(w * (1 - w) / n)
        assert abs(switched - (1.0 - w)) <= 3.0 * sigma, (tp, switched, 1 - w, sigma)


@pytest.mark.slow
def test_the_ensemble_from_its_thermal_start_is_one_minus_the_write_error_rate_on_every_pulse(
        tmp_path):
    # issue 14: `switching FILE --current J` with the default thermal start (the zero-current
    # Boltzmann state on m·u > 0, the WER's start) against `write-error-rate` under the same
    # pulse from t = 0, no thermalising phase; the criterion near the separatrix (c = 0.05, h = 0)
    # with a 20 ps window. The old fixed start at the pole (start="initial") must fail it.
    path = _small_mtj(tmp_path)
    J = 4.63e11  # 1.8 J_c0
    doc = _wer_command(path, J, "0.3ns:0.54ns:3")
    pulses = np.array(doc["pulse_s"])
    wer = np.array(doc["write_error_rate"])[0]
    assert doc["converged"] and np.all((wer > 0.05) & (wer < 0.95))
    run = load_macrospin(path)
    conditions = replace(run.conditions, current_density=J)
    n = 800
    gaps = {}
    for start in ("thermal", "initial"):
        result = run_switching(run.model, conditions, duration=0.56e-9, dt=5e-13, trajectories=n,
                               seed=14, threshold=0.05, settle=2e-11, start=start)
        assert not result.warnings and result.start == start
        fraction = np.array([np.mean(result.switched & (result.switching_time <= tp)) for tp in pulses])
        gaps[start] = (fraction - (1.0 - wer)) / np.sqrt(wer * (1.0 - wer) / n)
    # measured (seed 14): thermal −2.2, −1.7, −0.3 standard errors (slightly low: the transit
    # from m·u = 0 to −c); the fixed start −15.8, −13.3, −9.0
    assert np.all(np.abs(gaps["thermal"]) <= 4.0), gaps
    assert np.any(np.abs(gaps["initial"]) > 4.0), gaps
