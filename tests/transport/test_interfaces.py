"""Finite interfaces (Valet–Fert AR*, γ; spin-memory loss δ) against closed forms and limits."""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from spintorque.interfaces import Interface

CO = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
PY = st.Ferromagnet.from_resistivity("Py", 15e-8, 0.73, 5.5e-9)
CU = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)
AG = st.NormalMetal("Ag", resistivity=1.0e-8, spin_diffusion_length=150e-9)

TILTED = (np.sin(1.1), 0.0, np.cos(1.1))


def long_lived(material: st.Ferromagnet | st.NormalMetal) -> st.Ferromagnet | st.NormalMetal:
    """The material with l_sf = 1 cm: the two-current (no spin-flip) limit for nm layers."""
    if isinstance(material, st.Ferromagnet):
        return st.Ferromagnet(material.name, material.rho_star, material.spin_asymmetry, 1e-2)
    return st.NormalMetal(material.name, material.resistivity, 1e-2)


def valve(f2=(0.0, 0.0, 1.0), co=CO, py=PY, cu=CU, ag=AG, **leads) -> st.Stack:
    layers = (
        st.Layer("N0", cu, 3e-9),
        st.Layer("F1", co, 5e-9, (0, 0, 1)),
        st.Layer("N", cu, 4e-9),
        st.Layer("S", ag, 2e-9),
        st.Layer("F2", py, 3e-9, f2),
        st.Layer("N2", cu, 2e-9),
    )
    return st.Stack(layers, current_density=1e11, **leads)


def interfaces(ar: float = 0.5e-15, delta: float = 0.0) -> list[Interface]:
    """Every F/N boundary of :func:`valve`, and the N/S (normal/normal) one."""
    return [
        Interface(("N0", "F1"), ar, 0.7, delta),
        Interface(("F1", "N"), 1.3 * ar, 0.55, delta),
        Interface(("N", "S"), 0.4 * ar, 0.0, delta),
        Interface(("S", "F2"), 0.8 * ar, -0.3, delta),
        Interface(("F2", "N2"), 1.1 * ar, 0.8, delta),
    ]


# --- the two-current series-resistor limit -------------------------------------------------------
@pytest.mark.parametrize("sign", [1.0, -1.0], ids=["parallel", "antiparallel"])
def test_no_spin_flip_gives_the_two_current_series_resistor_model(sign):
    stack = valve(
        (0.0, 0.0, sign), long_lived(CO), long_lived(PY), long_lived(CU), long_lived(AG)
    ).with_interfaces(interfaces())
    channel = np.zeros(2)  # series resistance of the majority-along-+z and minority channels
    for layer in stack.layers:
        mat = layer.material
        for k, s in enumerate((1.0, -1.0)):
            if layer.is_ferromagnet:
                along = s * float(np.asarray(layer.magnetization) @ (0, 0, 1))
                channel[k] += 2 * mat.rho_star * (1 - along * mat.spin_asymmetry) * layer.thickness
            else:
                channel[k] += 2 * mat.resistivity * layer.thickness
    for i in stack.interface_elements:
        a, b = (stack.layer(n) for n in i.between)
        ferro = a if a.is_ferromagnet else b if b.is_ferromagnet else None
        for k, s in enumerate((1.0, -1.0)):
            along = 0.0 if ferro is None else s * float(np.asarray(ferro.magnetization)[2])
            channel[k] += 2 * i.resistance_area * (1 - along * i.spin_asymmetry)
    expected = channel[0] * channel[1] / (channel[0] + channel[1])
    result = st.solve(stack)
    assert float(result.resistance_area) == pytest.approx(expected, rel=1e-6)
    # the interfaces are a sizeable part: the test sees a wrong AR* or gamma
    transparent = st.solve(stack.transparent()).resistance_area
    assert abs(float(result.resistance_area) - float(transparent)) > 0.1 * expected


