r"""The finite-volume star chain of the energy-diffusion problem in log arithmetic (issue 14).

The chain of :func:`spintorque.thermal.energy.diffusion._chain` (per branch: cell masses
π_j = ∫ e^{−Ψ} dΦ and face resistances R_j = ∫ e^{Ψ} K/Φ du on Chebyshev–Lobatto cells in u,
the vertex at the separatrix u = 0 without mass) held as ln π_j and ln R_j, both relative to
the same reference Ψ_ref, so that R·π carries no scale factor. The first passage

.. math:: T = \sum_j R_j \sum_{k \ge j} \pi_k

and the Green operator (−L)^{-1} g (flux through a face = Σ πg beyond it, f rising by R × flux)
are then sums of (sign, ln|x|) pairs (the arithmetic of :mod:`spintorque.thermal.axial.chain`):
masses e^{−2000}, resistances e^{+2000}, rates e^{−1000} neither overflow nor underflow, which
the linear chain (one common scale e^{hi − lo} taken out) did above ~650 k_BT of Ψ over the
sphere. λ1 is the inverse of the largest Rayleigh quotient of the Green operator (power
iteration), τ_int = ⟨δō, (−L)^{-1} δō⟩_π / (Σπ · Var o) (Risken, *The Fokker–Planck equation*,
§S.9; the 1D analogue in :mod:`spintorque.thermal.axial.integrals`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.polynomial import legendre as leg
from numpy.typing import NDArray

from spintorque.errors import InputError
from spintorque.thermal.axial.chain import _add_scalar, _cumsum, _lse, _total

if TYPE_CHECKING:
    from spintorque.thermal.energy.diffusion import EnergyBranch

FloatArray = NDArray[np.float64]
Signed = tuple[FloatArray, FloatArray]
CAP_CLIP = 300.0
"""Ψ of the caps about maxima of U is clipped at (max Ψ of the wells) + this [k_BT] in the
resistances, as in the linear chain: those orbits are never visited (their mass is below
e^{−300} of the wells') and the clip changes no reported digit."""

_X, _W = leg.leggauss(6)


def log_gauss(log_f: Callable[[FloatArray], FloatArray], a: FloatArray, b: FloatArray
              ) -> FloatArray:
    """ln ∫_a^b e^{log_f(u)} du per interval (6-point Gauss–Legendre, −inf for an empty one)."""
    t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _X[None, :]
    values = log_f(t)
    top = np.max(values, axis=1)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.asarray(safe + np.log((np.exp(values - safe[:, None]) @ _W) * 0.5 * (b - a)))


def _log_positive(x: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), -np.inf))


def log_masses(e: EnergyBranch, a: FloatArray, b: FloatArray, ref: float) -> FloatArray:
    """ln ∫_a^b e^{−(Ψ − ref)} dΦ per interval of branch ``e``."""
    dphi = e.area.deriv()
    return log_gauss(lambda t: -(e.psi(t) - ref) + _log_positive(-dphi(t)), a, b)


def log_resistances(e: EnergyBranch, a: FloatArray, b: FloatArray, ref: float, hi: float
                    ) -> FloatArray:
    """ln ∫_a^b e^{Ψ − ref} K/Φ du per interval (Ψ clipped at hi + :data:`CAP_CLIP`)."""
    return log_gauss(lambda t: np.minimum(e.psi(t), hi + CAP_CLIP) - ref
                     + _log_positive(e.flow(t) / e.area(t)), a, b)


def lobatto(a: float, b: float, cells: int) -> tuple[FloatArray, FloatArray]:
    """Chebyshev–Lobatto cell edges on [a, b] (fine at both ends) and their centres."""
    edges = a + (b - a) * 0.5 * (1.0 - np.cos(np.pi * np.arange(cells + 1) / cells))
    return edges, 0.5 * (edges[1:] + edges[:-1])


def reference(branches: Sequence[EnergyBranch]) -> tuple[float, float]:
    """(min Ψ over all branches, max Ψ over the wells) on a fine grid of u."""
    u = np.linspace(0.0, 1.0, 4001)
    lo = min(float(e.psi(u).min()) for e in branches)
    hi = max(float(e.psi(u).max()) for e in branches if e.branch.sign > 0)
    return lo, hi


