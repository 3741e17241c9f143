"""The 2D Fokker–Planck solver on the sphere: conservation, equilibrium, the 1D solver, Brown's
formula, a dense eigensolver and the stochastic LLG ensemble."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.linalg as sl

from spintorque.thermal import AxialModel
from spintorque.thermal import integral_relaxation_time as tau_int_1d
from spintorque.thermal import mean_first_passage_time as mfpt_1d
from spintorque.thermal import smallest_eigenvalue as lambda1_1d
from spintorque.thermal.sphere import solvers as sphere
from spintorque.thermal.sphere.chain import build_chain
from spintorque.thermal.sphere.grid import SphereGrid
from spintorque.thermal.sphere.model import uniaxial_model

TILTED = dict(easy_axis=(0.2, 0.1, 1.0), hard_axis=(1.0, 0.0, 0.0), hard_ratio=0.7,
              field=(0.1, -0.2, 0.15))


def test_generator_conserves_probability_and_has_positive_rates():
    chain = build_chain(uniaxial_model(4.0, alpha=0.1, current_ratio=0.4,
                                       polarizer=(1.0, 0.0, 1.0), **TILTED),
                        SphereGrid.uniform(20, 16))
    Q = sphere.generator_matrix(chain).toarray()
    off = Q - np.diag(np.diag(Q))
    assert off.min() >= 0.0
    assert np.abs(Q.sum(axis=0)).max() < 1e-12 * np.abs(np.diag(Q)).max()
    p = sphere.evolve(chain, times=np.linspace(0.0, 5.0, 6), start=(0.0, 0.0, 1.0))
    assert np.abs(p.sum(axis=(1, 2)) - 1.0).max() < 1e-12
    assert p.min() > -1e-14


def test_a_single_azimuthal_cell_gives_the_axial_chain():
    # n_phi = 1: only the ring-to-ring rates remain; the sparse generator and the ring
    # elimination must agree on it
    chain = build_chain(uniaxial_model(5.0, alpha=0.3, current_ratio=0.2), SphereGrid.uniform(40, 1))
    Q = sphere.generator_matrix(chain).toarray()
    assert np.abs(Q.sum(axis=0)).max() < 1e-12 * np.abs(np.diag(Q)).max()
    slowest = sorted(sl.eigvals(Q), key=lambda z: abs(z))[1]
    assert sphere.smallest_eigenvalue(chain) == pytest.approx(-slowest.real, rel=1e-10)


def test_zero_current_stationary_state_is_exactly_boltzmann_in_any_geometry():
    # anisotropy axis, easy plane and field all tilted, low damping: the precession flux is
    # divergence-free against exp(-U) cell by cell, so Boltzmann is the exact discrete stationary state
    chain = build_chain(uniaxial_model(6.0, alpha=0.05, **TILTED), SphereGrid.uniform(24, 20))
    p = sphere.stationary_distribution(chain)
    assert np.abs(p / chain.equilibrium() - 1.0).max() < 1e-11
    flux_theta, flux_phi = chain.dissipative_flux(p)
    assert max(np.abs(flux_theta).max(), np.abs(flux_phi).max()) < 1e-13


def test_boltzmann_average_converges_to_the_continuum_at_second_order():
    # <(m·e)^2> of the discrete equilibrium against 2D quadrature of exp(-U) on the sphere
    model = uniaxial_model(3.0, alpha=1.0, **TILTED)
    e = np.array(TILTED["easy_axis"]) / np.linalg.norm(TILTED["easy_axis"])
    t, w = np.polynomial.legendre.leggauss(200)
    theta, phi = np.arccos(t)[:, None], (np.arange(400) * 2 * np.pi / 400)[None, :]
    m = SphereGrid.uniform(2, 1).direction(theta, phi)
    boltz = np.exp(-model.potential(m)) * w[:, None]
    exact = float(np.sum(boltz * (m @ e) ** 2) / np.sum(boltz))
    errors = []
    for n in (24, 48):
        chain = build_chain(model, SphereGrid.uniform(n, 2 * n))
        p = sphere.stationary_distribution(chain)
        errors.append(abs(float(np.sum(p * (chain.grid.centres @ e) ** 2)) - exact))
    assert errors[1] < 1e-3
    assert 3.5 < errors[0] / errors[1] < 4.5


def test_detailed_balance_is_broken_by_a_spin_torque_off_the_symmetry_axis():
    grid = SphereGrid.uniform(24, 24)
    for i, broken in ((0.0, False), (0.5, True)):
        chain = build_chain(uniaxial_model(4.0, alpha=0.2, hard_axis=(1, 0, 0), hard_ratio=0.5,
                                           current_ratio=i, polarizer=(1.0, 0.0, 1.0)), grid)
        p = sphere.stationary_distribution(chain)
        flux_theta, _ = chain.dissipative_flux(p)
        c_theta = chain.conductance[0]
        # the dissipative flux relative to its scale c·f: zero iff detailed balance holds
        f = p / (np.exp(-(chain.potential - chain.potential.min())) * grid.areas)
        relative = np.abs(flux_theta).max() / np.max(c_theta * f[:-1])
        assert (relative > 1e-2) if broken else (relative < 1e-13)
        deviation = np.abs(p / chain.equilibrium() - 1.0).max()
        assert (deviation > 0.1) if broken else (deviation < 1e-11)


def test_inverse_iteration_matches_a_dense_eigensolver_without_detailed_balance():
    chain = build_chain(uniaxial_model(4.0, alpha=0.3, current_ratio=0.3,
                                       polarizer=(1.0, 0.0, 1.0), **TILTED),
                        SphereGrid.uniform(14, 10))
    eig = sl.eigvals(sphere.generator_matrix(chain).toarray())
    slowest = sorted(eig, key=lambda z: abs(z))[1]
    assert abs(slowest.imag) < 1e-10
    assert sphere.smallest_eigenvalue(chain) == pytest.approx(-slowest.real, rel=1e-10)


def test_zero_barrier_gives_the_free_diffusion_spectrum():
    # lambda_n tau_N = n(n+1)/2 with multiplicity 2n+1. The grid splits each multiplet; the
    # multiplet means converge at second order (measured ratio 4.0 from 12 to 24 cells)
    sizes, means = (24, 36), []
    for n in sizes:
        eig = np.sort(-sl.eigvals(sphere.generator_matrix(
            build_chain(uniaxial_model(0.0, alpha=0.5), SphereGrid.uniform(n, n))).toarray()).real)
        assert abs(eig[0]) < 1e-14 * abs(eig).max()  # the stationary mode, to rounding
        means.append([float(eig[a:b].mean()) for a, b in ((1, 4), (4, 9), (9, 16))])
    for level, expected in enumerate((1.0, 3.0, 6.0)):
        value, _ = sphere.extrapolate(sizes, [means[0][level], means[1][level]])
        assert value == pytest.approx(expected, rel=5e-4)


@pytest.mark.parametrize("sigma, h, i", [(10.0, 0.2, 0.3), (40.0, 0.0, 0.0)])
def test_axial_problem_agrees_with_the_spectral_1d_solver(sigma, h, i):
    # two independent discretisations: the 2D finite-volume chain in θ (with precession, any
    # damping) and the 1D spectral/chain solvers in z; agreement to 1e-8 after extrapolation
    model = uniaxial_model(sigma, alpha=0.3, field=(0, 0, h), current_ratio=i)
    axial = AxialModel(sigma, h, i)
    sizes = (128, 256, 512, 1024)
    lam = [sphere.smallest_eigenvalue(model, SphereGrid.uniform(n, 3)) for n in sizes]
    value, error = sphere.extrapolate(sizes, lam)
    assert value == pytest.approx(lambda1_1d(axial), rel=1e-8)
    assert error < 1e-8 * value
    tau = [sphere.integral_relaxation_time(model, SphereGrid.uniform(n, 3)) for n in sizes]
    assert sphere.extrapolate(sizes, tau)[0] == pytest.approx(tau_int_1d(axial), rel=1e-8)
    half = (64, 128, 256, 512)
    mfpt = [sphere.mean_first_passage_time(model, SphereGrid.with_ring_at(math.pi / 2, n, n, 3),
                                           absorbing=lambda m: m[..., 2] <= 1e-12, start=(0, 0, 1))
            for n in half]
    assert sphere.extrapolate(half, mfpt, powers=(2, 3, 4))[0] == pytest.approx(
        mfpt_1d(axial, 1.0, 0.0), rel=1e-8)


def test_in_plane_easy_axis_on_a_grid_about_the_film_normal_agrees_with_the_1d_solver():
    # wells on the grid's equator: a genuinely 2D discretisation of a problem the 1D solver knows
    sigma = 40.0
    model = uniaxial_model(sigma, alpha=1.0, easy_axis=(1, 0, 0))
    sizes = (32, 40, 48, 56, 64)
    lam = [sphere.smallest_eigenvalue(model, SphereGrid.uniform(n, 2 * n)) for n in sizes]
    value, error = sphere.extrapolate(sizes, lam)
    assert value == pytest.approx(lambda1_1d(AxialModel(sigma)), rel=1e-6)
    assert error < 1e-6 * value


def _brown_in_plane(sigma: float, kappa: float, alpha: float) -> float:
    """Langer/Brown IHD rate of U = −sigma m_x² + sigma kappa m_z²: two wells, two saddles (±y).

    λ1 tau_N = 2 × 2 × (κ+/2π) √(det H_well/|det H_saddle|) e^{−sigma}, κ+ the unstable
    eigenvalue of the linearised drift at the saddle, σ[[1, κ/α], [1/α, −κ]] in (m_x, m_z).
    """
    growth = 0.5 * sigma * ((1 - kappa) + math.sqrt((1 - kappa) ** 2 + 4 * kappa * (1 + alpha**-2)))
    return 2.0 / math.pi * growth * math.sqrt((1 + kappa) / kappa) * math.exp(-sigma)


def test_in_plane_magnet_with_easy_plane_approaches_browns_formula():
    # ratio → 1 like 1 + O(1/sigma): (ratio − 1) halves when sigma doubles
    kappa, alpha = 5.0, 1.0
    deviations = []
    for sigma, sizes in ((15.0, (24, 32, 40)), (30.0, (32, 40, 48)), (60.0, (40, 48, 56))):
        model = uniaxial_model(sigma, alpha=alpha, easy_axis=(1, 0, 0), hard_axis=(0, 0, 1),
                               hard_ratio=kappa)
        lam = [sphere.smallest_eigenvalue(model, SphereGrid.equator_refined(n, 4 * n, 4.0))
               for n in sizes]
        value, error = sphere.extrapolate(sizes, lam)
        assert error < 1e-3 * value  # ample: the deviations measured are 0.7–3 %
        deviations.append(value / _brown_in_plane(sigma, kappa, alpha) - 1.0)
    assert abs(deviations[2]) < 0.01
    assert 1.6 < deviations[0] / deviations[1] < 2.4
    assert 1.6 < deviations[1] / deviations[2] < 2.4


def test_relaxation_of_the_switching_probability_follows_lambda1():
    # time evolution (expm) and inverse iteration are independent: late-time decay rate = λ1
    chain = build_chain(uniaxial_model(3.0, alpha=0.5, current_ratio=0.2,
                                       polarizer=(1.0, 0.0, 1.0), **TILTED),
                        SphereGrid.uniform(20, 16))
    lam = sphere.smallest_eigenvalue(chain)
    times = np.array([8.0, 10.0]) / lam
    switched = sphere.switching_probability(chain, times=times, start=(0, 0, 1),
                                            switched=lambda m: m[..., 2] < 0)
    final = float(np.sum(sphere.stationary_distribution(chain)[chain.grid.centres[..., 2] < 0]))
    gap = final - switched
    rate = math.log(gap[0] / gap[1]) / (times[1] - times[0])
    assert rate == pytest.approx(lam, rel=1e-4)
