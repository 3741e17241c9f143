r"""Compiled ladder sweep for the node equations (TRANSPORT.md §4).

The unknowns are the spin accumulations at the L+1 nodes of a stack of L layers. Node i may move
in a k_i-dimensional subspace spanned by the orthonormal columns of ``P[i]`` (built in the kernel
from a compact description, see :func:`sweep`) (k = 3 between two
normal metals, k = 1 along m next to a ferromagnet or between collinear ferromagnets, k = 0 at an
ideal sink or between non-collinear ferromagnets). ``C[i]`` factors the complement projector,
``C[i]ᵀ C[i] = I − P[i] P[i]ᵀ``, so that the stiffness a pinned direction passes on is a product,
never a difference (``|m × n|²`` rather than ``1 − (m·n)²``).

The system ``K q = f`` is symmetric positive definite and block-tridiagonal. It is solved by a
forward sweep that keeps, for the part of the chain left of node i, its effective stiffness
``Γ_i`` and source ``h_i`` (the "rings and cords" seen from node i), and a backward substitution.
Carrying a layer's series conductance ``Gs`` over node i gives

``Γ_{i+1} = Wᵀ [Gs (M + Gs)⁻¹ M] W + Gs (C P')ᵀ (C P') + Gt``,  ``M = Γ_i + Gt``,  ``W = Pᵀ P'``,

a series combination of positive conductances: no subtraction of nearly equal stiffnesses, so a
layer with d/l = 1e-7 next to one with d/l = 1e3 loses no digits. The source carried over is

``h_{i+1} = Wᵀ (M + Gs)⁻¹ (M σ + Gs h_i) + (C P')ᵀ (C s)``,  ``σ = Pᵀ s``,

the same as ``P'ᵀ s + Wᵀ Gs (M + Gs)⁻¹ (h_i − σ)`` but without its cancellation (for a thin layer
that form leaves ``σ M/Gs`` from two terms of size σ, with an error ε·σ that a soft node turns into
a relative error ε·Gs/M). Where two nodes share their axis (:func:`_frame_map`) ``W`` and the
complement terms are exact 0/1 blocks: with magnetizations off the coordinate axes the rounded
frames would otherwise couple a thin layer's transverse stiffness into the longitudinal direction.
Each step is O(1), the whole solve O(L) per batch element; the batch runs in parallel.

The kernel also returns ``delta = mu_i − mu_{i+1}`` for each layer, computed as
``P (M + Gs)⁻¹ (h̃ − M t) − Cᵀ C mu_{i+1}`` so that the spin current ``Gs·delta`` through a
very thin layer is accurate although ``Gs`` is huge and ``delta`` tiny.
"""

from __future__ import annotations

import numpy as np

from spintorque._jit import njit, prange


@njit(cache=True, fastmath=False)
def _cholesky(A: np.ndarray, k: int, out: np.ndarray) -> None:  # compiled
    for j in range(k):
        s = A[j, j]
        for r in range(j):
            s -= out[j, r] * out[j, r]
        out[j, j] = np.sqrt(s)
        for i in range(j + 1, k):
            t = A[i, j]
            for r in range(j):
                t -= out[i, r] * out[j, r]
            out[i, j] = t / out[j, j]


@njit(cache=True, fastmath=False)
def _chol_solve(Lc: np.ndarray, k: int, b: np.ndarray) -> None:  # compiled
    for i in range(k):
        t = b[i]
        for r in range(i):
            t -= Lc[i, r] * b[r]
        b[i] = t / Lc[i, i]
    for i in range(k - 1, -1, -1):
        t = b[i]
        for r in range(i + 1, k):
            t -= Lc[r, i] * b[r]
        b[i] = t / Lc[i, i]


