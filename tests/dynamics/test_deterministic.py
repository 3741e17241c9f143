"""Zero temperature: closed forms for precession, relaxation, Sun's critical current, switching time."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spintorque.analytic import dynamics as an
from spintorque.dynamics import integrate, run_stochastic
from spintorque.errors import InputError
from spintorque.magnet import Conditions, Demag, Macrospin, MacrospinModel, Slonczewski, Uniaxial, Zeeman


def polar(ds, b: int = 0) -> np.ndarray:
    m = ds.m.values[b]
    return np.arctan2(np.hypot(m[:, 0], m[:, 1]), m[:, 2])


def test_undamped_precession_has_the_larmor_period_and_turns_counterclockwise_about_H():
    H = 8e4
    model = MacrospinModel(Macrospin(1e6, 1e-9, 1e-16, damping=0.0), Zeeman((0, 0, H)))
    period = an.larmor_period(H)
    ds = integrate(model, Conditions(), duration=5 * period, samples=501, initial=(1, 0, 0))
    m = ds.m.values[0]
    phase = np.unwrap(np.arctan2(m[:, 1], m[:, 0]))
    slope = np.polyfit(ds.time.values, phase, 1)[0]
    assert 2 * math.pi / slope == pytest.approx(period, rel=1e-9)
    np.testing.assert_allclose(m[:, 2], 0.0, atol=1e-10)


def test_damped_relaxation_in_a_field_follows_tan_half_theta_exactly():
    H, alpha, theta0 = 5e4, 0.1, 2.5
    model = MacrospinModel(Macrospin(1e6, 1e-9, 1e-16, alpha), Zeeman((0, 0, H)))
    tau = an.relaxation_time(H, alpha)
    ds = integrate(model, Conditions(), duration=4 * tau, initial=(math.sin(theta0), 0, math.cos(theta0)))
    np.testing.assert_allclose(polar(ds), an.zeeman_relaxation_angle(ds.time.values, theta0, H, alpha),
                               atol=1e-8)


def test_small_deviation_decays_with_time_one_plus_alpha2_over_alpha_gamma0_Heff():
    Ms, K, H, alpha = 1e6, 8e5, 2e4, 0.05
    model = MacrospinModel(Macrospin(Ms, 1e-9, 1e-16, alpha),
                           Uniaxial(K) + Demag((0, 0, 1)) + Zeeman((0, 0, H)))
    H_eff = H + an.anisotropy_field(K, Ms, (0, 0, 1))
    tau = an.relaxation_time(H_eff, alpha)
    ds = integrate(model, Conditions(), duration=3 * tau, samples=101, initial=(1e-4, 0, 1))
    rate = np.polyfit(ds.time.values, np.log(np.sin(polar(ds))), 1)[0]
    assert -1 / rate == pytest.approx(tau, rel=1e-6)


# A perpendicular free layer, polarizer antiparallel to m: J > 0 destabilises m = +z.
MS, D, ALPHA, K = 1e6, 1.5e-9, 0.05, 8e5
H_K = an.anisotropy_field(K, MS, (0, 0, 1))


def perpendicular(field: float) -> MacrospinModel:
    energy = Uniaxial(K) + Demag((0, 0, 1))
    if field:
        energy = energy + Zeeman((0, 0, field))
    return MacrospinModel(Macrospin(MS, D, 1e-15, ALPHA), energy,
                          Slonczewski(0.6, Lambda=1.0, epsilon_prime=0.0, polarizer=(0, 0, -1)))


def grows(model: MacrospinModel, J: float, theta0: float = 0.02) -> bool:
    ds = integrate(model, Conditions(J), duration=2e-10, samples=2,
                   initial=(math.sin(theta0), 0, math.cos(theta0)))
    return bool(polar(ds)[-1] > theta0)


def test_sun_critical_current_marks_the_stability_change_within_one_percent():
    H = 2e4
    model = perpendicular(H)
    J_c = an.critical_current(ALPHA, MS, D, efficiency=0.3, field=H, anisotropy=H_K)
    low, high = 0.5 * J_c, 2.0 * J_c
    assert not grows(model, low) and grows(model, high)
    for _ in range(12):
        mid = 0.5 * (low + high)
        low, high = (low, mid) if grows(model, mid) else (mid, high)
    assert 0.5 * (low + high) == pytest.approx(J_c, rel=0.01)
    # The opposite current only stabilises.
    assert not grows(model, -2 * J_c)


def test_switching_time_matches_the_closed_form_solution():
    i, theta0 = 2.0, 0.05
    model = perpendicular(0.0)
    J = i * an.critical_current(ALPHA, MS, D, efficiency=0.3, field=0.0, anisotropy=H_K)
    expected = an.switching_time(theta0, math.pi / 2, i, an.damping_time(ALPHA, H_K))
    start = (math.sin(theta0), 0, math.cos(theta0))
    ds = integrate(model, Conditions(J), duration=3 * expected, initial=start, stop_at_switch=True)
    assert float(ds.switching_time[0]) == pytest.approx(expected, rel=1e-7)
    assert np.isnan(ds.m.values[0, -1, 0])  # stopped at the switch
    # Heun at T = 0 (compiled kernel) converges to the same time, with error O(dt²).
    heun = run_stochastic(model, Conditions(J), duration=2 * expected // 1e-13 * 1e-13, dt=1e-13,
                          initial=start, save_every=1000)
    assert float(heun.switching_time[0]) == pytest.approx(expected, rel=1e-4)


def test_time_dependent_current_equals_the_constant_one_when_constant_and_pulses_end():
    model = perpendicular(0.0)
    J_c = an.critical_current(ALPHA, MS, D, efficiency=0.3, field=0.0, anisotropy=H_K)
    start = (0.05, 0, 1)
    const = integrate(model, Conditions(2 * J_c), duration=1e-9, initial=start)
    func = integrate(model, Conditions(lambda t: 2 * J_c), duration=1e-9, initial=start)
    np.testing.assert_allclose(func.m.values, const.m.values, atol=1e-12)
    # A pulse too short to switch: m relaxes back towards +z after it.
    pulse = integrate(model, Conditions(lambda t: 2 * J_c if t < 1e-10 else 0.0), duration=2e-9,
                      initial=start, rtol=1e-8, atol=1e-10)
    assert polar(pulse)[-1] < polar(pulse)[0] < 0.2
    assert np.isnan(pulse.switching_time[0])


def test_deterministic_run_refuses_a_temperature():
    with pytest.raises(InputError, match=r"conditions\.temperature"):
        integrate(perpendicular(0.0), Conditions(0.0, 300.0), duration=1e-9)
