"""The model error of the energy-diffusion (α → 0) paths (issue 14: ``converged`` covers the model).

The predicted factor F(δ) = δ/A(δ) (Mel'nikov–Meshkov) against Brown's equation solved at the
same damping by an independent method (the spherical-harmonic Galerkin operator's λ1), the
flags it raises in the escape and WER results, and the axial problems, where averaging is exact.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from spintorque.thermal import ReducedProblem, escape
from spintorque.thermal.energy import diffusion as ed
from spintorque.thermal.sphere import harmonics as sh
from spintorque.thermal.sphere.model import uniaxial_model
from spintorque.thermal.wer import SphereWERProblem, write_error_rate
from spintorque.thermal.wer.energy import energy_write_error_rate
from spintorque.thermal.wer.harmonics import base_degree, slowest_rates

Z = np.array([0.0, 0.0, 1.0])
X = np.array([1.0, 0.0, 0.0])


def test_turnover_factor_limits():
    # F → 1 + (−ζ(1/2)/√π) √δ as δ → 0 (Mel'nikov & Meshkov 1986), F → δ as δ → ∞ (A → 1)
    coefficient = 1.4603545088095868 / math.sqrt(math.pi)
    for delta in (1e-10, 1e-8, 1e-6):
        assert (ed.turnover_factor(delta) - 1.0) / math.sqrt(delta) == pytest.approx(
            coefficient, abs=3 * math.sqrt(delta))
    assert ed.turnover_factor(0.0) == 1.0 and ed.turnover_depopulation(0.0) == 0.0
    assert ed.turnover_factor(68.9) == pytest.approx(68.9, rel=1e-8)
    values = [ed.turnover_factor(d) for d in np.geomspace(1e-6, 1e3, 40)]
    assert bool(np.all(np.diff(values) > 0))
    assert all(d / f <= 1.0 for d, f in zip(np.geomspace(1e-6, 1e3, 40), values, strict=True))


def _harmonic_lambda1(model, degree):
    return slowest_rates(sh.build_operator(model, degree, Z))[0]


@pytest.mark.slow
@pytest.mark.parametrize("i", [0.0, 0.5])
def test_the_predicted_factor_bounds_the_energy_lambda1_against_brown_equation(i):
    # in-plane-type magnet (easy axis z, easy plane 1 σ: the well's critical current is 1.5,
    # so i = 0.5 is sub-critical), σ = 10; Brown's equation at each damping by the harmonic
    # Galerkin operator (no numerical diffusion), degrees 3 and 4 × its base degree: the
    # energy-diffusion λ1 exceeds it, by less than F(α M(E_s)) (docs/thermal.md table)
    problem = ReducedProblem(10.0, i=i, hard_ratio=1.0)
    limit = ed.energy_diffusion(problem.sphere_model(1e-12), Z)
    ours = ed.smallest_eigenvalue(limit)
    base = base_degree(ReducedProblem(10.0, hard_ratio=1.0).sphere_model(0.1), Z)
    for alpha in (0.01, 0.03, 0.2):
        model = problem.sphere_model(alpha)
        coarse, fine = _harmonic_lambda1(model, 3 * base), _harmonic_lambda1(model, 4 * base)
        spread = abs(fine - coarse) / fine
        assert spread < 1e-3, (alpha, spread)
        ratio = ours / fine
        factor = ed.turnover_factor(limit.energy_loss_per_orbit(alpha))
        assert ratio * (1.0 - spread) >= 1.0, (alpha, ratio, spread)
        assert ratio * (1.0 + spread) <= factor, (alpha, ratio, factor)


@pytest.mark.slow
def test_escape_energy_off_the_axis_reports_its_model_error_and_is_not_converged():
    result = escape(ReducedProblem(10.0, hard_ratio=1.0, alpha=0.1), "energy")
    delta = result.details["separatrix_energy_loss_per_orbit_kT"]
    assert delta == pytest.approx(0.1 * 8 * 10 * 1.0, rel=1e-9)  # M(E_s) = 8 σ √κ
    factor = ed.turnover_factor(delta)
    assert result.model_error == pytest.approx(factor - 1.0, rel=1e-12)
    assert result.details["model_error_factor"] == pytest.approx(factor, rel=1e-12)
    assert not result.converged  # the numerics converged; the model is off by up to 8.4×
    assert result.error_estimate["lambda1"] < 1e-6
    assert any(f"{factor:.3g} times" in m and "2D sphere solver" in m for m in result.messages)
    doc = json.loads(result.to_json())
    assert doc["converged"] is False and doc["model_error"] == pytest.approx(factor - 1.0)
    assert result.to_dataset().attrs["model_error"] == pytest.approx(factor - 1.0)
    # without a damping the value is the α → 0 limit itself: unknown model error, said why
    limit = escape(ReducedProblem(10.0, hard_ratio=1.0), "energy")
    assert limit.model_error is None and "alpha -> 0 limit" in limit.null_reasons["model_error"]
    assert limit.converged and json.loads(limit.to_json())["model_error"] is None
    assert limit.to_dataset().attrs["model_error"] == "none"


@pytest.mark.slow
def test_escape_energy_under_a_torque_off_the_axis_has_an_unknown_model_error():
    # σ = 30, easy plane σ, i = 0.5, α = 0.05 (δ = 12): energy λ1 9.01e-6, the 2D grids
    # 4.7e-7 … 5.9e-7 (three grid sequences, not converged): 15–19× against F = 12.2
    result = escape(ReducedProblem(30.0, i=0.5, hard_ratio=1.0, alpha=0.05), "energy")
    assert result.model_error is None and not result.converged
    assert result.details["model_error_zero_current_factor"] == pytest.approx(
        ed.turnover_factor(0.05 * 8 * 30), rel=1e-12)
    assert "not predicted" in result.null_reasons["model_error"]
    assert any("2D sphere solver" in m for m in result.messages)


@pytest.mark.slow
def test_escape_energy_on_the_axis_is_exact_and_stays_converged():
    for i in (0.0, 0.3):
        result = escape(ReducedProblem(10.0, 0.1, i, alpha=0.3), "energy")
        axial = escape(ReducedProblem(10.0, 0.1, i), "axial")
        assert result.converged and result.model_error == 0.0
        assert "axially symmetric" in result.details["model_error_note"]
        assert result.lambda1_tau_N == pytest.approx(axial.lambda1_tau_N, rel=1e-9)
        assert axial.model_error == 0.0 and json.loads(axial.to_json())["model_error"] == 0.0


@pytest.mark.slow
def test_wer_energy_on_the_axis_has_no_model_error():
    models = tuple(uniaxial_model(12.0, alpha=0.05, current_ratio=i) for i in (0.5, 1.3))
    problem = SphereWERProblem(models, uniaxial_model(12.0, alpha=0.05), Z, np.array([0.5, 1.3]))
    result = energy_write_error_rate(problem, np.array([0.0, 0.2, 1.0]), 1e-3)
    assert result.model_error is not None and np.all(result.model_error == 0.0)
    assert result.notes == () and bool(result.converged.all())
    assert "write_error_rate_model_error" in result.to_dataset()


@pytest.mark.slow
def test_wer_energy_model_error_bounds_brown_equation_off_the_axis():
    # easy axis x, easy plane 2σ (well critical current 2), σ = 10, α = 0.03: Brown's equation
    # by the harmonic Galerkin path (its estimate 5e-2 at 0.8 τ_N: up to 0.4); measured
    # (harmonics/energy − 1 at 0.05 … 0.8 τ_N) 0.001 …
    # 0.018 at i = 0.5 (bound 0.001 … 0.053) and 0.048 … 0.18 at i = 3 (bound 0.18 … 0.24)
    kw = dict(alpha=0.03, hard_ratio=2.0, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1))
    models = (uniaxial_model(10.0, current_ratio=3.0, **kw),)
    problem = SphereWERProblem(models, uniaxial_model(10.0, **kw), X, np.array([3.0]))
    times = np.array([0.1, 0.2, 0.4])
    ours = energy_write_error_rate(problem, times, 1e-2)
    reference = write_error_rate(problem, None, times, method="harmonics")
    assert np.all(reference.write_error_rate_error[0] < 1e-2)
    gap = reference.write_error_rate[0] / ours.write_error_rate[0] - 1.0
    slack = reference.write_error_rate_error[0] + ours.write_error_rate_error[0]
    assert np.all(gap + slack >= 0.0) and np.all(gap - slack <= ours.model_error[0]), \
        (gap, ours.model_error[0])
    # numerically converged to rtol = 1e-2, not within it for the model
    assert not ours.converged.any() and np.all(ours.write_error_rate_error[0] < 1e-2)