@njit(cache=True)
def _basis(kind, vec, P, C):  # compiled
    """Fill the node basis P (columns) and complement factor C from the compact description."""
    for r in range(3):
        for c in range(3):
            P[r, c] = 0.0
            C[r, c] = 0.0
    if kind == 0:
        for r in range(3):
            C[r, r] = 1.0
    elif kind == 1:
        for r in range(3):
            P[r, 0] = vec[r]
        C[0, 1], C[0, 2] = -vec[2], vec[1]
        C[1, 0], C[1, 2] = vec[2], -vec[0]
        C[2, 0], C[2, 1] = -vec[1], vec[0]
    else:
        norm = vec[0] * vec[0] + vec[1] * vec[1] + vec[2] * vec[2]
        if norm == 0.0:
            for r in range(3):
                P[r, r] = 1.0
            return
        # orthonormal frame with first axis vec: u = vec × e / |.|, v = vec × u
        e = 0
        if abs(vec[1]) < abs(vec[e]):
            e = 1
        if abs(vec[2]) < abs(vec[e]):
            e = 2
        h0 = 1.0 if e == 0 else 0.0
        h1 = 1.0 if e == 1 else 0.0
        h2 = 1.0 if e == 2 else 0.0
        u0 = vec[1] * h2 - vec[2] * h1
        u1 = vec[2] * h0 - vec[0] * h2
        u2 = vec[0] * h1 - vec[1] * h0
        un = np.sqrt(u0 * u0 + u1 * u1 + u2 * u2)
        u0, u1, u2 = u0 / un, u1 / un, u2 / un
        P[0, 0], P[1, 0], P[2, 0] = vec[0], vec[1], vec[2]
        P[0, 1], P[1, 1], P[2, 1] = u0, u1, u2
        P[0, 2] = vec[1] * u2 - vec[2] * u1
        P[1, 2] = vec[2] * u0 - vec[0] * u2
        P[2, 2] = vec[0] * u1 - vec[1] * u0


@njit(cache=True)
def _same_axis(vec, i, j):  # compiled
    """Whether nodes i and j were given bitwise the same reference vector (hence the same frame)."""
    return vec[i, 0] == vec[j, 0] and vec[i, 1] == vec[j, 1] and vec[i, 2] == vec[j, 2]


@njit(cache=True)
def _axis_sign(vec, i, j):  # compiled
    """+1 if nodes i and j share their reference vector bitwise, −1 if it is exactly negated
    (an antiparallel pair: a negation is exact in floating point), 0 otherwise."""
    if _same_axis(vec, i, j):
        return 1.0
    if vec[i, 0] == -vec[j, 0] and vec[i, 1] == -vec[j, 1] and vec[i, 2] == -vec[j, 2]:
        return -1.0
    return 0.0


@njit(cache=True)
def _frame_map(kind, vec, P, i, j, W):  # compiled
    """W = P_iᵀ P_j, the coordinates of node j's basis in node i's; exact for a shared axis.

    Consecutive normal/normal nodes share their frame, and a ferromagnet's line is the first
    axis of the frames that follow it; there W is a block of the identity *exactly*. Computed
    as dot products of the rounded frames, its off-diagonal entries would be ~1e-16 instead of
    0 and would couple the stiff transverse directions (Gs of a thin, conductive layer, up to
    1e13 G) into the soft longitudinal one, losing that many digits of the torque.
    """
    ki, kj = kind[i], kind[j]
    sign = _axis_sign(vec, i, j)
    if sign != 0.0:
        # (an exactly negated axis only meets a line: frames follow their magnet's m bitwise)
        for a in range(ki):
            for b in range(kj):
                W[a, b] = (sign if a == 0 else 1.0) if a == b else 0.0
        return
    for a in range(ki):
        for b in range(kj):
            W[a, b] = P[i, 0, a] * P[j, 0, b] + P[i, 1, a] * P[j, 1, b] + P[i, 2, a] * P[j, 2, b]


