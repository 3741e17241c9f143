"""Slonczewski export: the symmetric valve maps exactly; a wavy valve's residual is honest."""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from spintorque.analytic.magnetoresistance import symmetric_valve_slonczewski
from spintorque.errors import InputError
from spintorque.export import export_lines, fit_slonczewski
from spintorque.magnet.macrospin import Macrospin
from spintorque.magnet.torque import DiffusiveTorque, Slonczewski
from tests.transport.test_magnetoresistance import closed_form, valve_stack


def random_directions(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def printed_residual(stack: st.Stack, fit) -> float:
    line = export_lines(stack, fit, "mumax3")[1]
    return float(line.split("max ")[1].split(",")[0])


def rate_gap(stack: st.Stack, layer: str, fit, m: np.ndarray) -> tuple[float, float]:
    """max |Slonczewski − diffusive| explicit-form rate over m, and the printed bound for it."""
    magnet = Macrospin(8e5, stack.layer(layer).thickness, 1e-15, damping=0.02)
    J = stack.current_density
    model = Slonczewski(fit.polarization, fit.Lambda, fit.epsilon_prime, fit.polarizer)
    diffusive = DiffusiveTorque(stack, layer)
    gap = np.linalg.norm(model.rate(m, fit.current_sign * J, magnet) - diffusive.rate(m, J, magnet), axis=-1)
    from spintorque.constants import gamma_e, hbar_over_2e

    # peak |τ| = γ_e (ħ/2e)|J| peak|Δj/J| / (Ms d), and the Landau form divides |τ| by sqrt(1+α²)
    peak = gamma_e * hbar_over_2e * abs(J) * fit.peak_torque_per_current / (8e5 * magnet.thickness)
    return float(np.max(gap)), printed_residual(stack, fit) * peak / np.sqrt(1 + 0.02**2)


@pytest.mark.parametrize("layer", ["F2", "F1"])
def test_symmetric_valve_maps_exactly_onto_the_closed_form(co, cu, layer):
    stack = valve_stack(co, co, cu, 6e-9, 10e-9, 6e-9)
    fit = fit_slonczewski(stack, layer)
    P, Lambda = symmetric_valve_slonczewski(closed_form(stack))
    assert fit.polarization == pytest.approx(P, rel=1e-10)
    assert fit.Lambda == pytest.approx(Lambda, rel=1e-10)
    assert fit.epsilon_prime == 0.0 and fit.exact and fit.residual_max <= 1e-9
    assert fit.current_sign == (1.0 if layer == "F2" else -1.0)


@pytest.mark.parametrize("layer", ["F2", "F1"])
def test_exported_parameters_reproduce_the_solver_within_the_printed_residual(co, py, cu, rng, layer):
    for stack in (valve_stack(co, co, cu, 6e-9, 10e-9, 6e-9), valve_stack(co, py, cu, 8e-9, 10e-9, 3e-9)):
        fit = fit_slonczewski(stack, layer)
        gap, bound = rate_gap(stack, layer, fit, random_directions(rng, 400))
        assert gap <= bound


def test_wavy_valve_residual_is_large_and_honest(co, py, cu):
    stack = valve_stack(co, py, cu, 8e-9, 10e-9, 3e-9)
    fit = fit_slonczewski(stack, "F2")
    assert not fit.exact and fit.residual_max > 0.1
    # the one-term form keeps its sign: it cannot follow g2 < 0 below the zero-torque angle
    zero = closed_form(stack).zero_torque_angle()["g2"]
    assert zero is not None
    theta = np.linspace(0.05, 0.9 * zero, 20)
    _, g2 = closed_form(stack).efficiency(theta)
    assert np.all(g2 < 0) and np.all(fit.epsilon(theta) > 0)
    # the reported residual is attained (to the check grid's resolution), not just a bound
    worst = np.max(np.abs(fit.epsilon(theta) - g2 / 2) * np.sin(theta)) * 2 / fit.peak_torque_per_current
    assert worst <= fit.residual_max


def test_oommf_bound_keeps_lambda_at_least_the_minimum(co, py, cu):
    stack = valve_stack(co, py, cu, 8e-9, 10e-9, 3e-9)
    free = fit_slonczewski(stack, "F2")
    bounded = fit_slonczewski(stack, "F2", Lambda_min=2 * free.Lambda)
    assert bounded.Lambda >= 2 * free.Lambda * (1 - 1e-12)
    assert bounded.residual_max >= free.residual_max


def test_refusals_name_the_problem(co, cu):
    stack = valve_stack(co, co, cu, 6e-9, 10e-9, 6e-9)
    with pytest.raises(InputError, match="layer"):
        fit_slonczewski(stack, "N")
    touching = st.Stack((st.Layer("F1", co, 5e-9, (0, 0, 1)), st.Layer("F2", co, 5e-9, (1, 0, 0))))
    with pytest.raises(InputError, match="touch"):
        fit_slonczewski(touching, "F2")
    lead = st.Stack(stack.layers, left=st.Lead(co, (0, 0, 1)))
    with pytest.raises(InputError, match=r"leads\.left"):
        fit_slonczewski(lead, "F2")
    three = st.Stack((*stack.layers, st.Layer("N2", cu, 5e-9), st.Layer("F3", co, 5e-9, (1, 0, 0))))
    with pytest.raises(InputError, match="exactly two"):
        fit_slonczewski(three, "F2")


def test_an_unpolarized_ferromagnet_still_torques_and_the_export_says_it_fails(co, cu):
    # p1 = 0: F1 still absorbs the transverse spin of F2's own accumulation, so
    # g2 = −B² p2 cosθ/Det changes sign at exactly 90° (cos θ* = A2 p1/(B p2) = 0)
    plain = st.Ferromagnet("Plain", 7.5e-8, 0.0, 59e-9)
    stack = valve_stack(plain, co, cu, 6e-9, 10e-9, 6e-9)
    fit = fit_slonczewski(stack, "F2")
    assert fit.sign_change_angle == pytest.approx(np.pi / 2, abs=np.pi / 721)
    assert not fit.exact and fit.residual_max > 0.5
    assert "WARNING" in export_lines(stack, fit, "mumax3")[2]
    sym = fit_slonczewski(valve_stack(co, co, cu, 6e-9, 10e-9, 6e-9), "F2")
    assert sym.sign_change_angle is None and len(export_lines(stack, sym, "mumax3")[2]) > 0
