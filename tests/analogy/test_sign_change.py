"""Sign-change analysis against the closed form (15) and against the solver itself."""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from spintorque.analogy import explain, torque_zero_crossings
from spintorque.analogy.signchange import relative_configurations
from spintorque.analytic import Valve


def _valve(co, cu, f2, d2=3e-9, dN=6e-9):
    return st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, dN),
                     st.Layer("F2", f2, d2, (0, 0, 1))), current_density=1e11)


def _closed(co, cu, f2, d2=3e-9, dN=6e-9):
    return Valve(co.polarization, f2.polarization, co.spin_conductance, f2.spin_conductance,
                 cu.spin_conductance, 8e-9, d2, dN, co.spin_diffusion_length,
                 f2.spin_diffusion_length, cu.spin_diffusion_length)


def test_explain_matches_closed_form_thresholds_and_zero_angle(co, cu, py):
    analysis = explain(_valve(co, cu, py))
    valve = _closed(co, cu, py)
    assert analysis.g2_negative_above_p2_over_p1 == pytest.approx(valve.A2 / valve.B, rel=1e-10)
    assert analysis.g1_negative_below_p2_over_p1 == pytest.approx(valve.B / valve.A1, rel=1e-10)
    assert analysis.layer_with_sign_change == "F2"
    assert analysis.zero_torque_angle == pytest.approx(valve.zero_torque_angle()["g2"], rel=1e-10)
    assert "dragged" in analysis.explanation or "drags" in analysis.explanation


def test_symmetric_valve_has_no_sign_change(co, cu):
    analysis = explain(_valve(co, cu, co))
    assert analysis.layer_with_sign_change is None and analysis.zero_torque_angle is None
    assert analysis.g1_negative_below_p2_over_p1 < 1 < analysis.g2_negative_above_p2_over_p1


@pytest.mark.slow
def test_thresholds_with_leads_agree_with_the_solvers_sign_of_g(co, cu):
    # Leads and an outer layer: no closed form. Vary p2 (rho* fixed) across each threshold.
    def stack(p2):
        f2 = st.Ferromagnet("F2m", 20e-8, p2, 4e-9)
        return st.Stack((st.Layer("N0", cu, 5e-9), st.Layer("F1", co, 10e-9, (0, 0, 1)),
                         st.Layer("N", cu, 3e-9), st.Layer("F2", f2, 1.5e-9, (0, 0, 1))),
                        left=st.Lead(cu), right=st.Lead(cu))
    analysis = explain(stack(0.5))
    p1 = co.polarization
    small = np.array([1e-3])
    for threshold, index in ((analysis.g2_negative_above_p2_over_p1, 1),
                             (analysis.g1_negative_below_p2_over_p1, 0)):
        p2_star = threshold * p1
        assert abs(p2_star) < 1
        below = st.solve(stack(p2_star * (1 - 1e-6)), relative_configurations(stack(0.5), small))
        above = st.solve(stack(p2_star * (1 + 1e-6)), relative_configurations(stack(0.5), small))
        g_below = [below.efficiency["g1"], below.efficiency["g2"]][index][0]
        g_above = [above.efficiency["g1"], above.efficiency["g2"]][index][0]
        assert g_below * g_above < 0
        if index == 1:
            assert g_above < 0 < g_below  # g2 negative above its threshold
        else:
            assert g_below < 0 < g_above  # g1 negative below its threshold


def test_no_sign_change_beyond_90_degrees_and_never_both_negative(co, cu):
    theta = np.linspace(0.01, np.pi - 0.01, 300)
    for p2 in np.linspace(0.05, 0.95, 10):
        f2 = st.Ferromagnet("F2m", 20e-8, p2, 4e-9)
        stack = _valve(co, cu, f2, d2=1.5e-9, dN=3e-9)
        g = st.solve(stack, relative_configurations(stack, theta)).efficiency
        assert not np.any((g["g1"] < 0) & (g["g2"] < 0))
        wide = theta >= np.pi / 2
        assert np.all(g["g1"][wide] > 0) and np.all(g["g2"][wide] > 0)


def test_zero_crossings_of_the_torque_match_the_analysis(co, cu, py):
    stack = _valve(co, cu, py)
    roots = torque_zero_crossings(stack, "F2", np.linspace(0, np.pi, 181))
    theta_star = explain(stack).zero_torque_angle
    assert roots["F2"] == pytest.approx([theta_star], rel=1e-9)
    assert roots["F1"].size == 0
