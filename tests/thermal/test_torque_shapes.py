"""Angle-dependent damping-like efficiency in the axial Fokker–Planck problem."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad

import spintorque as st
from spintorque.thermal import (
    AxialModel,
    mean_first_passage_time,
    slonczewski_efficiency,
    smallest_eigenvalue,
    spectrum,
    transport_efficiency,
)


def test_a_constant_efficiency_function_reproduces_the_default_model():
    plain = AxialModel(20.0, 0.1, 0.3)
    shaped = AxialModel(20.0, 0.1, 0.3, efficiency=lambda z: np.full_like(z, 2.5))
    assert smallest_eigenvalue(shaped) == pytest.approx(smallest_eigenvalue(plain), rel=1e-12)
    assert mean_first_passage_time(shaped) == pytest.approx(mean_first_passage_time(plain),
                                                            rel=1e-12)


@pytest.mark.parametrize(("Lambda", "i"), [(2.0, 0.3), (3.0, -0.4), (1.5, 0.7)])
def test_slonczewski_shape_chain_and_galerkin_agree(Lambda, i):
    model = AxialModel(5.0, 0.1, i, efficiency=slonczewski_efficiency(Lambda))
    assert smallest_eigenvalue(model) == pytest.approx(spectrum(model, 2, size=120)[1], rel=1e-8)


def test_the_pole_loses_stability_at_i_equal_one_for_any_shape():
    for eta in (slonczewski_efficiency(3.0), lambda z: 1.0 + 0.5 * z + 0.2 * z**3):
        for i, sign in ((0.999, -1.0), (1.001, 1.0)):
            slope = float(AxialModel(10.0, 0.2, i, efficiency=eta).potential_derivative(1.0))
            assert np.sign(slope) == sign  # dU/dz < 0 at z = 1: a minimum at the pole


def test_mirrored_first_passage_with_a_shaped_torque_matches_quadrature():
    model = AxialModel(4.0, 0.0, 0.5, efficiency=slonczewski_efficiency(2.0))
    U = model.potential

    def integrand(z: float) -> float:
        mass = quad(lambda s: math.exp(-U(s)), -1, z, epsabs=0, epsrel=1e-13, limit=200)[0]
        return math.exp(U(z)) / (1 - z * z) * mass
    reference = 2 * quad(integrand, -0.5, 0.2, epsabs=0, epsrel=1e-12, limit=200)[0]
    assert mean_first_passage_time(model, -0.5, 0.2) == pytest.approx(reference, rel=1e-10)


def test_transport_efficiency_is_the_solvers_g2_and_enters_the_escape_rate(co, cu, py):
    stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 6e-9),
                      st.Layer("F2", py, 3e-9, (0, 0, 1))))
    eta = transport_efficiency(stack)
    theta12 = np.array([0.3, 1.2, 2.5])
    direct = st.efficiency(stack, "F2", theta12).g2.values  # F1 along +z, F2 at polar θ12
    np.testing.assert_allclose(eta(-np.cos(theta12)), direct, rtol=1e-8, atol=1e-10)
    model = AxialModel(6.0, 0.0, 0.4, efficiency=eta)
    assert smallest_eigenvalue(model) == pytest.approx(spectrum(model, 2, size=120)[1], rel=1e-8)