@njit(cache=True)
def _sweep_one(kind, vec, Gs, Gt, s, GL, GR, sL, sR, mu, delta, P, C, chol, Ms, hts, mats, vecs):
    L = Gs.shape[0]
    W, gam, A, X, Lc = mats[0], mats[1], mats[2], mats[3], mats[4]
    h, col, u, q, t, v = vecs[0], vecs[1], vecs[2], vecs[3], vecs[4], vecs[5]
    for node in range(L + 1):
        _basis(kind[node], vec[node], P[node], C[node])
    k = kind[0]
    for a in range(3):
        for b in range(3):
            gam[a, b] = 0.0  # the work arrays are shared by the cases of a batch
    for a in range(k):
        gam[a, a] = GL
        h[a] = P[0, 0, a] * sL[0] + P[0, 1, a] * sL[1] + P[0, 2, a] * sL[2]
    for layer in range(L):
        k = kind[layer]
        g_s = Gs[layer]
        g_t = Gt[layer]
        # M = Γ + Gt, h̃ = h − Pᵀ s
        for a in range(k):
            for b in range(k):
                Ms[layer, a, b] = gam[a, b]
                A[a, b] = gam[a, b]
            Ms[layer, a, a] += g_t
            A[a, a] += g_t + g_s
            hts[layer, a] = h[a] - (P[layer, 0, a] * s[layer, 0] + P[layer, 1, a] * s[layer, 1]
                                    + P[layer, 2, a] * s[layer, 2])
        _cholesky(A, k, chol[layer])
        # X = Gs (M + Gs)^-1 M, symmetrised
        for b in range(k):
            for a in range(k):
                col[a] = Ms[layer, a, b]
            _chol_solve(chol[layer], k, col)
            for a in range(k):
                X[a, b] = g_s * col[a]
        for a in range(k):
            for b in range(a + 1, k):
                sym = 0.5 * (X[a, b] + X[b, a])
                X[a, b] = sym
                X[b, a] = sym
        # u = (M + Gs)^-1 (M σ + Gs h), σ = Pᵀ s: the source a layer passes on, M (M+Gs)^-1 σ,
        # formed as a product. Written as σ − Gs (M+Gs)^-1 σ it would cancel to ~M/Gs of σ for
        # a thin layer, leaving a rounding error eps·σ in the force on a soft node.
        for a in range(k):
            col[a] = P[layer, 0, a] * s[layer, 0] + P[layer, 1, a] * s[layer, 1] \
                + P[layer, 2, a] * s[layer, 2]
        for a in range(k):
            acc = g_s * h[a]
            for b in range(k):
                acc += Ms[layer, a, b] * col[b]
            u[a] = acc
        _chol_solve(chol[layer], k, u)
        # carry over to the next node
        nxt = layer + 1
        k2 = kind[nxt]
        _frame_map(kind, vec, P, layer, nxt, W)
        shared = _axis_sign(vec, layer, nxt) != 0.0
        for a in range(k2):
            for b in range(k2):
                acc = 0.0
                for c in range(k):
                    for d in range(k):
                        acc += W[c, a] * X[c, d] * W[d, b]
                cross = 0.0
                if shared and k > 0:
                    # node j's frame is (m, u, v) with m node i's line (or the same frame):
                    # the complement of node i in it is exactly diag(0, 1, 1) (or 0)
                    if k == 1 and a == b and a > 0:
                        cross = 1.0
                else:
                    for r in range(3):
                        ca = C[layer, r, 0] * P[nxt, 0, a] + C[layer, r, 1] * P[nxt, 1, a] \
                            + C[layer, r, 2] * P[nxt, 2, a]
                        cb = C[layer, r, 0] * P[nxt, 0, b] + C[layer, r, 1] * P[nxt, 1, b] \
                            + C[layer, r, 2] * P[nxt, 2, b]
                        cross += ca * cb
                gam[a, b] = acc + g_s * cross
            gam[a, a] += g_t
        # h' = Wᵀ u + (C P')ᵀ (C s): the part of s outside node i's space reaches node i+1
        # directly (P'ᵀ s = Wᵀ σ + (C P')ᵀ C s, as Pᵀ P + Cᵀ C = I)
        for r in range(3):
            t[r] = C[layer, r, 0] * s[layer, 0] + C[layer, r, 1] * s[layer, 1] \
                + C[layer, r, 2] * s[layer, 2]
        for b in range(k2):
            acc = 0.0
            if not (shared and k > 0 and b < k):
                for r in range(3):
                    acc += (C[layer, r, 0] * P[nxt, 0, b] + C[layer, r, 1] * P[nxt, 1, b]
                            + C[layer, r, 2] * P[nxt, 2, b]) * t[r]
            for a in range(k):
                acc += W[a, b] * u[a]
            h[b] = acc
    # last node
    k = kind[L]
    for a in range(k):
        for b in range(k):
            A[a, b] = gam[a, b]
        A[a, a] += GR
        q[a] = h[a] - (P[L, 0, a] * sR[0] + P[L, 1, a] * sR[1] + P[L, 2, a] * sR[2])
    _cholesky(A, k, Lc)
    _chol_solve(Lc, k, q)
    for r in range(3):
        acc = 0.0
        for a in range(k):
            acc += P[L, r, a] * q[a]
        mu[L, r] = acc
    # back substitution
    for layer in range(L - 1, -1, -1):
        k = kind[layer]
        nxt = layer + 1
        k2 = kind[nxt]
        g_s = Gs[layer]
        _frame_map(kind, vec, P, layer, nxt, W)
        for a in range(k):
            acc = 0.0
            for b in range(k2):
                acc += W[a, b] * q[b]
            t[a] = acc
        for a in range(k):
            u[a] = hts[layer, a] + g_s * t[a]
            acc = hts[layer, a]
            for b in range(k):
                acc -= Ms[layer, a, b] * t[b]
            v[a] = acc
        _chol_solve(chol[layer], k, u)
        _chol_solve(chol[layer], k, v)
        # (I − P Pᵀ) mu_{i+1}: in a shared frame, the coordinates of mu_{i+1} beyond node i's
        # rank, exactly; otherwise Cᵀ C mu_{i+1} (a product, no cancellation)
        if _axis_sign(vec, layer, nxt) != 0.0:
            for r in range(3):
                acc_c = 0.0
                for b in range(k, k2):
                    acc_c += P[nxt, r, b] * q[b]
                col[r] = acc_c
        else:
            for r in range(3):
                t[r] = C[layer, r, 0] * mu[nxt, 0] + C[layer, r, 1] * mu[nxt, 1] \
                    + C[layer, r, 2] * mu[nxt, 2]
            for r in range(3):
                col[r] = C[layer, 0, r] * t[0] + C[layer, 1, r] * t[1] + C[layer, 2, r] * t[2]
        for r in range(3):
            acc_mu = 0.0
            acc_d = 0.0
            for a in range(k):
                acc_mu += P[layer, r, a] * u[a]
                acc_d += P[layer, r, a] * v[a]
            mu[layer, r] = acc_mu
            delta[layer, r] = acc_d - col[r]
        for a in range(k):
            q[a] = u[a]


