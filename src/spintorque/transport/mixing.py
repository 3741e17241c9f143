r"""Stacks with a finite mixing conductance: a block-tridiagonal solve in global coordinates.

At an F/N interface with mixing conductance G↑↓ per area (Brataas, Nazarov & Bauer, Phys. Rev.
Lett. 84, 2481 (2000); Brataas, Bauer & Kelly, Phys. Rep. 427, 157 (2006)) the node on the N side
is free in all three directions. The interface element (``ladder.py``) then acts along m only
(its longitudinal part: Gs, Gt, source γ J m), and the transverse spin current flowing from
that node into the ferromagnet is

.. math:: j_\perp = \mathrm{Re}\,G^{\uparrow\downarrow}\,\mu_\perp
          + \mathrm{Im}\,G^{\uparrow\downarrow}\,\mu\times m,

the circuit-theory current ``Tr σ Î`` of ``Î ∋ G↑↓ û↑ f̂ û↓ + G↑↓* û↓ f̂ û↑`` with
``f̂ = μ·σ/2`` (normalisation: a spin-independent contact, G↑ = G↓ = G↑↓ = G per spin, is an
isotropic spin conductance G). It is a node shunt ``Y = Re G↑↓ (I − m mᵀ) + Im G↑↓ [·×m]``,
whose antisymmetric part makes the node system non-symmetric (its symmetric part stays positive
definite). G↑↓ → ∞ pins mu⊥ = 0 there: the transparent model, approached continuously.

Node i balances ``j_right(i−1) − j_left(i) = Y_i μ_i``, projected on its basis P_i (rank 0, 1
or 3, as in ``nodes.py``). With element e between nodes e and e+1,
``j_left = (Gs+Gt) Π μ_e − Gs Π μ_{e+1} + s``, ``j_right = Gs Π μ_e − (Gs+Gt) Π μ_{e+1} + s``
(Π = I, or m mᵀ for an interface element acting along m), the system is block-tridiagonal and
solved by block elimination (Gaussian elimination with partial pivoting in each ≤ 3×3 block).
Unlike ``kernel.py`` this path forms ``mu_e − mu_{e+1}`` by subtraction, so spin currents
through a layer of d/l ≪ 1 carry a relative rounding error ~ ε·Gs/G (1e-9 at d/l = 1e-7).
"""

from __future__ import annotations

import numpy as np

from spintorque._jit import njit, prange
from spintorque.transport.kernel import _basis as _frame


@njit(cache=True, inline="always")
def _lu(A, k, piv):  # compiled
    """Factor A (k × k, k <= 3) in place: Gaussian elimination with partial pivoting, the row
    swaps in piv. Factored once per node and used for every right-hand side."""
    for c in range(k):
        p = c
        for r in range(c + 1, k):
            if abs(A[r, c]) > abs(A[p, c]):
                p = r
        piv[c] = p
        if p != c:
            for j in range(k):
                A[c, j], A[p, j] = A[p, j], A[c, j]
        for r in range(c + 1, k):
            f = A[r, c] / A[c, c]
            A[r, c] = f
            for j in range(c + 1, k):
                A[r, j] -= f * A[c, j]


@njit(cache=True, inline="always")
def _lu_solve(A, k, piv, b):  # compiled
    """Solve A x = b in place (b) with the factors of :func:`_lu`."""
    for c in range(k):
        p = piv[c]
        if p != c:
            b[c], b[p] = b[p], b[c]
        for r in range(c + 1, k):
            b[r] -= A[r, c] * b[c]
    for c in range(k - 1, -1, -1):
        t = b[c]
        for j in range(c + 1, k):
            t -= A[c, j] * b[j]
        b[c] = t / A[c, c]


@njit(cache=True, inline="always")
def _basis(kind, vec, P, C):  # compiled
    """Node basis P as in ``kernel.py``: a rank-3 node's frame has first axis vec (for the N-side
    node of an interface with finite G↑↓, its ferromagnet's m), the identity if vec = 0."""
    _frame(kind, vec, P, C)