def test_antiparallel_resistance_exceeds_parallel_by_the_interface_and_bulk_asymmetries():
    def make(s: float) -> st.Stack:
        return valve((0, 0, s), long_lived(CO), long_lived(PY), long_lived(CU), long_lived(AG))

    with_i = [float(st.solve(make(s).with_interfaces(interfaces())).resistance_area) for s in (1.0, -1.0)]
    without = [float(st.solve(make(s)).resistance_area) for s in (1.0, -1.0)]
    assert with_i[1] - with_i[0] > without[1] - without[0] > 0


# --- Valet–Fert / Fert–Jaffrès closed form ------------------------------------------------------
def fert_jaffres(beta, gamma, r_f, r_n, r_b):
    """Spin-coupled RA of one F/N contact, semi-infinite F and N, interface AR* = r_b:
    [r_N(β² r_F + γ² r_b) + r_F r_b (β − γ)²]/(r_F + r_N + r_b), r_F = rho* l_F, r_N = rho_N l_N
    (A. Fert and H. Jaffrès, Phys. Rev. B 64, 184420 (2001); Valet & Fert 1993)."""
    return (r_n * (beta**2 * r_f + gamma**2 * r_b) + r_f * r_b * (beta - gamma) ** 2) / (r_f + r_n + r_b)


@pytest.mark.parametrize("gamma", [0.7, -0.4, 0.0])
@pytest.mark.parametrize("ar", [0.05e-15, 0.5e-15, 5e-15])
def test_single_contact_matches_the_valet_fert_closed_form(gamma, ar):
    # semi-infinite Co (a Co layer on a Co lead) | interface | semi-infinite Cu (layer + lead)
    stack = st.Stack(
        (st.Layer("F", CO, 7e-9, (0, 0, 1)), st.Layer("N", CU, 9e-9)),
        left=st.Lead(CO, (0, 0, 1)),
        right=st.Lead(CU),
        current_density=1e11,
        interface_elements=(Interface(("F", "N"), ar, gamma),),
    )
    result = st.solve(stack)
    r_f = CO.rho_star * CO.spin_diffusion_length
    r_n = CU.resistivity * CU.spin_diffusion_length
    expected = fert_jaffres(CO.spin_asymmetry, gamma, r_f, r_n, ar)
    assert float(result.spin_resistance_area) == pytest.approx(expected, rel=1e-12)
    # charge part of the interface: AR*(1 − γ²), reported per interface
    (report,) = result.interface_report()
    assert report["charge_resistance_area"] == pytest.approx(ar * (1 - gamma**2), rel=1e-15)


def test_contact_with_a_lead_named_left_lead():
    stack = st.Stack(
        (st.Layer("N", CU, 9e-9),),
        left=st.Lead(CO, (0, 0, -1)),
        right=st.Lead(CU),
        current_density=1e11,
        interface_elements=(Interface(("N", "left_lead"), 1e-15, 0.6),),
    )
    r_f = CO.rho_star * CO.spin_diffusion_length
    r_n = CU.resistivity * CU.spin_diffusion_length
    expected = fert_jaffres(CO.spin_asymmetry, 0.6, r_f, r_n, 1e-15)
    assert float(st.solve(stack).spin_resistance_area) == pytest.approx(expected, rel=1e-12)
    assert stack.interface_elements[0].between == ("left_lead", "N")  # stored in stack order


# --- limits ----------------------------------------------------------------------------------------
def observables(stack: st.Stack) -> np.ndarray:
    r = st.solve(stack)
    return np.concatenate([r.torque_per_current.ravel(), [float(r.resistance_area) * 1e15]])


def test_transparent_limit_is_approached_continuously_as_ar_and_delta_vanish():
    base = valve(TILTED)
    exact = observables(base)
    # δ shrinks with AR* as for Co/Cu scaled down (δ = 0.33 at 0.5 fΩm²): the SML shunt
    # δ tanh(δ/2)/(2AR*) then vanishes too
    errors = [
        np.max(np.abs(observables(base.with_interfaces(interfaces(ar, 0.33 * ar / 0.5e-15))) - exact))
        for ar in (1e-17, 1e-18, 1e-19, 1e-20, 1e-21)
    ]
    rates = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((rates > 9) & (rates < 11)), errors  # first order in AR*
    assert errors[-1] < 1e-5 * np.max(np.abs(exact)), errors


