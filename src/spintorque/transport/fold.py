r"""Stacks with a finite mixing conductance as a scalar ladder: the transverse unknowns folded.

The same problem as :mod:`spintorque.transport.mixing` (its docstring defines the node shunt
``Y = Re G↑↓ (I − m mᵀ) + Im G↑↓ [·×m]`` at the N-side node of an interface with finite G↑↓),
solved by the forward/backward sweep of ``kernel._sweep_lines`` instead of a block
elimination. Only the nodes of rank 3 (the N-side nodes of the mixing interfaces, and any
normal/normal node) carry more than a scalar, and there the stiffness seen from the left has a
closed form that keeps the sweep as cheap as the scalar one:

**The state at a rank-3 node** is an operator ``Γ = Λ aaᵀ + Θ∘(I − aaᵀ)`` about one axis a
(``Θ∘v = Re Θ v + Im Θ v × a``: a complex number acting on the plane ⊥ a) and a source h a
along the same axis. A line element (the mixing interface, acting along m) passes on a scalar
(Λ, Θ = 0, a = m); a normal layer passes on its pinned transverse stiffness (Θ = Gs + Gt) or,
between rank-3 nodes, the series combination ``X = Gs (Γ + Gt)(Γ + Gt + Gs)⁻¹`` applied to Λ
and to Θ separately (complex arithmetic: no subtraction); a sink or a normal lead passes on an
isotropic one (Λ = Θ, h = 0). Adding the node's own Y about the same axis (or to an isotropic
state) is ``Θ += G↑↓``.

**The fold.** The N-side node of a mixing interface reached through a normal layer has its
state about the previous magnet's axis a and its own Y about its own magnet's axis b; it leaves
through its interface, along b. Eliminating its two transverse unknowns gives the scalar
stiffness along b and the source passed on (w = a·b, s = |a × b|, Y = R + iI):

.. math::

    S = \frac{Λ[(Θ_r + w^2R)^2 + (Θ_i + wI)^2 + w^2s^2R^2]
              + s^2[RΛΘ_r + R|Θ|^2 + Θ_r|Y|^2]}{D},\qquad
    h_b = h\,\frac{w[(R + Θ_r)^2 + I^2 + Θ_i^2] + (1 + w^2) I Θ_i}{D},

.. math::

    D = (I + wΘ_i)^2 + (R + w^2Θ_r)^2 + w^2s^2Θ_r^2 + s^2(ΛΘ_r + RΛ + RΘ_r),

sums of non-negative terms (Λ, Θ_r, R ≥ 0), hence free of cancellation for any d/l, any G↑↓
and any angle; R → ∞ gives the transparent ``w²Λ + s²Θ_r`` of ``kernel.py``. The node's
transverse spin accumulation follows in the back pass from its longitudinal value q:
``μ⊥ = x ĉ + y b × ĉ`` (ĉ = a × b/s) with

.. math::

    x = s[q(I w(Λ − Θ_r) + Θ_i(Λ + R)) − h(I + wΘ_i)]/D,\quad
    y = s[h(R + Θ_r) − q(w((Λ − Θ_r)(R + Θ_r) − Θ_i^2) − IΘ_i)]/D.

The transverse spin current into the ferromagnet, Y∘μ⊥, is formed from these coordinates (as
in the block solve, μ⊥ ~ 1/G↑↓ is never taken from a rounded μ). ``delta = μ_i − μ_{i+1}`` of
a normal layer between rank-3 nodes is ``(Γ+Gt+Gs)⁻¹((h − (Γ+Gt) t)``, as in ``kernel.py``.
Each node costs O(1) scalar and complex operations, the ladder O(E) per configuration.

A configuration the fold does not cover (a rank-3 node whose shunt lies about another axis than
its state and that does not leave along its shunt's axis; none arises from a ladder built by
``ladder.py``) is reported in ``ok`` and solved by the block kernel instead.
"""

from __future__ import annotations

import numpy as np

from spintorque._jit import njit, prange


