"""No digits lost for ultra-thin, highly conductive layers with magnetizations off the axes.

A layer of d/l = 1e-7 has a series conductance Gs = 1e7 G; next to a poor conductor that is up to
~1e11 times the neighbour's stiffness. Any rounding of a frame or a source of relative size 1e-16
that reaches a soft direction is then amplified ~1e11-fold. These tests use magnetizations off the
coordinate axes and random global rotations (axis-aligned directions round exactly and hide the
loss), and compare with an 80-digit reference solution (``tests/transport/reference.py``).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

import spintorque as st
from tests.transport.reference import reference_solve

GOOD = st.NormalMetal("Good", resistivity=1e-9, spin_diffusion_length=1e-6)  # G = 5e14 S/m²
POOR = st.NormalMetal("Poor", resistivity=1e-5, spin_diffusion_length=1e-6)  # G = 5e10 S/m²
FM = st.Ferromagnet("F", rho_star=1e-5, spin_asymmetry=0.5, spin_diffusion_length=1e-6)
THIN_FM = st.Ferromagnet("Fthin", rho_star=1e-9, spin_asymmetry=-0.7, spin_diffusion_length=1e-6)
M1 = (0.48, -0.6, 0.64)
M2 = (-0.3, 0.81, 0.2)
M3 = (0.7, 0.1, -0.5)


def lone(left: st.Lead, right: st.Lead) -> st.Stack:
    """One ferromagnet among d/l = 1e-7 layers of a good conductor, between poor conductors."""
    return st.Stack((st.Layer("Na", GOOD, 1e-13), st.Layer("Nb", GOOD, 3e-13),
                     st.Layer("F", FM, 2e-7, M1), st.Layer("Nc", GOOD, 1e-13),
                     st.Layer("Nd", GOOD, 2e-13), st.Layer("Ne", POOR, 1e-7)),
                    left=left, right=right, current_density=1.0)


LONE_LEADS = {"normal leads": (st.Lead(POOR), st.Lead(POOR)),
              "sink and normal lead": (st.Lead(), st.Lead(POOR)),
              "collinear ferromagnetic lead": (st.Lead(FM, M1), st.Lead(POOR))}


def stacks() -> dict[str, st.Stack]:
    return {
        "lone ferromagnet": lone(st.Lead(POOR), st.Lead(POOR)),
        "valve with thin conductive spacers": st.Stack(
            (st.Layer("F1", FM, 5e-8, M1), st.Layer("Na", GOOD, 1e-13), st.Layer("Nb", GOOD, 2e-13),
             st.Layer("Nc", POOR, 3e-8), st.Layer("F2", FM, 4e-8, M2), st.Layer("Nd", GOOD, 1e-13),
             st.Layer("F3", THIN_FM, 1e-13, M3), st.Layer("Ne", POOR, 2e-8)),
            left=st.Lead(POOR), right=st.Lead(GOOD), current_density=1.0),
        "thin ferromagnets between poor conductors": st.Stack(
            (st.Layer("N0", POOR, 5e-8), st.Layer("F1", THIN_FM, 1e-13, M1),
             st.Layer("N1", POOR, 1e-8), st.Layer("F2", THIN_FM, 2e-13, M2),
             st.Layer("N2", GOOD, 1e-13), st.Layer("N3", POOR, 1e-8)),
            left=st.Lead(), right=st.Lead(POOR), current_density=1.0),
        "antiparallel pair touching, the second thin and conductive": st.Stack(
            (st.Layer("N0", POOR, 5e-8), st.Layer("F1", FM, 3e-8, M1),
             st.Layer("F2", THIN_FM, 1e-13, tuple(-np.asarray(M1))), st.Layer("N1", POOR, 1e-8),
             st.Layer("N2", GOOD, 2e-13), st.Layer("F3", FM, 2e-8, M2)),
            left=st.Lead(), right=st.Lead(POOR), current_density=1.0),
        "ferromagnetic leads touching layers at an angle": st.Stack(
            (st.Layer("F1", FM, 5e-8, M1), st.Layer("N", GOOD, 1e-13), st.Layer("N2", POOR, 1e-8),
             st.Layer("F2", THIN_FM, 1e-13, M2)),
            left=st.Lead(THIN_FM, M3), right=st.Lead(FM, M1), current_density=1.0),
    }


def spin_scale(stack: st.Stack, result: st.TransportResult) -> float:
    """Natural scale of the spin currents per unit J: the largest |p| or |j_s|/J."""
    sides = [stack.left, stack.right, *stack.layers]
    p = max(abs(x.material.polarization) for x in sides if x.material is not None)
    return max(p, float(np.abs(result.spin_current_left).max()))


@pytest.mark.parametrize("leads", LONE_LEADS.values(), ids=LONE_LEADS.keys())
def test_lone_ferromagnet_among_thin_conductive_layers_feels_no_torque(leads, rng):
    # Everything is collinear with m, so every transverse spin current vanishes; before the fix
    # rounding of the node frames gave up to 2e-6·p here (2.3e-3·p in the worst fuzzed stacks).
    # (A ferromagnetic lead must be given bitwise the layer's direction: an angle of 1e-16 rad
    # across these layers, of transverse conductance 1e11 times the leads', really does carry
    # a transverse current of ~1e-6·p.)
    for R in [np.eye(3), *Rotation.random(5, random_state=rng).as_matrix()]:
        result = st.solve(rotated(lone(*leads), R))
        assert np.abs(result.torque_per_current).max() <= 1e-15 * FM.polarization
        assert np.abs(result.lead_torque_per_current).max() <= 1e-15 * FM.polarization


@pytest.mark.parametrize("name", stacks().keys())
def test_thin_conductive_stacks_agree_with_an_80_digit_reference(name, rng):
    base = stacks()[name]
    ferro = [layer.magnetization for layer in base.ferromagnets]
    for R in [np.eye(3), *Rotation.random(3, random_state=rng).as_matrix()]:
        stack = rotated(base, R)
        mags = np.asarray(ferro) @ R.T
        result = st.solve(stack, mags)
        ref = reference_solve(stack, mags)
        scale_mu = np.abs(ref.mu).max()
        scale_j = spin_scale(stack, result)
        assert np.abs(result.mu_unit - ref.mu).max() <= 1e-14 * scale_mu
        assert np.abs(result.torque_per_current - ref.torque).max() <= 1e-14 * scale_j
        assert np.abs(result.lead_torque_per_current - ref.lead_torque).max() <= 1e-14 * scale_j
        assert float(result.spin_resistance_area) == pytest.approx(ref.spin_ra, rel=1e-14)
        # spin currents on both sides of every node that is not a pinned contact (there the
        # reference's sides are its spacer's, the solver's the layers' own)
        free = result.rank != 0
        for got, want in ((result.spin_current_left, ref.current_left),
                          (result.spin_current_right, ref.current_right)):
            assert np.abs(got[free] - want[free]).max() <= 1e-14 * scale_j


def rotated(stack: st.Stack, R: np.ndarray) -> st.Stack:
    """The stack with every magnetization (layers and leads) turned by the rotation R."""
    def turn(m: object) -> tuple[float, float, float]:
        v = R @ np.asarray(m, dtype=float)
        return (float(v[0]), float(v[1]), float(v[2]))

    layers = tuple(st.Layer(layer.name, layer.material, layer.thickness,
                            None if layer.magnetization is None else turn(layer.magnetization))
                   for layer in stack.layers)
    leads = [st.Lead(lead.material, None if lead.magnetization is None else turn(lead.magnetization))
             for lead in (stack.left, stack.right)]
    return st.Stack(layers, left=leads[0], right=leads[1], current_density=stack.current_density)


@pytest.mark.parametrize("name", stacks().keys())
def test_results_turn_exactly_with_a_global_rotation(name, rng):
    base = stacks()[name]
    a = st.solve(base)
    scale_mu = np.abs(a.mu_unit).max()
    scale_j = spin_scale(base, a)
    for R in Rotation.random(10, random_state=rng).as_matrix():
        b = st.solve(rotated(base, R))
        np.testing.assert_allclose(b.mu_unit, a.mu_unit @ R.T, rtol=0, atol=1e-13 * scale_mu)
        for got, want in ((b.spin_current_left, a.spin_current_left),
                          (b.spin_current_right, a.spin_current_right),
                          (b.torque_per_current, a.torque_per_current),
                          (b.lead_torque_per_current, a.lead_torque_per_current)):
            np.testing.assert_allclose(got, want @ R.T, rtol=0, atol=1e-13 * scale_j)
        assert float(b.spin_resistance_area) == pytest.approx(float(a.spin_resistance_area),
                                                              rel=1e-13)
