"""Angular magnetoresistance: closed forms, the two-current limit, and extremum = torque zero."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import spintorque as st
from spintorque.analytic.magnetoresistance import (
    two_current_resistance_area,
    valve_resistance_slope,
    valve_spin_resistance_area,
)
from spintorque.analytic.transport import Valve
from spintorque.errors import InputError
from spintorque.transport.magnetoresistance import magnetoresistance, resistance_slope
from tests.conftest import spherical

THETA = np.radians(np.linspace(0.0, 180.0, 181))


def valve_stack(
    f1: st.Ferromagnet, f2: st.Ferromagnet, n: st.NormalMetal, d1: float, dn: float, d2: float
) -> st.Stack:
    return st.Stack(
        (st.Layer("F1", f1, d1, (0, 0, 1)), st.Layer("N", n, dn), st.Layer("F2", f2, d2, (0, 0, 1))),
        current_density=1e11,
    )


def closed_form(stack: st.Stack) -> Valve:
    (f1, n, f2) = stack.layers
    a, b, c = f1.material, f2.material, n.material
    return Valve(
        a.polarization,
        b.polarization,
        a.spin_conductance,
        b.spin_conductance,
        c.spin_conductance,
        f1.thickness,
        f2.thickness,
        n.thickness,
        a.spin_diffusion_length,
        b.spin_diffusion_length,
        c.spin_diffusion_length,
    )


def bulk(stack: st.Stack) -> float:
    return sum(layer.material.resistivity * layer.thickness for layer in stack.layers)


def test_symmetric_valve_follows_p_squared_over_a_plus_b_cos_theta(co, cu):
    stack = valve_stack(co, co, cu, 6e-9, 10e-9, 6e-9)
    v = closed_form(stack)
    mr = magnetoresistance(stack, "F2", THETA)
    want = bulk(stack) + v.p1**2 / (v.A1 + v.B * np.cos(THETA))
    np.testing.assert_allclose(mr.resistance_area, want, rtol=1e-13)
    # monotonic from P to AP: dRA/dθ = sinθ g²/B > 0 inside (0, π)
    assert np.all(np.diff(mr.resistance_area) > 0)
    assert mr.extremum_angles.size == 0


def test_random_valves_match_the_closed_form_ra_of_theta(rng):
    for _ in range(20):
        f1 = st.Ferromagnet("A", rng.uniform(5e-8, 3e-7), rng.uniform(0.1, 0.9), rng.uniform(3e-9, 80e-9))
        f2 = st.Ferromagnet("B", rng.uniform(5e-8, 3e-7), rng.uniform(0.1, 0.9), rng.uniform(3e-9, 80e-9))
        n = st.NormalMetal("N", rng.uniform(5e-9, 5e-8), rng.uniform(50e-9, 1e-6))
        stack = valve_stack(f1, f2, n, *rng.uniform(1e-9, 20e-9, 3))
        mr = magnetoresistance(stack, "F2", THETA)
        want = valve_spin_resistance_area(closed_form(stack), THETA)
        np.testing.assert_allclose(mr.spin_resistance_area, want, rtol=1e-11)
        np.testing.assert_allclose(mr.resistance_area - mr.spin_resistance_area, bulk(stack), rtol=1e-14)


def test_end_points_are_ra_parallel_and_antiparallel(co, py, cu):
    stack = valve_stack(co, py, cu, 8e-9, 10e-9, 3e-9)
    mr = magnetoresistance(stack, "F2", THETA)
    assert mr.resistance_area[0] == pytest.approx(mr.resistance_area_parallel, rel=1e-14)
    assert mr.resistance_area[-1] == pytest.approx(mr.resistance_area_antiparallel, rel=1e-14)
    assert mr.delta_resistance_area == pytest.approx(
        mr.resistance_area_antiparallel - mr.resistance_area_parallel, rel=1e-15
    )
    assert mr.gmr_ratio == pytest.approx(mr.delta_resistance_area / mr.resistance_area_parallel)


def test_ra_parallel_does_not_depend_on_where_the_sweep_starts(co, cu):
    # F1 tilted off z: RA_P and RA_AP are relative to F1, not to the polar angle 0 and 180°
    stack = valve_stack(co, co, cu, 6e-9, 10e-9, 6e-9).with_magnetization("F1", spherical(0.7, 0.3))
    mr = magnetoresistance(stack, "F2", THETA)
    aligned = magnetoresistance(valve_stack(co, co, cu, 6e-9, 10e-9, 6e-9), "F2", THETA)
    assert mr.resistance_area_parallel == pytest.approx(aligned.resistance_area_parallel, rel=1e-13)
    assert mr.resistance_area_antiparallel == pytest.approx(aligned.resistance_area_antiparallel, rel=1e-13)


def test_long_spin_diffusion_limit_is_the_two_current_series_resistor_model():
    # every l = 1 mm ≫ d ~ 10 nm: no spin flip inside, ideal sinks outside
    a = st.Ferromagnet("A", 1e-7, 0.5, 1e-3)
    b = st.Ferromagnet("B", 2e-7, 0.3, 1e-3)
    n = st.NormalMetal("N", 2e-8, 1e-3)
    stack = valve_stack(a, b, n, 8e-9, 10e-9, 4e-9)
    mr = magnetoresistance(stack, "F2", np.radians([0.0, 180.0]))
    layers = [(1e-7, 0.5, 8e-9, 1), (2e-8, 0.0, 10e-9, 1), (2e-7, 0.3, 4e-9, 1)]
    flipped = [*layers[:2], (2e-7, 0.3, 4e-9, -1)]
    # corrections are O(d/l) = 1e-5
    assert mr.resistance_area_parallel == pytest.approx(two_current_resistance_area(layers), rel=1e-4)
    assert mr.resistance_area_antiparallel == pytest.approx(two_current_resistance_area(flipped), rel=1e-4)


def test_slope_is_smooth_and_equals_sin_theta_g1_g2_over_b(co, py, cu):
    stack = valve_stack(co, py, cu, 8e-9, 10e-9, 3e-9)
    v = closed_form(stack)
    theta = np.radians(np.linspace(1.0, 179.0, 60))
    slope = resistance_slope(stack, "F2", theta)
    want = valve_resistance_slope(v, theta)
    np.testing.assert_allclose(slope, want, rtol=0, atol=1e-9 * np.max(np.abs(want)))


def test_wavy_valve_ra_minimum_lies_exactly_at_the_torque_zero(co, py, cu):
    stack = valve_stack(co, py, cu, 8e-9, 10e-9, 3e-9)
    mr = magnetoresistance(stack, "F2", THETA)
    zero = closed_form(stack).zero_torque_angle()["g2"]
    assert zero is not None  # this valve is wavy: g2 < 0 below the zero
    assert mr.extremum_kinds == ("minimum",)
    assert mr.torque_zero_angles["F1"].size == 0
    (found,) = mr.torque_zero_angles["F2"]
    (extremum,) = mr.extremum_angles
    assert found == pytest.approx(zero, abs=1e-11)
    # found independently: from RA alone (root of its derivative) and from g2 alone
    assert extremum == pytest.approx(found, abs=1e-9)
    i = int(np.argmin(mr.resistance_area))
    assert mr.resistance_area[i] < mr.resistance_area_parallel
    assert abs(THETA[i] - extremum) <= THETA[1] - THETA[0]


def test_envelope_identity_on_a_general_stack(co, py, cu):
    # normal leads, a two-layer spacer and an extra cap: dRA/dθ = Σ_faces mu_face τ_face·∂θm
    ag = st.NormalMetal("Ag", 2e-8, 150e-9)
    stack = st.Stack(
        (
            st.Layer("cap", ag, 5e-9),
            st.Layer("F1", co, 8e-9, (0, 0, 1)),
            st.Layer("N1", cu, 6e-9),
            st.Layer("N2", ag, 4e-9),
            st.Layer("F2", py, 3e-9, (0, 0, 1)),
            st.Layer("N3", cu, 7e-9),
        ),
        left=st.Lead(cu),
        right=st.Lead(ag),
        current_density=1.0,
    )
    theta = np.radians(np.linspace(5.0, 175.0, 35))
    slope = resistance_slope(stack, "F2", theta)
    mags = np.zeros((theta.size, 2, 3))
    mags[:, 0] = (0, 0, 1)
    mags[:, 1, 0], mags[:, 1, 2] = np.sin(theta), np.cos(theta)
    r = st.solve(stack, mags)
    m, dm = mags[:, 1], np.stack([np.cos(theta), 0 * theta, -np.sin(theta)], axis=-1)
    i = stack.index("F2")
    mu_left = np.sum(r.spin_accumulation[:, i] * m, axis=-1)
    mu_right = np.sum(r.spin_accumulation[:, i + 1] * m, axis=-1)
    tau_left = np.sum(r.spin_current_left[:, i] * dm, axis=-1)  # ∂θm ⊥ m: only the transverse part
    tau_right = -np.sum(r.spin_current_right[:, i + 1] * dm, axis=-1)
    want = mu_left * tau_left + mu_right * tau_right
    np.testing.assert_allclose(slope, want, rtol=0, atol=1e-8 * np.max(np.abs(want)))


def test_dataset_and_json_carry_units_and_the_contract_keys(co, py, cu):
    stack = valve_stack(co, py, cu, 8e-9, 10e-9, 3e-9)
    mr = magnetoresistance(stack, "F2", THETA[::10])
    ds = mr.to_dataset()
    assert ds.resistance_area.attrs["units"] == "ohm*m^2"
    np.testing.assert_array_equal(ds.resistance_area.values, mr.resistance_area)
    assert ds.attrs["rotated_layer"] == "F2"
    doc = json.loads(json.dumps(mr.to_json_dict(), allow_nan=False))
    for key in (
        "angles_deg",
        "resistance_area",
        "resistance_area_parallel",
        "resistance_area_antiparallel",
        "delta_resistance_area",
        "gmr_ratio",
    ):
        assert key in doc
    assert len(doc["resistance_area"]) == len(doc["angles_deg"]) == THETA[::10].size


def test_refuses_a_normal_layer_and_a_stack_without_two_ferromagnets(co, cu):
    stack = valve_stack(co, co, cu, 6e-9, 10e-9, 6e-9)
    with pytest.raises(InputError, match="rotate"):
        magnetoresistance(stack, "N", THETA)
    three = st.Stack((*stack.layers, st.Layer("N2", cu, 5e-9), st.Layer("F3", co, 5e-9, (1, 0, 0))))
    with pytest.raises(InputError, match="exactly two ferromagnetic layers"):
        magnetoresistance(three, "F2", THETA)


valve_parameters = hs.tuples(
    hs.floats(5e-8, 3e-7),
    hs.floats(0.05, 0.95),
    hs.floats(3e-9, 80e-9),  # F1: rho*, beta, l
    hs.floats(5e-8, 3e-7),
    hs.floats(0.05, 0.95),
    hs.floats(3e-9, 80e-9),  # F2
    hs.floats(5e-9, 5e-8),
    hs.floats(50e-9, 1e-6),  # N: rho, l
    hs.floats(1e-9, 20e-9),
    hs.floats(1e-9, 20e-9),
    hs.floats(1e-9, 20e-9),  # d1, dN, d2
)


@settings(max_examples=15, deadline=None)
@given(valve_parameters)
def test_every_interior_extremum_is_a_torque_zero(params):
    r1, b1, l1, r2, b2, l2, rn, ln, d1, dn, d2 = params
    stack = valve_stack(
        st.Ferromagnet("A", r1, b1, l1),
        st.Ferromagnet("B", r2, b2, l2),
        st.NormalMetal("N", rn, ln),
        d1,
        dn,
        d2,
    )
    mr = magnetoresistance(stack, "F2", np.radians(np.linspace(0.0, 180.0, 91)))
    zeros = np.sort(np.concatenate(list(mr.torque_zero_angles.values())))
    want = [z for z in closed_form(stack).zero_torque_angle().values() if z is not None]
    np.testing.assert_allclose(zeros, np.sort(want), rtol=0, atol=1e-9)
    # a zero closer to the ends than a grid step may leave no sign change of RA' on the grid
    inner = zeros[(zeros > np.radians(2.0)) & (zeros < np.radians(178.0))]
    assert mr.extremum_angles.size == inner.size
    np.testing.assert_allclose(np.sort(mr.extremum_angles), inner, rtol=0, atol=1e-8)


@pytest.mark.parametrize("mixing", [None, 0.55e15 + 0j, 0.55e15 + 0.1e15j])
def test_with_finite_interfaces_the_ra_extremum_still_lies_at_the_torque_zero(co, py, cu, mixing):
    from spintorque.interfaces import Interface

    plain = valve_stack(co, py, cu, 8e-9, 10e-9, 3e-9)
    resistive = Interface(("N", "F2"), 0.2e-15, 0.5, 0.2, mixing)
    stack = plain.with_interfaces((resistive,))
    mr = magnetoresistance(stack, "F2", THETA)
    base = magnetoresistance(plain, "F2", THETA)
    (extremum,) = mr.extremum_angles
    (found,) = mr.torque_zero_angles["F2"]
    # the interface moves the zero by degrees, and RA's minimum moves with it
    assert abs(found - base.torque_zero_angles["F2"][0]) > np.radians(1.0)
    assert extremum == pytest.approx(found, abs=1e-8)
