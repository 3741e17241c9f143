"""Invariants of the transport solver on random stacks (hypothesis).

Stacks of 1–30 layers with d/l from 1e-7 to 1e3, resistivities and diffusion lengths over four and
three decades, β in (−1, 1) (0 or |β| ≥ 1e-6), every kind of lead, and non-coplanar
magnetizations: directions of a small integer lattice (well separated, so that no draw is
ill-conditioned by a near-collinear pair across a thin layer) turned by a random global rotation.
On every draw:

* nothing is NaN or infinite (g only where a reason says it does not exist);
* torques are transverse to each magnet's m (layers and ferromagnetic leads);
* bookkeeping: the spin current entering minus leaving the whole line equals the sum of all
  torques plus all bulk relaxation (exact integral of the sinh profile, from the materials);
* mirror symmetry: the reversed stack with reversed current has the same torques;
* a batch equals one solve per configuration;
* a global rotation of every magnetization turns every vector result and leaves scalars.

The default profile runs in a few seconds; ``SPINTORQUE_TEST_PROFILE=long`` runs 2000 draws of
up to 200 layers.
"""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from scipy.spatial.transform import Rotation

import spintorque as st
from spintorque.constants import hbar_over_2e

settings.register_profile("transport-fast", max_examples=25, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("transport-long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
LONG = os.environ.get("SPINTORQUE_TEST_PROFILE", "fast") == "long"
PROFILE = settings.get_profile("transport-long" if LONG else "transport-fast")
MAX_LAYERS = 200 if LONG else 30

TOL = 1e-12  # relative to the natural spin-current scale max(|p|, |j_s|/J)


def decade(lo: float, hi: float) -> hs.SearchStrategy[float]:
    return hs.floats(lo, hi).map(lambda e: float(10.0**e))


directions = hs.tuples(*[hs.integers(-3, 3)] * 3).filter(lambda v: any(v)).map(
    lambda v: np.asarray(v, dtype=float) / np.linalg.norm(v))


@hs.composite
def materials(draw: hs.DrawFn, ferro: bool) -> st.Ferromagnet | st.NormalMetal:
    rho, length = draw(decade(-9, -5)), draw(decade(-9, -6))
    if ferro:
        # |β| below 1e-6 behaves as 0 (and below ~1e-290 would compute in subnormal numbers)
        beta = draw(hs.one_of(hs.just(0.0), hs.floats(1e-6, 1.0, exclude_max=True).flatmap(
            lambda b: hs.sampled_from([b, -b]))))
        return st.Ferromagnet("F", rho_star=rho, spin_asymmetry=beta, spin_diffusion_length=length)
    return st.NormalMetal("N", resistivity=rho, spin_diffusion_length=length)


@hs.composite
def stacks(draw: hs.DrawFn) -> tuple[st.Stack, np.ndarray]:
    R = Rotation.from_quat(draw(hs.tuples(*[hs.floats(-1, 1)] * 4).filter(
        lambda q: np.linalg.norm(q) > 0.1))).as_matrix()

    def turn(v: np.ndarray) -> tuple[float, float, float]:
        w = R @ v
        return (float(w[0]), float(w[1]), float(w[2]))

    layers = []
    for i in range(draw(hs.integers(1, MAX_LAYERS))):
        ferro = draw(hs.booleans())
        mat = draw(materials(ferro))
        d = mat.spin_diffusion_length * draw(decade(-7, 3))
        layers.append(st.Layer(f"L{i}", mat, d, turn(draw(directions)) if ferro else None))
    leads = []
    for _ in range(2):
        kind = draw(hs.sampled_from(["sink", "normal", "ferro"]))
        if kind == "sink":
            leads.append(st.Lead())
        else:
            ferro = kind == "ferro"
            leads.append(st.Lead(draw(materials(ferro)),
                                 turn(draw(directions)) if ferro else None))
    J = draw(hs.sampled_from([1.0, -1.0])) * draw(decade(6, 13))
    extra = np.array([[turn(draw(directions)) for _ in layers if _.is_ferromagnet]
                      for _ in range(3)]).reshape(3, -1, 3)
    return st.Stack(tuple(layers), left=leads[0], right=leads[1], current_density=J), extra


def scale(stack: st.Stack, result: st.TransportResult) -> float:
    sides = [stack.left, stack.right, *stack.layers]
    p = max(abs(x.material.polarization) for x in sides if x.material is not None)
    j = np.abs(np.concatenate([result.spin_current_left, result.spin_current_right])).max()
    return max(p, float(j) / abs(stack.current_density), 1e-300)


def unit(stack: st.Stack) -> st.TransportResult:
    return st.solve(stack.with_current_density(1.0))


@PROFILE
@given(stacks())
def test_results_are_finite_and_torques_transverse(drawn):
    stack, _ = drawn
    result = st.solve(stack)
    for values in (result.spin_accumulation, result.spin_current_left, result.spin_current_right,
                   result.torques, result.lead_torques, result.resistance_area,
                   result.spin_resistance_area, result.functional):
        assert np.all(np.isfinite(values))
    s = scale(stack, result)
    for i, layer in enumerate(stack.layers):
        if layer.is_ferromagnet:
            assert abs(result.torque_per_current[i] @ layer.magnetization) <= TOL * s
    for k, lead in enumerate((stack.left, stack.right)):
        if lead.magnetization is not None:
            assert abs(result.lead_torque_per_current[k] @ lead.magnetization) <= TOL * s
    if len(stack.ferromagnets) == 2:
        for key, g in result.efficiency.items():
            assert np.isfinite(g) or key in result.efficiency_undefined


def _far_current(lead: st.Lead, boundary: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, ...]:
    """(spin current far inside the lead, relaxation inside it) per unit J; sinks absorb."""
    if lead.material is None:
        return boundary, np.zeros(3)
    far = np.zeros(3) if lead.magnetization is None else \
        lead.material.polarization * np.asarray(lead.magnetization)
    return far, lead.material.spin_conductance * mu  # (G/l)∫ mu e^(−|x|/l) dx


@PROFILE
@given(stacks())
def test_spin_current_in_minus_out_is_torques_plus_relaxation(drawn):
    stack, _ = drawn
    r = unit(stack)
    relaxation = np.zeros(3)
    for i, layer in enumerate(stack.layers):
        G, x = layer.material.spin_conductance, layer.thickness / layer.material.spin_diffusion_length
        # (G/l)∫ mu dx over the exact profile mu = [mu_L sinh((d−x)/l) + mu_R sinh(x/l)]/sinh(d/l)
        relaxation += G * np.tanh(x / 2) * (r.mu_unit[i] + r.mu_unit[i + 1])
    left, relax_l = _far_current(stack.left, r.spin_current_right[0], r.mu_unit[0])
    right, relax_r = _far_current(stack.right, r.spin_current_left[-1], r.mu_unit[-1])
    total = (r.torque_per_current.sum(axis=0) + r.lead_torque_per_current.sum(axis=0)
             + relaxation + relax_l + relax_r)
    np.testing.assert_allclose(total, left - right, rtol=0,
                               atol=TOL * scale(stack, r) * len(stack.layers))


def mirrored(stack: st.Stack) -> st.Stack:
    return st.Stack(stack.layers[::-1], left=stack.right, right=stack.left,
                    current_density=-stack.current_density)


@PROFILE
@given(stacks())
def test_mirrored_stack_with_reversed_current_has_the_same_torques(drawn):
    # x → −x: layers and leads in reverse order, electrons flowing the other way (J → −J);
    # mu_s is unchanged, spin currents (fluxes along x) change sign, torques are the same
    stack, _ = drawn
    a, b = st.solve(stack), st.solve(mirrored(stack))
    s = scale(stack, a) * abs(stack.current_density)  # [A/m²]
    np.testing.assert_allclose(b.torques[::-1], a.torques, rtol=0, atol=TOL * hbar_over_2e * s)
    np.testing.assert_allclose(b.lead_torques[::-1], a.lead_torques, rtol=0,
                               atol=TOL * hbar_over_2e * s)
    np.testing.assert_allclose(b.spin_accumulation[::-1], a.spin_accumulation, rtol=0,
                               atol=TOL * np.abs(a.spin_accumulation).max())
    np.testing.assert_allclose(b.spin_current_left[::-1], -a.spin_current_right, rtol=0,
                               atol=TOL * s)
    np.testing.assert_allclose(float(b.spin_resistance_area), float(a.spin_resistance_area),
                               rtol=TOL, atol=TOL * abs(float(a.resistance_area)))


@PROFILE
@given(stacks())
def test_a_batch_equals_one_solve_per_configuration(drawn):
    stack, extra = drawn
    if not stack.ferromagnets:
        return
    batch = st.solve(stack.with_current_density(1.0), extra)
    for k in range(len(extra)):
        single = st.solve(stack.with_current_density(1.0), extra[k])
        s = scale(stack, single)
        np.testing.assert_allclose(batch.torque_per_current[k], single.torque_per_current,
                                   rtol=0, atol=TOL * s)
        np.testing.assert_allclose(batch.lead_torque_per_current[k],
                                   single.lead_torque_per_current, rtol=0, atol=TOL * s)
        np.testing.assert_allclose(batch.mu_unit[k], single.mu_unit, rtol=0,
                                   atol=TOL * np.abs(single.mu_unit).max())


def rotated(stack: st.Stack, R: np.ndarray) -> st.Stack:
    def turn(m: object) -> tuple[float, float, float] | None:
        if m is None:
            return None
        v = R @ np.asarray(m, dtype=float)
        return (float(v[0]), float(v[1]), float(v[2]))

    layers = tuple(st.Layer(x.name, x.material, x.thickness, turn(x.magnetization))
                   for x in stack.layers)
    return st.Stack(layers, left=st.Lead(stack.left.material, turn(stack.left.magnetization)),
                    right=st.Lead(stack.right.material, turn(stack.right.magnetization)),
                    current_density=stack.current_density)


@PROFILE
@given(stacks(), hs.integers(0, 2**32 - 1))
def test_a_global_rotation_turns_every_vector_and_keeps_scalars(drawn, seed):
    stack, _ = drawn
    R = Rotation.random(random_state=seed).as_matrix()
    a, b = unit(stack), unit(rotated(stack, R))
    s = scale(stack, a)
    np.testing.assert_allclose(b.mu_unit, a.mu_unit @ R.T, rtol=0,
                               atol=TOL * np.abs(a.mu_unit).max())
    for got, want in ((b.torque_per_current, a.torque_per_current),
                      (b.lead_torque_per_current, a.lead_torque_per_current),
                      (b.spin_current_left, a.spin_current_left),
                      (b.spin_current_right, a.spin_current_right)):
        np.testing.assert_allclose(got, want @ R.T, rtol=0, atol=TOL * s)
    np.testing.assert_allclose(float(b.spin_resistance_area), float(a.spin_resistance_area),
                               rtol=TOL, atol=TOL * abs(float(a.resistance_area)))
