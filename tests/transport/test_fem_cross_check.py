"""The exact solver against an independent P1 finite-element minimisation of the functional S.

``tests/transport/fem.py`` discretises the corrected functional of TRANSPORT.md §6 from scratch;
it shares nothing with ``spintorque.transport`` but the stack description. Agreement that improves
at the FEM's own rate (second order) rules out errors in the exact element, the node constraints,
the lead terms and the functional, which a self-consistency check could not see.
"""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from tests.transport.fem import FemSolution, fem_solve

REFINEMENTS = (8, 16, 32, 64)

CO = st.Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
PY = st.Ferromagnet.from_resistivity("Py", 15e-8, 0.73, 5.5e-9)
FECO = st.Ferromagnet("FeCo", rho_star=4.0e-8, spin_asymmetry=-0.55, spin_diffusion_length=12e-9)
CU = st.NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)
AG = st.NormalMetal("Ag", resistivity=1.0e-8, spin_diffusion_length=150e-9)
PT = st.NormalMetal("Pt", resistivity=2.0e-7, spin_diffusion_length=1.4e-9)

M1 = np.array([0.0, 0.0, 1.0])
M2 = np.array([np.sin(1.1), 0.0, np.cos(1.1)])
M3 = np.array([1.0, 1.0, 1.0]) / np.sqrt(3.0)

LEADS = {
    "normal-lead|sink": (st.Lead(AG), st.Lead()),
    "sink|ferro-lead-parallel": (st.Lead(), st.Lead(PY, tuple(M3))),
    "ferro-lead-antiparallel|sink": (st.Lead(FECO, tuple(-M1)), st.Lead()),
}


def three_ferromagnet_stack(left: st.Lead, right: st.Lead, J: float = 1e11) -> st.Stack:
    """F1(z)/Cu/F2(tilted in xz)/Ag/F3(111): non-coplanar, three ferromagnets, mixed materials.

    F2 is tilted (not perpendicular to F1) so the longitudinal and transverse parts of every N
    layer couple; thicknesses span d/l from 0.006 (Cu) to 0.7 (Py).
    """
    layers = (st.Layer("F1", CO, 8e-9, tuple(M1)), st.Layer("N1", CU, 3e-9),
              st.Layer("F2", PY, 4e-9, tuple(M2)), st.Layer("N2", AG, 6e-9),
              st.Layer("F3", FECO, 5e-9, tuple(M3)))
    return st.Stack(layers, left=left, right=right, current_density=J)


def orders(errors: list[float]) -> np.ndarray:
    """Observed orders log2(e_n / e_2n) of successive halvings of h."""
    e = np.asarray(errors)
    return np.log2(e[:-1] / e[1:])


def relative_error(approx: np.ndarray, exact: np.ndarray) -> float:
    return float(np.max(np.abs(approx - exact)) / np.max(np.abs(exact)))


# --- exact quadrature of S for the exact profile plus a P1 perturbation -------------------------
GAUSS_T, GAUSS_W = np.polynomial.legendre.leggauss(8)


