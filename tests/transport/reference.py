r"""A high-precision (mpmath, 80 digits) reference solution of the diffusive transport problem.

Written from TRANSPORT.md §3–4 and docs/conventions.md alone; it shares no code with
``spintorque.transport`` and reads only the stack description (floats, taken as exact).

The unknowns are the spin accumulations at the interfaces. Each node may move in the intersection
of the spaces its two sides allow (R³ in a normal metal or normal lead, the line of m in a
ferromagnet or ferromagnetic lead, {0} at an ideal sink); a collinear ferromagnet pair
(|m_a × m_b| <= 1e-12 in floating point, as in the conventions) shares the line of m_a. A
*non-collinear* ferromagnet contact (two layers, or a ferromagnetic lead and a layer) is given
a real normal spacer of d/l = 1e-30: the reference reaches the vanishing-spacer limit by its
definition rather than by the pinning rule the solver implements (the difference is O(d/l)).

The exact element energy of a layer (G spin conductance, x = d/l, source s = p J m)

.. math:: E = \tfrac12 G_s|\mu_L - \mu_R|^2 + \tfrac12 G_t(|\mu_L|^2 + |\mu_R|^2) - s\cdot(\mu_R - \mu_L),

with ``Gs = G/sinh x`` and ``Gt = G tanh(x/2)``, plus ``½G|mu|² ∓ s·mu`` for a semi-infinite
lead, is minimised over the admissible node values by one dense LU solve in 80-digit arithmetic.
Spin currents at the element ends are ``Gs(mu_L − mu_R) + Gt mu_L + s`` (left end) and
``Gs(mu_L − mu_R) − Gt mu_R + s`` (right end); torques are the transverse parts of (outside
current in − outside current out) per docs/conventions.md, for layers and ferromagnetic leads.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
from numpy.typing import NDArray

from spintorque import Stack

FloatArray = NDArray[np.float64]
DIGITS = 80
SPACER_RATIO = mpmath.mpf("1e-30")
COLLINEAR = 1e-12

mp = mpmath.mp


@dataclass(frozen=True)
class Reference:
    """The reference solution per unit current density (floats rounded from 80 digits).

    Attributes
    ----------
    mu : (L+1, 3) spin accumulation at the stack's nodes [V/(A/m²)].
    current_left, current_right : (L+1, 3) spin current just left / right of each node [1].
    torque : (L, 3) transverse spin-current jump per layer (0 for normal metals) [1].
    lead_torque : (2, 3) the same for the left and right lead (0 unless ferromagnetic) [1].
    spin_ra : spin-coupled resistance-area, Σ_F (p/2)(mu_R − mu_L)·m per unit J [Ω·m²].
    """

    mu: FloatArray
    current_left: FloatArray
    current_right: FloatArray
    torque: FloatArray
    lead_torque: FloatArray
    spin_ra: float


def _vec(v: object) -> mpmath.matrix:
    m = mpmath.matrix([mpmath.mpf(float(c)) for c in np.asarray(v, dtype=float)])
    return m / mpmath.norm(m)


def _cross(a: mpmath.matrix, b: mpmath.matrix) -> mpmath.matrix:
    return mpmath.matrix([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                          a[0] * b[1] - a[1] * b[0]])


def _dot(a: mpmath.matrix, b: mpmath.matrix) -> mpmath.mpf:
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def _transverse(v: mpmath.matrix, m: mpmath.matrix) -> mpmath.matrix:
    return v - _dot(v, m) * m


@dataclass
class _Segment:
    G: mpmath.mpf
    x: mpmath.mpf
    m: mpmath.matrix | None  # unit magnetization in mp, None in a normal metal
    p: mpmath.mpf
    layer: int | None  # index in the stack, None for an inserted spacer


def _space(m: mpmath.matrix | None, kind: str) -> list[mpmath.matrix]:
    if kind == "sink":
        return []
    if m is None:
        return [mpmath.matrix([1, 0, 0]), mpmath.matrix([0, 1, 0]), mpmath.matrix([0, 0, 1])]
    return [m]


def _collinear(a: object, b: object) -> bool:
    return float(np.linalg.norm(np.cross(np.asarray(a, float), np.asarray(b, float)))) <= COLLINEAR


def reference_solve(stack: Stack, magnetizations: object = None) -> Reference:
    """Solve ``stack`` per unit current density; ``magnetizations`` (n_F, 3) overrides the F's."""
    with mpmath.workdps(DIGITS):
        return _solve(stack, magnetizations)