@njit(cache=True, inline="always")
def _along(P, k, m, w):  # compiled
    """w = Pᵀ m (k entries): the element line m in a node's basis."""
    for a in range(k):
        w[a] = P[0, a] * m[0] + P[1, a] * m[1] + P[2, a] * m[2]


@njit(cache=True)
def _solve_one(kind, vec, Gs, Gt, line, m, s, yr, yi, GL, GR, sL, sR, mu, delta, jperp,
               P, Chat, g, Up, piv, work):  # compiled
    """One configuration. Blocks are formed from the structure of Π: Pᵀ I P = I exactly (P
    orthonormal), Pᵀ m mᵀ Q = (Pᵀ m)(Qᵀ m)ᵀ; each diagonal block is factored once."""
    E = Gs.shape[0]
    N = E + 1
    T = work[0]
    x = work[1, 0]
    wl = work[1, 1]
    wr = work[1, 2]
    wn = work[2, 0]
    for i in range(N):
        _basis(kind[i], vec[i], P[i], T)
    for i in range(N):
        k = kind[i]
        # diagonal block: Pᵀ (D_{i−1} + A_i) P + Y_i (leads at the ends)
        for a in range(k):
            for b in range(k):
                Chat[i, a, b] = 0.0
        iso = 0.0
        if i == 0:
            iso += GL
        elif line[i - 1]:
            _along(P[i], k, m[i - 1], wl)
            c = Gs[i - 1] + Gt[i - 1]
            for a in range(k):
                for b in range(k):
                    Chat[i, a, b] += c * wl[a] * wl[b]
        else:
            iso += Gs[i - 1] + Gt[i - 1]
        if i == E:
            iso += GR
        elif line[i]:
            _along(P[i], k, m[i], wr)
            c = Gs[i] + Gt[i]
            for a in range(k):
                for b in range(k):
                    Chat[i, a, b] += c * wr[a] * wr[b]
        else:
            iso += Gs[i] + Gt[i]
        for a in range(k):
            Chat[i, a, a] += iso
        if k == 3 and (yr[i] != 0.0 or yi[i] != 0.0):
            # Y in the node's frame (m, u, w = m × u): exactly Re G on the transverse diagonal
            # and ±Im G off it (u × m = −w, w × m = u), never rounded into the soft m axis
            Chat[i, 1, 1] += yr[i]
            Chat[i, 2, 2] += yr[i]
            Chat[i, 1, 2] += yi[i]
            Chat[i, 2, 1] -= yi[i]
        # right-hand side Pᵀ (s_{i−1} − s_i)
        for r in range(3):
            left = sL[r] if i == 0 else s[i - 1, r]
            right = sR[r] if i == E else s[i, r]
            x[r] = left - right
        for a in range(k):
            g[i, a] = P[i, 0, a] * x[0] + P[i, 1, a] * x[1] + P[i, 2, a] * x[2]
        # upper block −Gs_i Pᵢᵀ Π_i P_{i+1}
        if i < E:
            k2 = kind[i + 1]
            if line[i]:
                _along(P[i], k, m[i], wr)
                _along(P[i + 1], k2, m[i], wn)
                for a in range(k):
                    for b in range(k2):
                        Up[i, a, b] = -Gs[i] * (wr[a] * wn[b])
            else:
                for a in range(k):
                    for b in range(k2):
                        Up[i, a, b] = -Gs[i] * (P[i, 0, a] * P[i + 1, 0, b]
                                                + P[i, 1, a] * P[i + 1, 1, b]
                                                + P[i, 2, a] * P[i + 1, 2, b])
        # eliminate q_{i−1}: Ĉ_i −= Lo C_{i−1}^{-1} Up_{i−1}, g_i −= Lo C_{i−1}^{-1} g_{i−1};
        # the lower block is the transpose of Up_{i−1} (Π symmetric)
        if i > 0:
            kp = kind[i - 1]
            for b in range(k):
                for a in range(kp):
                    x[a] = Up[i - 1, a, b]
                _lu_solve(Chat[i - 1], kp, piv[i - 1], x)  # x = C_{i−1}^{-1} Up_{i−1}[:, b]
                for a in range(k):
                    acc = 0.0
                    for c in range(kp):
                        acc += Up[i - 1, c, a] * x[c]
                    Chat[i, a, b] -= acc
            for a in range(kp):
                x[a] = g[i - 1, a]
            _lu_solve(Chat[i - 1], kp, piv[i - 1], x)
            for a in range(k):
                acc = 0.0
                for c in range(kp):
                    acc += Up[i - 1, c, a] * x[c]
                g[i, a] -= acc
        _lu(Chat[i], k, piv[i])
    # back substitution: q_i = Ĉ_i^{-1} (g_i − Up_i q_{i+1})
    q = work[2, 1]
    for a in range(3):
        q[a] = 0.0
    for i in range(N - 1, -1, -1):
        k = kind[i]
        for a in range(k):
            acc = g[i, a]
            if i < E:
                for b in range(kind[i + 1]):
                    acc -= Up[i, a, b] * q[b]
            x[a] = acc
        _lu_solve(Chat[i], k, piv[i], x)
        for r in range(3):
            acc = 0.0
            for a in range(k):
                acc += P[i, r, a] * x[a]
            mu[i, r] = acc
        if k == 3 and (yr[i] != 0.0 or yi[i] != 0.0):
            # the transverse current into the ferromagnet, from the node's own coordinates
            # (mu⊥ ~ 1/G↑↓ is not formed from the rounded global mu)
            cu = yr[i] * x[1] + yi[i] * x[2]
            cw = yr[i] * x[2] - yi[i] * x[1]
            for r in range(3):
                jperp[i, r] = cu * P[i, r, 1] + cw * P[i, r, 2]
        for a in range(3):
            q[a] = x[a] if a < k else 0.0
    for e in range(E):
        for r in range(3):
            delta[e, r] = mu[e, r] - mu[e + 1, r]


