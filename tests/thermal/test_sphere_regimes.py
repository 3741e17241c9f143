"""The 2D solver in every regime of the axial problem (below, at, above and far above the critical
current, stabilising currents, fields beyond the anisotropy field), against independent 1D
references: Chebyshev collocation of the 1D operator (λ1) and adaptive double quadrature of the
exact first-passage and integral-time formulas with shifted exponents (MFPT, τ_int)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg as sl
from scipy.integrate import quad

from spintorque.errors import InputError
from spintorque.thermal import AxialModel
from spintorque.thermal import mean_first_passage_time as mfpt_1d
from spintorque.thermal import smallest_eigenvalue as lambda1_1d
from spintorque.thermal.axial.fokker_planck import log_mean_first_passage_time as log_mfpt_1d
from spintorque.thermal.energy import diffusion as ed
from spintorque.thermal.sphere import solvers as sphere
from spintorque.thermal.sphere.chain import build_chain
from spintorque.thermal.sphere.escape2d import EscapeOverflowError, escape_2d
from spintorque.thermal.sphere.grid import SphereGrid
from spintorque.thermal.sphere.model import uniaxial_model

CURRENTS = (-1.0, 0.0, 0.5, 0.9, 1.0, 1.1, 2.0, 5.0)
FIELDS = (-0.5, 0.0, 0.5, 1.2)
SIGMAS = (0.5, 5.0, 20.0)


def _potential(sigma: float, h: float, i: float):
    """U(z) = −sigma z² − 2 sigma h_eff z, h_eff = h − i(1 + h) (THERMAL.md §6), and U'."""
    b = 2.0 * sigma * (h - i * (1.0 + h))
    return (lambda z: -sigma * z * z - b * z), (lambda z: -2.0 * sigma * z - b)


def _collocation_lambda1(sigma: float, h: float, i: float, n: int) -> float:
    """Smallest non-zero eigenvalue [1/tau_N] of the backward 1D operator
    L f = ½[(1 − z²) f'' − (2z + (1 − z²) U') f'] by Chebyshev collocation on n + 1 points
    (no boundary rows: (1 − z²) vanishes at ±1, the natural condition of the sphere)."""
    j = np.arange(n + 1)
    z = np.cos(np.pi * j / n)
    c = np.where((j == 0) | (j == n), 2.0, 1.0) * (-1.0) ** j
    dz = z[:, None] - z[None, :]
    D = np.outer(c, 1.0 / c) / (dz + np.eye(n + 1))
    D -= np.diag(D.sum(axis=1))
    dU = _potential(sigma, h, i)[1](z)
    L = 0.5 * (np.diag(1 - z * z) @ D @ D - np.diag(2 * z + (1 - z * z) * dU) @ D)
    lam = np.sort(-sl.eigvals(L).real)
    return float(lam[1])


def _lambda1_reference(sigma: float, h: float, i: float,
                       sizes: tuple[int, int] = (160, 240)) -> float:
    """Collocation where λ1 is not exponentially small (checked at two resolutions); the
    exact 1D chain solver where it is (metastable wells, i < 1, which it handles exactly)."""
    coarse, fine = (_collocation_lambda1(sigma, h, i, n) for n in sizes)
    if fine > 1e-2:
        assert coarse == pytest.approx(fine, rel=1e-9)
        return fine
    return lambda1_1d(AxialModel(sigma, h, i))


def _mfpt_reference(sigma: float, h: float, i: float, target: float = 0.0) -> float:
    """T(1 → target) = 2 ∫_target^1 dz/(1 − z²) ∫_z^1 e^{U(z) − U(y)} dy [tau_N], every
    exponential shifted by the largest climb S so that nothing overflows."""
    U, _ = _potential(sigma, h, i)
    grid = np.linspace(target, 1.0, 4001)
    S = float(np.max(U(grid) - np.minimum.accumulate(U(grid)[::-1])[::-1]))

    def outer(z: float) -> float:
        if z >= 1.0:
            return 0.5 * math.exp(-S)
        inner = quad(lambda y: math.exp(U(z) - U(y) - S), z, 1.0, epsabs=0, epsrel=1e-13,
                     limit=200)[0]
        return inner / (1.0 - z * z)

    peak = [p for p in (-h + i * (1 + h),) if target < p < 1.0]
    value = quad(outer, target, 1.0, points=peak or None, epsabs=0, epsrel=1e-12, limit=400)[0]
    return 2.0 * value * math.exp(S)