def test_spin_memory_loss_is_continuous_at_zero():
    base = valve(TILTED)
    lossless = observables(base.with_interfaces(interfaces(0.5e-15, 0.0)))
    errors = [
        np.max(np.abs(observables(base.with_interfaces(interfaces(0.5e-15, d))) - lossless))
        for d in (1e-2, 1e-3, 1e-4)
    ]
    rates = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((rates > 95) & (rates < 105)), errors  # δ/sinh δ = 1 − δ²/6…: second order
    assert errors[0] > 1e-8  # a loss of 1 % is visible


def test_spin_memory_loss_decouples_the_two_sides_as_delta_grows():
    # F1 | Cu | F2 with a lossy F1/Cu interface: the Cu side sees an ideal sink as δ → ∞, so
    # Cu/F2 behaves as that two-layer stack alone (and F2 feels no torque from F1 any more)
    layers = (st.Layer("F1", CO, 5e-9, (0, 0, 1)), st.Layer("N", CU, 6e-9), st.Layer("F2", PY, 3e-9, TILTED))
    alone = st.solve(st.Stack(layers[1:], current_density=1e11)).spin_accumulation
    coupled = st.solve(st.Stack(layers, current_density=1e11)).torque_per_current[-1]
    errors, torques = [], []
    for delta in (100.0, 1000.0):
        stack = st.Stack(
            layers, current_density=1e11, interface_elements=(Interface(("F1", "N"), 0.5e-15, 0.7, delta),)
        )
        result = st.solve(stack)
        errors.append(np.max(np.abs(result.spin_accumulation[2:] - alone)))
        torques.append(result.torque_per_current[-1])
    assert 8.5 < errors[0] / errors[1] < 10.5, errors  # the shunt grows as δ: error ∝ 1/δ
    assert errors[-1] < 1e-2 * np.max(np.abs(alone))  # mu at the interface ~ γJ/Gt ∝ AR*/δ
    # the torque on F2 falls as 1/δ
    size = [np.max(np.abs(t)) for t in torques]
    assert 8.5 < size[0] / size[1] < 10.5 and size[1] < 0.1 * np.max(np.abs(coupled)), size


def test_normal_normal_interface_adds_its_resistance_and_keeps_spin_current_continuous_at_zero_ar():
    stack = valve(TILTED).with_interfaces([Interface(("N", "S"), 2e-15)])
    result = st.solve(stack)
    k = result.node_names().index(("N", "N|S"))
    # spin current through the N/N element is conserved (no loss): equal on its two sides
    np.testing.assert_allclose(
        result.spin_current_right[k],
        result.spin_current_left[k + 1],
        rtol=1e-12,
        atol=1e-12 * np.abs(result.spin_current_left).max(),
    )
    # and the accumulation jumps by 2AR* times it
    jump = result.spin_accumulation[k] - result.spin_accumulation[k + 1]
    np.testing.assert_allclose(jump, 2 * 2e-15 * result.spin_current_right[k], rtol=1e-10)


def test_torque_of_an_interface_belongs_to_its_ferromagnet_and_balances():
    stack = valve(TILTED).with_interfaces(interfaces(0.5e-15, 0.3))
    result = st.solve(stack)
    # total transverse spin current absorbed = torques on the two magnets; sinks carry the rest
    t = result.torque_per_current
    assert np.all(t[[0, 2, 3, 5]] == 0.0)
    assert np.max(np.abs(t[1])) > 1e-3 and np.max(np.abs(t[4])) > 1e-3
    m1, m2 = np.array([0.0, 0.0, 1.0]), np.asarray(TILTED)
    assert abs(t[1] @ m1) < 1e-15 and abs(t[4] @ m2) < 1e-15  # transverse
