"""Bookkeeping: spin-current jumps, bulk relaxation and lead currents balance; torques transverse."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

import spintorque as st
from tests.conftest import spherical


@pytest.fixture
def three_magnets(co, py, cu) -> st.Stack:
    """F/N/F/N/N/F, non-coplanar, an F lead on the left and an N lead on the right."""
    return st.Stack(
        (st.Layer("N0", cu, 20e-9), st.Layer("F1", co, 6e-9, spherical(0.3, 0.2)),
         st.Layer("N1", cu, 7e-9), st.Layer("F2", py, 4e-9, spherical(1.2, 2.0)),
         st.Layer("N2", cu, 3e-9), st.Layer("N3", cu, 9e-9),
         st.Layer("F3", co, 5e-9, spherical(2.5, -1.0))),
        left=st.Lead(py, spherical(0.1, 0.0)), right=st.Lead(cu), current_density=3e11)


def test_relaxation_inside_each_layer_equals_its_current_drop(three_magnets):
    # dj_s/dx = -(G/l) mu_s (eq. 5), so j(left) - j(right) = (G/l) ∫ mu_s dx, integrated here
    # numerically from the exact profile, independently of the node algebra.
    result = st.solve(three_magnets)
    edges = three_magnets.interfaces
    for i, layer in enumerate(three_magnets.layers):
        G, length = layer.material.spin_conductance, layer.material.spin_diffusion_length
        x = np.linspace(edges[i], edges[i + 1], 2001)
        mu = result.profile(x).spin_accumulation.values
        relaxed = G / length * integrate.simpson(mu, x=x, axis=0)
        drop = result.spin_current_right[i] - result.spin_current_left[i + 1]
        np.testing.assert_allclose(drop, relaxed, rtol=1e-9, atol=1e-9 * np.abs(drop).max())


def test_global_balance_of_lead_currents_jumps_and_relaxation(three_magnets):
    result = st.solve(three_magnets)
    inflow = result.spin_current_left[0] - result.spin_current_right[-1]
    jumps = np.sum(result.spin_current_left - result.spin_current_right, axis=0)
    relaxation = np.sum(result.spin_current_right[:-1] - result.spin_current_left[1:], axis=0)
    np.testing.assert_allclose(inflow, jumps + relaxation, rtol=1e-12,
                               atol=1e-12 * np.abs(inflow).max())


def test_longitudinal_spin_current_is_continuous_and_jumps_are_transverse(three_magnets):
    result = st.solve(three_magnets)
    scale = np.abs(result.spin_current_left).max()
    leads = {"left_lead": three_magnets.left, "right_lead": three_magnets.right}
    for node, (left, right) in enumerate(result.node_names()):
        jump = result.spin_current_left[node] - result.spin_current_right[node]
        directions = []
        for name in (left, right):
            owner = leads[name] if name in leads else three_magnets.layer(name)
            if owner.magnetization is not None:
                directions.append(np.asarray(owner.magnetization))
        if not directions:  # N/N or N/normal lead: the whole spin current is continuous
            np.testing.assert_allclose(jump, 0, atol=1e-12 * scale)
        for m in directions:
            assert abs(np.dot(jump, m)) <= 1e-12 * scale


def test_torques_are_transverse_and_equal_the_interface_jumps(three_magnets):
    result = st.solve(three_magnets)
    J = three_magnets.current_density
    for i, layer in enumerate(three_magnets.layers):
        tpc = result.torque_per_current[i]
        if not layer.is_ferromagnet:
            assert np.all(tpc == 0)
            continue
        assert abs(np.dot(tpc, layer.magnetization)) <= 1e-14 * np.linalg.norm(tpc)
        jump = (result.spin_current_left[i] - result.spin_current_right[i + 1]) / J
        m = np.asarray(layer.magnetization)
        np.testing.assert_allclose(tpc, jump - np.dot(jump, m) * m, atol=1e-12)


def test_functional_at_solution_equals_minus_j_squared_times_spin_resistance(three_magnets):
    # At the minimum S = -½ fᵀK⁻¹f J², and the spin-coupled RA is fᵀK⁻¹f/2: two routes.
    result = st.solve(three_magnets)
    J = three_magnets.current_density
    assert float(result.spin_resistance_area) > 0
    assert float(result.functional) == pytest.approx(-J**2 * float(result.spin_resistance_area),
                                                     rel=1e-12)


def test_profile_obeys_the_constitutive_law_by_finite_differences(three_magnets):
    # j_s = p J m - G l mu_s' inside each layer (eqs. 3-4).
    result = st.solve(three_magnets)
    edges = three_magnets.interfaces
    for i, layer in enumerate(three_magnets.layers):
        x = np.linspace(edges[i], edges[i + 1], 11)[1:-1]
        h = 1e-4 * layer.thickness
        mu_plus = result.profile(x + h).spin_accumulation.values
        mu_minus = result.profile(x - h).spin_accumulation.values
        derivative = (mu_plus - mu_minus) / (2 * h)
        m = np.zeros(3) if layer.magnetization is None else np.asarray(layer.magnetization)
        G, length = layer.material.spin_conductance, layer.material.spin_diffusion_length
        expected = layer.material.polarization * result.current_density * m - G * length * derivative
        js = result.profile(x).spin_current.values
        np.testing.assert_allclose(js, expected, rtol=1e-6, atol=1e-6 * np.abs(js).max())


def test_solution_is_linear_in_current_and_reverses_with_it(three_magnets):
    a = st.solve(three_magnets)
    b = st.solve(three_magnets.with_current_density(-2 * three_magnets.current_density))
    np.testing.assert_allclose(b.spin_accumulation, -2 * a.spin_accumulation, rtol=1e-14,
                               atol=1e-30)
    np.testing.assert_allclose(b.torques, -2 * a.torques, rtol=1e-14, atol=1e-30)
    assert float(b.resistance_area) == pytest.approx(float(a.resistance_area), rel=1e-14)