def _tau_int_reference(sigma: float, h: float, i: float) -> float:
    """τ_int = 2/(Z χ) ∫ e^{U}/(1 − z²) I(z)² dz, I(z) = ∫_{−1}^{z} (s − ⟨z⟩) e^{−U} ds (the
    1D problem is reversible at any current), written as ∫ e^{−(U(z) − U_min)} J(z)²/(1 − z²)
    with J = e^{U(z)} I(z) integrated from the side where the integrand keeps one sign."""
    U, _ = _potential(sigma, h, i)
    grid = np.linspace(-1.0, 1.0, 8001)
    lo = float(U(grid).min())
    opts = dict(epsabs=0, epsrel=1e-13, limit=400)
    deep = [float(grid[np.argmin(U(grid))])]
    Z = quad(lambda s: math.exp(-(U(s) - lo)), -1, 1, points=deep, **opts)[0]
    # ⟨z⟩ + 1 from a positive integrand (s e^{−U} changes sign, which quad dislikes)
    mean = quad(lambda s: (1 + s) * math.exp(-(U(s) - lo)), -1, 1, points=deep, **opts)[0] / Z - 1
    chi = quad(lambda s: (s - mean) ** 2 * math.exp(-(U(s) - lo)), -1, 1, points=deep,
               **opts)[0] / Z

    def J(z: float) -> float:
        if z < mean:
            return quad(lambda s: (s - mean) * math.exp(U(z) - U(s)), -1.0, z, **opts)[0]
        return -quad(lambda s: (s - mean) * math.exp(U(z) - U(s)), z, 1.0, **opts)[0]

    def integrand(z: float) -> float:
        if abs(z) >= 1.0:
            return 0.0
        return math.exp(-(U(z) - lo)) * J(z) ** 2 / (1.0 - z * z)

    value = quad(integrand, -1.0, 1.0, points=sorted({mean, *deep}), **opts)[0]
    return 2.0 * value / (Z * chi)


def test_the_quadrature_references_reproduce_the_1d_solver_below_the_critical_current():
    # the factor of the first-passage formula, checked where the 1D solver is right (i < 1)
    for sigma, h, i in ((5.0, 0.5, 0.5), (20.0, 0.0, 0.0), (0.5, -0.5, -1.0)):
        assert _mfpt_reference(sigma, h, i) == pytest.approx(
            mfpt_1d(AxialModel(sigma, h, i), 1.0, 0.0), rel=1e-10)
    # and the collocation against the 1D chain where λ1 is not exponentially small
    for sigma, h, i in ((5.0, 0.5, 0.5), (0.5, -0.5, -1.0), (5.0, 0.0, 1.0)):
        assert _collocation_lambda1(sigma, h, i, 240) == pytest.approx(
            lambda1_1d(AxialModel(sigma, h, i)), rel=1e-8)


@pytest.mark.parametrize("h", FIELDS)
@pytest.mark.parametrize("sigma", SIGMAS)
def test_2d_solver_agrees_with_1d_references_in_every_regime(sigma, h):
    for i in CURRENTS:
        result = escape_2d(uniaxial_model(sigma, alpha=1.0, field=(0, 0, h), current_ratio=i))
        lam, tau, mfpt = (q.value for q in (result.lambda1, result.integral_relaxation_time,
                                            result.mfpt))
        where = f"sigma={sigma}, h={h}, i={i}"
        # invariants: finite and positive; τ_int ≤ 1/λ1 (the axial problem is reversible in
        # its axially symmetric part, to which m_z belongs, at any current)
        assert all(math.isfinite(x) and x > 0 for x in (lam, tau, mfpt)), where
        assert tau <= (1.0 + 1e-9) / lam, where
        # measured worst over the scan: λ1 6e-9, τ_int 2e-10, MFPT 5.6e-9 (the spin torque's
        # Péclet number inside the Scharfetter–Gummel exponent; it was 3.5e-6 with the product
        # B(ΔU)·B(−x), issue 14)
        references = (_lambda1_reference(sigma, h, i), _tau_int_reference(sigma, h, i),
                      _mfpt_reference(sigma, h, i))
        for q, ref, rel in zip((result.lambda1, result.integral_relaxation_time, result.mfpt),
                               references, (5e-8, 5e-9, 2e-8), strict=True):
            assert q.value == pytest.approx(ref, rel=rel), where
            # the error estimate is honest: the actual error is not larger (the floor covers
            # the references' own accuracy)
            assert abs(q.value - ref) <= 3.0 * q.error + 1e-9 * abs(ref), where
        if result.converged:
            assert result.warning is None
            for q in (result.lambda1, result.integral_relaxation_time, result.mfpt):
                assert q.relative_error < 1e-3
        else:
            assert result.warning is not None and "not converged" in result.warning


