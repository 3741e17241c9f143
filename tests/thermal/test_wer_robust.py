"""Robustness of the axial WER over the whole input domain (issue 14): large barriers and
currents in log space, no warnings, probabilities in [0, 1], monotone where physics says so."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest

from spintorque.errors import InputError
from spintorque.thermal import AxialModel, smallest_eigenvalue
from spintorque.thermal.wer import write_error_rate
from spintorque.thermal.wer.chain import build_chain, chain_rate

PULSES = [0.0, 1e-3, 0.05, 0.3, 1.0, 10.0, 1e3]


def check_point(sigma: float, h: float, currents: list[float], max_cells: int = 512) -> None:
    """WER on PULSES for each current: no warning, finite, in [0, 1], non-increasing in the pulse
    length for a current that does not stabilise the start well (i (1 + h) >= 0; a stabilising
    one pulls leaked probability back), non-increasing in the destabilising drive i (1 + h)
    (h < −1 flips the sign of I_c0(h)); λ1 finite and >= 0 (0: below the double range).
    Differences within the reported error estimates are not violations; values whose estimate
    is >= 1 (no digit known, reported with a null error) are not compared."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = write_error_rate(AxialModel(sigma, h), currents, PULSES, max_cells=max_cells)
    w, err = r.write_error_rate, r.write_error_rate_error
    where = f"sigma = {sigma}, h = {h}"
    assert np.all(np.isfinite(w)) and np.all((w >= 0) & (w <= 1)), where
    assert np.all(np.isfinite(r.lambda1)) and np.all(r.lambda1 >= 0), (where, r.lambda1)
    known = err < 1.0  # values with at least one digit (converged or not)
    slack = np.where(known, err, np.inf) + 1e-9
    drive = np.asarray(currents) * (1.0 + h)
    for k in np.flatnonzero(drive >= 0):
        with np.errstate(invalid="ignore"):
            rise = w[k, 1:] - w[k, :-1] * (1 + slack[k, 1:] + slack[k, :-1])
        assert not np.any(rise > 1e-300), (where, currents[k], w[k])
    order = np.argsort(drive)
    for a, b in itertools.pairwise(order):
        with np.errstate(invalid="ignore"):
            rise = w[b] - w[a] * (1 + slack[a] + slack[b])
        assert not np.any(rise > 1e-300), (where, currents[a], currents[b], w[a], w[b])


@pytest.mark.parametrize(
    ("sigma", "h", "currents"),
    [
        (500.0, 0.0, [0.5]),
        (300.0, 0.0, [0.5]),
        pytest.param(200.0, 0.0, [1.5], marks=pytest.mark.slow),
        (2000.0, 0.3, [0.5, 0.9]),
    ],
)
def test_large_barriers_and_currents_do_not_crash(sigma, h, currents):
    check_point(sigma, h, currents, max_cells=256)


@pytest.mark.parametrize(("sigma", "h", "i"), [(40.0, 0.0, 0.5), (60.0, 0.2, 0.3), (40.0, 0.0, 1.5)])
def test_log_space_chain_rate_is_the_plain_one_where_both_work(sigma, h, i):
    from spintorque.thermal.wer.chain import log_chain_rate

    chain = build_chain(AxialModel(sigma, h, i), 128)
    log_rate, converged = log_chain_rate(chain)
    assert converged
    assert math.exp(log_rate) == pytest.approx(chain_rate(chain), rel=1e-10)


def test_chain_rate_beyond_the_double_range_of_the_masses():
    """sigma = 500, i = 0.5: masses span e^1120 (the old code divided by zero); the finest
    chain's rate is the axial solver's λ1 to its O(h²) grid error."""
    model = AxialModel(500.0, 0.0, 0.5)
    rate = chain_rate(build_chain(model, 512))
    assert rate > 0
    assert rate == pytest.approx(smallest_eigenvalue(model), rel=1e-3)
    assert chain_rate(build_chain(AxialModel(2000.0), 64)) == 0.0  # e^-1988: below the double range


@pytest.mark.slow
def test_drift_dominated_chain_is_not_trusted_without_a_start_well():
    """sigma = 77, i = 11.67 (examples/macrospin/mtj.toml at 3e11 A/m²): every chain grid
    keeps WER ≈ 1 at t = 0.0074 tau_N although the reversal from the thermal angle (rate
    ~1500/tau_N from 1 − z ~ 1/(2 sigma)) is mostly over; auto must not take it. On the dense
    grids (<= 1024 cells) the drift guard refuses it; the sparse grids up to 8192 cells resolve
    the drift (a rise of U <= 2 k_BT per cell) and agree with the spectral value."""
    model = AxialModel(76.99737416760124)
    chain = write_error_rate(model, [11.67], [0.00744], method="chain", max_cells=1024)
    assert not chain.converged.all()
    auto = write_error_rate(model, [11.67], [0.00744])
    assert 1e-4 < auto.write_error_rate[0, 0] < 1e-2
    fine = write_error_rate(model, [11.67], [0.00744], method="chain")
    if fine.converged.all():  # then it must be right, not the dense grids' 1 − 3e-13
        bound = 1e-6 + auto.write_error_rate_error[0, 0]
        assert abs(fine.write_error_rate[0, 0] / auto.write_error_rate[0, 0] - 1) <= bound


SCAN_SIGMAS = (0.01, 1.0, 20.0, 80.0, 200.0, 500.0)
SCAN_FIELDS = (-0.9, 0.0, 0.5, 1.5)
"""h > −1: at h <= −1 there is no start well at zero current and the WER is refused."""
SCAN_CURRENTS = [-2.0, -0.5, 0.0, 0.5, 0.9, 1.0, 1.1, 2.0, 5.0, 20.0]


def test_reduced_scan_of_the_domain():
    """A corner of every regime in one call each: stabilising, read, critical, strongly driven."""
    check_point(500.0, 1.5, [0.5], max_cells=256)
    with pytest.raises(InputError, match="no start well at zero current") as refused:
        check_point(20.0, -1.5, [-2.0, 0.5, 5.0], max_cells=256)
    assert refused.value.field == "h"
    check_point(80.0, 0.5, [1.1], max_cells=256)
    check_point(200.0, -0.9, [2.0], max_cells=256)


@pytest.mark.slow
@pytest.mark.parametrize(("sigma", "h"), [(1.0, -0.9), (80.0, 0.5), (20.0, 1.5)])
def test_medium_scan_of_the_domain(sigma, h):
    """Rows of the full scan (every current) in three regimes; the full scan is ``long``."""
    check_point(sigma, h, SCAN_CURRENTS)


@pytest.mark.long
@pytest.mark.parametrize("sigma", SCAN_SIGMAS)
@pytest.mark.parametrize("h", SCAN_FIELDS)
def test_full_scan_of_the_domain(sigma, h):
    """sigma 0.01 … 500 × i −2 … 20 × h −1.5 … 1.5 at the command's default grids (~10 s each)."""
    check_point(sigma, h, SCAN_CURRENTS)