def _solve(stack: Stack, magnetizations: object) -> Reference:
    ferro = [i for i, layer in enumerate(stack.layers) if layer.is_ferromagnet]
    m_float: dict[int, FloatArray] = {i: np.asarray(stack.layers[i].magnetization, float)
                                      for i in ferro}
    if magnetizations is not None:
        given = np.asarray(magnetizations, dtype=float).reshape(len(ferro), 3)
        m_float = {i: given[k] / np.linalg.norm(given[k]) for k, i in enumerate(ferro)}
    leads = []
    for lead in (stack.left, stack.right):
        if lead.material is None:
            leads.append(("sink", mpmath.mpf(0), None, mpmath.mpf(0), None))
        else:
            mat = lead.material
            G = 1 / (2 * mpmath.mpf(mat.spin_resistivity) * mpmath.mpf(mat.spin_diffusion_length))
            if mat.is_ferromagnet:
                leads.append(("F", G, _vec(lead.magnetization), mpmath.mpf(mat.polarization),
                              np.asarray(lead.magnetization, float)))
            else:
                leads.append(("N", G, None, mpmath.mpf(0), None))

    # segments, with a tiny normal spacer inside every non-collinear ferromagnet contact
    segments: list[_Segment] = []
    prev_float = leads[0][4]
    for i, layer in enumerate(stack.layers):
        mat = layer.material
        G = 1 / (2 * mpmath.mpf(mat.spin_resistivity) * mpmath.mpf(mat.spin_diffusion_length))
        x = mpmath.mpf(layer.thickness) / mpmath.mpf(mat.spin_diffusion_length)
        this = m_float.get(i)
        if this is not None and prev_float is not None and not _collinear(prev_float, this):
            segments.append(_Segment(G, SPACER_RATIO, None, mpmath.mpf(0), None))
        segments.append(_Segment(G, x, None if this is None else _vec(this),
                                 mpmath.mpf(mat.polarization), i))
        prev_float = this
    right_float = leads[1][4]
    if right_float is not None and prev_float is not None and not _collinear(prev_float,
                                                                           right_float):
        segments.append(_Segment(segments[-1].G, SPACER_RATIO, None, mpmath.mpf(0), None))

    S = len(segments)
    sides: list[tuple[mpmath.matrix | None, str]] = [(leads[0][2], leads[0][0])]
    sides += [(seg.m, "layer") for seg in segments]
    sides.append((leads[1][2], leads[1][0]))
    bases: list[list[mpmath.matrix]] = []
    for k in range(S + 1):
        (ma, ka), (mb, kb) = sides[k], sides[k + 1]
        a, b = _space(ma, ka), _space(mb, kb)
        if not a or not b:
            bases.append([])
        elif len(a) == 3:
            bases.append(b)
        elif len(b) == 3:
            bases.append(a)
        else:
            bases.append(a)  # collinear by construction (spacers split the others)
    offsets = [int(v) for v in np.cumsum([0] + [len(b) for b in bases])]
    n = offsets[-1]
    K = mpmath.zeros(n, n)
    f = mpmath.zeros(n, 1)

    def add_quadratic(node_a: int, node_b: int, coeff: mpmath.mpf) -> None:
        for r, ea in enumerate(bases[node_a]):
            for c, eb in enumerate(bases[node_b]):
                K[offsets[node_a] + r, offsets[node_b] + c] += coeff * _dot(ea, eb)

    def add_linear(node: int, vector: mpmath.matrix) -> None:
        for r, e in enumerate(bases[node]):
            f[offsets[node] + r] += _dot(e, vector)

    coeffs = []
    for k, seg in enumerate(segments):
        Gs = seg.G / mpmath.sinh(seg.x)
        Gt = seg.G * mpmath.tanh(seg.x / 2)
        coeffs.append((Gs, Gt))
        for a, b, c in ((k, k, Gs + Gt), (k + 1, k + 1, Gs + Gt), (k, k + 1, -Gs),
                        (k + 1, k, -Gs)):
            add_quadratic(a, b, c)
        if seg.m is not None:
            s = seg.p * seg.m
            add_linear(k + 1, s)
            add_linear(k, -s)
    sL = leads[0][3] * leads[0][2] if leads[0][0] == "F" else mpmath.matrix(3, 1)
    sR = leads[1][3] * leads[1][2] if leads[1][0] == "F" else mpmath.matrix(3, 1)
    add_quadratic(0, 0, leads[0][1])
    add_linear(0, sL)
    add_quadratic(S, S, leads[1][1])
    add_linear(S, -sR)
    u = mpmath.lu_solve(K, f) if n else mpmath.matrix(0, 1)
    mu = []
    for k in range(S + 1):
        v = mpmath.matrix(3, 1)
        for r, e in enumerate(bases[k]):
            v += u[offsets[k] + r] * e
        mu.append(v)

    def end_current(k: int, end: str) -> mpmath.matrix:
        seg = segments[k]
        Gs, Gt = coeffs[k]
        s = seg.p * seg.m if seg.m is not None else mpmath.matrix(3, 1)
        flow = Gs * (mu[k] - mu[k + 1]) + s
        return flow + Gt * mu[k] if end == "left" else flow - Gt * mu[k + 1]

    # currents on each side of every segment node
    left_of = [sL - leads[0][1] * mu[0] if leads[0][0] != "sink" else end_current(0, "left")]
    left_of += [end_current(k, "right") for k in range(S)]
    right_of = [end_current(k, "left") for k in range(S)]
    right_of.append(sR + leads[1][1] * mu[S] if leads[1][0] != "sink"
                    else end_current(S - 1, "right"))

    L = len(stack.layers)
    torque = np.zeros((L, 3))
    layer_nodes = {}
    for k, seg in enumerate(segments):
        if seg.layer is not None:
            layer_nodes[seg.layer] = k
            if seg.m is not None:
                jump = _transverse(left_of[k] - right_of[k + 1], seg.m)
                torque[seg.layer] = [float(c) for c in jump]
    lead_torque = np.zeros((2, 3))
    if leads[0][0] == "F":
        lead_torque[0] = [float(c) for c in -_transverse(right_of[0], leads[0][2])]
    if leads[1][0] == "F":
        lead_torque[1] = [float(c) for c in _transverse(left_of[S], leads[1][2])]

    # back to the stack's nodes: node i is the left end of layer i's segment (L: the last end)
    node_of = [layer_nodes[i] for i in range(L)] + [layer_nodes[L - 1] + 1]
    mu_out = np.array([[float(c) for c in mu[k]] for k in node_of])
    cl = np.array([[float(c) for c in left_of[k]] for k in node_of])
    cr = np.array([[float(c) for c in right_of[k]] for k in node_of])
    ra = mpmath.mpf(0)
    for k, seg in enumerate(segments):
        if seg.m is not None:
            ra += seg.p / 2 * (_dot(mu[k + 1], seg.m) - _dot(mu[k], seg.m))
    ra += _dot(mu[0], sL) / 2 - _dot(mu[S], sR) / 2
    return Reference(mu_out, cl, cr, torque, lead_torque, float(ra))
