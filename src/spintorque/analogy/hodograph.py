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

from spintorque.errors import InputError
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


# A vector shorter than this fraction of its own scale is rounding noise, not a direction. Each
# test compares quantities of one kind: an accumulation [V/(A/m²)] with the stack's largest
# accumulation, a part of a unit vector [1] with 1.
_NOISE = 1e-12


def _direction(v: FloatArray, floor: float) -> FloatArray | None:
    """v / |v|, or None when |v| <= floor (floor in the units of v)."""
    n = float(np.linalg.norm(v))
    return None if n <= floor else v / n


def _complement(w: FloatArray, u: FloatArray, floor: float) -> FloatArray | None:
    """Unit vector along the part of w perpendicular to the unit vector u; None if it is <= floor."""
    v = _direction(w - np.dot(w, u) * u, floor)
    if v is None:
        return None
    # a second Gram-Schmidt pass: v is orthogonal to u to rounding even when w is almost along u
    v = v - np.dot(v, u) * u
    return v / np.linalg.norm(v)


def _perpendicular(u: FloatArray) -> FloatArray:
    helper = np.eye(3)[int(np.argmin(np.abs(u)))]
    v = cross(u, helper)
    return v / np.linalg.norm(v)


def _rot90(v: FloatArray) -> FloatArray:
    return np.array([-v[1], v[0]])


def _spanning(result: TransportResult, i: int) -> list[tuple[FloatArray, float]]:
    """Vectors that layer i's plane must contain, left line first, each with its noise floor.

    In a ferromagnet mu_s and j_s lie on the line of m. A normal layer's curves lie in the span
    of its two end accumulations; where a neighbour is a ferromagnet, the shared line is that
    ferromagnet's axis (the node's accumulation is along it), which stays defined when the
    accumulation there vanishes.
    """
    layers = result.stack.layers
    if layers[i].is_ferromagnet:
        return [(np.asarray(layers[i].magnetization), _NOISE)]
    mu = result.mu_unit
    floor = _NOISE * float(np.abs(mu).max())  # accumulation units, like mu itself

    def axis(k: int) -> list[tuple[FloatArray, float]]:
        inside = 0 <= k < len(layers) and layers[k].is_ferromagnet
        return [(np.asarray(layers[k].magnetization), _NOISE)] if inside else []

    return [*axis(i - 1), (mu[i], floor), *axis(i + 1), (mu[i + 1], floor)]


def _plane(result: TransportResult, i: int, previous: FloatArray | None) -> tuple[FloatArray, FloatArray]:
    """Orthonormal (u, v) spanning layer i's plane; u along its left node's line when defined."""
    spanning = _spanning(result, i)
    u = next((d for d in (_direction(w, f) for w, f in spanning) if d is not None), None)
    if u is None:  # nothing to span: the layer carries no spin accumulation
        u = previous[0] if previous is not None else np.array([0.0, 0.0, 1.0])
    v = next((c for c in (_complement(w, u, f) for w, f in spanning) if c is not None), None)
    if v is None and previous is not None:  # a line: keep the previous plane if it contains u
        normal = cross(previous[0], previous[1])
        v = _complement(cross(normal, u), u, _NOISE)
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
            u2 = u2 / n2 if n2 > _NOISE else np.array([1.0, 0.0])
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
    if stack.interface_elements:
        raise InputError("stack", "the mechanical analogy is the seed's transparent model: "
                         "solve stack.transparent() (finite interfaces are not drawn)")
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
