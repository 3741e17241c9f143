"""The current for a target WER: its error carries the WER's own error, and says when that WER
is not converged (issue 14)."""

from __future__ import annotations

import math

import pytest

from spintorque.thermal import AxialModel
from spintorque.thermal.wer import current_for_target, write_error_rate


def _slope(model: AxialModel, i: float, t: float, step: float = 1e-3) -> float:
    """d ln WER / d i by a central difference on a finer chain (independent of the secant)."""
    r = write_error_rate(model, [i - step, i + step], [t], max_cells=512, rtol=1e-8)
    return float(math.log(r.write_error_rate[1, 0] / r.write_error_rate[0, 0]) / (2 * step))


def _offset(model: AxialModel, i: float, t: float, target: float) -> float:
    """How far i lies from the root of the finer chain: ln(WER(i)/target) / slope."""
    fine = write_error_rate(model, [i], [t], max_cells=1024, rtol=1e-7)
    assert fine.converged.all()
    return math.log(fine.write_error_rate[0, 0] / target) / _slope(model, i, t)


@pytest.mark.slow
def test_an_unconverged_wer_makes_the_target_current_unconverged_and_widens_its_error():
    # sigma = 40 near i = 1 with a start well: the chain on at most 256 cells gives WER to
    # ~3e-6 only, above the 1e-6 asked; before, the error was the secant step alone and no
    # flag said that the WER under i* had missed its accuracy
    model, t, target = AxialModel(40.0), 3.0, 1e-9
    found = current_for_target(model, target, [t], max_cells=256)
    delta = float(found.wer_relative_error[0])
    assert not found.outside[0] and not found.converged[0]
    assert delta > found.rtol == 1e-6
    slope = _slope(model, float(found.current_ratio[0]), t)
    assert slope < 0  # a larger current leaves less unswitched
    # the propagated part alone, with the independent slope (the secant's is within 1e-2 of it)
    assert found.error[0] >= 0.99 * delta / abs(slope)
    # and the estimate bounds the distance to the root of the finer chain
    assert abs(_offset(model, float(found.current_ratio[0]), t, target)) <= found.error[0]


@pytest.mark.slow
def test_a_converged_wer_gives_a_converged_target_current_within_its_error():
    model, t, target = AxialModel(10.0), 1.0, 1e-6
    found = current_for_target(model, target, [t], bracket=(0.5, 3.0), max_cells=256)
    assert found.converged[0] and found.wer_relative_error[0] <= 1e-6
    assert 0 < found.error[0] < 1e-6
    assert abs(_offset(model, float(found.current_ratio[0]), t, target)) <= found.error[0]


def test_outside_the_bracket_the_verdict_rests_on_the_end_wer():
    found = current_for_target(AxialModel(10.0), 1e-6, [0.002], nodes=5, max_cells=256)
    assert found.outside[0] and math.isnan(found.error[0])
    assert found.converged[0] and 0 <= found.wer_relative_error[0] <= 1e-5
