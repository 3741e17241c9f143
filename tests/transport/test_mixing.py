"""Mixing conductance G↑↓ at F/N interfaces: circuit theory, limits, FEM cross-check, torques."""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from spintorque.interfaces import Interface
from tests.transport.fem_interfaces import fem_solve_interfaces

CO = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
PY = st.Ferromagnet.from_resistivity("Py", 15e-8, 0.73, 5.5e-9)
CU = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)
M2 = (np.sin(1.0), 0.3, np.cos(1.0))


def valve(mixing: complex | None, left: st.Lead | None = None) -> st.Stack:
    layers = (
        st.Layer("N0", CU, 3e-9),
        st.Layer("F1", CO, 8e-9, (0, 0, 1)),
        st.Layer("N", CU, 10e-9),
        st.Layer("F2", PY, 4e-9, M2),
        st.Layer("N2", CU, 3e-9),
    )
    interfaces = (
        Interface(("N0", "F1"), 0.4e-15, 0.5, 0.0, mixing),
        Interface(("F1", "N"), 0.5e-15, 0.7, 0.2, mixing),
        Interface(("N", "F2"), 0.3e-15, 0.6, 0.1, mixing),
    )
    return st.Stack(layers, left=left or st.Lead(), current_density=1e11, interface_elements=interfaces)


# --- circuit theory ------------------------------------------------------------------------------
SIGMA = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]])


def circuit_torque(m1, m2, g_up, g_down, mixing) -> tuple[np.ndarray, float]:
    """Brataas–Nazarov–Bauer circuit theory of one normal node between two ferromagnetic
    reservoirs (potentials 1 and 0), written with 2×2 distribution matrices: contact k passes
    ``Î_k = Σ_σ G_σ û_σ(f_k − f̂_N)û_σ − G↑↓ û↑ f̂_N û↓ − G↑↓* û↓ f̂_N û↑`` into the node,
    ``f̂_N = μ_c + μ_s·σ/2``. Returns the spin current absorbed by reservoir 2 transverse to m2
    (the torque in current units) and the charge current."""

    def projectors(m):
        ms = np.einsum("i,ijk->jk", m, SIGMA)
        return (np.eye(2) + ms) / 2, (np.eye(2) - ms) / 2

    def current(k_potential, m, f_node):
        up, down = projectors(m)
        f_k = k_potential * np.eye(2)
        return (
            g_up * up @ (f_k - f_node) @ up
            + g_down * down @ (f_k - f_node) @ down
            - mixing * up @ f_node @ down
            - np.conj(mixing) * down @ f_node @ up
        )

    def residual(x):
        f_node = x[0] * np.eye(2) + np.einsum("i,ijk->jk", x[1:], SIGMA) / 2
        total = current(1.0, m1, f_node) + current(0.0, m2, f_node)
        return np.real([np.trace(total), *(np.trace(s @ total) for s in SIGMA)])

    # linear: residual(x) = A x + b
    b = residual(np.zeros(4))
    A = np.stack([residual(e) - b for e in np.eye(4)], axis=1)
    x = np.linalg.solve(A, -b)
    f_node = x[0] * np.eye(2) + np.einsum("i,ijk->jk", x[1:], SIGMA) / 2
    into_2 = -current(0.0, m2, f_node)
    spin = np.real([np.trace(s @ into_2) for s in SIGMA])
    charge = float(np.real(np.trace(current(1.0, m1, f_node))))
    return spin - (spin @ m2) * m2, charge


@pytest.mark.parametrize("mixing", [0.6e15, complex(0.6e15, 0.15e15)], ids=["real", "complex"])
def test_node_between_ferromagnetic_reservoirs_reproduces_circuit_theory(mixing):
    ar, gamma = 0.5e-15, 0.6
    g_up, g_down = 1 / (2 * ar * (1 - gamma)), 1 / (2 * ar * (1 + gamma))
    # reservoirs: ferromagnetic leads with l_sf → 0 (mu_s pinned to 0 at their faces); the node:
    # a normal layer of negligible resistance (rho d = 1e-23 Ω m²) and spin-flip (d/l = 1e-7)
    reservoir = st.Ferromagnet("R", 7.5e-8, 0.46, 1e-17)
    node = st.NormalMetal("node", 1e-14, 1e-2)
    m1 = np.array([0.0, 0.0, 1.0])
    ratios = []
    for theta in np.linspace(0.1, np.pi - 0.1, 7):
        m2 = np.array([np.sin(theta), 0.0, np.cos(theta)])
        stack = st.Stack(
            (st.Layer("N", node, 1e-9),),
            left=st.Lead(reservoir, tuple(m1)),
            right=st.Lead(reservoir, tuple(m2)),
            current_density=1.0,
            interface_elements=(
                Interface(("left_lead", "N"), ar, gamma, 0, mixing),
                Interface(("N", "right_lead"), ar, gamma, 0, mixing),
            ),
        )
        ours = st.solve(stack).lead_torque_per_current[1]
        torque, charge = circuit_torque(m1, m2, g_up, g_down, mixing)
        np.testing.assert_allclose(ours, torque / charge, rtol=0, atol=1e-6 * np.max(np.abs(torque / charge)))
        ratios.append(np.linalg.norm(torque) / charge / np.sin(theta))
    # the angle dependence is not a plain sin θ: the test sees the circuit's denominator
    assert np.ptp(ratios) > 0.05 * np.max(ratios)


