"""Thermal noise: the zero-current stationary distribution is Boltzmann, and Heun's strong order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from spintorque.analytic import dynamics as an
from spintorque.constants import k_B
from spintorque.dynamics import heun_step, run_stochastic, thermal_sigma
from spintorque.magnet import Macrospin, MacrospinModel, Uniaxial, load_macrospin

EXAMPLE = Path(__file__).parents[2] / "examples" / "macrospin" / "thermal.toml"


def integrated_autocorrelation_time(x: np.ndarray) -> float:
    """Sokal's self-consistent window estimate of τ_int for rows of independent series (in samples)."""
    x = x - x.mean()
    variance = np.mean(x * x)
    tau = 1.0
    for k in range(1, x.shape[1] // 2):
        tau += 2.0 * np.mean(x[:, :-k] * x[:, k:]) / variance
        if k >= 5 * tau:
            return float(tau)
    raise AssertionError("series too short for its autocorrelation time")


def test_zero_current_stationary_distribution_is_boltzmann():
    run = load_macrospin(EXAMPLE)
    magnet = run.model.magnet
    sigma = run.model.energy["uniaxial"].K * magnet.volume / (k_B * run.conditions.temperature)
    assert sigma == pytest.approx(3.0, rel=1e-4)
    ds = run_stochastic(run.model, run.conditions, duration=15e-9, dt=0.5e-12, trajectories=1000,
                        seed=2026, save_every=40)
    z = ds.m.values[:, 25:, 2]  # drop the first 0.5 ns (3 relaxation times tau_N)
    z2 = z**2
    tau = integrated_autocorrelation_time(z2)
    standard_error = z2.std() / np.sqrt(z2.size / tau)
    exact = an.boltzmann_mz2(sigma)
    assert abs(z2.mean() - exact) < 5 * standard_error  # 5 standard errors
    # The test has power: a factor-2 error in the noise variance (sigma -> 1.5 or 6) is > 25 SE away.
    assert min(abs(an.boltzmann_mz2(s) - exact) for s in (sigma / 2, 2 * sigma)) > 25 * standard_error
    # KS on the last sample of each trajectory (independent draws).
    last = ds.m.values[:, -1, 2]
    assert stats.kstest(last, lambda v: an.boltzmann_mz_cdf(v, sigma)).pvalue > 1e-3
    assert stats.kstest(last, lambda v: an.boltzmann_mz_cdf(v, sigma / 2)).pvalue < 1e-3


def test_heun_converges_with_strong_order_one_half_for_the_non_commuting_thermal_noise(rng):
    # Noise fields m×e_i do not commute (rotations), so Lévy areas limit Heun to strong order 1/2.
    V = 1.0 * k_B * 300.0 / 1e5  # sigma = 1: noise-dominated
    model = MacrospinModel(Macrospin(1e6, 2e-9, V / 2e-9, 0.1, (np.sin(0.5), 0.0, np.cos(0.5))),
                           Uniaxial(1e5))
    paths, coarse_steps, dt0, ref = 200, 50, 2e-12, 64
    xi = rng.normal(size=(paths, coarse_steps * ref, 3))
    final = {}
    for k in (ref, 8, 4, 2, 1):
        dt = dt0 / k
        noise = xi.reshape(paths, coarse_steps * k, ref // k, 3).sum(axis=2) / np.sqrt(ref // k)
        m = np.tile(model.magnet.initial, (paths, 1))
        for j in range(coarse_steps * k):
            m = heun_step(model, m, dt, 0.0, 0.0, thermal_sigma(model, 300.0, dt) * noise[:, j])
        final[k] = m
    ks = np.array([1, 2, 4, 8])
    errors = np.array([np.mean(np.linalg.norm(final[k] - final[ref], axis=1)) for k in ks])
    order = -np.polyfit(np.log(ks), np.log(errors), 1)[0]
    assert 0.4 < order < 0.7
