"""A ferromagnetic lead touching a ferromagnetic layer at an angle: the vanishing-spacer contact.

The contact pins mu_s = 0 (docs/conventions.md) exactly as between two layers, and the spacer's
spin current acts on both sides: a torque on the layer and a reaction on the lead. Checked against
the same stack with an ultra-thin normal spacer (d/l = 1e-12) before the lead, which the solver
treats as an ordinary N layer, and by the angular-momentum bookkeeping of the whole line.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy import integrate

import spintorque as st
from tests.conftest import spherical


@pytest.fixture
def leads(co, py):
    return st.Lead(py, spherical(1.0, 0.4)), st.Lead(co, spherical(2.2, -1.3))


def valve(co, py, cu, left: st.Lead, right: st.Lead, spacer: float | None = None) -> st.Stack:
    """[spacer]/F1/N/F2/[spacer] between two leads; spacer = d/l of Cu, or None for none."""
    layers = [st.Layer("F1", co, 6e-9, spherical(0.3, 0.2)), st.Layer("N", cu, 8e-9),
              st.Layer("F2", py, 3e-9, spherical(1.6, 2.0))]
    if spacer is not None:
        d = spacer * cu.spin_diffusion_length
        layers = [st.Layer("S0", cu, d), *layers, st.Layer("S1", cu, d)]
    return st.Stack(tuple(layers), left=left, right=right, current_density=2e11)


def test_touching_lead_equals_the_vanishing_spacer_limit(co, py, cu, leads):
    touching = st.solve(valve(co, py, cu, *leads))
    spaced = st.solve(valve(co, py, cu, *leads, spacer=1e-12))
    scale = np.abs(spaced.torques).max()
    np.testing.assert_allclose(touching.torques, spaced.torques[1:4], rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(touching.lead_torques, spaced.lead_torques, rtol=0,
                               atol=1e-9 * scale)
    # the face toward the lead does act: the torque differs from the sink-lead valve's
    sinks = st.solve(valve(co, py, cu, st.Lead(), st.Lead()))
    assert np.abs(touching.torques - sinks.torques).max() > 0.1 * scale
    assert np.all(np.linalg.norm(touching.lead_torques, axis=-1) > 0.01 * scale)
    for key in ("g1", "g2"):
        assert float(touching.efficiency[key]) == pytest.approx(float(spaced.efficiency[key]),
                                                                rel=1e-9)


def test_lead_torques_are_transverse_to_the_leads(co, py, cu, leads):
    result = st.solve(valve(co, py, cu, *leads))
    for k, lead in enumerate(leads):
        tpc = result.lead_torque_per_current[k]
        assert abs(np.dot(tpc, lead.magnetization)) <= 1e-15 * np.linalg.norm(tpc)


def test_normal_leads_and_sinks_feel_no_torque(co, py, cu):
    result = st.solve(valve(co, py, cu, st.Lead(cu), st.Lead()))
    assert np.all(result.lead_torques == 0.0)


def test_lead_next_to_a_normal_layer_absorbs_its_transverse_current(co, py, cu, leads):
    # F lead / N / F1: the lead takes the transverse spin current the spacer brings to it
    stack = valve(co, py, cu, *leads, spacer=0.02)
    result = st.solve(stack)
    m = np.asarray(leads[0].magnetization)
    incoming = result.spin_current_right[0] / stack.current_density
    np.testing.assert_allclose(result.lead_torque_per_current[0],
                               -(incoming - np.dot(incoming, m) * m), rtol=1e-12, atol=0)


@pytest.mark.parametrize("spacer", [None, 0.05])
def test_torques_and_relaxation_account_for_all_spin_current(co, py, cu, leads, spacer):
    # j(−∞) − j(+∞) = Σ torques (layers and leads) + Σ relaxation (layers and leads): every
    # transverse jump is someone's torque, every longitudinal change is relaxation.
    stack = valve(co, py, cu, *leads, spacer=spacer)
    result = st.solve(stack.with_current_density(1.0))
    relaxation = np.zeros(3)
    edges = stack.interfaces
    for i, layer in enumerate(stack.layers):
        G, length = layer.material.spin_conductance, layer.material.spin_diffusion_length
        x = np.linspace(edges[i], edges[i + 1], 4001)
        mu = result.profile(x).spin_accumulation.values
        relaxation += G / length * integrate.simpson(mu, x=x, axis=0)
    for lead, mu in ((stack.left, result.mu_unit[0]), (stack.right, result.mu_unit[-1])):
        relaxation += lead.material.spin_conductance * mu  # (G/l)∫ mu e^(−|x|/l) dx
    far = [lead.material.polarization * np.asarray(lead.magnetization) for lead in leads]
    total = (result.torque_per_current.sum(axis=0) + result.lead_torque_per_current.sum(axis=0)
             + relaxation)
    np.testing.assert_allclose(total, far[0] - far[1], rtol=0, atol=1e-9)


def test_json_reports_the_lead_torques(co, py, cu, leads):
    doc = json.loads(st.solve(valve(co, py, cu, leads[0], st.Lead(cu))).to_json())
    assert set(doc["lead_torques"]) == {"left"}
    entry = doc["lead_torques"]["left"]
    assert entry["material"] == "Py" and len(entry["torque"]) == 3
    assert np.linalg.norm(entry["torque"]) > 0
    assert "layers" in doc and "efficiency" in doc  # the existing keys stay
