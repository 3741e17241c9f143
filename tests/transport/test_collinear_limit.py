"""g1, g2 at collinear configurations: the θ → 0, π limits, or a stated reason they do not exist.

At θ = 0 or π eq. (1) reads 0 = 0·g. The limit is computed from the torque/sin θ at a 1e-20 rad
tilt in a canonical frame (spintorque.transport.efficiency); here it is compared with the seed's
closed form at cos θ = ±1 and with Richardson extrapolations of small-angle solves in the user's
own (off-axis) frame, where the rounding of the tilted direction limits them to ~1e-11.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import spintorque as st
from spintorque.analytic import Valve
from spintorque.transport.efficiency import collinear_limit
from tests.conftest import spherical

AXIS = np.array([0.48, -0.6, 0.64])


def perpendicular(m: np.ndarray) -> np.ndarray:
    e = np.cross(m, [1.0, 0.0, 0.0])
    return e / np.linalg.norm(e)


def small_angle_limit(stack: st.Stack, m1: np.ndarray, antiparallel: bool) -> np.ndarray:
    """Richardson extrapolation of (g1, g2) from F2 at angles δ and δ/2 from collinearity."""
    e = perpendicular(m1)
    values = []
    for delta in (2e-5, 1e-5):
        t = np.pi - delta if antiparallel else delta
        m2 = np.cos(t) * m1 + np.sin(t) * e
        g = st.solve(stack, [m1, m2]).projected_efficiency()
        values.append(np.array([float(g["g1"]), float(g["g2"])]))
    return (4.0 * values[1] - values[0]) / 3.0  # g = g0 + c δ² + O(δ⁴)


def valve(co, py, cu, dN: float = 6e-9, **leads) -> st.Stack:
    return st.Stack((st.Layer("F1", co, 8e-9, tuple(AXIS)), st.Layer("N", cu, dN),
                     st.Layer("F2", py, 3e-9, tuple(AXIS))), **leads)


@pytest.mark.parametrize("dN", [6e-9, 5e-14, 2e-5])
def test_solve_gives_the_closed_form_limit_at_parallel_and_antiparallel(co, py, cu, dN):
    closed = Valve(co.polarization, py.polarization, co.spin_conductance, py.spin_conductance,
                   cu.spin_conductance, 8e-9, 3e-9, dN, co.spin_diffusion_length,
                   py.spin_diffusion_length, cu.spin_diffusion_length)
    stack = valve(co, py, cu, dN)
    for theta, m2 in ((0.0, AXIS), (np.pi, -AXIS)):
        result = st.solve(stack.with_magnetization("F2", tuple(m2)))
        g1, g2 = closed.efficiency(theta)
        assert float(result.efficiency["g1"]) == pytest.approx(float(g1), rel=1e-13)
        assert float(result.efficiency["g2"]) == pytest.approx(float(g2), rel=1e-13)
        assert result.efficiency_undefined == {}


@pytest.mark.parametrize("antiparallel", [False, True])
def test_limit_matches_small_angle_solves_of_a_larger_stack(co, py, cu, antiparallel):
    # N lead / N / F1 / N / N / F2 / F lead along the axis, off the coordinate axes; no closed form
    m = AXIS
    m2 = -m if antiparallel else m
    stack = st.Stack((st.Layer("N0", cu, 4e-9), st.Layer("F1", co, 5e-9, tuple(m)),
                      st.Layer("Na", cu, 1e-13), st.Layer("Nb", cu, 7e-9),
                      st.Layer("F2", py, 2e-9, tuple(m2)), st.Layer("N3", cu, 3e-9)),
                     left=st.Lead(cu), right=st.Lead(co, tuple(-m)), current_density=1e11)
    result = st.solve(stack)
    limit = np.array([float(result.efficiency["g1"]), float(result.efficiency["g2"])])
    np.testing.assert_allclose(limit, small_angle_limit(stack, m, antiparallel), rtol=1e-9)


def test_efficiency_sweep_uses_the_limit_at_zero_and_pi(co, py, cu):
    stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 6e-9),
                      st.Layer("F2", py, 3e-9, (0, 0, 1))))
    ds = st.efficiency(stack, "F2", np.array([0.0, np.pi]))
    closed = Valve(co.polarization, py.polarization, co.spin_conductance, py.spin_conductance,
                   cu.spin_conductance, 8e-9, 3e-9, 6e-9, co.spin_diffusion_length,
                   py.spin_diffusion_length, cu.spin_diffusion_length)
    g1, g2 = closed.efficiency(np.array([0.0, np.pi]))
    np.testing.assert_allclose(ds.g1.values, g1, rtol=1e-13)
    np.testing.assert_allclose(ds.g2.values, g2, rtol=1e-13)


def test_touching_ferromagnets_have_no_collinear_limit(co, py, cu):
    # the contact pins for any θ ≠ 0 and g grows as 1/θ²: checked, then reported as undefined
    stack = st.Stack((st.Layer("N0", cu, 5e-9), st.Layer("F1", co, 8e-9, (0, 0, 1)),
                      st.Layer("F2", py, 4e-9, (0, 0, 1)), st.Layer("N2", cu, 5e-9)))
    g = [float(st.solve(stack, [(0, 0, 1), spherical(t)]).efficiency["g2"]) for t in (1e-2, 1e-3)]
    assert g[1] / g[0] == pytest.approx(100.0, rel=1e-3)
    result = st.solve(stack)
    assert np.isnan(float(result.efficiency["g1"])) and np.isnan(float(result.efficiency["g2"]))
    assert "touch" in result.efficiency_undefined["g2"]
    doc = json.loads(result.to_json())
    assert doc["efficiency"] == {"g1": None, "g2": None}
    assert set(doc["efficiency_undefined"]) == {"g1", "g2"}


def test_ferromagnetic_lead_touching_the_turning_layer_leaves_only_the_other_limit(co, py, cu):
    stack = valve(co, py, cu, right=st.Lead(co, tuple(AXIS)))
    result = st.solve(stack)
    assert np.isnan(float(result.efficiency["g2"])) and "lead" in result.efficiency_undefined["g2"]
    # as F2 turns its contact with the lead pins at once: g1 tends to the pinned-contact value
    g1 = float(result.efficiency["g1"])
    assert g1 == pytest.approx(small_angle_limit(stack, AXIS, False)[0], rel=1e-9)
    # turning F1 instead, F2 stays on the lead's line: both limits exist
    a, b, reasons = collinear_limit(stack, np.array([[AXIS, AXIS]]), moving=0)
    assert reasons == {} and np.isfinite(a[0]) and np.isfinite(b[0])


def test_ferromagnetic_lead_off_the_line_has_no_collinear_limit(co, py, cu):
    stack = valve(co, py, cu, left=st.Lead(py, (1, 0, 0)))
    result = st.solve(stack)
    assert set(result.efficiency_undefined) == {"g1", "g2"}
    assert "not on the line" in result.efficiency_undefined["g1"]
    assert np.isfinite(float(result.torque_per_current[2] @ perpendicular(AXIS)))


def test_only_the_configurations_off_a_leads_line_lose_their_limit(co, py, cu):
    # a batch: parallel along the ferromagnetic lead (a limit) and perpendicular to it (none)
    stack = valve(co, py, cu, left=st.Lead(py, tuple(AXIS)))
    e = perpendicular(AXIS)
    g1, g2, reasons = collinear_limit(stack, np.array([[AXIS, AXIS], [e, e], [AXIS, -AXIS]]))
    assert np.all(np.isfinite(g1[[0, 2]])) and np.all(np.isfinite(g2[[0, 2]]))
    assert np.isnan(g1[1]) and np.isnan(g2[1]) and "not on the line" in reasons["g1"]
    single = st.solve(stack)
    assert g1[0] == pytest.approx(float(single.efficiency["g1"]), rel=1e-15)
