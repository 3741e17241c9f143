"""The thermal start state (spintorque.dynamics.start): exact draws from exp(−E V/k_BT) on the
start hemisphere m·u > 0, checked against the exact law of z = m·u (axial) and against
quadrature of second moments (two curvatures, a transverse field, no unique easy axis), on both
envelopes; and the seeding that makes the starts of an ensemble reproducible."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, special, stats

from spintorque.constants import k_B, mu0
from spintorque.dynamics.start import (
    START_SPAWN_KEY,
    reduced_energy,
    resolve_start,
    start_generator,
    start_states,
    thermal_start,
)
from spintorque.errors import InputError
from spintorque.magnet import Demag, Macrospin, MacrospinModel, Uniaxial, Zeeman

T = 300.0
MS, THICKNESS, AREA = 1e6, 1e-9, 1e-16
VOLUME = THICKNESS * AREA


def _axial(sigma: float, h: float = 0.0) -> MacrospinModel:
    """Easy axis z, U = −σ z² − 2σ h z [k_BT] (h: the reduced field along the axis)."""
    K = sigma * k_B * T / VOLUME
    H = 2.0 * K * h / (mu0 * MS)
    magnet = Macrospin(MS, THICKNESS, AREA, 0.1, initial=(0.0, 0.0, 1.0))
    return MacrospinModel(magnet, Uniaxial(K, (0, 0, 1)) + Zeeman((0.0, 0.0, H)))


def _axial_cdf(sigma: float, h: float, z: np.ndarray) -> np.ndarray:
    """Exact CDF of z on (0, 1] for the density ∝ exp(σ z² + 2σ h z) = exp(σ(z + h)² − σh²):
    (erfi(√σ(z + h)) − erfi(√σ h)) / (erfi(√σ(1 + h)) − erfi(√σ h))."""
    r = math.sqrt(sigma)
    low = special.erfi(r * h)
    return np.asarray((special.erfi(r * (z + h)) - low) / (special.erfi(r * (1 + h)) - low))


@pytest.mark.parametrize(("sigma", "h", "proposal"), [
    (19.2, 0.0, "gaussian"), (300.0, 0.0, "gaussian"), (40.0, 0.3, "gaussian"),
    # (30, −0.7): the equator 12 k_BT below the well; the uniform envelope kept 0.025 of its
    # draws here, the cells keep 0.72 and are chosen
    (40.0, -0.3, "gaussian"), (30.0, -0.7, "cells"), (0.4, 0.0, "uniform")])
def test_the_axial_start_has_the_exact_law_of_m_dot_u(sigma, h, proposal):
    n = 40000
    start = thermal_start(_axial(sigma, h), T, n, np.random.default_rng(2026))
    assert start.proposal == proposal and start.axis.tolist() == [0.0, 0.0, 1.0]
    assert start.m.shape == (n, 3) and np.allclose(np.linalg.norm(start.m, axis=1), 1.0, atol=1e-14)
    z = start.m[:, 2]
    assert z.min() > 0.0
    # Kolmogorov–Smirnov against the exact CDF: D·√n < 1.95 is the 0.1 % level of the law
    D = stats.kstest(z, lambda x: _axial_cdf(sigma, h, np.asarray(x))).statistic
    assert D * math.sqrt(n) < 1.95, (D * math.sqrt(n), sigma, h)
    # the azimuth about u is uniform: mean of cos φ and sin φ are 0 within 4 standard errors
    phi = np.arctan2(start.m[:, 1], start.m[:, 0])
    for c in (np.cos(phi), np.sin(phi)):
        assert abs(c.mean()) < 4 * c.std() / math.sqrt(n)
    if proposal == "gaussian" and h >= 0:
        assert start.acceptance > 0.4   # the envelope keeps about half, whatever the barrier


def test_a_high_barrier_of_300_kT_samples_fast_and_at_the_right_angle():
    start = thermal_start(_axial(300.0), T, 200000, np.random.default_rng(1))
    # <1 − z> ≈ 1/(2σ) + 1/(4σ²)... for exp(σz²): exact value by quadrature
    num = integrate.quad(lambda t: (1 - t) * math.exp(300 * (t * t - 1)), 0, 1, epsrel=1e-13)[0]
    den = integrate.quad(lambda t: math.exp(300 * (t * t - 1)), 0, 1, epsrel=1e-13)[0]
    d = 1 - start.m[:, 2]
    assert abs(d.mean() - num / den) < 4 * d.std() / math.sqrt(d.size)


def _hemisphere_moments(model: MacrospinModel, u: np.ndarray, vectors: list[np.ndarray]
                        ) -> list[float]:
    """<(m·v)²> over exp(−U) on m·u > 0 by tensor quadrature: Gauss–Legendre in θ ∈ (0, π/2)
    about u (split at the well's width), trapezoid (spectral) in φ."""
    A, a = reduced_energy(model, T)
    helper = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    e1 = np.cross(u, helper)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(u, e1)
    x, w = np.polynomial.legendre.leggauss(200)
    edges = [0.0, 0.05, 0.15, 0.4, math.pi / 2]
    theta = np.concatenate([0.5 * (b - a_) * x + 0.5 * (b + a_) for a_, b in itertools.pairwise(edges)])
    wt = np.concatenate([0.5 * (b - a_) * w for a_, b in itertools.pairwise(edges)])
    phi = np.linspace(0, 2 * math.pi, 512, endpoint=False)
    th, ph = np.meshgrid(theta, phi, indexing="ij")
    m = (np.cos(th)[..., None] * u + np.sin(th)[..., None]
         * (np.cos(ph)[..., None] * e1 + np.sin(ph)[..., None] * e2))
    U = -0.5 * np.einsum("...i,ij,...j->...", m, A, m) - m @ a
    weight = np.exp(-(U - U.min())) * np.sin(th) * wt[:, None]
    return [float(np.sum(weight * (m @ v) ** 2) / np.sum(weight)) for v in vectors]


IN_PLANE = [
    # easy axis x, film normal z (V = 1e-25 m³ at 300 K): σ = KV/k_BT = 9.7, curvature 2σ
    # towards y and 2σ + 15 towards z
    (Uniaxial(4.0e5, (1, 0, 0)) + Demag((0, 0, 0.5)), (1.0, 0.0, 0.0), "gaussian"),
    # the same with a field across the easy axis, 3 k_BT (the well's bottom tilted towards y)
    (Uniaxial(4.0e5, (1, 0, 0)) + Demag((0, 0, 0.5)) + Zeeman((0.0, 1e5, 0.0)), (1.0, 0.0, 0.0),
     "gaussian"),
    # a shallow well (σ ≈ 0.5): the uniform envelope
    (Uniaxial(2e4, (1, 0, 0)) + Demag((0, 0, 0.02)), (1.0, 0.0, 0.0), "uniform"),
    # an easy plane (no unique easy axis) with the start tilted out of it: u is not an
    # eigenvector of the energy, the crude uniform envelope
    (Demag((0, 0, 0.04)), (1.0, 0.0, 1.0), "uniform"),
]


@pytest.mark.parametrize(("energy", "initial", "proposal"), IN_PLANE)
def test_second_moments_on_two_curvatures_match_quadrature(energy, initial, proposal):
    model = MacrospinModel(Macrospin(MS, THICKNESS, AREA, 0.1, initial=initial), energy)
    n = 200000
    start = thermal_start(model, T, n, np.random.default_rng(17))
    assert start.proposal == proposal
    u = start.axis
    assert np.all(start.m @ u > 0.0)
    probes = [np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])]
    exact = _hemisphere_moments(model, u, probes)
    for v, want in zip(probes, exact, strict=True):
        sample = (start.m @ v) ** 2
        se = sample.std() / math.sqrt(n)
        assert abs(sample.mean() - want) <= 4 * se, (v, sample.mean(), want, se)
    if proposal == "gaussian" and len(energy) == 2:
        # two different curvatures (2σ = 19.4 and 34.5 k_BT): spreads 1.7 apart, so a sampler
        # that made the well round would fail the moments above by far more than 4 errors
        assert exact[1] > 1.5 * exact[2]


