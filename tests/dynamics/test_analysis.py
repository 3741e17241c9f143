"""Trajectory analysis: telegraph dwell times, precession, steady state, switching statistics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spintorque.analytic import dynamics as an
from spintorque.constants import gamma0
from spintorque.dynamics.analysis import (
    dwell_times,
    first_passage_probability,
    precession,
    steady_state_angle,
    switching_map,
    switching_probability,
)
from spintorque.dynamics.deterministic import integrate
from spintorque.dynamics.stochastic import run_stochastic
from spintorque.magnet import Macrospin, MacrospinModel
from spintorque.magnet.energy import Energy, Uniaxial, Zeeman
from spintorque.magnet.io import load_macrospin
from spintorque.magnet.model import Conditions
from spintorque.thermal import mean_first_passage_time
from spintorque.thermal.axial.physical import axial_reduction

THERMAL = Path(__file__).parents[2] / "examples" / "macrospin" / "thermal.toml"


def test_dwell_times_of_a_synthetic_telegraph_signal_are_recovered_exactly():
    t = np.arange(0, 100.0, 0.01)
    durations = [7.0, 13.0, 5.0, 21.0, 9.0, 30.0]
    level = np.empty_like(t)
    edges = np.cumsum([0.0, *durations])
    for k in range(len(durations)):
        level[(t >= edges[k]) & (t < edges[k + 1])] = 1.0 if k % 2 == 0 else -1.0
    level[t >= edges[-1]] = 1.0
    rng = np.random.default_rng(1)
    noisy = level + rng.uniform(-0.3, 0.3, t.size)  # below the trigger threshold
    dwell = dwell_times(noisy, t, threshold=0.5)
    np.testing.assert_allclose(dwell["down"], durations[1::2], atol=0.011)
    np.testing.assert_allclose(dwell["up"], durations[2::2], atol=0.011)


def test_precession_frequency_is_the_larmor_frequency():
    H, alpha = 8e4, 1e-6  # (nearly) undamped: a steady orbit
    magnet = Macrospin(1e6, 2e-9, 1e-16, alpha, initial=(np.sin(0.3), 0.0, np.cos(0.3)))
    model = MacrospinModel(magnet, Energy((Zeeman((0.0, 0.0, H)),)))
    period = an.larmor_period(H)
    ds = integrate(model, Conditions(), duration=40 * period, samples=4001)
    result = precession(ds)
    expected = gamma0 * H / (1 + alpha**2) / (2 * np.pi)  # m precesses about +H clockwise: f < 0
    assert abs(result.frequency) == pytest.approx(expected, rel=2e-3)
    assert result.amplitude == pytest.approx(np.sin(0.3), rel=0.05)


def test_steady_state_angle_in_a_transverse_field_is_arcsin_of_h_over_h_k():
    K, Ms, Hx = 2e5, 1e6, 8e4
    H_K = an.anisotropy_field(K, Ms)
    magnet = Macrospin(Ms, 2e-9, 1e-16, 0.5)
    model = MacrospinModel(magnet, Energy((Uniaxial(K), Zeeman((Hx, 0.0, 0.0)))))
    ds = integrate(model, Conditions(), duration=2e-8, samples=201)
    assert float(steady_state_angle(ds)[0]) == pytest.approx(np.arcsin(Hx / H_K), rel=1e-6)


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_mean_telegraph_dwell_time_matches_the_fokker_planck_first_passage_time():
    # in the axial case m_z(t) is a 1D Markov process: the dwell between the trigger crossings
    # +z0 and -z0 has the mean MFPT(z0 -> -z0) exactly; sampled every 1 ps, dt = 0.1 ps
    run = load_macrospin(THERMAL)
    reduction = axial_reduction(run.model, run.conditions)
    z0 = 0.5
    expected = mean_first_passage_time(reduction.model, z0, -z0) * reduction.tau_N
    ds = run_stochastic(run.model, run.conditions, duration=3e-8, dt=1e-13, trajectories=100,
                        seed=5, save_every=10)
    dwells = []
    for k in range(ds.sizes["trajectory"]):
        d = dwell_times(ds.m.isel(trajectory=k).sel(component="z").values, ds.time.values, z0)
        dwells.extend(d["up"])
        dwells.extend(d["down"])
    dwells = np.asarray(dwells)
    assert dwells.size > 1000
    error = dwells.std(ddof=1) / np.sqrt(dwells.size)
    assert abs(dwells.mean() - expected) < 4 * error
    p = first_passage_probability(ds)
    assert p[0] == 0 and np.all(np.diff(p.values) >= 0) and p[-1] == pytest.approx(1.0)
    # judged by geometry, a telegraph signal at sigma = 3 ends on either side: P(t) levels off
    # near one half (the two wells are equally likely), far below the first-passage probability
    settled = switching_probability(ds, (0, 0, 1), settle=1e-10)
    assert settled[0] == 0 and np.all(np.diff(settled.values) >= 0)
    assert 0.25 < float(settled[-1]) < 0.75


def test_zero_temperature_switching_map_follows_the_closed_form_switching_time():
    # perpendicular macrospin, collinear Slonczewski torque (Λ = 1), pulse amplitude i = 2 J_c0:
    # a pulse switches exactly when it outlasts the time to reach the equator, from the closed
    # form of dθ/dt = sinθ (i − cosθ)/τ_D
    from spintorque.magnet.torque import Slonczewski, Torques

    Ms, d, alpha, K = 1e6, 2e-9, 0.05, 8e5
    theta0 = 0.05
    magnet = Macrospin(Ms, d, 1e-16, alpha, initial=(np.sin(theta0), 0.0, np.cos(theta0)))
    model = MacrospinModel(magnet, Energy((Uniaxial(K),)),
                           Torques((Slonczewski(0.6, polarizer=(0.0, 0.0, -1.0)),)))
    H_K = an.anisotropy_field(K, Ms)
    Jc = an.critical_current(alpha, Ms, d, 0.3, 0.0, H_K)
    t_eq = an.switching_time(theta0, np.pi / 2, 2.0, an.damping_time(alpha, H_K))
    result = switching_map(model, Conditions(), [2 * Jc], [0.9 * t_eq, 1.1 * t_eq],
                           trajectories=2, dt=2e-14, settle=2e-9, seed=1)
    np.testing.assert_array_equal(result.switching_probability.values, [[0.0, 1.0]])


def test_thermal_switching_probability_grows_with_pulse_amplitude():
    run = load_macrospin(THERMAL)  # sigma = 3 at 300 K; add a collinear torque
    from spintorque.magnet.torque import Slonczewski, Torques

    model = MacrospinModel(run.model.magnet, run.model.energy,
                           Torques((Slonczewski(0.6, polarizer=(0.0, 0.0, -1.0)),)))
    H_K = an.anisotropy_field(1e5, 1e6)
    Jc = an.critical_current(1.0, 1e6, 2e-9, 0.3, 0.0, H_K)
    # at sigma = 3 the reversed well itself spends ~10 % of its time above m_z = -0.5, so the
    # state is judged beyond a threshold of 0.3 (still past the separatrix m_z = 0)
    result = switching_map(model, run.conditions, [0.0, 3 * Jc], [0.2e-9], trajectories=400,
                           dt=2e-13, settle=0.05e-9, seed=3, threshold=0.3)
    low, high = result.switching_probability.values[:, 0]
    assert 0 < low < 0.5 and high > 0.9  # thermal flips only vs a strong destabilising pulse


def test_precession_sweep_reports_progress_through_each_current_and_ends_at_their_count():
    from spintorque.dynamics.analysis import precession_sweep
    from spintorque.magnet import Conditions, Macrospin, MacrospinModel, Zeeman

    model = MacrospinModel(Macrospin(1e6, 1e-9, 1e-16, 0.01, initial=(1, 0, 0.1)), Zeeman((0, 0, 1e5)))
    seen: list[float] = []
    ds = precession_sweep(model, Conditions(), [0.0, 0.0, 0.0], 2e-9, progress=seen.append)
    assert seen[-1] == 3.0 and 0.0 < seen[0] < 1.0 and len(seen) > 3
    assert np.all(np.diff(seen) >= 0.0)
    assert ds.attrs["torque_tables"] == "[]"   # no diffusive term: nothing tabulated