@njit(cache=True, inline="always")
def _same(vec, i, j):  # compiled
    """Whether nodes i and j carry bitwise the same vector."""
    return vec[i, 0] == vec[j, 0] and vec[i, 1] == vec[j, 1] and vec[i, 2] == vec[j, 2]


@njit(cache=True)
def _fold_one(kind, vec, Gs, Gt, line, p, m, yr, yi, GL, GR, sL, sR, mu, delta, jperp,
              store, axis, state, tl, tp, q):  # compiled
    """One configuration (module docstring). Work arrays: store (E, 4) the scalar steps
    (1/A, M, h̃, w), axis (N, 3) and state (N, 6) (Λ, Θr, Θi, h, pending, 1/D) of the rank-3 nodes,
    tl (N,), tp (N, 3) their spin accumulation along / across their state axis, q (N,) the
    coordinate of the rank-1 nodes. Returns False where the fold does not apply."""
    E = Gs.shape[0]
    # forward sweep
    gam = 0.0
    h = 0.0
    lam = 0.0
    thr = 0.0
    thi = 0.0
    iso = False
    pend = False
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    via_line = False
    if kind[0] == 3:
        if sL[0] != 0.0 or sL[1] != 0.0 or sL[2] != 0.0:
            return False
        lam = GL
        thr = GL
        thi = 0.0
        h = 0.0
        iso = True
        pend = False
        a0, a1, a2 = 0.0, 0.0, 1.0
        if vec[0, 0] != 0.0 or vec[0, 1] != 0.0 or vec[0, 2] != 0.0:
            a0, a1, a2 = vec[0, 0], vec[0, 1], vec[0, 2]
        if yr[0] != 0.0 or yi[0] != 0.0:
            a0, a1, a2 = vec[0, 0], vec[0, 1], vec[0, 2]
            thr += yr[0]
            thi += yi[0]
            iso = False
    else:
        gam = GL
        if kind[0] == 1:
            h = vec[0, 0] * sL[0] + vec[0, 1] * sL[1] + vec[0, 2] * sL[2]
    for e in range(E):
        i = e
        j = e + 1
        g_s = Gs[e]
        g_t = Gt[e]
        k = kind[i]
        k2 = kind[j]
        # the element's source p m (the product solver.py would form)
        se0, se1, se2 = p[e] * m[e, 0], p[e] * m[e, 1], p[e] * m[e, 2]
        if k == 3:
            axis[i, 0], axis[i, 1], axis[i, 2] = a0, a1, a2
            state[i, 0], state[i, 1], state[i, 2], state[i, 3] = lam, thr, thi, h
            state[i, 4] = 1.0 if pend else 0.0
            if line[e]:
                # leaves through its own interface, along b = vec[i]
                if k2 != 1 or not _same(vec, i, j):
                    return False
                b0, b1, b2 = vec[i, 0], vec[i, 1], vec[i, 2]
                if pend:
                    w = a0 * b0 + a1 * b1 + a2 * b2
                    c0, c1, c2 = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0
                    s2 = c0 * c0 + c1 * c1 + c2 * c2
                    R = yr[i]
                    Im = yi[i]
                    w2 = w * w
                    th2 = thr * thr + thi * thi
                    D = (Im + w * thi) ** 2 + (R + w2 * thr) ** 2 + w2 * s2 * thr * thr \
                        + s2 * (lam * thr + R * lam + R * thr)
                    rD = 1.0 / D
                    state[i, 5] = rD
                    S = (lam * ((thr + w2 * R) ** 2 + (thi + w * Im) ** 2 + w2 * s2 * R * R)
                         + s2 * (R * lam * thr + R * th2 + thr * (R * R + Im * Im))) * rD
                    heff = h * (w * ((R + thr) ** 2 + Im * Im + thi * thi)
                                + (1.0 + w2) * Im * thi) * rD
                elif iso or (a0 == b0 and a1 == b1 and a2 == b2):
                    S = lam
                    heff = h
                else:
                    return False
                M = S + g_t
                rA = 1.0 / (M + g_s)
                sigma = b0 * se0 + b1 * se1 + b2 * se2
                store[e, 0], store[e, 1], store[e, 2], store[e, 3] = rA, M, heff - sigma, 1.0
                gam = g_s * M * rA + g_t
                h = (M * sigma + g_s * heff) * rA
                continue
            # a normal element: the state must be about one axis, and the element sourceless
            if pend or se0 != 0.0 or se1 != 0.0 or se2 != 0.0:
                return False
            Ml = lam + g_t
            rl = g_s / (Ml + g_s)
            # Xt = Gs Mt/(Mt + Gs), Mt = Θ + Gt, written out (no subtraction in its real part)
            mr = thr + g_t
            ar = mr + g_s
            rn = g_s / (ar * ar + thi * thi)
            xt_r = (mr * ar + thi * thi) * rn
            xt_i = g_s * thi * rn
            Xl = Ml * rl
            h2 = h * rl
            if k2 == 0:
                continue
            if k2 == 1:
                n0, n1, n2 = vec[j, 0], vec[j, 1], vec[j, 2]
                w = a0 * n0 + a1 * n1 + a2 * n2
                c0, c1, c2 = a1 * n2 - a2 * n1, a2 * n0 - a0 * n2, a0 * n1 - a1 * n0
                gam = w * w * Xl + (c0 * c0 + c1 * c1 + c2 * c2) * xt_r + g_t
                h = w * h2
                continue
            lam = Xl + g_t
            thr = xt_r + g_t
            thi = xt_i
            h = h2
            via_line = False
        elif k == 1:
            if k2 != 3:
                # both nodes scalar: the step of kernel._sweep_lines
                M = gam + g_t
                rA = 1.0 / (M + g_s)
                sigma = vec[i, 0] * se0 + vec[i, 1] * se1 + vec[i, 2] * se2
                ht = h - sigma
                if _same(vec, i, j):
                    store[e, 0], store[e, 1], store[e, 2], store[e, 3] = rA, M, ht, 1.0
                    gam = g_s * M * rA + g_t
                    h = (M * sigma + g_s * h) * rA
                    continue
                if (vec[i, 0] == -vec[j, 0] and vec[i, 1] == -vec[j, 1]
                        and vec[i, 2] == -vec[j, 2]):
                    store[e, 0], store[e, 1], store[e, 2], store[e, 3] = rA, M, ht, -1.0
                    gam = g_s * M * rA + g_t
                    h = -((M * sigma + g_s * h) * rA)
                    continue
                x0, x1, x2 = vec[i, 0], vec[i, 1], vec[i, 2]
                b0, b1, b2 = vec[j, 0], vec[j, 1], vec[j, 2]
                w = x0 * b0 + x1 * b1 + x2 * b2
                c0, c1, c2 = x1 * b2 - x2 * b1, x2 * b0 - x0 * b2, x0 * b1 - x1 * b0
                store[e, 0], store[e, 1], store[e, 2], store[e, 3] = rA, M, ht, w
                gam = w * w * (g_s * M * rA) + g_s * (c0 * c0 + c1 * c1 + c2 * c2) + g_t
                s0, s1, s2_ = se0, se1, se2
                h = w * ((M * sigma + g_s * h) * rA) \
                    + (c0 * (x1 * s2_ - x2 * s1) + c1 * (x2 * s0 - x0 * s2_)
                       + c2 * (x0 * s1 - x1 * s0))
                continue
            # into a rank-3 node: along its own line (a mixing interface) or through a layer
            a0, a1, a2 = vec[i, 0], vec[i, 1], vec[i, 2]
            M = gam + g_t
            rA = 1.0 / (M + g_s)
            via_line = bool(line[e])
            if via_line:
                if not _same(vec, i, j):
                    return False
                sigma = a0 * se0 + a1 * se1 + a2 * se2
                thr = 0.0
            else:
                if se0 != 0.0 or se1 != 0.0 or se2 != 0.0:
                    return False
                sigma = 0.0
                thr = g_s + g_t  # the transverse part is pinned at the line node
            store[e, 0], store[e, 1], store[e, 2], store[e, 3] = rA, M, h - sigma, 1.0
            lam = g_s * M * rA + g_t
            thi = 0.0
            h = (M * sigma + g_s * h) * rA
            iso = False
        else:
            if k2 != 3:
                gam = g_s + g_t
                h = vec[j, 0] * se0 + vec[j, 1] * se1 + vec[j, 2] * se2
                continue
            if se0 != 0.0 or se1 != 0.0 or se2 != 0.0:
                return False
            lam = g_s + g_t
            thr = lam
            thi = 0.0
            h = 0.0
            iso = True
            via_line = False
            a0, a1, a2 = 0.0, 0.0, 1.0
            if vec[j, 0] != 0.0 or vec[j, 1] != 0.0 or vec[j, 2] != 0.0:
                a0, a1, a2 = vec[j, 0], vec[j, 1], vec[j, 2]
        # arrived at the rank-3 node j: add its own shunt
        pend = False
        if yr[j] != 0.0 or yi[j] != 0.0:
            if iso:
                a0, a1, a2 = vec[j, 0], vec[j, 1], vec[j, 2]
                iso = False
                thr += yr[j]
                thi += yi[j]
            elif via_line:
                thr += yr[j]
                thi += yi[j]
            else:
                pend = True
    # last node
    if kind[E] == 3:
        if pend or sR[0] != 0.0 or sR[1] != 0.0 or sR[2] != 0.0:
            return False
        axis[E, 0], axis[E, 1], axis[E, 2] = a0, a1, a2
        ql = h / (lam + GR)
        tl[E] = ql
        for r in range(3):
            tp[E, r] = 0.0
        mu[E, 0], mu[E, 1], mu[E, 2] = ql * a0, ql * a1, ql * a2
    else:
        qE = 0.0
        if kind[E] == 1:
            qE = (h - (vec[E, 0] * sR[0] + vec[E, 1] * sR[1] + vec[E, 2] * sR[2])) / (gam + GR)
        q[E] = qE
        for r in range(3):
            mu[E, r] = qE * vec[E, r]
    # back substitution
    for i in range(E - 1, -1, -1):
        j = i + 1
        k = kind[i]
        k2 = kind[j]
        g_s = Gs[i]
        if k == 0:
            for r in range(3):
                mu[i, r] = 0.0
                delta[i, r] = -mu[j, r]
            q[i] = 0.0
            continue
        if k == 1:
            rA, M, ht, w = store[i, 0], store[i, 1], store[i, 2], store[i, 3]
            n0, n1, n2 = vec[i, 0], vec[i, 1], vec[i, 2]
            x0 = x1 = x2 = 0.0
            if k2 == 3:
                # node j's state axis is this line (bitwise): its stored decomposition
                t = tl[j]
                x0, x1, x2 = tp[j, 0], tp[j, 1], tp[j, 2]
            else:
                t = w * q[j] if k2 == 1 else 0.0
                if k2 == 1 and not _same(vec, i, j):
                    b0, b1, b2 = vec[j, 0], vec[j, 1], vec[j, 2]
                    c0, c1, c2 = b1 * n2 - b2 * n1, b2 * n0 - b0 * n2, b0 * n1 - b1 * n0
                    x0 = q[j] * (n1 * c2 - n2 * c1)
                    x1 = q[j] * (n2 * c0 - n0 * c2)
                    x2 = q[j] * (n0 * c1 - n1 * c0)
            qi = (ht + g_s * t) * rA
            d = (ht - M * t) * rA
            q[i] = qi
            delta[i, 0] = d * n0 - x0
            delta[i, 1] = d * n1 - x1
            delta[i, 2] = d * n2 - x2
            mu[i, 0], mu[i, 1], mu[i, 2] = qi * n0, qi * n1, qi * n2
            continue
        # a rank-3 node
        a0, a1, a2 = axis[i, 0], axis[i, 1], axis[i, 2]
        lam, thr, thi, h = state[i, 0], state[i, 1], state[i, 2], state[i, 3]
        if line[i]:
            rA, M, ht = store[i, 0], store[i, 1], store[i, 2]
            t = q[j]
            qi = (ht + g_s * t) * rA
            d = (ht - M * t) * rA
            b0, b1, b2 = vec[i, 0], vec[i, 1], vec[i, 2]
            p0 = p1 = p2 = 0.0
            tli = qi
            u0 = u1 = u2 = 0.0
            if state[i, 4] != 0.0:
                w = a0 * b0 + a1 * b1 + a2 * b2
                c0, c1, c2 = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0
                s2 = c0 * c0 + c1 * c1 + c2 * c2
                tli = w * qi
                if s2 > 0.0:
                    rs = 1.0 / np.sqrt(s2)
                    sn = s2 * rs
                    c0, c1, c2 = c0 * rs, c1 * rs, c2 * rs
                    R = yr[i]
                    Im = yi[i]
                    rD = sn * state[i, 5]
                    x = (qi * (Im * w * (lam - thr) + thi * (lam + R)) - h * (Im + w * thi)) * rD
                    y = (h * (R + thr)
                         - qi * (w * ((lam - thr) * (R + thr) - thi * thi) - Im * thi)) * rD
                    # b × ĉ and a × ĉ
                    e0, e1, e2 = b1 * c2 - b2 * c1, b2 * c0 - b0 * c2, b0 * c1 - b1 * c0
                    f0, f1, f2 = a1 * c2 - a2 * c1, a2 * c0 - a0 * c2, a0 * c1 - a1 * c0
                    p0, p1, p2 = x * c0 + y * e0, x * c1 + y * e1, x * c2 + y * e2
                    # the transverse current into the ferromagnet, Y∘μ⊥ about b
                    cu = R * x + Im * y
                    cw = R * y - Im * x
                    jperp[i, 0] = cu * c0 + cw * e0
                    jperp[i, 1] = cu * c1 + cw * e1
                    jperp[i, 2] = cu * c2 + cw * e2
                    # the same μ about the state axis a, for the node on the left
                    tli = w * qi + sn * y
                    z = w * y - sn * qi
                    u0, u1, u2 = x * c0 + z * f0, x * c1 + z * f1, x * c2 + z * f2
            tl[i] = tli
            tp[i, 0], tp[i, 1], tp[i, 2] = u0, u1, u2
            mu[i, 0], mu[i, 1], mu[i, 2] = qi * b0 + p0, qi * b1 + p1, qi * b2 + p2
            delta[i, 0], delta[i, 1], delta[i, 2] = d * b0 + p0, d * b1 + p1, d * b2 + p2
            continue
        # leaves through a normal element: t = μ_j along and across a
        if k2 == 0:
            t = 0.0
            x0 = x1 = x2 = 0.0
        elif k2 == 1:
            n0, n1, n2 = vec[j, 0], vec[j, 1], vec[j, 2]
            t = q[j] * (a0 * n0 + a1 * n1 + a2 * n2)
            c0, c1, c2 = n1 * a2 - n2 * a1, n2 * a0 - n0 * a2, n0 * a1 - n1 * a0
            x0 = q[j] * (a1 * c2 - a2 * c1)
            x1 = q[j] * (a2 * c0 - a0 * c2)
            x2 = q[j] * (a0 * c1 - a1 * c0)
        elif axis[j, 0] == a0 and axis[j, 1] == a1 and axis[j, 2] == a2:
            t = tl[j]
            x0, x1, x2 = tp[j, 0], tp[j, 1], tp[j, 2]
        else:
            # (an isotropic state took the next shunt's axis: any axis serves it)
            m0, m1, m2 = mu[j, 0], mu[j, 1], mu[j, 2]
            t = a0 * m0 + a1 * m1 + a2 * m2
            c0, c1, c2 = m1 * a2 - m2 * a1, m2 * a0 - m0 * a2, m0 * a1 - m1 * a0
            x0 = a1 * c2 - a2 * c1
            x1 = a2 * c0 - a0 * c2
            x2 = a0 * c1 - a1 * c0
        g_t = Gt[i]
        Ml = lam + g_t
        rl = 1.0 / (Ml + g_s)
        # Gs/(Mt + Gs) and −Mt/(Mt + Gs), Mt = Θ + Gt, written out
        mr = thr + g_t
        ar = mr + g_s
        rn = 1.0 / (ar * ar + thi * thi)
        up_r = g_s * ar * rn
        up_i = -g_s * thi * rn
        dn_r = -(mr * ar + thi * thi) * rn
        dn_i = up_i
        # x⊥ × a, for the imaginary parts
        v0, v1, v2 = x1 * a2 - x2 * a1, x2 * a0 - x0 * a2, x0 * a1 - x1 * a0
        ql = (h + g_s * t) * rl
        dl = (h - Ml * t) * rl
        p0 = up_r * x0 + up_i * v0
        p1 = up_r * x1 + up_i * v1
        p2 = up_r * x2 + up_i * v2
        tl[i] = ql
        tp[i, 0], tp[i, 1], tp[i, 2] = p0, p1, p2
        mu[i, 0], mu[i, 1], mu[i, 2] = ql * a0 + p0, ql * a1 + p1, ql * a2 + p2
        delta[i, 0] = dl * a0 + dn_r * x0 + dn_i * v0
        delta[i, 1] = dl * a1 + dn_r * x1 + dn_i * v1
        delta[i, 2] = dl * a2 + dn_r * x2 + dn_i * v2
        if yr[i] != 0.0 or yi[i] != 0.0:
            # about a = this node's m: Re G μ⊥ + Im G μ⊥ × m
            r0, r1, r2 = p1 * a2 - p2 * a1, p2 * a0 - p0 * a2, p0 * a1 - p1 * a0
            jperp[i, 0] = yr[i] * p0 + yi[i] * r0
            jperp[i, 1] = yr[i] * p1 + yi[i] * r1
            jperp[i, 2] = yr[i] * p2 + yi[i] * r2
    return True