def test_the_start_stream_is_the_seeds_own_and_reproducible():
    model = _axial(19.2)
    seq = np.random.SeedSequence(7)
    one = start_states(model, T, seq, 500, "thermal")
    two = start_states(model, T, np.random.SeedSequence(7), 500, "thermal")
    other = start_states(model, T, np.random.SeedSequence(8), 500, "thermal")
    assert one is not None and two is not None and other is not None
    np.testing.assert_array_equal(one, two)
    assert not np.array_equal(one, other)
    assert start_states(model, T, seq, 500, "initial") is None
    # the start stream is none of the trajectories' noise streams (spawn keys (i,))
    child = start_generator(seq).bit_generator.seed_seq
    assert isinstance(child, np.random.SeedSequence)
    assert child.spawn_key == START_SPAWN_KEY and len(child.spawn_key) == 2


def test_start_modes_resolve_by_temperature_and_refuse_thermal_at_zero_kelvin():
    assert resolve_start(None, 300.0) == ("thermal", None)
    mode, note = resolve_start(None, 0.0)
    assert mode == "initial" and note is not None and "0 K" in note
    assert resolve_start("initial", 300.0) == ("initial", None)
    with pytest.raises(InputError, match="--start"):
        resolve_start("thermal", 0.0)
    with pytest.raises(InputError, match="--start"):
        resolve_start("boltzmann", 300.0)
    with pytest.raises(InputError, match="--start"):
        thermal_start(_axial(10.0), 0.0, 10, np.random.default_rng(0), field="--start")
    # the refusal names the caller's option: "start" by default, a sweep's "options.start"
    with pytest.raises(InputError) as default:
        thermal_start(_axial(10.0), 0.0, 10, np.random.default_rng(0))
    assert default.value.field == "start"
    with pytest.raises(InputError) as sweep:
        resolve_start("thermal", 0.0, "options.start")
    assert sweep.value.field == "options.start" and "options.start to initial" in str(sweep.value)