def functional_by_quadrature(result: st.TransportResult, mesh: FemSolution,
                             v: np.ndarray, eps: float, scale: float = 1.0) -> float:
    """S[scale·u + eps·v] by 8-point Gauss quadrature on every element of ``mesh``.

    u is the exact solution, read from ``result.profile`` (mu, and mu' = (s − j)/(G l) from the
    spin current), v a P1 field given by its values at the mesh nodes. Exact for the v-terms
    (polynomials); the u-terms are smooth exponentials resolved to rounding by 8 points.
    """
    stack, x, n = result.stack, mesh.x, mesh.n_per_layer
    J = stack.current_density
    h = np.diff(x)
    tau = 0.5 * (GAUSS_T + 1.0)
    xq = (x[:-1, None] + h[:, None] * tau[None, :]).reshape(-1)
    profile = result.profile(xq)
    mu = scale * profile.spin_accumulation.values.reshape(len(h), len(tau), 3)
    js = profile.spin_current.values.reshape(len(h), len(tau), 3)
    layer_of = np.repeat(np.arange(len(stack.layers)), n)
    G = np.array([1.0 / (2 * ly.material.spin_resistivity * ly.material.spin_diffusion_length)
                  for ly in stack.layers])[layer_of]
    lsd = np.array([ly.material.spin_diffusion_length for ly in stack.layers])[layer_of]
    s = np.array([ly.material.polarization * J * np.asarray(ly.magnetization)
                  if ly.is_ferromagnet else np.zeros(3) for ly in stack.layers])[layer_of]
    dmu = scale * (s[:, None, :] - js) / (G * lsd)[:, None, None]
    # add the perturbation
    v_q = v[:-1, None, :] * (1 - tau)[None, :, None] + v[1:, None, :] * tau[None, :, None]
    w = mu + eps * v_q
    dw = dmu + eps * ((v[1:] - v[:-1]) / h[:, None])[:, None, :]
    density = (0.5 * (G * lsd)[:, None] * np.sum(dw * dw, axis=-1)
               + 0.5 * (G / lsd)[:, None] * np.sum(w * w, axis=-1)
               - np.sum(s[:, None, :] * dw, axis=-1))
    total = float(np.sum(density * (0.5 * h[:, None]) * GAUSS_W[None, :]))
    ends = scale * result.spin_accumulation[[0, -1]] + eps * v[[0, -1]]
    for end, lead, sign in ((ends[0], stack.left, -1.0), (ends[1], stack.right, 1.0)):
        if lead.material is None:
            continue
        mat = lead.material
        G_lead = 1.0 / (2 * mat.spin_resistivity * mat.spin_diffusion_length)
        s_lead = (mat.polarization * J * np.asarray(lead.magnetization) if mat.is_ferromagnet
                  else np.zeros(3))
        total += 0.5 * G_lead * float(end @ end) + sign * float(s_lead @ end)
    return total


# --- tests ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("leads", list(LEADS), ids=list(LEADS))
def test_fem_converges_at_second_order_to_exact_solver_on_three_ferromagnet_noncoplanar_stack(
        leads):
    stack = three_ferromagnet_stack(*LEADS[leads])
    assert abs(np.linalg.det(np.array([M1, M2, M3]))) > 0.1  # genuinely non-coplanar
    exact = st.solve(stack).spin_accumulation
    errors = [relative_error(fem_solve(stack, n).interface_mu, exact) for n in REFINEMENTS]
    observed = orders(errors)
    assert np.all((observed[-2:] >= 1.8) & (observed[-2:] <= 2.2)), (errors, observed)
    assert errors[-1] < 1e-4, errors


@pytest.mark.parametrize("leads", list(LEADS), ids=list(LEADS))
def test_fem_functional_matches_exact_functional(leads):
    stack = three_ferromagnet_stack(*LEADS[leads])
    exact = float(st.solve(stack).functional)
    values = np.array([fem_solve(stack, n).functional for n in REFINEMENTS])
    gaps = values - exact
    # the P1 space is a subspace of the admissible fields: the discrete minimum cannot be lower
    assert np.all(gaps >= -1e-12 * abs(exact)), (values, exact)
    observed = orders(list(gaps))
    assert np.all((observed[-2:] >= 1.8) & (observed[-2:] <= 2.2)), (gaps, observed)
    assert gaps[-1] < 1e-5 * abs(exact)


def test_exact_solution_is_stationary_point_of_functional():
    stack = three_ferromagnet_stack(*LEADS["normal-lead|sink"])
    result = st.solve(stack)
    mesh = fem_solve(stack, 6)
    rng = np.random.default_rng(7)
    # a random admissible P1 perturbation: continuous, ∥ m in ferromagnets, 0 at the sink
    v = (mesh.basis @ rng.standard_normal(mesh.basis.shape[1])).reshape(-1, 3)
    v *= np.max(np.abs(result.spin_accumulation)) / np.max(np.abs(v))
    quadratic = 0.5 * float(v.reshape(-1) @ (mesh.stiffness @ v.reshape(-1)))

    # S at the exact solution by quadrature is the solver's S (its elements are exact)
    base = functional_by_quadrature(result, mesh, v, 0.0)
    assert base == pytest.approx(float(result.functional), rel=1e-10)

    eps = np.array([1e-1, 1e-2, 1e-3])

    def excess(scale: float) -> np.ndarray:
        """(S(u + εv) − S(u))/(ε² ½a(v,v)) − 1: zero iff the first variation along v vanishes."""
        s0 = functional_by_quadrature(result, mesh, v, 0.0, scale)
        change = np.array([functional_by_quadrature(result, mesh, v, e, scale) - s0
                           for e in eps])
        return change / (eps**2 * quadratic) - 1.0

    at_solution = excess(1.0)
    assert np.all(np.abs(at_solution) < 1e-9), at_solution  # S(u + εv) − S(u) = O(ε²) exactly
    # the same test sees a point 0.1 % off the solution: there the first variation is O(ε)
    off = excess(1.001)
    assert np.all(np.abs(off) > 1e-5), off
    np.testing.assert_allclose(off[1:] / off[:-1], 10.0, rtol=1e-3)  # a linear term, ∝ 1/ε


