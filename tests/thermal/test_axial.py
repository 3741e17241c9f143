"""Axially symmetric Fokker–Planck solver against closed forms and independent methods."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.polynomial import legendre as leg
from scipy.integrate import quad

from spintorque.analytic import (
    brown_high_barrier_rate,
    effective_barrier,
    free_diffusion_rate,
    low_barrier_rate,
)
from spintorque.errors import InputError
from spintorque.thermal import (
    AxialModel,
    galerkin_matrix,
    integral_relaxation_time,
    mean_first_passage_time,
    smallest_eigenvalue,
    spectrum,
    stationary_density,
    switching_probability,
)

CASES = [(0.5, 0.0, 0.0), (2.0, 0.1, 0.0), (5.0, 0.0, 0.3), (8.0, -0.2, 0.2), (3.0, 0.3, -0.4)]


def test_zero_barrier_gives_the_free_diffusion_spectrum():
    model = AxialModel(0.0)
    assert smallest_eigenvalue(model) == pytest.approx(1.0, rel=1e-13)
    np.testing.assert_allclose(spectrum(model, 6, size=40), free_diffusion_rate(np.arange(6)),
                               atol=1e-11)
    assert integral_relaxation_time(model) == pytest.approx(1.0, rel=1e-13)
    assert mean_first_passage_time(model) == pytest.approx(2 * math.log(2), rel=1e-14)


@pytest.mark.parametrize(("sigma", "h", "i"), CASES)
def test_green_iteration_and_legendre_galerkin_agree_on_lambda1(sigma, h, i):
    model = AxialModel(sigma, h, i)
    galerkin = spectrum(model, 2, size=120)[1]
    assert smallest_eigenvalue(model) == pytest.approx(galerkin, rel=1e-8)


@pytest.mark.parametrize(("sigma", "h", "i"), CASES)
def test_mean_first_passage_time_matches_nested_adaptive_quadrature(sigma, h, i):
    model = AxialModel(sigma, h, i)
    U = model.potential

    def tail(z: float) -> float:
        return quad(lambda s: math.exp(-U(s)), z, 1, epsabs=0, epsrel=1e-13, limit=200)[0]

    for start, target in ((1.0, 0.0), (0.6, -0.3), (-0.5, 0.2)):
        lo, hi = min(start, target), max(start, target)
        def integrand(z: float, reflect_at_plus: bool = start > target) -> float:
            # reflecting pole at z = +1 (mirrored: at z = -1)
            mass = tail(z) if reflect_at_plus else quad(
                lambda s: math.exp(-U(s)), -1, z, epsabs=0, epsrel=1e-13, limit=200)[0]
            return math.exp(U(z)) / (1 - z * z) * mass
        reference = 2 * quad(integrand, lo, hi, epsabs=0, epsrel=1e-12, limit=200)[0]
        assert mean_first_passage_time(model, start, target) == pytest.approx(reference, rel=1e-10)


@pytest.mark.parametrize(("sigma", "h", "i"), CASES)
def test_integral_relaxation_time_matches_a_galerkin_linear_solve(sigma, h, i):
    # tau_int = <dz, (-L)^-1 dz> / <dz, dz> in the Boltzmann-weighted inner product; here the
    # resolvent is applied in the Legendre basis of W instead of by the double integral.
    model = AxialModel(sigma, h, i)
    size = 120
    x, w = leg.leggauss(size + 40)
    weq = stationary_density(model, x)
    mean = np.sum(w * weq * x)
    g = x - mean
    norm = (2 * np.arange(size) + 1) / 2
    c = norm * (leg.legvander(x, size - 1).T @ (w * weq * g))
    a = np.linalg.lstsq(galerkin_matrix(model, size), -2 * c, rcond=None)[0]
    numerator = np.sum(w * g * (leg.legvander(x, size - 1) @ a))
    tau = numerator / np.sum(w * weq * g * g)
    assert integral_relaxation_time(model) == pytest.approx(tau, rel=1e-8)


def test_lambda1_approaches_browns_formula_like_one_plus_order_one_over_sigma():
    sigmas = np.array([20.0, 40.0, 80.0, 160.0])
    for h in (0.0, 0.2):
        ratio = np.array([smallest_eigenvalue(AxialModel(s, h)) for s in sigmas]) \
            / brown_high_barrier_rate(sigmas, h)
        deviation = np.abs(ratio - 1)
        assert np.all(np.diff(deviation) < 0)
        scaled = sigmas * deviation
        assert np.all((scaled > 0.3) & (scaled < 3))
        assert abs(scaled[-1] / scaled[-2] - 1) < 0.05  # deviation ∝ 1/sigma


def test_low_barrier_expansion_holds_to_third_order():
    for s in (1e-3, 1e-2, 3e-2):
        error = abs(smallest_eigenvalue(AxialModel(s)) - low_barrier_rate(s))
        assert error < 0.05 * s**3


@pytest.mark.slow
def test_escape_time_grows_with_the_effective_barrier_under_current():
    # time to reach the barrier top z* = -h_eff from the well m_z = +1:
    # ln(MFPT) = sigma·ΔE_eff − a ln(sigma) + ..., so d ln(MFPT)/d sigma = ΔE_eff − a/sigma + O(σ⁻²);
    # extrapolating the slope from sigma = 80 and 160 removes the prefactor's 1/sigma term
    def slope(s: float, h: float, i: float) -> float:
        top = -(h - i * (1 + h))
        return (math.log(mean_first_passage_time(AxialModel(s + 0.5, h, i), 1.0, top))
                - math.log(mean_first_passage_time(AxialModel(s - 0.5, h, i), 1.0, top)))
    for h, i in ((0.0, 0.0), (0.0, 0.4), (0.2, 0.3), (-0.1, -0.3)):
        extrapolated = 2 * slope(160.0, h, i) - slope(80.0, h, i)
        assert extrapolated == pytest.approx(float(effective_barrier(1.0, i, h)), rel=3e-3)


def test_lambda1_is_the_inverse_escape_time_at_high_barrier():
    # symmetric wells: λ1 = k12 + k21 = 2/(2·MFPT to the equator)
    model = AxialModel(40.0)
    assert smallest_eigenvalue(model) * mean_first_passage_time(model) == pytest.approx(1, rel=1e-8)


def test_probability_is_conserved_and_relaxes_to_boltzmann():
    model = AxialModel(3.0, 0.1, 0.2)
    M = galerkin_matrix(model, 60)
    assert np.all(M[0] == 0)  # ∂t ∫W = 0 exactly
    times = np.array([0.0, 1.0, 10.0, 1e3, 1e5])
    p = switching_probability(model, times, start=1.0, size=60)
    assert p[0] < 1e-3 and np.all(np.diff(p) > 0)
    z = np.linspace(-1, 0, 2001)
    boltzmann = np.trapezoid(stationary_density(model, z), z)
    assert p[-1] == pytest.approx(boltzmann, rel=1e-6)
    null = np.linalg.svd(M)[2][-1]
    x, w = leg.leggauss(80)
    coefficients = (2 * np.arange(60) + 1) / 2 * (leg.legvander(x, 59).T @ (w * stationary_density(model, x)))
    np.testing.assert_allclose(null / null[0] * coefficients[0], coefficients, atol=1e-12)


@pytest.mark.parametrize(("sigma", "h"), [(60.0, 0.0), (30.0, 0.2)])
def test_high_barrier_lambda1_is_resolved_to_full_precision(sigma, h):
    # λ1 ~ e^{-sigma}: refining the chain fourfold changes it by rounding only
    model = AxialModel(sigma, h)
    value = smallest_eigenvalue(model)
    assert smallest_eigenvalue(model, cells=16384) == pytest.approx(value, rel=1e-10)


def test_asymmetric_wells_relax_at_the_escape_rate_of_the_shallow_well():
    # with a field the slow mode is escape from the shallow well over the barrier at z* = -h:
    # λ1 → 1/(2 MFPT(-1 → z*)) (1 + O(1/sigma)), far above the deep well's rate
    for sigma in (30.0, 60.0):
        model = AxialModel(sigma, 0.2)
        rate = 1 / (2 * mean_first_passage_time(model, -1.0, -0.2))
        assert smallest_eigenvalue(model) / rate == pytest.approx(1.0, abs=3 / sigma)


def test_bad_reduced_parameters_are_rejected():
    with pytest.raises(InputError, match="sigma"):
        AxialModel(-1.0)
    with pytest.raises(InputError, match=r"sigma: K V / k_B T must be in \[0, 2000\]"):
        AxialModel(2500.0)
    with pytest.raises(InputError, match=r"i: .*sigma = 500, h = 1\.5, i = 10000"):
        AxialModel(500.0, 1.5, 1e4)
    with pytest.raises(InputError, match="h: the reduced field"):
        AxialModel(5.0, math.nan)
    with pytest.raises(InputError, match="target"):
        mean_first_passage_time(AxialModel(1.0), 1.0, -1.0)


@pytest.mark.parametrize(("sigma", "h", "i", "nu"), [(3.0, 0.0, 0.3, 0.5), (6.0, 0.1, -0.2, 1.0),
                                                      (2.0, -0.2, 0.4, -0.8)])
def test_spin_injection_diffusion_matches_a_galerkin_operator_built_with_it(sigma, h, i, nu):
    # the chain and spectral methods use the effective-temperature mapping; the Galerkin matrix
    # puts the factor 1 + nu·i on the diffusion term directly
    model = AxialModel(sigma, h, i, nu)
    assert smallest_eigenvalue(model) == pytest.approx(spectrum(model, 2, size=120)[1], rel=1e-8)


def test_spin_injection_lowers_the_effective_barrier():
    # d ln(MFPT to the barrier top)/d sigma -> sigma-independent ΔE_eff/sigma with the 1/(1 + nu i)
    h, i, nu = 0.0, 0.3, 0.8
    top = -(h - i * (1 + h))

    def slope(s: float) -> float:
        return (math.log(mean_first_passage_time(AxialModel(s + 0.5, h, i, nu), 1.0, top))
                - math.log(mean_first_passage_time(AxialModel(s - 0.5, h, i, nu), 1.0, top)))
    extrapolated = 2 * slope(160.0) - slope(80.0)
    assert extrapolated == pytest.approx(float(effective_barrier(1.0, i, h, nu)), rel=3e-3)
    with pytest.raises(InputError, match="nu"):
        AxialModel(5.0, 0.0, 1.0, -1.0)