def _tilted(sigma: float, hx: float, hz: float) -> MacrospinModel:
    """Easy axis z (start +z), U = −σ z² − 2σ(h_x x + h_z z) [k_BT]: fields in units of H_K."""
    K = sigma * k_B * T / VOLUME
    HK = 2.0 * K / (mu0 * MS)
    magnet = Macrospin(MS, THICKNESS, AREA, 0.1, initial=(0.0, 0.0, 1.0))
    return MacrospinModel(magnet, Uniaxial(K, (0, 0, 1)) + Zeeman((hx * HK, 0.0, hz * HK)))


def _hemisphere_means(model: MacrospinModel, functions, n_theta: int, n_phi: int) -> list[float]:
    """Means of f(m) over exp(−U) on m·u > 0 (u = z) by Gauss–Legendre in θ on eight equal
    pieces of (0, π/2) and the trapezoid (spectral) in φ."""
    A, a = reduced_energy(model, T)
    x, w = np.polynomial.legendre.leggauss(n_theta)
    edges = np.linspace(0.0, math.pi / 2, 9)
    theta = np.concatenate([0.5 * (b - a_) * x + 0.5 * (b + a_) for a_, b in itertools.pairwise(edges)])
    wt = np.concatenate([0.5 * (b - a_) * w for a_, b in itertools.pairwise(edges)])
    phi = np.linspace(0, 2 * math.pi, n_phi, endpoint=False)
    th, ph = np.meshgrid(theta, phi, indexing="ij")
    m = np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], axis=-1)
    U = -0.5 * np.einsum("...i,ij,...j->...", m, A, m) - m @ a
    weight = np.exp(-(U - U.min())) * np.sin(th) * wt[:, None]
    return [float(np.sum(weight * f(m)) / np.sum(weight)) for f in functions]


TILTED = [
    # (σ = KV/k_BT, h_x, h_z): transverse fields 0.3, 0.5, 0.8 H_K (switching field H_K; the
    # well tilted by asin h, its barrier σ(1 − h)²), a reversed field 0.6 H_K (barrier 0.16 σ,
    # the equator 0.2 σ below the well), and a high barrier at 0.5 H_K
    (58.0, 0.3, 0.0), (58.0, 0.5, 0.0), (58.0, 0.8, 0.0), (58.0, 0.0, -0.6), (300.0, 0.5, 0.0),
    (20.0, 0.8, 0.0),
]