@pytest.mark.parametrize("leads", list(LEADS), ids=list(LEADS))
def test_fem_profile_matches_exact_profile_inside_layers(leads):
    stack = three_ferromagnet_stack(*LEADS[leads])
    result = st.solve(stack)
    errors = []
    for n in (32, 64):
        fem = fem_solve(stack, n)
        mid = 0.5 * (fem.x[:-1] + fem.x[1:])
        exact_nodes = result.profile(fem.x).spin_accumulation.values
        exact_mid = result.profile(mid).spin_accumulation.values
        fem_mid = 0.5 * (fem.mu[:-1] + fem.mu[1:])
        scale = np.max(np.abs(exact_nodes))
        errors.append(max(np.max(np.abs(fem.mu - exact_nodes)),
                          np.max(np.abs(fem_mid - exact_mid))) / scale)
    assert errors[-1] < 5e-5, errors
    assert 3.2 < errors[0] / errors[1] < 4.8, errors  # the error is the O(h²) of the mesh


@pytest.mark.parametrize("leads", list(LEADS), ids=list(LEADS))
def test_fem_interface_spin_currents_and_torques_converge_to_exact_solver(leads):
    stack = three_ferromagnet_stack(*LEADS[leads])
    result = st.solve(stack)
    current_errors, torque_errors = [], []
    for n in REFINEMENTS:
        fem = fem_solve(stack, n)
        left, right = fem.interface_currents()
        current_errors.append(max(relative_error(left, result.spin_current_left),
                                  relative_error(right, result.spin_current_right)))
        torque_errors.append(relative_error(fem.torque_per_current(), result.torque_per_current))
    for errors in (current_errors, torque_errors):
        observed = orders(errors)
        assert np.all((observed[-2:] >= 1.8) & (observed[-2:] <= 2.2)), (errors, observed)
        assert errors[-1] < 1e-4, errors
    assert np.max(np.abs(result.torque_per_current)) > 1e-2  # the torques are not trivially 0


def random_multilayer(rng: np.random.Generator) -> st.Stack:
    """2–7 layers of mixed materials with at least one ferromagnet, d/l in [0.05, 2], random
    directions; touching ferromagnets are collinear (shared node) or not (pinned node), and the
    leads are sinks, normal or ferromagnetic."""
    materials = (CO, PY, FECO, CU, AG, PT)
    while True:
        layers: list[st.Layer] = []
        for i in range(int(rng.integers(2, 8))):
            mat = materials[int(rng.integers(len(materials)))]
            d = float(mat.spin_diffusion_length * np.exp(rng.uniform(np.log(0.05), np.log(2.0))))
            m = None
            if mat.is_ferromagnet:
                m = tuple(rng.standard_normal(3))
                if layers and layers[-1].is_ferromagnet and rng.uniform() < 0.5:
                    m = tuple(-np.asarray(layers[-1].magnetization))  # collinear contact
            layers.append(st.Layer(f"L{i}", mat, d, m))
        if any(layer.is_ferromagnet for layer in layers):
            break
    leads = (st.Lead(), st.Lead(CU), st.Lead(PY, tuple(rng.standard_normal(3))))
    return st.Stack(tuple(layers), left=leads[int(rng.integers(3))],
                    right=leads[int(rng.integers(3))], current_density=-3e11)


def test_fem_and_exact_solver_agree_on_random_multilayers_with_touching_ferromagnets():
    rng = np.random.default_rng(20261121)
    for _ in range(10):
        stack = random_multilayer(rng)
        exact = st.solve(stack).spin_accumulation
        errors = [relative_error(fem_solve(stack, n).interface_mu, exact) for n in (32, 64)]
        assert errors[1] < 1e-4 and 3.2 < errors[0] / errors[1] < 4.8, (stack.describe(), errors)