def test_above_ic_the_2d_grid_reports_the_1d_lambda1_not_the_slower_azimuthal_pair():
    # sigma = 5, i = 5: the 2D spectrum has a complex pair (modes in φ that m_z does not
    # excite) decaying more slowly than the axially symmetric λ1; a full N × N grid must still
    # give λ1 of the symmetric sector, i.e. exactly the one-cell (axisymmetric) result
    model = uniaxial_model(5.0, alpha=1.0, current_ratio=5.0)
    grid = SphereGrid.with_ring_at(0.5 * math.pi, 8, 8, 17)
    chain = build_chain(model, grid)
    eig = -sl.eigvals(sphere.generator_matrix(chain).toarray())
    slowest = sorted(eig, key=lambda z: z.real)[1]
    lam = sphere.smallest_eigenvalue(chain, start=grid.centres[..., 2])
    assert abs(slowest.imag) > 1.0 and slowest.real < 0.9 * lam  # the pair exists and is slower
    assert np.min(np.abs(eig - lam)) < 1e-9 * lam  # λ1 is an eigenvalue of the 2D grid ...
    symmetric = SphereGrid.with_ring_at(0.5 * math.pi, 8, 8, 1)
    assert lam == pytest.approx(sphere.smallest_eigenvalue(model, symmetric), rel=1e-10)
    sizes = (33, 41, 49)
    full = escape_2d(model, sizes=sizes, family="axial-like")
    one = escape_2d(model, sizes=sizes)
    assert one.family == "axisymmetric"
    assert full.lambda1.values == pytest.approx(one.lambda1.values, rel=1e-10)
    assert full.lambda1.value == pytest.approx(_lambda1_reference(5.0, 0.0, 5.0), rel=1e-3)


@pytest.mark.slow
def test_a_barrier_beyond_the_floating_point_range_is_solved_in_log_space():
    # a stabilising current at sigma = 500: e^{~2000} tau_N has no double-precision value; it
    # was refused (EscapeOverflowError above 650 k_BT) until the axisymmetric family worked in
    # log arithmetic; now its logarithm agrees with the 1D solver's within the estimate
    result = escape_2d(uniaxial_model(500.0, current_ratio=-1.0))
    reference = log_mfpt_1d(AxialModel(500.0, 0.0, -1.0), 1.0, 0.0).log
    assert result.mfpt.log > 709.0  # beyond the double range
    assert result.mfpt.log == pytest.approx(reference, rel=1e-10)
    assert abs(result.mfpt.log - reference) <= 3.0 * result.mfpt.relative_error + 1e-10
    with pytest.raises(EscapeOverflowError, match="beyond the floating-point range"):
        _ = result.mfpt.value
    # far above I_c at sigma = 500 there is no barrier: the numbers exist and come out
    fast = escape_2d(uniaxial_model(500.0, current_ratio=5.0), sizes=(2049, 2561, 3073, 3585))
    assert fast.lambda1.value == pytest.approx(3999.5, rel=1e-4)  # ≈ 2 sigma (i − 1)
    assert 0 < fast.mfpt.value < 1e-2


