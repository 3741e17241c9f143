"""Sign conventions, tested by physical behaviour (docs/conventions.md)."""

from __future__ import annotations

import numpy as np

import spintorque as st
from tests.conftest import spherical


def test_electrons_from_fixed_into_free_layer_pull_it_towards_parallel(co, cu):
    # Symmetric valve, J > 0: electrons flow from F1 (fixed) into F2 (free).
    theta = 1.0
    stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
                      st.Layer("F2", co, 8e-9, spherical(theta))), current_density=1e11)
    m1, m2 = np.array([0, 0, 1.0]), np.array(spherical(theta))
    towards_m1 = m1 - np.dot(m1, m2) * m2
    assert np.dot(st.solve(stack).torque("F2"), towards_m1) > 0
    reverse = st.solve(stack.with_current_density(-1e11))
    assert np.dot(reverse.torque("F2"), towards_m1) < 0
    assert st.solve(stack).efficiency["g2"] > 0


def test_electrons_leaving_a_ferromagnet_accumulate_majority_spin_in_the_normal_metal(co, cu):
    # F/N contact, J > 0 (electrons flow from F into N): mu_s along m is positive at the contact.
    stack = st.Stack((st.Layer("N", cu, 50e-9),), left=st.Lead(co, (0, 0, 1)),
                     right=st.Lead(cu), current_density=1e11)
    assert st.solve(stack).spin_accumulation[0, 2] > 0
