r"""An independent finite-element solution of the diffusive spin-transport problem.

This module exists to cross-check the exact layer-element solver (``spintorque.transport``). It is
written from the variational principle alone (TRANSPORT.md §6) and shares no code with the solver:
only the stack description (:class:`spintorque.Stack`, its layers and materials) is read.

The functional, in SI units (mu in V, J in A/m², S in W/m²), is

.. math::

    S[\mu] = \sum_\text{layers} \int \Big[\frac{G l}{2}|\mu'|^2 + \frac{G}{2l}|\mu|^2
             - p J\, m\cdot\mu'\Big]\,dx
             + \tfrac12 G_\text{left}|\mu(0)|^2 - s_\text{left}\cdot\mu(0)
             + \tfrac12 G_\text{right}|\mu(X)|^2 + s_\text{right}\cdot\mu(X),

with G = 1/(2 rho l), over continuous mu with mu ∥ m inside each ferromagnet. The last four terms
are the exact energy of semi-infinite leads (mu decays as exp(−|x|/l) in them); ideal sinks pin
mu = 0 at the boundary instead. Its Euler–Lagrange equations are mu'' = mu/l² in every layer, and
continuity of the spin current ``j = s − G l mu'`` (``s = p J m``) projected on the directions a
node may move in.

Discretisation: continuous piecewise-linear (P1) elements, ``n`` equal elements per layer. Every
node carries a basis of the directions its value may take (the intersection of what its two sides
allow: all of R³ in a normal metal, the line of m in a ferromagnet, nothing at an ideal sink), so
continuity and the constraints are built into the unknowns. With the nodal 3-vectors written as
``mu = P u`` (``P`` stacks the node bases), the P1 integrals are exact:

.. math:: S = \tfrac12 \mu^T K_3 \mu - f_3^T \mu, \qquad K = P^T K_3 P, \quad f = P^T f_3,

where ``K_3`` holds the element matrices ``(G l/h)[[1,−1],[−1,1]] + (G h/l)[[2,1],[1,2]]/6``
(times the 3×3 identity) and the lead stiffnesses, and ``f_3`` the sources ``∓s`` at the two ends
of each ferromagnetic element and the lead sources. The minimiser solves ``K u = f``.

Spin currents at the element ends are recovered from the element residuals (the "consistent flux"
of the weak form): for the exact solution, testing the element's weak form with its end hat
functions gives exactly ``j(left end)`` and ``−j(right end)``; for the FEM solution these are
accurate to O(h²) in 1D, better than one-sided derivatives (O(h)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import spsolve

from spintorque import Lead, Stack

FloatArray = NDArray[np.float64]

COLLINEAR = 1e-12
"""|m_a × m_b| below which two magnetizations meeting at a node count as collinear."""

_NONE = np.zeros((3, 0))
_ALL = np.eye(3)


def _line(m: object) -> FloatArray:
    v = np.asarray(m, dtype=float)
    return (v / np.linalg.norm(v))[:, None]


def _lead_space(lead: Lead) -> FloatArray:
    if lead.material is None:
        return _NONE
    if lead.material.is_ferromagnet:
        return _line(lead.magnetization)
    return _ALL


def _intersect(a: FloatArray, b: FloatArray) -> FloatArray:
    """Orthonormal basis (3, r) of span(a) ∩ span(b), for spaces {0}, a line, or R³."""
    if a.shape[1] == 0 or b.shape[1] == 0:
        return _NONE
    if a.shape[1] == 3:
        return b
    if b.shape[1] == 3:
        return a
    if np.linalg.norm(np.cross(a[:, 0], b[:, 0])) <= COLLINEAR:
        return a
    return _NONE


def _lead_terms(lead: Lead, J: float) -> tuple[float, FloatArray]:
    """(G_lead, s_lead = p J m_lead); (0, 0) for an ideal sink."""
    if lead.material is None:
        return 0.0, np.zeros(3)
    mat = lead.material
    G = 1.0 / (2.0 * mat.spin_resistivity * mat.spin_diffusion_length)
    s = np.zeros(3)
    if mat.is_ferromagnet:
        s = mat.polarization * J * _line(lead.magnetization)[:, 0]
    return G, s


@dataclass(frozen=True)
class FemSolution:
    """Discrete minimiser of S on a uniform P1 mesh.

    Attributes
    ----------
    stack : Stack
    n_per_layer : int
    x : ndarray (n_nodes,)
        Node positions [m]; node ``k * n_per_layer`` is interface k of the stack.
    mu : ndarray (n_nodes, 3)
        Spin accumulation at the nodes [V].
    functional : float
        S of the discrete solution, from the exact P1 integrals [W/m²].
    stiffness, source : sparse matrix (3N, 3N), ndarray (3N,)
        ``K_3`` and ``f_3``: S[mu] = ½ mu·K_3 mu − f_3·mu for any P1 field mu (flattened).
    basis : sparse matrix (3N, n_dof)
        Node bases: admissible P1 fields are exactly ``basis @ u``.
    element_data : (a, c, s)
        Per element: ``a = G l/h``, ``c = G h/l`` [S/m²] and the source ``s = p J m`` (E, 3).
    """

    stack: Stack
    n_per_layer: int
    x: FloatArray
    mu: FloatArray
    functional: float
    stiffness: sp.csr_matrix
    source: FloatArray
    basis: sp.csr_matrix
    element_data: tuple[FloatArray, FloatArray, FloatArray]

    @property
    def interface_nodes(self) -> NDArray[np.int64]:
        """Indices of the L+1 stack interfaces among the nodes."""
        return np.arange(len(self.stack.layers) + 1) * self.n_per_layer

    @property
    def interface_mu(self) -> FloatArray:
        """mu at the L+1 interfaces [V], shape (L+1, 3)."""
        return self.mu[self.interface_nodes]

    def energy(self, mu: FloatArray) -> float:
        """S of any P1 field given by its nodal values (n_nodes, 3), exact P1 integrals [W/m²].

        Constraints are not checked: pass admissible fields (``basis @ u``).
        """
        v = np.asarray(mu, dtype=float).reshape(-1)
        return float(0.5 * v @ (self.stiffness @ v) - self.source @ v)

    def _element_end_currents(self) -> tuple[FloatArray, FloatArray]:
        """Spin current at the left and right end of every element [A/m²], shape (E, 3) each."""
        a, c, s = self.element_data
        mu_l, mu_r = self.mu[:-1], self.mu[1:]
        # element residual r = K_e [mu_l; mu_r] − f_e, f_e = [−s; +s]
        r_left = (a + c / 3.0)[:, None] * mu_l + (-a + c / 6.0)[:, None] * mu_r + s
        r_right = (-a + c / 6.0)[:, None] * mu_l + (a + c / 3.0)[:, None] * mu_r - s
        return r_left, -r_right

    def interface_currents(self) -> tuple[FloatArray, FloatArray]:
        """Spin current just left and just right of each interface [A/m²], each (L+1, 3).

        Consistent (residual) fluxes of the adjacent elements. In a semi-infinite lead the current
        is ``s − G mu(0)`` on the left and ``s + G mu(X)`` on the right; next to an ideal sink the
        current of the neighbouring layer is repeated (no jump there).
        """
        left_end, right_end = self._element_end_currents()
        n, L = self.n_per_layer, len(self.stack.layers)
        J = self.stack.current_density
        right = np.array([left_end[k * n] for k in range(L)] + [np.zeros(3)])
        left = np.array([np.zeros(3)] + [right_end[k * n - 1] for k in range(1, L + 1)])
        GL, sL = _lead_terms(self.stack.left, J)
        GR, sR = _lead_terms(self.stack.right, J)
        left[0] = right[0] if self.stack.left.is_sink else sL - GL * self.mu[0]
        right[L] = left[L] if self.stack.right.is_sink else sR + GR * self.mu[-1]
        return left, right

    def torque_per_current(self) -> FloatArray:
        """Transverse (spin current in at the left face − out at the right face)/J per layer.

        Shape (L, 3); zero for normal metals. Valid where no two non-collinear ferromagnets touch.
        """
        left, right = self.interface_currents()
        J = self.stack.current_density
        out = np.zeros((len(self.stack.layers), 3))
        for i, layer in enumerate(self.stack.layers):
            if layer.is_ferromagnet:
                m = np.asarray(layer.magnetization)
                jump = left[i] - right[i + 1]
                out[i] = (jump - (jump @ m) * m) / J
        return out


def node_bases(stack: Stack, n: int) -> list[FloatArray]:
    """Basis (3, r) of the admissible directions at each of the L·n + 1 nodes."""
    sides = [_lead_space(stack.left)]
    for layer in stack.layers:
        sides.append(_line(layer.magnetization) if layer.is_ferromagnet else _ALL)
    sides.append(_lead_space(stack.right))
    bases: list[FloatArray] = []
    for k in range(len(stack.layers)):
        bases.append(_intersect(sides[k], sides[k + 1]))  # interface k
        bases.extend([sides[k + 1]] * (n - 1))  # interior nodes of layer k
    bases.append(_intersect(sides[-2], sides[-1]))
    return bases


def fem_solve(stack: Stack, n_per_layer: int) -> FemSolution:
    """Minimise S over continuous P1 fields with ``n_per_layer`` equal elements per layer.

    Parameters
    ----------
    stack : Stack
        Any number of layers; ideal sinks or semi-infinite (normal or ferromagnetic) leads;
        arbitrary (non-coplanar) magnetizations.
    n_per_layer : int
        Elements per layer (>= 1).

    Returns
    -------
    FemSolution
    """
    n = int(n_per_layer)
    if n < 1:
        raise ValueError("n_per_layer must be >= 1")
    J = stack.current_density
    L = len(stack.layers)
    N = L * n + 1
    E = L * n
    x = np.concatenate([[0.0]] + [
        start + layer.thickness * np.arange(1, n + 1) / n
        for start, layer in zip(stack.interfaces[:-1], stack.layers, strict=True)])

    # per-element coefficients: a = G l / h (stiffness), c = G h / l (mass), s = p J m (source)
    a = np.empty(E)
    c = np.empty(E)
    s = np.zeros((E, 3))
    for k, layer in enumerate(stack.layers):
        mat = layer.material
        G = 1.0 / (2.0 * mat.spin_resistivity * mat.spin_diffusion_length)
        l_sd = mat.spin_diffusion_length
        h = layer.thickness / n
        a[k * n:(k + 1) * n] = G * l_sd / h
        c[k * n:(k + 1) * n] = G * h / l_sd
        if layer.is_ferromagnet:
            s[k * n:(k + 1) * n] = mat.polarization * J * _line(layer.magnetization)[:, 0]

    # scalar (per component) tridiagonal matrix of all elements, then ⊗ I3
    diag = np.zeros(N)
    diag[:-1] += a + c / 3.0
    diag[1:] += a + c / 3.0
    off = -a + c / 6.0
    GL, sL = _lead_terms(stack.left, J)
    GR, sR = _lead_terms(stack.right, J)
    diag[0] += GL
    diag[-1] += GR
    K1 = sp.diags([off, diag, off], [-1, 0, 1], shape=(N, N), format="csr")
    K3 = sp.kron(K1, sp.identity(3), format="csr")
    f3 = np.zeros((N, 3))
    f3[:-1] -= s
    f3[1:] += s
    f3[0] += sL
    f3[-1] -= sR
    f3 = f3.reshape(-1)

    bases = node_bases(stack, n)
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
    K = (P.T @ K3 @ P).tocsc()
    f = P.T @ f3
    u = spsolve(K, f) if dof else np.zeros(0)
    mu = (P @ u).reshape(N, 3)
    flat = mu.reshape(-1)
    S = float(0.5 * flat @ (K3 @ flat) - f3 @ flat)
    return FemSolution(stack=stack, n_per_layer=n, x=x, mu=mu, functional=S, stiffness=K3,
                       source=f3, basis=P, element_data=(a, c, s))
