"""The sparse evolution and the ladder of large grids (issue 14: the cut z = 0 at sigma = 200).

The sparse propagator against the dense one on the same chain; its Poisson truncation where the
masses rise by e^3 per uniformisation step (a plain Λt ± 14√(Λt) window was 7 % off there); a
formerly missed window against the independent large-grid reference
(:func:`tests.thermal.wer_reference.large_reference`: other grids, map, quadrature, Poisson
weights, rate and table); the full set of formerly missed windows is ``long``.
"""

from __future__ import annotations

import numpy as np
import pytest

from spintorque.thermal import AxialModel
from spintorque.thermal.wer import read_disturb, write_error_rate
from spintorque.thermal.wer.chain import build_chain
from spintorque.thermal.wer.propagator import start_side_masses
from spintorque.thermal.wer.sparse_propagator import sparse_side_masses

from .wer_reference import large_reference

SCAN_TIMES = np.logspace(-4, 3, 15)
REF_OK = 1e-7


@pytest.mark.parametrize(
    ("sigma", "h", "i"), [(200.0, 0.5, 0.7), (200.0, 0.0, 1.5), (60.0, 0.5, -1.0), (5.0, 0.0, 0.7)]
)
def test_sparse_evolution_equals_the_dense_one_on_the_same_chain(sigma, h, i):
    # every scan pulse, the hand-over included; masses down to 1e-277 in relative terms. The
    # dense propagator's truncation of e^{τ0 S} is in its reported error (relative to the
    # smaller side: 6.6e-10 at R = 5.5e-169, sigma = 200, h = 0.5, i = 0.7, t = 1e-4 tau_N, 256
    # cells, before K was raised there), so the two reported errors together bound the gap
    model, start = AxialModel(sigma, h, i).equivalent()[0], AxialModel(sigma, h)
    chain = build_chain(model, 256)
    dense = start_side_masses(chain, start, SCAN_TIMES)
    sparse = sparse_side_masses(chain, start, SCAN_TIMES, 10**7)
    # both hand over to the two-state law (at their own T: the ladders of T differ with Λ)
    assert np.all(np.isfinite(sparse.error)) and (sparse.handover is None) == (dense.handover is None)
    for ours, theirs in ((sparse.start, dense.start), (sparse.switched, dense.switched)):
        both = theirs > 0
        assert np.array_equal(ours > 0, both)
        bound = sparse.error[both] + dense.error[both]
        assert np.all(np.abs(ours[both] / theirs[both] - 1) <= bound)


@pytest.mark.parametrize(("sigma", "h", "i"), [(200.0, 0.5, 0.7), (200.0, 0.0, 1.5)])
def test_sparse_evolution_does_not_depend_on_the_uniformisation_rate(sigma, h, i):
    # Λ = 4× the largest outflow: another Poisson mixture, 4× the steps, the same e^{tA}
    model, start = AxialModel(sigma, h, i).equivalent()[0], AxialModel(sigma, h)
    chain = build_chain(model, 256)
    times = SCAN_TIMES[:8]
    one = sparse_side_masses(chain, start, times, 10**7)
    four = sparse_side_masses(chain, start, times, 10**7, rate_factor=4.0)
    for a, b in ((one.start, four.start), (one.switched, four.switched)):
        assert np.all(np.abs(a / b - 1) <= one.error + four.error)


def test_the_poisson_window_reaches_a_rising_tail():
    # R rises from 1e-165 to 1e-139 within 0.7e-3 tau_N (sigma = 200, h = 0.5, i = 0.7): the
    # weight of the sum lies far above Λt; a truncation judged by the Poisson weights alone
    # (Λt ± 14√(Λt)) was 7 % off here
    model, start = AxialModel(200.0, 0.5, 0.7).equivalent()[0], AxialModel(200.0, 0.5)
    chain = build_chain(model, 512)
    times = np.array([3.16e-4, 1e-3])
    dense = start_side_masses(chain, start, times)
    sparse = sparse_side_masses(chain, start, times, 10**7)
    assert dense.switched[1] < 1e-130
    assert np.all(np.abs(sparse.switched / dense.switched - 1) <= 1e-11)


