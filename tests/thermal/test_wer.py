"""Write-error rate and read disturb (THERMAL.md §6) against closed forms and the escape solvers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.polynomial import legendre as leg
from scipy.integrate import quad
from scipy.optimize import brentq

from spintorque.errors import InputError
from spintorque.thermal import AxialModel, smallest_eigenvalue, spectrum, stationary_density
from spintorque.thermal.wer import current_for_target, read_disturb, write_error_rate


def free_diffusion_wer(t: float, terms: int = 400) -> float:
    """sigma = 0: W0 = 1 on (0, 1]; WER = sum_n (2n+1)/2 (int_0^1 P_n)^2 e^{-n(n+1) t/2}."""
    total = 0.0
    for n in range(terms):
        c = np.zeros(n + 1)
        c[n] = 1.0
        integral = float(leg.legval(1.0, leg.legint(c, lbnd=0.0)))
        total += (2 * n + 1) / 2 * integral**2 * math.exp(-n * (n + 1) * t / 2)
    return total


def test_free_diffusion_matches_the_legendre_series():
    times = np.array([0.05, 0.2, 1.0, 3.0])
    result = write_error_rate(AxialModel(0.0), [0.0], times, max_cells=256)
    exact = np.array([free_diffusion_wer(t) for t in times])
    np.testing.assert_allclose(result.write_error_rate[0], exact, rtol=2e-7)
    np.testing.assert_allclose(result.switching_probability[0], 1 - exact, rtol=2e-7)
    # the error estimate is honest: never below the true error
    true_error = np.abs(result.write_error_rate[0] / exact - 1)
    assert np.all(result.write_error_rate_error[0] >= true_error)


def test_long_pulses_decay_with_lambda1_below_the_critical_current():
    model = AxialModel(20.0, 0.0, 0.5)
    lam = smallest_eigenvalue(model)
    times = np.array([400.0, 800.0, 1600.0]) / lam / 100
    r = write_error_rate(AxialModel(20.0), [0.5], times, max_cells=256)
    # the start well empties into the deep one at the rate λ1 (equilibrium mass ~e^{-40})
    decay = np.log(r.write_error_rate[0, 1:] / r.write_error_rate[0, :-1]) / np.diff(times)
    np.testing.assert_allclose(-decay, lam, rtol=1e-7)
    assert r.write_error_rate[0, -1] < 1e-6
    np.testing.assert_allclose(r.lambda1[0], lam, rtol=1e-4)  # the finest chain's own rate, O(h²)


def test_long_pulses_decay_with_the_galerkin_lambda1_above_the_critical_current():
    lam = spectrum(AxialModel(10.0, 0.0, 2.0), 2, 120)[1]
    times = np.array([1.0, 1.25, 1.5])
    r = write_error_rate(AxialModel(10.0), [2.0], times, max_cells=256)
    assert 1e-13 < r.write_error_rate[0, -1] < 1e-8
    decay = np.log(r.write_error_rate[0, 1:] / r.write_error_rate[0, :-1]) / np.diff(times)
    np.testing.assert_allclose(-decay, lam, rtol=1e-6)


def deterministic_wer(sigma: float, i: float, t: float) -> float:
    """T = 0 motion dz/dt = sigma (1 - z^2)(z - c), c = i (h = 0): WER = P0(z0 > z*(t))."""
    c = i
    a, b, d = 1 / (2 * (c - 1)), 1 / (2 * (c + 1)), -1 / (c * c - 1)

    def travel(log_u: float) -> float:  # time from z0 = 1 - u to z = 0 (partial fractions)
        u = math.exp(log_u)
        return (-a * log_u + b * math.log1p(1 - u) - d * math.log1p(-(1 - u) / c)) / sigma

    u_star = math.exp(brentq(lambda x: travel(x) - t, -700.0, 0.0, xtol=1e-14))
    # P0 ∝ e^{sigma z^2} on (0, 1]; the tail mass in terms of u = 1 - z (no cancellation)
    top = quad(lambda u: math.exp(sigma * ((1 - u) ** 2 - 1)), 0.0, u_star, epsabs=0, epsrel=1e-12)[0]
    norm = quad(lambda u: math.exp(sigma * ((1 - u) ** 2 - 1)), 0.0, 1.0, epsabs=0, epsrel=1e-12)[0]
    return top / norm


def test_large_currents_approach_the_deterministic_switching_from_a_thermal_angle():
    sigma = 5.0
    gaps = []
    for i in (3.0, 6.0):
        t = 1.2 / (sigma * (i - 1))  # about the deterministic switching time of the thermal bulk
        r = write_error_rate(AxialModel(sigma), [i], [t], max_cells=512, rtol=1e-4)
        gap = abs(math.log(r.write_error_rate[0, 0] / deterministic_wer(sigma, i, t)))
        assert r.write_error_rate_error[0, 0] < 0.2 * gap  # the gap is physics, not grid error
        gaps.append(gap)
    # the thermal spread during the transit is a 1/i correction: it halves when i doubles
    assert gaps[1] < 0.5 * gaps[0]
    assert gaps[1] < 0.1


def test_invariants_on_a_scan():
    currents = np.array([0.0, 0.3, 0.8, 1.0, 1.5, 3.0])
    pulses = np.linspace(0.0, 3.0, 7)
    r = write_error_rate(AxialModel(15.0, 0.1), currents, pulses, max_cells=256)
    wer = r.write_error_rate
    assert np.all((wer >= 0) & (wer <= 1)) and np.all(np.isfinite(wer))
    np.testing.assert_array_equal(wer[:, 0], 1.0)
    np.testing.assert_array_equal(r.switching_probability[:, 0], 0.0)
    assert np.all(np.diff(wer, axis=1) <= 1e-12)
    assert np.all(np.diff(wer[1:], axis=0) <= 1e-12)
    assert np.all(r.write_error_rate_error >= 0)


def test_read_disturb_keeps_its_relative_accuracy_far_below_double_rounding():
    model = AxialModel(40.0)
    times = np.array([1e-2, 10.0, 1e3, 1e14])
    r = read_disturb(model, [0.3], times, max_cells=512)
    lam = smallest_eigenvalue(AxialModel(40.0, 0.0, 0.3))
    p = r.switching_probability[0]
    assert p[0] < 1e-14 and np.all(r.switching_probability_error[0, 1:] < 1e-6)
    # beyond the transients: the two-state law p(t2) = p(t1) + (1 - p(t1))(1 - e^{-λ1 (t2 - t1)})
    # (the other well holds all but e^{-4 sigma i} of the equilibrium)
    grown = (p[2] - p[1]) / ((1 - p[1]) * -math.expm1(-lam * (times[2] - times[1])))
    assert abs(grown - 1) < 1e-6
    assert p[3] > 0.5


def test_current_for_target_is_consistent_with_the_table():
    model = AxialModel(10.0)
    found = current_for_target(model, 1e-6, [1.0, 2.0], bracket=(0.5, 3.0))
    assert not found.outside.any()
    check = write_error_rate(model, found.current_ratio[:1], [1.0], max_cells=256)
    assert abs(math.log(check.write_error_rate[0, 0] / 1e-6)) < 1e-2
    assert found.current_ratio[1] < found.current_ratio[0]


def test_bad_inputs_are_refused():
    with pytest.raises(InputError, match="pulse"):
        write_error_rate(AxialModel(10.0), [1.5], [-1.0])
    with pytest.raises(InputError, match="read current"):
        read_disturb(AxialModel(10.0), [1.2], [1.0])
    with pytest.raises(InputError, match="sigma"):
        write_error_rate(AxialModel(5000.0), [3.0], [1.0])


def test_dataset_has_labelled_dimensions():
    r = write_error_rate(AxialModel(5.0), [1.5, 2.0], [0.5, 1.0, 2.0], max_cells=256)
    ds = r.to_dataset()
    assert ds.write_error_rate.dims == ("current", "pulse")
    assert ds.pulse_over_tau_N.attrs["units"] == "tau_N"


@pytest.mark.parametrize(("sigma", "i", "pulses"), [(5.0, 2.0, [0.3, 1.0, 2.0, 3.2]),
                                                    (8.0, 1.0, [0.5, 2.0, 5.0, 8.0])])
def test_chain_and_spectral_discretisations_agree_down_to_1e_12(sigma, i, pulses):
    chain = write_error_rate(AxialModel(sigma), [i], pulses, method="chain", max_cells=512)
    spectral = write_error_rate(AxialModel(sigma), [i], pulses, method="spectral")
    a, b = chain.write_error_rate[0], spectral.write_error_rate[0]
    assert a.min() < 1e-10
    gap = np.abs(b / a - 1)
    assert np.all(gap < 1e-6)
    assert np.all(gap <= chain.write_error_rate_error[0] + spectral.write_error_rate_error[0])


def test_spectral_is_refused_with_a_start_well():
    with pytest.raises(InputError, match="spectral"):
        write_error_rate(AxialModel(10.0), [0.5], [1.0], method="spectral")


def test_spin_injection_diffusion_and_torque_shape_enter_the_decay_rate():
    from spintorque.thermal import slonczewski_efficiency

    for model in (AxialModel(20.0, 0.0, 0.4, nu=0.5),
                  AxialModel(20.0, 0.0, 0.4, efficiency=slonczewski_efficiency(2.0, -1.0))):
        lam = smallest_eigenvalue(model)
        times = np.array([8.0, 12.0]) / lam
        r = write_error_rate(model, [model.i], times, max_cells=512)
        # WER relaxes to the equilibrium start-side mass (not negligible here), at the rate λ1
        settled = quad(lambda z, m=model: float(stationary_density(m, z)), 0.0, 1.0, epsabs=0,
                       epsrel=1e-12)[0]
        excess = r.write_error_rate[0] - settled
        decay = -math.log(excess[1] / excess[0]) / (times[1] - times[0])
        assert abs(decay / lam - 1) < 1e-6
