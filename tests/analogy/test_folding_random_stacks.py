"""The fold is a rotation of each layer's plane on random valves, in any orientation (seed §3.2).

The stacks are drawn at random (materials, thicknesses, directions, lead kinds) and turned by a
random global rotation, so no magnetization lies on a coordinate axis: rounding noise in a
ferromagnet's line (m − (m·m)m ≈ 1e-16) must never be taken for a second direction of its plane.
"""

from __future__ import annotations

import numpy as np
import pytest

import spintorque as st
from spintorque.analogy import hodograph
from spintorque.analogy.hodograph import Hodograph
from spintorque.transport import TransportResult

CASES = 300
POINTS = 9


def _unit(rng: np.random.Generator) -> tuple[float, float, float]:
    v = rng.normal(size=3)
    x, y, z = v / np.linalg.norm(v)
    return float(x), float(y), float(z)


def _rotation(rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


def _ferromagnet(rng: np.random.Generator, name: str) -> st.Ferromagnet:
    return st.Ferromagnet(name, rho_star=10 ** rng.uniform(-8, -6.5), spin_asymmetry=rng.uniform(-0.8, 0.8),
                          spin_diffusion_length=10 ** rng.uniform(-8.7, -7))


def _normal(rng: np.random.Generator, name: str) -> st.NormalMetal:
    return st.NormalMetal(name, resistivity=10 ** rng.uniform(-8.5, -7),
                          spin_diffusion_length=10 ** rng.uniform(-8, -5.5))


def _lead(rng: np.random.Generator) -> st.Lead:
    kind = rng.integers(3)
    if kind == 0:
        return st.Lead()
    if kind == 1:
        return st.Lead(_normal(rng, "Nlead"))
    return st.Lead(_ferromagnet(rng, "Flead"), _unit(rng))


def _valve(rng: np.random.Generator) -> st.Stack:
    """F1/N/F2, sometimes with an extra normal layer on either side, between random leads."""
    layers = [st.Layer("F1", _ferromagnet(rng, "F1"), 10 ** rng.uniform(-9, -7.5), _unit(rng)),
              st.Layer("N", _normal(rng, "N"), 10 ** rng.uniform(-9, -7.5)),
              st.Layer("F2", _ferromagnet(rng, "F2"), 10 ** rng.uniform(-9, -7.5), _unit(rng))]
    if rng.random() < 0.3:
        layers.insert(0, st.Layer("N0", _normal(rng, "N0"), 10 ** rng.uniform(-9, -7.5)))
    if rng.random() < 0.3:
        layers.append(st.Layer("N3", _normal(rng, "N3"), 10 ** rng.uniform(-9, -7.5)))
    return st.Stack(tuple(layers), left=_lead(rng), right=_lead(rng),
                    current_density=float(rng.choice([-1.0, 1.0])) * 10 ** rng.uniform(9, 12))


def _rotated(stack: st.Stack, Q: np.ndarray) -> st.Stack:
    """The same stack with every magnetization (layers and leads) turned by Q."""
    def turn(m: tuple[float, float, float] | None) -> tuple[float, float, float] | None:
        if m is None:
            return None
        x, y, z = Q @ np.asarray(m)
        return float(x), float(y), float(z)

    layers = tuple(st.Layer(layer.name, layer.material, layer.thickness, turn(layer.magnetization))
                   for layer in stack.layers)
    leads = [lead if lead.magnetization is None else st.Lead(lead.material, turn(lead.magnetization))
             for lead in (stack.left, stack.right)]
    return st.Stack(layers, left=leads[0], right=leads[1], current_density=stack.current_density)


def _check_isometric(result: TransportResult, h: Hodograph, case: str) -> None:
    stack = result.stack
    mu_scale, js_scale = np.abs(h.mu).max(), np.abs(h.js).max()
    for k in range(len(stack.layers)):
        R = h.maps[k]
        np.testing.assert_allclose(R @ R.T, np.eye(2), atol=1e-14, err_msg=f"{case}: map {k}")
    np.testing.assert_allclose(np.linalg.norm(h.mu_2d, axis=1), np.linalg.norm(h.mu, axis=1),
                               rtol=1e-12, atol=1e-12 * mu_scale, err_msg=f"{case}: |mu|")
    np.testing.assert_allclose(np.linalg.norm(h.js_2d, axis=1), np.linalg.norm(h.js, axis=1),
                               rtol=1e-12, atol=1e-12 * js_scale, err_msg=f"{case}: |j_s|")
    nodes = result.spin_accumulation
    for k in range(1, len(stack.layers)):  # both sides of a node fold onto one point
        np.testing.assert_allclose(h.maps[k - 1] @ nodes[k], h.maps[k] @ nodes[k],
                                   atol=1e-12 * np.abs(nodes).max(), err_msg=f"{case}: node {k}")


def _check_ring_angles(result: TransportResult, h: Hodograph, case: str) -> None:
    """At each F/N node the normal layer's spin current makes the same angle with the rod as in 3D."""
    layers = result.stack.layers
    jl, jr = result.spin_current_left, result.spin_current_right
    for k, layer in enumerate(layers):
        if not layer.is_ferromagnet:
            continue
        m = np.asarray(layer.magnetization)
        rod = h.rods[layer.name]
        for node, neighbour, j in ((k, k - 1, jl[k]), (k + 1, k + 1, jr[k + 1])):
            if not 0 <= neighbour < len(layers) or layers[neighbour].is_ferromagnet:
                continue
            j2 = h.maps[neighbour] @ j
            scale = 1e-12 * np.linalg.norm(j)
            assert abs(np.dot(j2, rod) - np.dot(j, m)) <= scale, f"{case}: node {node} along the rod"
            assert abs(abs(j2[0] * rod[1] - j2[1] * rod[0]) - np.linalg.norm(np.cross(j, m))) <= scale, \
                f"{case}: node {node} across the rod"


def _gram(h: Hodograph) -> np.ndarray:
    # scaled by the largest length, which (unlike a largest component) a rotation keeps
    points = np.vstack([h.mu_2d / np.linalg.norm(h.mu, axis=1).max(),
                        h.js_2d / np.linalg.norm(h.js, axis=1).max()])
    return points @ points.T


@pytest.mark.slow
def test_random_valves_fold_by_rotations_preserving_lengths_and_ring_angles():
    rng = np.random.default_rng(20261201)
    for case in range(CASES):
        stack = _rotated(_valve(rng), _rotation(rng))
        result = st.solve(stack)
        h = hodograph(result, points_per_layer=POINTS)
        _check_isometric(result, h, f"valve {case}")
        _check_ring_angles(result, h, f"valve {case}")


def test_fold_is_invariant_under_a_global_rotation_of_all_magnetizations():
    # a global rotation moves the 3D curves but not the folded picture (up to one isometry of R²,
    # which the Gram matrix of the folded points does not see)
    rng = np.random.default_rng(20261202)
    for case in range(CASES // 3):
        stack = _valve(rng)
        reference = _gram(hodograph(st.solve(stack), points_per_layer=POINTS))
        for turn in range(2):
            turned = _gram(hodograph(st.solve(_rotated(stack, _rotation(rng))), points_per_layer=POINTS))
            np.testing.assert_allclose(turned, reference, rtol=0, atol=1e-12,
                                       err_msg=f"valve {case}, rotation {turn}")
