r"""The P1 finite-element minimisation of S (``fem.py``) extended to finite interfaces.

Written from the physics, sharing no code with ``spintorque.transport``: an interface with AR*, γ
and spin-memory loss δ is discretised *as the Bass–Pratt fictitious layer itself*, a layer of
``rho* t = AR*``, ``t/l = δ``, polarization γ along the adjacent ferromagnet's m (all of R³ at
N/N), resolved by ``n_interface`` P1 elements of its own. With the thickness t scaled out, the
element coefficients of ``fem.py`` (``a = G l/h``, ``c = G h/l`` with ``G = 1/(2 rho* l)``) are

.. math:: a = \frac{n}{2AR^*}, \qquad c = \frac{δ^2}{2AR^* n},

so δ = 0 is an element without mass whose linear profile is exact, and δ > 0 converges at the
P1 rate like any layer. A finite mixing conductance G↑↓ at an F/N interface adds, at the node on
the N side, the energy ½ Re G↑↓ |mu⊥|² of a conductance to the F's zero transverse accumulation
and frees the transverse directions of that node; its imaginary part is not an energy (it is
antisymmetric) and is added to the discrete equations directly: the row of the N-side node gets
``Im G↑↓ (mu × m)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import spsolve

from spintorque import Stack
from tests.transport.fem import _ALL, _intersect, _lead_space, _lead_terms, _line

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Segment:
    """A layer or an interface, as ``n`` P1 elements with coefficients a, c and source s."""

    n: int
    a: float
    c: float
    s: FloatArray
    space: FloatArray
    owner: int  # member index whose magnetization it carries (1…L layers, 0/L+1 leads), or −1
    mixing: tuple[complex, FloatArray, str] | None = None  # G↑↓, m, side of the N node


@dataclass(frozen=True)
class InterfaceFem:
    boundary_mu: FloatArray  # mu at the segment boundaries (the solver's ladder nodes) [V]
    left: FloatArray  # spin current just left of each boundary [A/m²]
    right: FloatArray
    torque_per_current: FloatArray  # (L, 3)


def segments(stack: Stack, n: int, n_interface: int) -> list[Segment]:
    J = stack.current_density
    members = [
        stack.left.magnetization,
        *(ly.magnetization for ly in stack.layers),
        stack.right.magnetization,
    ]
    at = dict(zip(stack.interface_nodes, stack.interface_elements, strict=True))
    out: list[Segment] = []
    for k in range(len(stack.layers) + 1):
        i = at.get(k)
        if i is not None:
            owner = k if members[k] is not None else k + 1 if members[k + 1] is not None else -1
            m = None if owner < 0 else _line(members[owner])
            space = _ALL if m is None else m
            s = np.zeros(3) if m is None else i.spin_asymmetry * J * m[:, 0]
            mixing = None
            if i.mixing_conductance is not None and m is not None:
                side = "right" if owner == k else "left"
                mixing = (i.mixing_conductance, m[:, 0], side)
            ar, d = i.resistance_area, i.spin_memory_loss
            out.append(
                Segment(
                    n_interface,
                    n_interface / (2 * ar),
                    d * d / (2 * ar * n_interface),
                    s,
                    space,
                    owner,
                    mixing,
                )
            )
        if k < len(stack.layers):
            layer = stack.layers[k]
            mat = layer.material
            G = 1.0 / (2.0 * mat.spin_resistivity * mat.spin_diffusion_length)
            h, l_sd = layer.thickness / n, mat.spin_diffusion_length
            m = _line(layer.magnetization) if layer.is_ferromagnet else None
            s = np.zeros(3) if m is None else mat.polarization * J * m[:, 0]
            out.append(
                Segment(
                    n, G * l_sd / h, G * h / l_sd, s, _ALL if m is None else m, k + 1 if m is not None else -1
                )
            )
    return out


def fem_solve_interfaces(stack: Stack, n: int, n_interface: int = 1) -> InterfaceFem:
    """Minimise S with finite interfaces (module docstring); n elements per layer."""
    segs = segments(stack, n, n_interface)
    J = stack.current_density
    a = np.concatenate([[g.a] * g.n for g in segs])
    c = np.concatenate([[g.c] * g.n for g in segs])
    s = np.concatenate([[g.s] * g.n for g in segs])
    N = len(a) + 1
    start = np.concatenate([[0], np.cumsum([g.n for g in segs])])  # boundary node indices
    diag = np.zeros(N)
    diag[:-1] += a + c / 3.0
    diag[1:] += a + c / 3.0
    off = -a + c / 6.0
    GL, sL = _lead_terms(stack.left, J)
    GR, sR = _lead_terms(stack.right, J)
    diag[0] += GL
    diag[-1] += GR
    K3 = sp.kron(sp.diags([off, diag, off], [-1, 0, 1], shape=(N, N)), sp.identity(3)).tolil()
    f3 = np.zeros((N, 3))
    f3[:-1] -= s
    f3[1:] += s
    f3[0] += sL
    f3[-1] -= sR
    # node bases: interior nodes take their segment's space, boundaries the intersection
    spaces = [_lead_space(stack.left), *(g.space for g in segs), _lead_space(stack.right)]
    bases = []
    for k, g in enumerate(segs):
        bases.append(_intersect(spaces[k], spaces[k + 1]))
        bases.extend([g.space] * (g.n - 1))
    bases.append(_intersect(spaces[-2], spaces[-1]))
    # mixing conductance at the N-side node of an F/N interface: Re ⊥ shunt, Im (· × m)
    line = np.zeros(len(a), dtype=bool)
    for k, g in enumerate(segs):
        if g.mixing is None:
            continue
        G, m, side = g.mixing
        node = start[k + 1] if side == "right" else start[k]
        perp = np.eye(3) - np.outer(m, m)
        cross_m = np.array([[0.0, m[2], -m[1]], [-m[2], 0.0, m[0]], [m[1], -m[0], 0.0]])
        block = G.real * perp + G.imag * cross_m  # v ↦ Re G v⊥ + Im G v × m
        K3[3 * node : 3 * node + 3, 3 * node : 3 * node + 3] += block
        bases[node] = _ALL  # the N-side node is free in all directions
        # the interface's elements act along m only: remove their transverse stiffness
        for e in range(start[k], start[k + 1]):
            line[e] = True
            ke = np.array([[a[e] + c[e] / 3, -a[e] + c[e] / 6], [-a[e] + c[e] / 6, a[e] + c[e] / 3]])
            for r in range(2):
                for q in range(2):
                    rr, qq = 3 * (e + r), 3 * (e + q)
                    K3[rr : rr + 3, qq : qq + 3] -= ke[r, q] * perp
    K3 = K3.tocsr()
    f3 = f3.reshape(-1)
    rows, cols, vals = [], [], []
    dof = 0
    for node, basis in enumerate(bases):
        for r in range(basis.shape[1]):
            for comp in range(3):
                if basis[comp, r] != 0.0:
                    rows.append(3 * node + comp)
                    cols.append(dof)
                    vals.append(basis[comp, r])
            dof += 1
    P = sp.csr_matrix((vals, (rows, cols)), shape=(3 * N, dof))
    u = spsolve((P.T @ K3 @ P).tocsc(), P.T @ f3) if dof else np.zeros(0)
    mu = (P @ u).reshape(N, 3)
    # consistent element-end currents
    mu_l, mu_r = mu[:-1], mu[1:]
    j_left = (a + c / 3.0)[:, None] * mu_l + (-a + c / 6.0)[:, None] * mu_r + s
    j_right = -((-a + c / 6.0)[:, None] * mu_l + (a + c / 3.0)[:, None] * mu_r - s)
    for k, g in enumerate(segs):  # elements along m carry the longitudinal current only
        if g.mixing is not None:
            m = g.mixing[1]
            for e in range(start[k], start[k + 1]):
                j_left[e], j_right[e] = (j_left[e] @ m) * m, (j_right[e] @ m) * m
    B = len(segs)
    right = np.array([j_left[start[k]] for k in range(B)] + [np.zeros(3)])
    left = np.array([np.zeros(3)] + [j_right[start[k] - 1] for k in range(1, B + 1)])
    left[0] = right[0] if stack.left.is_sink else sL - GL * mu[0]
    right[B] = left[B] if stack.right.is_sink else sR + GR * mu[-1]
    torque = np.zeros((len(stack.layers), 3))
    for i, layer in enumerate(stack.layers):
        if not layer.is_ferromagnet:
            continue
        group = [k for k, g in enumerate(segs) if g.owner == i + 1]
        m = np.asarray(layer.magnetization)
        jump = left[group[0]] - right[group[-1] + 1]
        torque[i] = (jump - (jump @ m) * m) / J
    return InterfaceFem(mu[start], left, right, torque)
