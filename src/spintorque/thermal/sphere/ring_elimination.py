r"""Exact block elimination of a killed Markov chain on a polar grid, with positive arithmetic only.

A = −G restricted to the live cells, G the generator (rates r_ab ≥ 0 from a to b, cells that are
absorbing or "killed" removed), is a non-singular M-matrix whose row sums are the killing rates.
Its inverse can be ~e^{sigma} large while its entries differ by as much: ordinary LU loses the
exponentially small rates in the rounding of the diagonal (the pivots are differences). Here
every pivot is recomputed as a sum of positive terms — the Grassmann–Taksar–Heyman idea (GTH,
Oper. Res. 33, 1107 (1985); for killed chains Alfa, Xue and Ye, Math. Comp. 71, 217 (2002)) —
and the triangular factors have signs such that solving with a non-negative right-hand side
adds non-negative numbers only. So A⁻¹b (b ≥ 0) comes out with full relative accuracy however
rare the escapes.

Cells couple only within a ring and to the same φ in the neighbouring rings, so the rings are
eliminated one after the other (a dense GTH factorisation of the Schur block of each ring) from
both poles towards a pivot ring: the cost is ~3 N_θ N_φ³ flops and N_θ N_φ² numbers are kept.

Killing rates far below the double range (issue 14). Eliminating the rings between an absorbing
set and the pivot ring carries the killing rate of each ring into the next as back·(block⁻¹
kill), which falls as the escape rate e^{−ΔE}: it underflowed above ~700 k_BT, and the last pivot
of the pivot ring (its only term) vanished. The killing vector of each ring is therefore held as
(k̂, κ), kill = e^{κ} k̂ with max k̂ = 1 (linear in the kill: the block solve of k̂ carries κ
along unchanged). Where it enters a pivot it is added to positive exits (e^{κ} k̂ negligible if
it underflows: nothing is lost) except in the pivot ring, whose last pivot is kill alone. There,
if e^{κ} < :data:`EPSILON`, the ring is factorised with EPSILON·k̂ in place of e^{κ} k̂: every
other pivot of the ring is a sum with an in-ring rate far above EPSILON, so it is the same number,
and the last one is EPSILON/e^{κ} too large. The solution x = x0 + v/λ_last is affine in the
inverse last pivot, so the solve then returns x0 + e^{s} v/λ_last, s = κ − ln EPSILON
(:attr:`RingElimination.log_scale`); where the escape part v/λ_last dominates (a first passage
from the well: x0 is ~e^{s} of it) x = e^{−s} × the returned value, to relative e^{s} < 1e-150.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import solve_triangular

from spintorque._jit import njit
from spintorque.errors import InputError
from spintorque.thermal.sphere.chain import SphereChain

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

EPSILON = 1e-150
"""Stand-in for a killing scale e^{κ} below it in the pivot ring (see the module docstring)."""


@njit(cache=True)
def _gth_factor(S: FloatArray, exits: FloatArray) -> bool:
    """In-place LU of M = diag(out) − S (S ≥ 0 off-diagonal rates, exits ≥ 0).

    On return the strict lower triangle holds −l (multipliers), the strict upper −u, the
    diagonal the pivots, each pivot being the sum of the remaining off-diagonal rates and exits
    of its row. Returns False if a pivot vanishes (a closed class with no exit).
    """
    n = S.shape[0]
    for k in range(n):
        pivot = exits[k]
        for j in range(k + 1, n):
            pivot += S[k, j]
        if not pivot > 0.0:
            return False
        S[k, k] = pivot
        for i in range(k + 1, n):
            f = S[i, k] / pivot
            S[i, k] = -f
            if f != 0.0:
                # S[i, i] picks up a self-loop here; it is never read (overwritten by the pivot)
                for j in range(k + 1, n):
                    S[i, j] += f * S[k, j]
                exits[i] += f * exits[k]
        for j in range(k + 1, n):
            S[k, j] = -S[k, j]
    return True


@njit(cache=True)
def _chain_factor(order: NDArray[np.int64], nxt: NDArray[np.int64], live: NDArray[np.bool_],
                  south: FloatArray, north: FloatArray) -> FloatArray:
    """Pivots of the killed birth–death chain (one azimuthal cell), GTH style: each pivot is the
    exit rate towards the pivot ring plus the (recursively accumulated) killing rates, a sum of
    positive terms. Zero marks a dead ring or a class with no exit."""
    nt = live.size
    kill = np.zeros(nt)
    d = np.zeros(nt)
    for idx in range(order.size):
        k = order[idx]
        q = nxt[idx]
        if not live[k]:
            continue
        exit_rate = 0.0
        for side in (k - 1, k + 1):
            if side < 0 or side >= nt:
                continue
            rate = south[k] if side == k + 1 else north[k]
            if side == q and live[side]:
                exit_rate += rate
            elif not live[side]:
                kill[k] += rate
        d[k] = exit_rate + kill[k]
        if d[k] <= 0.0:
            d[k] = 0.0
            return d
        if q >= 0 and live[q]:
            back = south[q] if k == q + 1 else north[q]
            kill[q] += back * kill[k] / d[k]
    return d


@njit(cache=True)
def _chain_solve(order: NDArray[np.int64], nxt: NDArray[np.int64], live: NDArray[np.bool_],
                 south: FloatArray, north: FloatArray, d: FloatArray, b: FloatArray,
                 transpose: bool) -> FloatArray:
    """A x = b (or Aᵀ x = b) for the factorised birth–death chain, b of shape (N_θ, p)."""
    nt, p = b.shape
    x = np.zeros((nt, p))
    y = np.zeros((nt, p))
    carry = np.zeros((nt, p))
    for idx in range(order.size):
        k = order[idx]
        q = nxt[idx]
        if not live[k]:
            continue
        for c in range(p):
            y[k, c] = (b[k, c] + carry[k, c]) / d[k]
        if q >= 0 and live[q]:
            if transpose:
                rate = south[k] if q == k + 1 else north[k]
            else:
                rate = south[q] if k == q + 1 else north[q]
            for c in range(p):
                carry[q, c] += rate * y[k, c]
    for idx in range(order.size - 1, -1, -1):
        k = order[idx]
        q = nxt[idx]
        if not live[k]:
            continue
        for c in range(p):
            x[k, c] = y[k, c]
        if q >= 0 and live[q]:
            if transpose:
                rate = south[q] if k == q + 1 else north[q]
            else:
                rate = south[k] if q == k + 1 else north[k]
            for c in range(p):
                x[k, c] += rate * x[q, c] / d[k]
    return x


LOG_EPSILON = math.log(EPSILON)


def _scaled(v: FloatArray, log: float) -> tuple[FloatArray, float]:
    """e^log·v as (v/max v, log + ln max v); (0, −inf) for v = 0 (v >= 0)."""
    top = float(np.max(v, initial=0.0))
    if not top > 0.0:
        return np.zeros_like(v), -math.inf
    return v / top, log + math.log(top)


def _add_scaled(a: FloatArray, la: float, b: FloatArray, lb: float) -> tuple[FloatArray, float]:
    """e^la·a + e^lb·b in the same scaled form (both >= 0; the smaller scale may underflow,
    relative to the larger: nothing is lost)."""
    if lb > la:
        a, la, b, lb = b, lb, a, la
    if not math.isfinite(la):
        return a, la
    with np.errstate(under="ignore"):
        total = a + (math.exp(lb - la) * b if math.isfinite(lb) else 0.0)
    return _scaled(total, la)


@dataclass(eq=False)
class _Ring:
    k: int
    nxt: int            # next ring in the elimination order (−1 for the pivot ring)
    cols: NDArray[np.int64]   # φ indices of the live cells, in block order
    lu: FloatArray


class RingElimination:
    """GTH block factorisation of −G on the live cells of ``chain`` (absorbing cells removed).

    Parameters
    ----------
    chain : SphereChain
    live : bool array (N_θ, N_φ)
        Cells kept; transitions into the others are killing (absorption).
    pivot_ring : int
        Ring eliminated last; rings above and below are eliminated towards it.
    """

    def __init__(self, chain: SphereChain, live: BoolArray, pivot_ring: int) -> None:
        self.chain = chain
        self.live = np.asarray(live, dtype=bool)
        nt, nphi = chain.shape
        self.pos = np.full((nt, nphi), -1, dtype=np.int64)
        for k in range(nt):
            cols = np.flatnonzero(self.live[k])
            self.pos[k, cols] = np.arange(cols.size)
        above = [(k, k + 1) for k in range(pivot_ring)]
        below = [(k, k - 1) for k in range(nt - 1, pivot_ring, -1)]
        self.chains = (above, below)
        self.pivot = pivot_ring
        self.rings: dict[int, _Ring] = {}
        self.log_scale = 0.0
        """s <= 0: :meth:`solve` returns e^{s}× the escape part of the solution (the module
        docstring); 0 unless the pivot ring's killing rate is below EPSILON."""
        self._order: NDArray[np.int64] | None = None
        if nphi == 1:  # a birth–death chain: the same elimination with scalar blocks, compiled
            steps = [*above, *below, (pivot_ring, -1)]
            self._order = np.array([k for k, _ in steps], dtype=np.int64)
            self._next = np.array([q for _, q in steps], dtype=np.int64)
            self._live1 = np.ascontiguousarray(self.live[:, 0])
            self._south = np.ascontiguousarray(chain.south[:, 0])
            self._north = np.ascontiguousarray(chain.north[:, 0])
            self._pivots = _chain_factor(self._order, self._next, self._live1, self._south,
                                         self._north)
            dead = self._live1 & ~(self._pivots > 0.0)
            if dead.any():
                raise InputError("absorbing", f"cells of ring {int(np.flatnonzero(dead)[0])} can "
                                 "never reach the absorbing set (the killed generator is singular)")
            return
        self._factor()

    # rates from ring k to ring q (same φ), shape (N_φ,)
    def _vertical(self, k: int, q: int) -> FloatArray:
        c = self.chain
        return c.south[k] if q == k + 1 else c.north[k]

    def _block(self, k: int, nxt: int) -> tuple[FloatArray, FloatArray, FloatArray, NDArray[np.int64]]:
        """Off-diagonal in-ring rates, killing rates and exits to ring ``nxt`` of ring k."""
        c, live, nphi = self.chain, self.live[k], self.chain.shape[1]
        cols = np.flatnonzero(live)
        n = cols.size
        S = np.zeros((n, n))
        kill = np.zeros(n)
        for rate, shift in ((c.east[k], 1), (c.west[k], -1)):
            nb = (cols + shift) % nphi
            ok = live[nb]
            if nphi > 1:
                np.add.at(S, (np.arange(n)[ok], self.pos[k, nb[ok]]), rate[cols][ok])
                kill[~ok] += rate[cols][~ok]
        np.fill_diagonal(S, 0.0)
        exits = np.zeros(n)
        nt = c.shape[0]
        for q in (k - 1, k + 1):
            if not 0 <= q < nt:
                continue
            rate = self._vertical(k, q)[cols]
            ok = self.live[q, cols]
            kill[~ok] += rate[~ok]
            if q == nxt:
                exits[ok] += rate[ok]
        return S, kill, exits, cols

    def _factor(self) -> None:
        pending_S: dict[int, FloatArray] = {}
        pending_kill: dict[int, tuple[FloatArray, float]] = {}
        order = [*self.chains[0], *self.chains[1], (self.pivot, -1)]
        for k, nxt in order:
            S, own, exits, cols = self._block(k, nxt)
            # the killing rates as e^κ·k̂ (max k̂ = 1): the carried part falls as e^{−ΔE}
            kill, kappa = _scaled(own, 0.0)
            if k in pending_S:
                S += pending_S.pop(k)
                kill, kappa = _add_scaled(kill, kappa, *pending_kill.pop(k))
                np.fill_diagonal(S, 0.0)
            if cols.size == 0:
                continue
            stand_in = nxt < 0 and kappa < LOG_EPSILON  # the pivot ring's last pivot: kill alone
            with np.errstate(under="ignore"):
                total = exits + (EPSILON if stand_in else np.exp(kappa)) * kill
            if stand_in:
                self.log_scale = kappa - LOG_EPSILON
            lu = np.ascontiguousarray(S)
            if not _gth_factor(lu, total.copy()):
                raise InputError("absorbing", f"cells of ring {k} can never reach the absorbing "
                                 "set (the killed generator is singular)")
            self.rings[k] = _Ring(k, nxt, cols, lu)
            if nxt < 0:
                continue
            # Schur complement into ring nxt: probabilities of re-entering it / being killed
            common = cols[self.live[nxt, cols]]
            if common.size == 0:
                continue
            a = self.pos[k, common]
            b = self.pos[nxt, common]
            rhs = np.zeros((cols.size, common.size + 1))
            rhs[a, np.arange(common.size)] = self._vertical(k, nxt)[common]
            rhs[:, -1] = kill
            sol = self._solve_block(self.rings[k], rhs)
            back = self._vertical(nxt, k)[common]
            n_next = int(self.live[nxt].sum())
            S_next = pending_S.setdefault(nxt, np.zeros((n_next, n_next)))
            S_next[np.ix_(b, b)] += back[:, None] * sol[a, :-1]
            carried = np.zeros(n_next)
            carried[b] = back * sol[a, -1]
            before = pending_kill.get(nxt, (np.zeros(n_next), -np.inf))
            pending_kill[nxt] = _add_scaled(*before, *_scaled(carried, kappa))

    @staticmethod
    def _solve_block(ring: _Ring, rhs: FloatArray, transpose: bool = False) -> FloatArray:
        if transpose:
            y = solve_triangular(ring.lu, rhs, lower=False, trans="T", check_finite=False)
            return np.asarray(solve_triangular(ring.lu, y, lower=True, unit_diagonal=True,
                                               trans="T", check_finite=False))
        y = solve_triangular(ring.lu, rhs, lower=True, unit_diagonal=True, check_finite=False)
        return np.asarray(solve_triangular(ring.lu, y, lower=False, check_finite=False))

    def solve(self, b: FloatArray, transpose: bool = False) -> FloatArray:
        """x with A x = b (or Aᵀ x = b), b of shape (N_θ, N_φ) or (N_θ, N_φ, p) for p
        right-hand sides at once (dead cells ignored, x = 0 there).

        For b ≥ 0 every operation adds non-negative numbers (full relative accuracy).
        """
        b = np.asarray(b, dtype=float)
        single = b.ndim == 2
        if single:
            b = b[..., None]
        rest = b.shape[2:]
        if self._order is not None:
            x1 = _chain_solve(self._order, self._next, self._live1, self._south, self._north,
                              self._pivots, np.ascontiguousarray(b[:, 0, :]), transpose)
            x1 = x1[:, None, :]
            return x1[..., 0] if single else x1
        x = np.zeros(self.chain.shape + rest)
        carry: dict[int, FloatArray] = {}
        partial: dict[int, FloatArray] = {}
        for chain in self.chains:
            for k, nxt in chain:
                ring = self.rings.get(k)
                if ring is None:
                    continue
                rhs = b[k, ring.cols] + carry.pop(k, 0.0)
                y = self._solve_block(ring, rhs, transpose)
                partial[k] = y
                common = ring.cols[self.live[nxt, ring.cols]]
                if common.size:
                    rate = self._vertical(k, nxt) if transpose else self._vertical(nxt, k)
                    add = np.zeros((int(self.live[nxt].sum()), *rest))
                    add[self.pos[nxt, common]] = rate[common][:, None] * y[self.pos[k, common]]
                    carry[nxt] = carry.get(nxt, 0.0) + add
        ring = self.rings.get(self.pivot)
        if ring is not None:
            x[self.pivot, ring.cols] = self._solve_block(ring, b[self.pivot, ring.cols]
                                                         + carry.pop(self.pivot, 0.0), transpose)
        for chain in self.chains:
            for k, nxt in reversed(chain):
                ring = self.rings.get(k)
                if ring is None:
                    continue
                common = ring.cols[self.live[nxt, ring.cols]]
                v = np.zeros((ring.cols.size, *rest))
                if common.size:
                    rate = self._vertical(nxt, k) if transpose else self._vertical(k, nxt)
                    v[self.pos[k, common]] = rate[common][:, None] * x[nxt, common]
                x[k, ring.cols] = partial[k] + self._solve_block(ring, v, transpose)
        return x[..., 0] if single else x