@njit(cache=True)
def _sweep_lines(kind, vec, Gs, Gt, s, GL, GR, sL, sR, mu, delta, store):
    """The same sweep when every node has rank 0 or 1: all blocks are scalars.

    ``store`` (L, 4) keeps A = M + Gs, M, h̃ and the cosine w = n_i·n_{i+1} for the back pass.
    """
    L = Gs.shape[0]
    gam = GL
    h = vec[0, 0] * sL[0] + vec[0, 1] * sL[1] + vec[0, 2] * sL[2] if kind[0] == 1 else 0.0
    for layer in range(L):
        nxt = layer + 1
        g_s = Gs[layer]
        g_t = Gt[layer]
        if kind[layer] == 1:
            M = gam + g_t
            A = M + g_s
            sigma = vec[layer, 0] * s[layer, 0] + vec[layer, 1] * s[layer, 1] \
                + vec[layer, 2] * s[layer, 2]
            ht = h - sigma
            sign = _axis_sign(vec, layer, nxt)
            if sign != 0.0:
                # a shared (or exactly negated) line: n × n' is exactly 0 and w = ±1, so the
                # general step below reduces to this one bitwise (the usual case on both
                # sides of a finite interface)
                store[layer, 0], store[layer, 1], store[layer, 2], store[layer, 3] = A, M, ht, sign
                gam = g_s * M / A + g_t
                h = sign * ((M * sigma + g_s * h) / A)
                continue
            a0, a1, a2 = vec[layer, 0], vec[layer, 1], vec[layer, 2]
            b0, b1, b2 = vec[nxt, 0], vec[nxt, 1], vec[nxt, 2]
            w = a0 * b0 + a1 * b1 + a2 * b2
            c0, c1, c2 = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0
            store[layer, 0], store[layer, 1], store[layer, 2], store[layer, 3] = A, M, ht, w
            gam = w * w * (g_s * M / A) + g_s * (c0 * c0 + c1 * c1 + c2 * c2) + g_t
            # as in the general kernel: n'·s − w σ = (n × n')·(n × s), and the passed-on source
            # M σ/A as a product (σ − Gs σ/A would cancel for a thin layer)
            s0, s1, s2 = s[layer, 0], s[layer, 1], s[layer, 2]
            h = w * ((M * sigma + g_s * h) / A) \
                + (c0 * (a1 * s2 - a2 * s1) + c1 * (a2 * s0 - a0 * s2) + c2 * (a0 * s1 - a1 * s0))
        else:
            gam = g_s + g_t
            h = vec[nxt, 0] * s[layer, 0] + vec[nxt, 1] * s[layer, 1] \
                + vec[nxt, 2] * s[layer, 2]
    q = 0.0
    if kind[L] == 1:
        q = (h - (vec[L, 0] * sR[0] + vec[L, 1] * sR[1] + vec[L, 2] * sR[2])) / (gam + GR)
    for r in range(3):
        mu[L, r] = q * vec[L, r]
    for layer in range(L - 1, -1, -1):
        nxt = layer + 1
        if kind[layer] == 0:
            for r in range(3):
                mu[layer, r] = 0.0
                delta[layer, r] = -mu[nxt, r]
            q = 0.0
            continue
        A, M, ht, w = store[layer, 0], store[layer, 1], store[layer, 2], store[layer, 3]
        q_next = q
        t = w * q if kind[nxt] == 1 else 0.0
        q = (ht + Gs[layer] * t) / A
        d = (ht - M * t) / A
        n0, n1, n2 = vec[layer, 0], vec[layer, 1], vec[layer, 2]
        # (I − n nᵀ) mu_{i+1} = q_{i+1} n × (n' × n): the cross product of the two unit
        # vectors first (exactly 0 for the same line), so no rounding of q·n' is amplified by Gs
        x0 = x1 = x2 = 0.0
        if kind[nxt] == 1 and not _same_axis(vec, layer, nxt):
            b0, b1, b2 = vec[nxt, 0], vec[nxt, 1], vec[nxt, 2]
            c0, c1, c2 = b1 * n2 - b2 * n1, b2 * n0 - b0 * n2, b0 * n1 - b1 * n0
            x0 = q_next * (n1 * c2 - n2 * c1)
            x1 = q_next * (n2 * c0 - n0 * c2)
            x2 = q_next * (n0 * c1 - n1 * c0)
        delta[layer, 0] = d * n0 - x0
        delta[layer, 1] = d * n1 - x1
        delta[layer, 2] = d * n2 - x2
        mu[layer, 0], mu[layer, 1], mu[layer, 2] = q * n0, q * n1, q * n2