class LogStar:
    """The star chain of ``branches`` on ``cells`` Lobatto cells of [0, 1] per branch, in log
    arithmetic: ``log_mass[k]``, ``log_resistance[k]`` (face j: centre j−1, or the vertex for
    j = 0, to centre j) relative to the reference ``ref`` = min Ψ."""

    def __init__(self, branches: Sequence[EnergyBranch], cells: int) -> None:
        edges, centres = lobatto(0.0, 1.0, cells)
        self.ref, hi = reference(branches)
        left = np.concatenate([[0.0], centres[:-1]])
        self.log_mass = [log_masses(e, edges[:-1], edges[1:], self.ref) for e in branches]
        self.log_resistance = [log_resistances(e, left, centres, self.ref, hi) for e in branches]
        psi = np.array([e.psi(centres) for e in branches])
        k, j = np.unravel_index(int(np.argmin(psi)), psi.shape)
        self.root = (int(k), int(j))  # the most probable cell: sums from it cancel least
        self.log_total = _lse(np.concatenate(self.log_mass))

    def green(self, g: list[Signed]) -> list[Signed]:
        """(−L)^{-1} g for π-mean-zero g (per branch (sign, ln|g|)), mean removed: the signed
        log form of :func:`spintorque.thermal.energy.diffusion._green` (same reference cell,
        same order of the sums)."""
        k0, j0 = self.root
        lm, lr = self.log_mass, self.log_resistance
        tails = []
        for m, (s, lg) in zip(lm, g, strict=True):
            ts, tl = _cumsum(s[::-1], (m + lg)[::-1])
            tails.append((ts[::-1], tl[::-1]))
        others = _total(np.array([tails[k][0][0] for k in range(len(g)) if k != k0]),
                        np.array([tails[k][1][0] for k in range(len(g)) if k != k0]))
        s0, l0 = g[k0]
        ts0, tl0 = tails[k0]
        n = s0.size
        fs0, fl0 = np.ones(n), np.full(n, -np.inf)
        up_s, up_l = _cumsum(ts0[j0 + 1:], lr[k0][j0 + 1:] + tl0[j0 + 1:])  # root → leaf
        fs0[j0 + 1:], fl0[j0 + 1:] = up_s, up_l
        # faces between the vertex side and the root: flux = others + Σ_{i<j} π g
        cs, cl = _cumsum(s0[:j0], (lm[k0] + l0)[:j0])
        in_s, in_l = _add_scalar(np.concatenate([[1.0], cs]), np.concatenate([[-np.inf], cl]),
                                 *others)
        rise_l = lr[k0][:j0 + 1] + in_l  # f_{j−1} − f_j for j <= j0
        cs, cl = _cumsum(in_s[::-1], rise_l[::-1])
        climb_s, climb_l = cs[::-1], cl[::-1]
        fs0[:j0], fl0[:j0] = climb_s[1:], climb_l[1:]
        vertex = (float(climb_s[0]), float(climb_l[0]))
        f: list[Signed] = []
        for k in range(len(g)):
            if k == k0:
                f.append((fs0, fl0))
                continue
            cs, cl = _cumsum(tails[k][0], lr[k] + tails[k][1])
            f.append(_add_scalar(cs, cl, *vertex))
        return self.project(f)

    def project(self, f: list[Signed]) -> list[Signed]:
        """f minus its π-weighted mean."""
        ms, ml = _total(np.concatenate([s for s, _ in f]),
                        np.concatenate([m + lf for m, (_, lf) in zip(self.log_mass, f, strict=True)]))
        return [_add_scalar(s, lf, -ms, ml - self.log_total) for s, lf in f]

    def dot(self, a: list[Signed], b: list[Signed]) -> tuple[float, float]:
        """⟨a, b⟩_π as (sign, ln|·|)."""
        return _total(np.concatenate([x[0] * y[0] for x, y in zip(a, b, strict=True)]),
                      np.concatenate([m + x[1] + y[1]
                                      for m, x, y in zip(self.log_mass, a, b, strict=True)]))


def signed(values: FloatArray) -> Signed:
    """(sign, ln|x|) of a linear array."""
    with np.errstate(divide="ignore"):
        return np.where(values >= 0, 1.0, -1.0), np.log(np.abs(values))


def log_inverse_rate(star: LogStar, tol: float = 1e-15, max_iter: int = 2000
                     ) -> tuple[float, float]:
    """ln(1/λ1) [ln tau_N] of the star chain by power iteration on its Green operator, from
    the indicator +1 on the start branch, −1 elsewhere, and the last relative change.

    Raises InputError where the iterate vanishes or the Rayleigh quotient is not positive.
    """
    g = star.project([signed(np.full(m.size, 1.0 if k == 0 else -1.0))
                      for k, m in enumerate(star.log_mass)])
    estimate, change = math.nan, math.inf
    for _ in range(max_iter):
        f = star.green(g)
        _, gl = star.dot(g, g)
        _, fl = star.dot(f, f)
        rs, rl = star.dot(f, g)
        if not (math.isfinite(gl) and math.isfinite(fl) and rs > 0 and math.isfinite(rl)):
            raise InputError("lambda1", "the Green operator's iterate vanished or its Rayleigh "
                             "quotient is not positive: no slowest mode found")
        rayleigh = rl - gl
        g = [(s, lf - 0.5 * fl) for s, lf in f]
        change = abs(math.expm1(rayleigh - estimate)) if math.isfinite(estimate) else math.inf
        estimate = rayleigh
        # the logarithm's rounding (~1e-16 |ln|) bounds the attainable change
        if change <= max(tol, 64 * np.finfo(float).eps * max(1.0, abs(rayleigh))):
            break
    return estimate, change


def log_tail_passage(log_mass: FloatArray, log_resistance: FloatArray) -> float:
    """ln T of T = Σ_j R_j Σ_{k >= j} π_k (a sum of positive terms)."""
    tails = np.logaddexp.accumulate(log_mass[::-1])[::-1]
    return _lse(log_resistance + tails)


def richardson(log_fine: float, log_coarse: float, factor: float) -> float:
    """ln of (factor·fine − coarse)/(factor − 1) from the logarithms (nan if not positive)."""
    ratio = (factor - math.exp(log_coarse - log_fine)) / (factor - 1.0)
    return log_fine + math.log(ratio) if ratio > 0 else math.nan
