"""The regime off the axis under a spin torque comes from the landscape of the drift and the
rates the method has, not from whether it has an MFPT (issue 14, deliverable 1).

Before: method "harmonics" (no MFPT) called every stable start state under a non-axial torque
"critical", and the averaged profile of m·u called the in-plane example at −1e11 A/m² a
"single well" (it saw the stable start state as unstable: circles about u miss the easy plane's
stiffness), though the drift has a second stable state at −x."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from spintorque.thermal import PhysicalProblem, ReducedProblem, escape
from spintorque.thermal.regime import sphere_landscape
from spintorque.thermal.sphere.model import sphere_reduction

IN_PLANE = Path(__file__).parents[2] / "examples" / "macrospin" / "in_plane.toml"
TILTED = {"alpha": 0.1, "hard_ratio": 0.5, "polarizer_angle": 0.5}


def test_a_deep_tilted_well_is_thermally_activated_with_harmonics():
    # λ1 = 5.03e-5 /tau_N resolved, |Re μ| = 19.7 /tau_N: ln(|Re μ|/λ1) = 12.9 (main: "critical")
    found = escape(ReducedProblem(sigma=20, h=0.0, i=0.3, **TILTED), method="harmonics")
    assert found.mfpt_over_tau_N is None
    assert found.regime == "thermally activated", found.regime_reason
    assert "ln(|Re μ|/k_fwd)" in found.regime_reason


def test_an_unresolved_lambda1_bounds_the_exponent_from_below():
    # λ1 below the operator's resolution (2.6e-6 /tau_N): k_fwd < 2.6e-6, exponent >= 16.3
    found = escape(ReducedProblem(sigma=30, h=0.0, i=0.2, **TILTED), method="harmonics")
    assert found.lambda1_tau_N is None and "not resolved" in found.null_reasons["lambda1"]
    assert found.regime == "thermally activated", found.regime_reason
    assert "resolution" in found.regime_reason


def test_a_strongly_stabilising_torque_leaves_a_single_well():
    found = escape(ReducedProblem(sigma=10, h=0.0, i=-3.0, **TILTED), method="harmonics")
    assert found.regime == "single well", found.regime_reason


def test_the_in_plane_example_below_the_critical_current_has_two_states():
    # −1e11 A/m² destabilises +x (unstable from ~−1.9e11), stabilises −x: two stable states
    problem = PhysicalProblem.from_file(IN_PLANE, -1e11, None, 0.0)
    model = sphere_reduction(problem.model, problem.conditions).model
    verdict = sphere_landscape(model, np.array([1.0, 0.0, 0.0]))
    assert verdict.regime != "single well", verdict.reason
    assert "second stable state" in verdict.reason


@pytest.mark.long
def test_the_in_plane_example_under_current_with_harmonics():
    """−1e11 A/m²: λ1 unresolved (below 3.4e-5 /tau_N), exponent >= 14.3; −1.5e11 A/m²: λ1 =
    0.3186 /tau_N, |Re μ| = 21.5: 4.2, critical (the start well nearly gone)."""
    regimes = [escape(PhysicalProblem.from_file(IN_PLANE, J, None, 0.0), method="harmonics").regime
               for J in (-1e11, -1.5e11)]
    assert regimes == ["thermally activated", "critical"]


@pytest.mark.long
@pytest.mark.parametrize(("sigma", "i", "regime"), [(10, 0.3, "thermally activated"),
                                                     (10, 0.7, "critical")])
def test_the_harmonic_exponent_tracks_the_grids_exponent(sigma, i, regime):
    """Where the grids converge (α = 1): ln(MFPT·|Re μ|) 6.155 and 1.683 from the grids,
    ln(|Re μ|/k_fwd) 6.362 and 1.548 from harmonics (k_fwd = λ1·P_st(m·u < 0))."""
    problem = ReducedProblem(sigma=sigma, h=0.1, i=i, alpha=1.0, hard_ratio=0.5,
                             polarizer_angle=math.radians(30))
    grids, found = escape(problem, method="sphere"), escape(problem, method="harmonics")
    assert grids.converged and grids.regime == found.regime == regime
    a = float(re.search(r"ln\(MFPT·\|Re μ\|\) = ([0-9.]+)", grids.regime_reason).group(1))
    b = found.details["activation_exponent"]
    assert abs(a - b) < 1.0  # the MFPT is 1/k_fwd to within a factor e (1/2 … 1 here)