@njit(cache=True, parallel=True)
def sweep_lines(kind, vec, Gs, Gt, s, GL, GR, sL, sR):  # compiled
    """:func:`sweep` for stacks whose nodes all have rank ≤ 1 (no normal/normal interface)."""
    B = kind.shape[0]
    N = kind.shape[1]
    L = N - 1
    mu = np.zeros((B, N, 3))
    delta = np.zeros((B, L, 3))
    chunks = min(B, 64)
    for c in prange(chunks):
        store = np.zeros((L, 4))
        for b in range(c * B // chunks, (c + 1) * B // chunks):
            _sweep_lines(kind[b], vec[b], Gs, Gt, s[b], GL, GR, sL, sR, mu[b], delta[b], store)
    return mu, delta


@njit(cache=True, interpret_up_to=256)
def sweep_lines_serial(kind, vec, Gs, Gt, s, GL, GR, sL, sR):  # compiled
    """:func:`sweep_lines` on one thread: no thread wake-up cost for small batches."""
    B, N = kind.shape
    mu = np.zeros((B, N, 3))
    delta = np.zeros((B, N - 1, 3))
    store = np.zeros((N - 1, 4))
    for b in range(B):
        _sweep_lines(kind[b], vec[b], Gs, Gt, s[b], GL, GR, sL, sR, mu[b], delta[b], store)
    return mu, delta


@njit(cache=True, interpret_up_to=256)
def sweep_serial(kind, vec, Gs, Gt, s, GL, GR, sL, sR):  # compiled
    """:func:`sweep` on one thread: no thread wake-up cost for small batches."""
    B, N = kind.shape
    mu = np.zeros((B, N, 3))
    delta = np.zeros((B, N - 1, 3))
    P, C = np.zeros((N, 3, 3)), np.zeros((N, 3, 3))
    chol, Ms, hts = np.zeros((N - 1, 3, 3)), np.zeros((N - 1, 3, 3)), np.zeros((N - 1, 3))
    mats, vecs = np.zeros((5, 3, 3)), np.zeros((6, 3))
    for b in range(B):
        _sweep_one(kind[b], vec[b], Gs, Gt, s[b], GL, GR, sL, sR, mu[b], delta[b],
                   P, C, chol, Ms, hts, mats, vecs)
    return mu, delta


@njit(cache=True, parallel=True)
def sweep(kind, vec, Gs, Gt, s, GL, GR, sL, sR):  # compiled
    """Solve a batch of stacks; see the module docstring for the arguments' meaning.

    Shapes: kind (B, N) int64 (the node rank 0, 1 or 3); vec (B, N, 3) (rank 1: the line's unit
    vector; rank 3: the reference axis of the node frame, or 0 for the identity frame);
    Gs, Gt (L,); s (B, L, 3); GL, GR float; sL, sR (3,). Returns mu (B, N, 3) and
    delta (B, L, 3), per unit current density.
    """
    B = kind.shape[0]
    N = kind.shape[1]
    L = N - 1
    mu = np.zeros((B, N, 3))
    delta = np.zeros((B, L, 3))
    chunks = min(B, 64)
    for c in prange(chunks):
        P = np.zeros((N, 3, 3))
        C = np.zeros((N, 3, 3))
        chol = np.zeros((L, 3, 3))
        Ms = np.zeros((L, 3, 3))
        hts = np.zeros((L, 3))
        mats = np.zeros((5, 3, 3))
        vecs = np.zeros((6, 3))
        for b in range(c * B // chunks, (c + 1) * B // chunks):
            _sweep_one(kind[b], vec[b], Gs, Gt, s[b], GL, GR, sL, sR, mu[b], delta[b],
                       P, C, chol, Ms, hts, mats, vecs)
    return mu, delta
