"""The diffusive torque term: the transport solver's torque, on the fly, with its sign convention."""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from spintorque.constants import gamma_e
from spintorque.errors import InputError
from spintorque.magnet import DiffusiveTorque, Macrospin, MacrospinModel, gilbert_to_landau
from tests.conftest import spherical


@pytest.fixture
def valve(co, cu) -> st.Stack:
    return st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
                     st.Layer("F2", co, 3e-9, (0, 0, 1))), current_density=1e11)


FREE = Macrospin(1.4e6, 3e-9, 1e-15, damping=0.01)


def test_electrons_from_the_fixed_layer_pull_the_free_layer_towards_it(valve):
    # F1 fixed along +z, F2 tilted: J > 0 (electrons flow F1 -> F2) turns m2 towards m1.
    term = DiffusiveTorque(valve, "F2")
    m1 = np.array([0.0, 0.0, 1.0])
    for theta in (0.3, 1.0, 2.0):
        m2 = np.array(spherical(theta, 0.4))
        towards_m1 = m1 - np.dot(m1, m2) * m2
        assert np.dot(term.rate(m2, 1e11, FREE), towards_m1) > 0
        assert np.dot(term.rate(m2, -1e11, FREE), towards_m1) < 0


def test_rate_is_the_solvers_torque_per_area_times_gamma_over_Ms_d_scaled_to_the_run_current(valve):
    term = DiffusiveTorque(valve, "F2")
    m = np.array([spherical(t, 0.2) for t in (0.2, 0.9, 1.7, 2.9)])
    J = 3.7e10
    T = np.array([st.solve(valve.with_magnetization("F2", mi)).torque("F2") for mi in m]) * J / 1e11
    expected = gilbert_to_landau(gamma_e * T / (FREE.saturation_magnetization * FREE.thickness), m, 0.01)
    np.testing.assert_allclose(term.rate(m, J, FREE), expected, rtol=1e-10)
    np.testing.assert_allclose(term.rate(m.reshape(2, 2, 3), J, FREE), expected.reshape(2, 2, 3), rtol=1e-12)


def test_free_layer_must_exist_be_ferromagnetic_and_match_the_magnet(valve):
    with pytest.raises(InputError, match="no layer named 'F3'"):
        DiffusiveTorque(valve, "F3")
    with pytest.raises(InputError, match="not a ferromagnet"):
        DiffusiveTorque(valve, "N")
    with pytest.raises(InputError, match=r"torque\.diffusive\.free_layer"):
        MacrospinModel(Macrospin(1.4e6, 2e-9, 1e-15, 0.01), torques=DiffusiveTorque(valve, "F2"))