def test_pulses_beyond_the_step_budget_are_not_evaluated():
    model, start = AxialModel(40.0, 0.0, 0.5).equivalent()[0], AxialModel(40.0)
    sides = sparse_side_masses(build_chain(model, 256), start, np.array([1e-4, 10.0]), 2000)
    assert np.isfinite(sides.error[0]) and np.isinf(sides.error[1]) and np.isnan(sides.start[1])


def _compare(sigma: float, h: float, i: float, pulses: np.ndarray) -> int:
    """Library against the large-grid reference; returns how many points converged."""
    model = AxialModel(sigma, h)
    r = read_disturb(model, [i], pulses) if i < 1 else write_error_rate(model, [i], pulses, method="chain")
    W, R = r.write_error_rate[0], r.switching_probability[0]
    eW, eR = r.write_error_rate_error[0], r.switching_probability_error[0]
    assert np.all((W >= 0) & (W <= 1) & (R >= 0) & (R <= 1))
    assert np.all(np.abs(W + R - 1) <= 1e-6 + 2 * np.maximum(W * np.nan_to_num(eW, posinf=0),
                                                             R * np.nan_to_num(eR, posinf=0)) + 1e-300)
    refW, refR, refeW, refeR = large_reference(sigma, h, i, pulses, max_steps=400_000)
    converged = 0
    for got, est, ref, ref_est in ((W, eW, refW, refeW), (R, eR, refR, refeR)):
        ok = (ref >= 1e-300) & np.isfinite(ref) & (ref_est <= 1e-6)
        error = np.abs(got[ok] / ref[ok] - 1)
        assert np.all(error <= np.maximum(est[ok], REF_OK) + ref_est[ok]), (sigma, h, i, error, est[ok])
        claimed = est[ok] <= 1e-6
        assert np.all(error[claimed] <= 1e-6 + ref_est[ok][claimed]), (sigma, h, i, error, ref_est[ok])
        converged += int(claimed.sum())
    return converged


@pytest.mark.slow
def test_a_formerly_missed_read_disturb_at_sigma_200_converges_on_the_large_grids():
    # R ~ 3.3e-97 at t = 1e-3 tau_N (h = 0, i = -1): estimate 8.8e-6 on the dense grids
    assert _compare(200.0, 0.0, -1.0, SCAN_TIMES[[2]]) == 2


FORMER_SPARSE_MISSES = [  # (sigma, h, i, scan pulse indices) missing 1e-6 on <= 1024 dense cells
    (200.0, -0.5, 1.5, [5, 7, 8, 9, 10, 11]),
    (200.0, 0.0, -1.0, [2, 3, 4, 5, 9]),
    (200.0, 0.0, 0.3, [3, 4]),
    (200.0, 0.0, 0.7, [2, 3, 4]),
    (200.0, 0.0, 0.95, [0, 2, 3, 4]),
    (200.0, 0.0, 1.5, list(range(15))),
    (200.0, 0.5, -1.0, [0, 1, 2, 3]),
    (200.0, 0.5, 0.3, [1, 2, 3, 4, 5]),
    (200.0, 0.5, 0.7, [0, 1, 2, 3, 4]),
    (200.0, 0.5, 0.95, [0, 1, 2, 3, 4, 5]),
    (200.0, 0.5, 1.5, list(range(15))),
    (40.0, 0.5, -1.0, [6]),
    (40.0, 0.5, 1.5, [4]),
    (60.0, 0.5, -1.0, [4, 5]),
    (60.0, 0.5, 0.7, [3]),
    (60.0, 0.5, 0.95, [3, 4]),
    (60.0, 0.5, 1.5, [2, 3, 4, 8]),
]


@pytest.mark.long
@pytest.mark.parametrize(("sigma", "h", "i", "index"), FORMER_SPARSE_MISSES)
def test_formerly_missed_windows_match_the_large_grid_reference(sigma, h, i, index):
    _compare(sigma, h, i, SCAN_TIMES[index])