@njit(cache=True)
def _work(N):  # compiled
    """Per-thread work arrays of :func:`_fold_one`."""
    # (every entry is written before it is read)
    return (np.empty((max(N - 1, 1), 4)), np.empty((N, 3)), np.empty((N, 6)), np.empty(N),
            np.empty((N, 3)), np.empty(N))


@njit(cache=True, parallel=True)
def sweep_folded(kind, vec, Gs, Gt, line, p, m, yr, yi, GL, GR, sL, sR):  # compiled
    """Solve a batch (module docstring); the arguments and results of
    :func:`spintorque.transport.mixing.sweep_mixing`, but the element polarizations p (E,)
    for the sources (s = p m, formed here), and ``ok`` (B,): False for a configuration left
    to the block solve."""
    B, N = kind.shape
    E = N - 1
    mu = np.empty((B, N, 3))  # every node and element is written (or the case refused)
    delta = np.empty((B, E, 3))
    jperp = np.zeros((B, N, 3))  # written at the nodes of the mixing shunts only
    ok = np.zeros(B, dtype=np.bool_)
    chunks = min(B, 64)
    for c in prange(chunks):
        store, axis, state, tl, tp, q = _work(N)
        for b in range(c * B // chunks, (c + 1) * B // chunks):
            ok[b] = _fold_one(kind[b], vec[b], Gs, Gt, line, p, m[b], yr, yi, GL, GR, sL, sR,
                              mu[b], delta[b], jperp[b], store, axis, state, tl, tp, q)
    return mu, delta, jperp, ok


@njit(cache=True)
def sweep_folded_serial(kind, vec, Gs, Gt, line, p, m, yr, yi, GL, GR, sL, sR):  # compiled
    """:func:`sweep_folded` on one thread: no thread wake-up cost for small batches."""
    B, N = kind.shape
    E = N - 1
    mu = np.empty((B, N, 3))  # every node and element is written (or the case refused)
    delta = np.empty((B, E, 3))
    jperp = np.zeros((B, N, 3))  # written at the nodes of the mixing shunts only
    ok = np.zeros(B, dtype=np.bool_)
    store, axis, state, tl, tp, q = _work(N)
    for b in range(B):
        ok[b] = _fold_one(kind[b], vec[b], Gs, Gt, line, p, m[b], yr, yi, GL, GR, sL, sR,
                          mu[b], delta[b], jperp[b], store, axis, state, tl, tp, q)
    return mu, delta, jperp, ok