@pytest.mark.parametrize(("sigma", "hx", "hz"), TILTED)
def test_a_tilted_or_reversed_well_is_sampled_exactly_and_keeps_most_draws(sigma, hx, hz):
    model = _tilted(sigma, hx, hz)
    field = np.array([hx, 0.0, hz]) / math.hypot(hx, hz)
    functions = [lambda m: m @ field, lambda m: (m @ field) ** 2, lambda m: m[..., 2]]
    exact = _hemisphere_means(model, functions, 120, 1024)
    # the quadrature is converged far below the Monte-Carlo errors
    finer = _hemisphere_means(model, functions, 200, 2048)
    np.testing.assert_allclose(exact, finer, rtol=0, atol=1e-10)
    n = 100000
    start = thermal_start(model, T, n, np.random.default_rng(31))
    assert start.proposal == "cells"
    # measured 0.75, 0.72, 0.90, 0.76, 0.90, 0.86: the old Gaussian/uniform envelopes kept
    # 7e-5, 0 of 4e5, 0 of 4e5, 0.015, (not measured), 0 of 4e5 here
    assert start.acceptance >= 0.1, start.acceptance
    assert np.all(start.m[:, 2] > 0.0)
    assert np.allclose(np.linalg.norm(start.m, axis=1), 1.0, atol=1e-14)
    for f, want in zip(functions, exact, strict=True):
        sample = f(start.m)
        se = sample.std() / math.sqrt(n)
        assert abs(sample.mean() - want) <= 4 * se, (sample.mean(), want, se)


@pytest.mark.parametrize(("sigma", "hx", "hz"), [*TILTED, (19.2, 0.0, 0.0), (0.4, 0.0, 0.0)])
def test_the_cells_envelope_dominates_the_density_everywhere(sigma, hx, hz):
    from spintorque.dynamics.start import _R, _cells, _curvature_bound, _envelope, _gradient

    A, a = reduced_energy(_tilted(sigma, hx, hz), T)
    base = _envelope(A, a, np.array([0.0, 0.0, 1.0]))
    cells = _cells(base)
    # every acceptance probability of 10⁶ proposals is ≤ 1 (propose raises otherwise; the max
    # is checked here too)
    _, log_p = cells.propose(np.random.default_rng(5), 1_000_000)
    assert float(log_p.max()) <= 1e-9 * (1.0 + abs(float(base.delta_u(base.u[None]).max())))
    assert np.mean(np.isfinite(log_p)) > 0.3
    # the gradient and the curvature bound M₂ against central differences on |x| ≤ R
    rng = np.random.default_rng(6)
    x = rng.uniform(-1, 1, (4000, 2))
    x = x[np.linalg.norm(x, axis=1) < 1] * (_R - 1e-3)
    d0, g = _gradient(base, x)
    step = 1e-5
    for i in range(2):
        e = np.zeros(2)
        e[i] = step
        fd = (_gradient(base, x + e)[0] - _gradient(base, x - e)[0]) / (2 * step)
        np.testing.assert_allclose(g[:, i], fd, rtol=1e-5, atol=1e-6 * (1 + np.abs(d0).max()))
    curv = _curvature_bound(A, a)
    worst = 0.0
    for v in rng.normal(size=(16, 2)):
        v /= np.linalg.norm(v)
        second = (_gradient(base, x + step * v)[0] - 2 * d0 + _gradient(base, x - step * v)[0]) / step**2
        worst = max(worst, float(np.abs(second).max()))
    assert worst <= curv, (worst, curv)


def test_a_switching_run_names_its_callers_start_option():
    from spintorque.dynamics.switching import run_switching
    from spintorque.magnet import Conditions

    for field in ("--start", "options.start"):
        with pytest.raises(InputError) as refused:
            run_switching(_axial(10.0), Conditions(), duration=1e-10, dt=1e-13, trajectories=2,
                          start="thermal", start_field=field)
        assert refused.value.field == field
