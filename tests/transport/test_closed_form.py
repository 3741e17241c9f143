"""The exact solver against the closed forms of the seed (Appendix I–II) and Valet–Fert."""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from spintorque.analytic import Valve, contact_spin_accumulation, contact_spin_resistance_area
from tests.conftest import spherical


def random_valve(rng: np.random.Generator) -> tuple[st.Stack, Valve, float]:
    """A sink/F1/N/F2/sink valve with parameters drawn over wide (log-uniform) ranges."""
    def log_uniform(lo: float, hi: float) -> float:
        return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
    p1, p2 = rng.uniform(-0.95, 0.95, size=2)
    l1, l2, lN = log_uniform(1e-9, 1e-7), log_uniform(1e-9, 1e-7), log_uniform(1e-8, 1e-6)
    r1, r2, rN = log_uniform(1e-8, 1e-6), log_uniform(1e-8, 1e-6), log_uniform(1e-9, 1e-7)
    d1, d2, dN = l1 * log_uniform(1e-3, 1e2), l2 * log_uniform(1e-3, 1e2), lN * log_uniform(1e-3, 1e2)
    f1 = st.Ferromagnet("A", r1, p1, l1)
    f2 = st.Ferromagnet("B", r2, p2, l2)
    n = st.NormalMetal("N", rN, lN)
    theta = float(rng.uniform(0.0, np.pi))
    stack = st.Stack((st.Layer("F1", f1, d1, (0, 0, 1)), st.Layer("N", n, dN),
                      st.Layer("F2", f2, d2, spherical(theta, rng.uniform(0, 2 * np.pi)))),
                     current_density=float(rng.uniform(-1e12, 1e12)))
    valve = Valve(p1, p2, f1.spin_conductance, f2.spin_conductance, n.spin_conductance,
                  d1, d2, dN, l1, l2, lN)
    return stack, valve, theta


def test_valve_spin_accumulation_and_efficiency_match_closed_form_on_random_parameters(rng):
    worst = 0.0
    for _ in range(300):
        stack, valve, theta = random_valve(rng)
        result = st.solve(stack)
        J = stack.current_density
        mu1, mu2 = valve.spin_accumulation(theta, J)
        m1 = np.asarray(stack.layers[0].magnetization)
        m2 = np.asarray(stack.layers[2].magnetization)
        np.testing.assert_allclose(result.spin_accumulation[1], mu1 * m1, rtol=1e-10,
                                   atol=1e-10 * abs(mu1))
        np.testing.assert_allclose(result.spin_accumulation[2], mu2 * m2, rtol=1e-10,
                                   atol=1e-10 * abs(mu2))
        g1, g2 = valve.efficiency(theta)
        g = result.efficiency
        for ours, exact in ((g["g1"], g1), (g["g2"], g2)):
            scale = max(abs(g1), abs(g2))
            worst = max(worst, abs(ours - exact) / scale)
    assert worst <= 1e-10


def test_collinear_limit_of_efficiency_matches_closed_form(co, py, cu):
    stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 6e-9),
                      st.Layer("F2", py, 3e-9, (0, 0, 1))))
    theta = np.array([0.0, 1e-9, 0.5, np.pi - 1e-9, np.pi])
    ds = st.efficiency(stack, "F2", theta)
    valve = Valve(co.polarization, py.polarization, co.spin_conductance, py.spin_conductance,
                  cu.spin_conductance, 8e-9, 3e-9, 6e-9, co.spin_diffusion_length,
                  py.spin_diffusion_length, cu.spin_diffusion_length)
    g1, g2 = valve.efficiency(theta)
    np.testing.assert_allclose(ds.g1.values, g1, rtol=1e-9)
    np.testing.assert_allclose(ds.g2.values, g2, rtol=1e-9)


def test_contact_with_semi_infinite_leads_gives_valet_fert_accumulation_and_resistance(co, cu):
    # F lead (x < 0) / a Cu layer / a Cu lead: one F/N contact between semi-infinite metals.
    stack = st.Stack((st.Layer("N", cu, 40e-9),), left=st.Lead(co, (0, 0, 1)),
                     right=st.Lead(cu), current_density=2e11)
    result = st.solve(stack)
    mu0 = contact_spin_accumulation(co.polarization, co.spin_conductance, cu.spin_conductance,
                                    stack.current_density)
    np.testing.assert_allclose(result.spin_accumulation[0], [0, 0, mu0], rtol=1e-13, atol=0)
    ra = contact_spin_resistance_area(co.spin_asymmetry, co.rho_star, co.spin_diffusion_length,
                                      cu.resistivity, cu.spin_diffusion_length)
    assert float(result.spin_resistance_area) == pytest.approx(ra, rel=1e-13)
    # the profile decays as exp(-x/l) on both sides
    x = np.array([-30e-9, -5e-9, 10e-9, 100e-9])
    ds = result.profile(x)
    lengths = np.where(x < 0, co.spin_diffusion_length, cu.spin_diffusion_length)
    np.testing.assert_allclose(ds.spin_accumulation.sel(component="z").values,
                               mu0 * np.exp(-np.abs(x) / lengths), rtol=1e-12)


