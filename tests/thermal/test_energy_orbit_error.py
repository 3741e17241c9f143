"""The energy solver's λ1 error estimate covers the orbit interpolants' own errors (rounding of
the orbit integrals near the separatrix, truncation in u): on axial problems, where the exact 1D
solver is the independent reference, every reported λ1 lies within its own estimate (plus the
1D solver's) of the 1D value."""

from __future__ import annotations

import itertools

import pytest

from spintorque.errors import InputError
from spintorque.thermal import ReducedProblem, escape
from spintorque.thermal.energy import diffusion as ed


def _within(sigma: float, h: float, i: float) -> tuple[float, float]:
    """(|λ1 energy − λ1 axial|/λ1 axial, the two estimates added), or InputError."""
    problem = ReducedProblem(sigma, h, i)
    axial, energy = escape(problem, method="axial"), escape(problem, method="energy")
    assert energy.lambda1_tau_N is not None and axial.lambda1_tau_N is not None
    difference = abs(energy.lambda1_tau_N / axial.lambda1_tau_N - 1.0)
    allowed = energy.error_estimate["lambda1"] + axial.error_estimate["lambda1"]
    return difference, allowed


@pytest.mark.parametrize(("sigma", "h", "i"), [(50.0, 0.9, 0.0), (500.0, 0.95, 0.3)])
def test_lambda1_within_its_estimate_near_a_shallow_well(sigma, h, i):
    # before: 2.7e-10 against 9e-11 + 1.4e-11 (sigma 50) and 5.5e-8 against 1.8e-12 (sigma 500):
    # the node nearest the separatrix of the shallow well carried ~1e-6 of rounding in M
    difference, allowed = _within(sigma, h, i)
    assert difference <= allowed
    assert allowed < ed.USEFUL  # still a value reported (measured 1e-9, 2.7e-7)


SCAN = list(itertools.product((5.0, 50.0, 500.0), (0.0, 0.5, 0.9, 0.95), (-0.5, 0.0, 0.3, 0.6)))
"""(500, 0, 0.6) was a strict xfail until the axial chain's estimate got its rounding floor
(:func:`spintorque.thermal.axial.chain.rounding_floor`): against the certified Legendre spectrum
the axial λ1 was 3.0e-12 off (claimed 2.3e-13) and the energy λ1 3.5e-12 (claimed 3.7e-12),
so the 6.5e-12 between them was the axial reference's unestimated rounding."""


@pytest.mark.long
@pytest.mark.parametrize(("sigma", "h", "i"), SCAN)
def test_lambda1_within_its_estimate_over_the_axial_domain(sigma, h, i):
    try:
        difference, allowed = _within(sigma, h, i)
    except InputError as exc:  # a single well under this current: refused in words
        assert "single well" in exc.message
        return
    assert difference <= allowed