def test_energy_diffusion_refuses_an_unstable_well_before_building_any_branch(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a branch was built")

    monkeypatch.setattr(ed, "energy_branch", forbidden)
    for i in (1.1, 2.0, 5.0):
        with pytest.raises(ed.UnstableWellError, match=r"W/DM = .* ≥ 1") as info:
            ed.energy_diffusion(uniaxial_model(40.0, alpha=0.01, current_ratio=i))
        assert info.value.ratio == pytest.approx(i, rel=1e-8)
        assert isinstance(info.value, InputError)
    # in-plane layer: the well's critical current is (1 + kappa/2) I_c0
    with pytest.raises(ed.UnstableWellError):
        ed.energy_diffusion(uniaxial_model(20.0, alpha=0.01, easy_axis=(1, 0, 0),
                                           hard_axis=(0, 0, 1), hard_ratio=4.0,
                                           current_ratio=3.3), (1, 0, 0))


@pytest.mark.parametrize(("h", "i"), [(0.0, 1.0), (0.5, 0.9)])
def test_energy_diffusion_near_the_critical_current_agrees_with_the_first_passage_quadrature(h, i):
    # i = 1: the bottom is marginal (W/DM = 1), still a well. h = 0.5, i = 0.9: Ψ peaks next to
    # the bottom and falls 36 k_BT to the separatrix (z = −h), where the spectral quadrature
    # loses its inner integral (it used to return a number off by 1 %); the positive-sum chain
    # takes over, with an honest error estimate (measured: 1.4e-7 and 1.3e-7, estimates 3× that)
    e = ed.energy_diffusion(uniaxial_model(20.0, alpha=0.01, field=(0, 0, h), current_ratio=i))
    value, error = ed.mean_first_passage_time_with_error(e)
    reference = _mfpt_reference(20.0, h, i, target=-h)
    assert error < 1e-6
    assert abs(value - reference) <= error * reference
    assert ed.mean_first_passage_time(e) == value


def test_energy_diffusion_refuses_a_well_without_separatrix():
    # |h| > 1: the orbits about the only minimum close at the maximum (a point), which a
    # diffusion on the sphere never reaches: no first passage to a separatrix exists
    for h in (1.2, -1.2):
        with pytest.raises(ed.NoSeparatrixError, match="no saddle"):
            ed.energy_diffusion(uniaxial_model(20.0, alpha=0.01, field=(0, 0, h)))


@pytest.mark.parametrize("i", [0.5, 2.0])
def test_spin_injection_diffusion_rescales_temperature_and_time_in_2d(i):
    # D_T → D_T (1 + nu i): the problem at sigma is the nu = 0 problem at sigma/(1 + nu i) with
    # every rate multiplied by 1 + nu i (THERMAL.md §4), on both sides of I_c
    sigma, h, nu = 5.0, 0.2, 0.5
    factor = 1.0 + nu * i
    result = escape_2d(uniaxial_model(sigma, field=(0, 0, h), current_ratio=i, nu=nu))
    assert result.lambda1.value == pytest.approx(
        factor * _lambda1_reference(sigma / factor, h, i), rel=5e-8)
    assert result.mfpt.value == pytest.approx(_mfpt_reference(sigma / factor, h, i) / factor,
                                              rel=2e-5)
    assert result.integral_relaxation_time.value == pytest.approx(
        _tau_int_reference(sigma / factor, h, i) / factor, rel=5e-9)


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_through_the_facade_the_2d_mfpt_matches_the_axial_method_to_1e8_up_to_sigma_200():
    # the well found by minimisation lies on the symmetry axis to rounding, so the one-cell
    # family is used (a well tilted by 2e-8 rad gave an N × N grid: MFPT 3e-6 at sigma = 40,
    # 17 % at sigma = 200); the axial method works in log space and is exact to 1e-8
    from spintorque.thermal import ReducedProblem, escape

    worst = 0.0
    for sigma in (0.5, 12.0, 60.0, 200.0):
        for h, i in ((0.0, 0.0), (0.3, 0.2), (-0.3, 0.5), (0.2, 1.5)):
            problem = ReducedProblem(sigma, h, i)
            sphere, axial = escape(problem, "sphere"), escape(problem, "axial")
            assert sphere.details["grid_family"] == "axisymmetric"
            assert sphere.converged and axial.converged, (sigma, h, i)
            for name in ("lambda1_tau_N", "integral_relaxation_time_over_tau_N",
                         "mfpt_over_tau_N"):
                error = abs(getattr(sphere, name) / getattr(axial, name) - 1.0)
                assert error < 1e-8, (sigma, h, i, name, error)
                worst = max(worst, error)
    assert worst > 0.0  # two independent discretisations: not the same numbers