# --- limits -----------------------------------------------------------------------------------
def observables(stack: st.Stack) -> np.ndarray:
    r = st.solve(stack)
    return np.concatenate([r.torque_per_current.ravel(), [float(r.resistance_area) * 1e15]])


def test_infinite_mixing_conductance_converges_to_the_transparent_solver():
    exact = observables(valve(None))
    errors = [
        np.max(np.abs(observables(valve(complex(g, 0.1 * g))) - exact)) for g in (1e18, 1e19, 1e20, 1e21)
    ]
    rates = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((rates > 9) & (rates < 11)), errors  # first order in 1/G↑↓
    assert errors[-1] < 1e-6 * np.max(np.abs(exact)), errors
    assert errors[0] > 1e-4 * np.max(np.abs(exact))  # finite G↑↓ is visible


def test_imaginary_mixing_conductance_gives_a_field_like_torque():
    real = st.solve(valve(0.55e15))
    complex_ = st.solve(valve(complex(0.55e15, 0.1e15)))
    flipped = st.solve(valve(complex(0.55e15, -0.1e15)))
    f_real, f_c, f_flip = (r.field_like_efficiency() for r in (real, complex_, flipped))
    g = real.efficiency
    for key in ("g1", "g2"):
        assert abs(float(f_real[key])) < 1e-13 * abs(float(g[key]))  # coplanar: no field-like
        assert abs(float(f_c[key])) > 1e-3 * abs(float(g[key]))
        assert np.sign(float(f_c[key])) == -np.sign(float(f_flip[key]))
    damping, field = complex_.torque_parts()
    np.testing.assert_allclose(damping + field, complex_.torques[..., [1, 3], :], rtol=1e-14)


def test_finite_mixing_conductance_lowers_the_torque_of_a_valve():
    transparent = np.linalg.norm(st.solve(valve(None)).torque_per_current[3])
    weak = np.linalg.norm(st.solve(valve(0.1e15)).torque_per_current[3])
    assert weak < transparent


# --- independent discretisation -------------------------------------------------------------------
@pytest.mark.parametrize("mixing", [None, complex(0.5e15, 0.1e15)], ids=["transparent", "mixing"])
def test_fem_with_interface_terms_agrees_with_the_solver(mixing):
    stack = valve(mixing, st.Lead(CU))
    result = st.solve(stack)
    coarse, fine = (fem_solve_interfaces(stack, n, n) for n in (32, 64))
    # P1 error is O(h²): one Richardson step leaves O(h⁴)
    mu = (4 * fine.boundary_mu - coarse.boundary_mu) / 3
    torque = (4 * fine.torque_per_current - coarse.torque_per_current) / 3
    exact_mu, exact_t = result.spin_accumulation, result.torque_per_current
    assert np.max(np.abs(mu - exact_mu)) < 1e-8 * np.max(np.abs(exact_mu))
    assert np.max(np.abs(torque - exact_t)) < 1e-8 * np.max(np.abs(exact_t))
    # and the unextrapolated error is the mesh's O(h²), not agreement by construction
    e = [np.max(np.abs(f.boundary_mu - exact_mu)) for f in (coarse, fine)]
    assert 3.5 < e[0] / e[1] < 4.5, e


def test_huge_mixing_conductance_keeps_full_accuracy_off_the_axes():
    # G↑↓ up to 1e24 S/m², 1e10 times the normal metal's G, with m2 off every axis: the shunt
    # must not leak into the soft longitudinal direction (nor mu⊥ ~ 1/G↑↓ into the torque)
    exact = st.solve(valve(None))
    errors = []
    for g in (1e22, 1e23, 1e24):
        r = st.solve(valve(complex(g, -0.4 * g)))
        errors.append(
            max(
                np.max(np.abs(r.spin_accumulation - exact.spin_accumulation))
                / np.max(np.abs(exact.spin_accumulation)),
                np.max(np.abs(r.torque_per_current - exact.torque_per_current))
                / np.max(np.abs(exact.torque_per_current)),
            )
        )
    rates = np.array(errors[:-1]) / np.array(errors[1:])
    assert np.all((rates > 9) & (rates < 11)), errors  # still the 1/G↑↓ of the physics


def test_collinear_limit_with_mixing_matches_small_angles():
    ds = st.efficiency(valve(complex(0.55e15, 0.1e15)), "F2", np.array([0.0, 1e-5, np.pi - 1e-5, np.pi]))
    for key in ("g1", "g2"):
        g = ds[key].values
        assert np.all(np.isfinite(g))
        np.testing.assert_allclose(g[0], g[1], rtol=1e-8)
        np.testing.assert_allclose(g[3], g[2], rtol=1e-8)