def test_normal_lead_on_the_left_reverses_the_contact_accumulation(co, cu):
    # N/F contact (electrons flow from N into F): eq. (9), the force drags mu_s(0) down.
    stack = st.Stack((st.Layer("F", co, 10 * co.spin_diffusion_length, (0, 0, 1)),),
                     left=st.Lead(cu), right=st.Lead(co, (0, 0, 1)), current_density=1e11)
    mu0 = st.solve(stack).spin_accumulation[0, 2]
    expected = -contact_spin_accumulation(co.polarization, co.spin_conductance,
                                          cu.spin_conductance, 1e11)
    assert mu0 == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("ratio", [1e-7, 1e-5, 1e-3, 1e-1, 1.0, 10.0, 1e2, 1e3])
def test_valve_stays_exact_from_ultrathin_to_ultrathick_layers(ratio, co, py, cu):
    lF1, lF2, lN = co.spin_diffusion_length, py.spin_diffusion_length, cu.spin_diffusion_length
    for d1, d2, dN in ((ratio * lF1, 3e-9, 5e-9), (8e-9, ratio * lF2, 5e-9),
                       (8e-9, 3e-9, ratio * lN), (ratio * lF1, ratio * lF2, ratio * lN)):
        theta = 0.7
        stack = st.Stack((st.Layer("F1", co, d1, (0, 0, 1)), st.Layer("N", cu, dN),
                          st.Layer("F2", py, d2, spherical(theta))))
        result = st.solve(stack)
        valve = Valve(co.polarization, py.polarization, co.spin_conductance,
                      py.spin_conductance, cu.spin_conductance, d1, d2, dN, lF1, lF2, lN)
        mu1, mu2 = valve.spin_accumulation(theta, stack.current_density)
        assert np.all(np.isfinite(result.spin_accumulation))
        assert result.spin_accumulation[1, 2] == pytest.approx(mu1, rel=1e-11)
        assert np.linalg.norm(result.spin_accumulation[2]) == pytest.approx(abs(mu2), rel=1e-11)
        g1, g2 = valve.efficiency(theta)
        scale = max(abs(g1), abs(g2))
        assert abs(result.efficiency["g1"] - g1) <= 1e-11 * scale
        assert abs(result.efficiency["g2"] - g2) <= 1e-11 * scale


def test_sign_change_thresholds_of_eq15_agree_with_solver(co, cu):
    # Vary p2 at fixed geometry: g2 < 0 exactly when p2/p1 > A2/(B cos θ).
    theta = 0.4
    for p2 in np.linspace(0.05, 0.95, 37):
        f2 = st.Ferromagnet("F2m", 20e-8, p2, 4e-9)
        stack = st.Stack((st.Layer("F1", co, 10e-9, (0, 0, 1)), st.Layer("N", cu, 3e-9),
                          st.Layer("F2", f2, 1.5e-9, spherical(theta))))
        valve = Valve(co.polarization, p2, co.spin_conductance, f2.spin_conductance,
                      cu.spin_conductance, 10e-9, 1.5e-9, 3e-9, co.spin_diffusion_length, 4e-9,
                      cu.spin_diffusion_length)
        upper, lower = valve.thresholds(theta)
        g = st.solve(stack).efficiency
        ratio = p2 / co.polarization
        assert (g["g2"] < 0) == (ratio > upper)
        assert (g["g1"] < 0) == (ratio < lower)
        assert not (g["g1"] < 0 and g["g2"] < 0)


def test_zero_torque_angle_is_where_the_solver_torque_vanishes(co, py, cu):
    stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 6e-9),
                      st.Layer("F2", py, 3e-9, (0, 0, 1))))
    valve = Valve(co.polarization, py.polarization, co.spin_conductance, py.spin_conductance,
                  cu.spin_conductance, 8e-9, 3e-9, 6e-9, co.spin_diffusion_length,
                  py.spin_diffusion_length, cu.spin_diffusion_length)
    theta_star = valve.zero_torque_angle()["g2"]
    assert theta_star is not None and 0 < theta_star < np.pi / 2
    assert valve.zero_torque_angle()["g1"] is None
    ds = st.efficiency(stack, "F2", np.array([theta_star * (1 - 1e-6), theta_star,
                                              theta_star * (1 + 1e-6)]))
    g2 = ds.g2.values
    assert g2[0] < 0 < g2[2]
    assert abs(g2[1]) < 1e-9 * np.max(np.abs(ds.g1.values))
