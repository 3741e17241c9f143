"""Issue 14 D4/D7: the energy-diffusion solver in log space, checked against the axial solver.

On an axially symmetric magnet orbit averaging is exact at any damping, so the energy method
and the exact 1D solver (:mod:`spintorque.thermal.axial`, written separately: adaptive
Kronrod quadrature and its own log-space chain) must agree within their error estimates, for
barriers whose escape times are far beyond e^709.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from spintorque.thermal import ReducedProblem, escape

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "macrospin"
KEYS = {"lambda1": "ln_lambda1_tau_N",
        "integral_relaxation_time": "ln_integral_relaxation_time_over_tau_N",
        "mfpt": "ln_mfpt_over_tau_N", "switching_rate": "ln_switching_rate_tau_N"}
FLOOR = 1e-11
"""Relative rounding of a logarithm of size ~1e3 (64 ulp of ln): below any error estimate."""


def _compare(sigma: float, h: float, i: float) -> list[str]:
    """The quantities where the two methods differ by more than the sum of their own relative
    error estimates (plus the rounding of ln); also checks the energy result is converged and
    every value or logarithm is finite."""
    problem = ReducedProblem(sigma=sigma, h=h, i=i, alpha=0.01)
    axial, energy = escape(problem, "axial"), escape(problem, "energy")
    assert energy.converged, energy.messages
    json.loads(energy.to_json())  # strict JSON
    bad = []
    for quantity, key in KEYS.items():
        la, le = axial.details.get(key), energy.details.get(key)
        assert (la is None) == (le is None), (quantity, la, le)
        if la is None:
            continue
        assert math.isfinite(le)
        ea, ee = axial.error_estimate[quantity], energy.error_estimate[quantity]
        assert ee is not None and ea is not None
        difference = abs(math.expm1(le - la))
        if difference > ea + ee + FLOOR * max(1.0, abs(la)):
            bad.append(f"{quantity} at sigma={sigma}, h={h}, i={i}: {difference:.2g} > "
                       f"{ea:.2g} + {ee:.2g}")
    return bad


@pytest.mark.slow
def test_energy_lambda1_and_tau_exist_where_the_wells_weights_differ_by_e1000():
    """D4: sigma = 500, i = 0.5 puts e^{-1000} of the stationary weight on the start well;
    λ1 = 1.2133e-51 (a normal double) was null with converged false."""
    result = escape(ReducedProblem(sigma=500, h=0.0, i=0.5, alpha=0.01), "energy")
    assert result.converged
    assert result.lambda1_tau_N == pytest.approx(1.2133362849924e-51, rel=1e-9)
    assert result.integral_relaxation_time_over_tau_N is not None
    assert _compare(500, 0.0, 0.5) == []


@pytest.mark.slow
def test_energy_barrier_of_675_kT_is_solved_not_refused():
    """D4: sigma = 300, h = 0.5 (barrier 675 k_BT) was refused ("above 650 k_BT overflow")."""
    assert _compare(300, 0.5, 0.0) == []


@pytest.mark.slow
def test_an_mfpt_beyond_double_range_is_null_with_its_logarithm():
    """sigma = 500, h = 0.9: MFPT = e^1796 tau_N; null with a reason naming the ln key, the
    logarithm equal to the axial one within the estimates."""
    result = escape(ReducedProblem(sigma=500, h=0.9, i=0.0, alpha=0.01), "energy")
    assert result.mfpt_over_tau_N is None
    assert "ln_mfpt_over_tau_N" in result.null_reasons["mfpt"]
    assert result.details["ln_mfpt_over_tau_N"] == pytest.approx(1796.3845323426, rel=1e-11)
    document = json.loads(result.to_json())
    assert document["mfpt_over_tau_N"] is None and "mfpt_over_tau_N" in document["null_reasons"]


@pytest.mark.slow
def test_in_plane_escape_prints_no_runtime_warning():
    """D7: the in-plane example at −4e11 A/m² printed numpy's 'overflow encountered in
    divide' (the most-probable-cell search divided p ~ e^709 by the cell areas). The 2D grids
    are asked for by name: ``auto`` now reports the harmonic method here, which has no MFPT."""
    proc = subprocess.run([sys.executable, "-W", "error::RuntimeWarning", "-m", "spintorque",
                           "escape", str(EXAMPLES / "in_plane.toml"), "--current",
                           "-4e11 A/m^2", "--solver", "sphere", "--json"], capture_output=True, text=True,
                          timeout=600, check=False)
    assert "RuntimeWarning" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stderr
    document = json.loads(proc.stdout)
    assert document["lambda1"] > 0 and document["mfpt"] > 0


SCAN = [(s, h, i) for s in (50.0, 150.0, 300.0, 500.0) for h in (0.0, 0.3, 0.6)
        for i in (0.0, 0.3, 0.6)]


@pytest.mark.long
def test_energy_agrees_with_axial_over_sigma_50_to_500():
    bad = [line for point in SCAN for line in _compare(*point)]
    assert bad == []