@njit(cache=True)
def _work(N):  # compiled
    """Per-thread work arrays of :func:`_solve_one`."""
    return (np.zeros((N, 3, 3)), np.zeros((N, 3, 3)), np.zeros((N, 3)), np.zeros((N, 3, 3)),
            np.zeros((N, 3), dtype=np.int64), np.zeros((3, 3, 3)))


@njit(cache=True, parallel=True)
def sweep_mixing(kind, vec, Gs, Gt, line, m, s, yr, yi, GL, GR, sL, sR):  # compiled
    """Solve a batch (module docstring). Shapes: kind (B, N), vec (B, N, 3), Gs, Gt, line (E,),
    m, s (B, E, 3), yr, yi (N,); returns mu (B, N, 3), delta (B, E, 3) and the transverse spin
    current into the ferromagnet at each node with a mixing shunt (B, N, 3)."""
    B, N = kind.shape
    E = N - 1
    mu = np.zeros((B, N, 3))
    delta = np.zeros((B, E, 3))
    jperp = np.zeros((B, N, 3))
    chunks = min(B, 64)
    for c in prange(chunks):
        P, Chat, g, Up, piv, work = _work(N)
        for b in range(c * B // chunks, (c + 1) * B // chunks):
            _solve_one(kind[b], vec[b], Gs, Gt, line, m[b], s[b], yr, yi, GL, GR, sL, sR,
                       mu[b], delta[b], jperp[b], P, Chat, g, Up, piv, work)
    return mu, delta, jperp


@njit(cache=True)
def sweep_mixing_serial(kind, vec, Gs, Gt, line, m, s, yr, yi, GL, GR, sL, sR):  # compiled
    """:func:`sweep_mixing` on one thread: no thread wake-up cost for small batches."""
    B, N = kind.shape
    E = N - 1
    mu = np.zeros((B, N, 3))
    delta = np.zeros((B, E, 3))
    jperp = np.zeros((B, N, 3))
    P, Chat, g, Up, piv, work = _work(N)
    for b in range(B):
        _solve_one(kind[b], vec[b], Gs, Gt, line, m[b], s[b], yr, yi, GL, GR, sL, sR,
                   mu[b], delta[b], jperp[b], P, Chat, g, Up, piv, work)
    return mu, delta, jperp
