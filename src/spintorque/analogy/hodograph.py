r"""Hodographs of mu_s(x) and j_s(x), folded flat (seed §3.2 and Conclusions).

Inside a normal layer mu_s(x) lies in the plane of its two end values (and the origin), and so does
j_s(x) = −G l mu_s'(x); inside a ferromagnet both lie on the line of m. Two consecutive segments
share the line through the origin and their common node (the F axis m at an F/N interface). The
3D hodograph therefore *folds* into one plane: each segment is mapped by an isometry of its own
plane onto R², chosen so that the shared line maps to the same 2D line as in the previous
segment. Lengths, and the angle each cord makes with the rod at a ring, are preserved; a
coplanar stack maps onto itself by a single rotation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from spintorque.geometry import cross
from spintorque.transport import TransportResult

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Hodograph:
    """Folded hodograph data of one solved stack (SI: mu in V, j in A/m²).

    Attributes
    ----------
    x : (n,) sample positions [m]; ``layer`` (n,) the layer index of each sample.
    mu, js : (n, 3) the 3D curves; ``mu_2d``, ``js_2d`` (n, 2) the folded curves.
    maps : (L, 2, 3) the isometry of each layer's plane onto R² (rows orthonormal).
    node_mu_2d : (L+1, 2) folded spin accumulation at the nodes (the rings).
    node_js_2d : (L+1, 2, 2) folded spin current just left [:, 0] and right [:, 1] of each node.
    rods : dict layer name -> (2,) folded direction of each ferromagnet's m.
    """

    x: FloatArray
    layer: NDArray[np.int64]
    mu: FloatArray
    js: FloatArray
    mu_2d: FloatArray
    js_2d: FloatArray
    maps: FloatArray
    node_mu_2d: FloatArray
    node_js_2d: FloatArray
    rods: dict[str, FloatArray]


def _unit(v: FloatArray, scale: float) -> FloatArray | None:
    n = float(np.linalg.norm(v))
    return None if n <= 1e-12 * scale else v / n


def _perpendicular(u: FloatArray) -> FloatArray:
    helper = np.eye(3)[int(np.argmin(np.abs(u)))]
    v = cross(u, helper)
    return v / np.linalg.norm(v)


def _rot90(v: FloatArray) -> FloatArray:
    return np.array([-v[1], v[0]])


def _plane(result: TransportResult, i: int, previous: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    """Orthonormal (u, v) spanning layer i's plane; u along its left node's line when defined."""
    mu = result.mu_unit
    layer = result.stack.layers[i]
    scale = float(np.abs(mu).max()) or 1.0
    ends = [mu[i], mu[i + 1]]
    if layer.is_ferromagnet:
        ends = [np.asarray(layer.magnetization)]
    u = _unit(mu[i], scale) if not layer.is_ferromagnet else np.asarray(layer.magnetization)
    if u is None:
        u = next((w for w in (_unit(e, scale) for e in ends) if w is not None), None)
    if u is None:
        u = previous[0] if previous is not None else np.array([0.0, 0.0, 1.0])
    v = None
    for e in ends:
        v = _unit(e - np.dot(e, u) * u, scale)
        if v is not None:
            break
    if v is None and previous is not None:  # a line: keep the previous plane if it contains u
        normal = cross(previous[0], previous[1])
        v = _unit(cross(normal, u), 1.0)
    if v is None:
        v = _perpendicular(u)
    return u, v


def fold_maps(result: TransportResult) -> FloatArray:
    """The isometries (L, 2, 3) of each layer's plane onto R² (see module docstring)."""
    L = len(result.stack.layers)
    maps = np.zeros((L, 2, 3))
    previous: FloatArray | None = None
    for i in range(L):
        u, v = _plane(result, i, previous)
        if previous is None:
            R = np.stack([u, v])
        else:
            u2 = previous @ u
            n2 = float(np.linalg.norm(u2))
            u2 = u2 / n2 if n2 > 1e-12 else np.array([1.0, 0.0])
            prev_normal = cross(previous[0], previous[1])
            sign = 1.0 if np.dot(cross(u, v), prev_normal) >= 0 else -1.0
            R = np.outer(u2, u) + np.outer(sign * _rot90(u2), v)
        maps[i] = R
        previous = R
    return maps


def hodograph(result: TransportResult, points_per_layer: int = 60) -> Hodograph:
    """Sample and fold the mu_s and j_s hodographs of an unbatched result.

    Parameters
    ----------
    result : TransportResult
    points_per_layer : int
        Samples in each layer (ends included).
    """
    stack = result.stack
    edges = stack.interfaces
    maps = fold_maps(result)
    xs, index = [], []
    for i in range(len(stack.layers)):
        x = np.linspace(edges[i], edges[i + 1], points_per_layer)
        x[-1] = np.nextafter(edges[i + 1], edges[i])  # stay inside layer i at its right end
        xs.append(x)
        index.append(np.full(points_per_layer, i))
    x = np.concatenate(xs)
    layer = np.concatenate(index)
    profile = result.profile(x)
    mu = profile.spin_accumulation.values
    js = profile.spin_current.values
    mu_2d = np.einsum("nij,nj->ni", maps[layer], mu)
    js_2d = np.einsum("nij,nj->ni", maps[layer], js)
    nodes = result.spin_accumulation
    L = len(stack.layers)
    left_map = [maps[max(k - 1, 0)] for k in range(L + 1)]
    right_map = [maps[min(k, L - 1)] for k in range(L + 1)]
    node_mu_2d = np.array([right_map[k] @ nodes[k] for k in range(L + 1)])
    jl, jr = result.spin_current_left, result.spin_current_right
    node_js_2d = np.array([[left_map[k] @ jl[k], right_map[k] @ jr[k]] for k in range(L + 1)])
    rods = {layer_.name: maps[k] @ np.asarray(layer_.magnetization)
            for k, layer_ in enumerate(stack.layers) if layer_.is_ferromagnet}
    return Hodograph(x, layer, mu, js, mu_2d, js_2d, maps, node_mu_2d, node_js_2d, rods)
