r"""λ1 of the 1D Fokker–Planck operator from a reversible chain, in signed log arithmetic.

The operator is discretised as a birth–death chain with exact detailed balance: cell masses
pi_k = ∫_cell e^{−U} and resistances r_k = ∫_{c_k}^{c_{k+1}} 2 e^{U}/(1 − z²) between cell
centres (8-point Gauss–Legendre per interval). Its Green operator on mean-zero vectors,

    G_k = Σ_{j<=k} pi_j g_j,   f_{k+1} − f_k = −r_k G_k,   Σ pi f = 0,

is applied with running sums; subspace iteration with Rayleigh–Ritz, started on one vector per
kind of slow mode (intrawell, escape, flat top / unstable pole), gives 1/λ1. Everything
is a (sign, log|x|) pair, so masses e^{−2000}, resistances e^{+2000} and eigenvalues e^{−500}
neither overflow nor lose relative accuracy, and each running sum is taken from the side where
it has the smaller absolute content (no cancellation of large terms).

The cells follow the landscape: Chebyshev-like clustering at the ends plus about one cell per
0.2 k_BT of U (and per 0.2/sqrt|U''| at barrier tops), on a smooth map so that the O(h²)
discretisation error is removed by Richardson extrapolation between N/2 and N cells. A pole
segment on which U rises by more than ``DEAD_END`` k_BT above the adjacent well bottom is cut
(reflecting wall): its weight in every eigenfunction is below e^{−60}.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from numpy.polynomial import legendre as leg
from numpy.typing import NDArray
from scipy.interpolate import CubicSpline
from scipy.linalg import eigh
from scipy.optimize import brentq

from spintorque.thermal.axial.model import AxialModel

FloatArray = NDArray[np.float64]
Signed = tuple[FloatArray, FloatArray]

DEAD_END = 60.0
"""Rise of U [k_BT] above the adjacent well bottom beyond which a pole segment is cut."""

BASE_CELLS = 4096
"""Cells of the Chebyshev-like part of the fine mesh (the coarse one has half)."""

CELLS_PER_KT = 5.0
"""Additional cells per k_BT of variation of U."""

_X, _W = leg.leggauss(8)


def pieces(model: AxialModel) -> list[tuple[AxialModel, float, float, bool]]:
    """The intervals on which the eigenproblem is solved: (model, za, zb, killed).

    A pole where U has a maximum (an unstable pole, e.g. above I_c) hosts its own slow modes,
    localised within ~1 k_BT of the pole (the relaxation away from it, rate ~ the instability
    rate). When U rises by more than 2·DEAD_END from the adjacent well bottom to that pole, the
    slope between is cut: the well side keeps a reflecting wall DEAD_END above its bottom, and
    the pole cap, from DEAD_END below the pole's U to the pole, becomes a separate problem
    absorbing at its inner end (its modes vanish there like e^{−ΔU}). A cap at z = −1 is
    returned as the mirrored model's cap at +1. λ1 is the smallest rate of all pieces; the
    couplings left out are of relative order e^{−DEAD_END}.
    """
    points = np.concatenate([[-1.0], model.critical_points, [1.0]])
    U = model.potential(points)
    za, zb = -1.0, 1.0
    out: list[tuple[AxialModel, float, float, bool]] = []

    def level_point(m: AxialModel, level: float, a: float, b: float) -> float:
        return float(brentq(lambda z: float(m.potential(z)) - level, a, b, xtol=1e-17))

    if U[-1] > U[-2] + 2.0 * DEAD_END:
        zb = level_point(model, U[-2] + DEAD_END, points[-2], 1.0)
        out.append((model, level_point(model, U[-1] - DEAD_END, points[-2], 1.0), 1.0, True))
    if U[0] > U[1] + 2.0 * DEAD_END:
        za = level_point(model, U[1] + DEAD_END, -1.0, points[1])
        mirror = replace(model, reflected=not model.reflected)
        out.append((mirror, -level_point(model, U[0] - DEAD_END, -1.0, points[1]), 1.0, True))
    return [(model, za, zb, False), *out]


def mesh(model: AxialModel, za: float, zb: float, base: int = BASE_CELLS) -> FloatArray:
    """Cell edges on [za, zb] (a multiple of 4 cells) equidistributing a smooth monitor."""
    theta = np.linspace(0.0, math.pi, 8001)
    z = za + (zb - za) * 0.5 * (1.0 - np.cos(theta))
    dz = (zb - za) * 0.5 * np.sin(theta)
    slope = model.potential_derivative(z)
    curvature = model.curvature(z)
    rate = np.sqrt(slope * slope + np.sqrt(curvature * curvature + 1.0))  # smooth in z
    density = base / math.pi + CELLS_PER_KT * rate * dz
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (density[1:] + density[:-1]) * np.diff(theta))])
    cells = 4 * math.ceil(cdf[-1] / 4.0)
    # a C² inverse map: the Richardson step needs the error expansion of a smooth mesh
    edges_theta = CubicSpline(cdf, theta)(np.linspace(0.0, cdf[-1], cells + 1))
    edges = za + (zb - za) * 0.5 * (1.0 - np.cos(edges_theta))
    edges[0], edges[-1] = za, zb
    return np.asarray(edges)


def _log_gauss(model: AxialModel, a: FloatArray, b: FloatArray, sign: float,
               reference: float) -> FloatArray:
    """log ∫_a^b e^{sign (U − reference)} w(z) dz per interval, w = 1 (sign −1) or 2/(1 − z²)."""
    t = 0.5 * (a + b)[:, None] + 0.5 * (b - a)[:, None] * _X[None, :]
    exponent = sign * (model.potential(t) - reference)
    if sign > 0:
        exponent = exponent + np.log(2.0 / ((1.0 - t) * (1.0 + t)))
    top = exponent.max(axis=1)
    return np.asarray(top + np.log(np.exp(exponent - top[:, None]) @ _W * 0.5 * (b - a)))


def _lse(values: FloatArray) -> float:
    """log Σ e^values (−inf for none)."""
    top = float(np.max(values, initial=-np.inf))
    if not math.isfinite(top):
        return top
    return top + math.log(float(np.sum(np.exp(values - top))))


def _cumsum(s: FloatArray, lg: FloatArray) -> Signed:
    """Running signed sum of s·e^lg."""
    pos = np.logaddexp.accumulate(np.where(s > 0, lg, -np.inf))
    neg = np.logaddexp.accumulate(np.where(s < 0, lg, -np.inf))
    return _combine(pos, neg)


def _combine(pos: FloatArray, neg: FloatArray) -> Signed:
    """(sign, log|e^pos − e^neg|)."""
    big, small = np.maximum(pos, neg), np.minimum(pos, neg)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = big + np.log(-np.expm1(small - big))
    mag = np.where(np.isneginf(small), big, np.where(big == small, -np.inf, mag))
    return np.where(pos >= neg, 1.0, -1.0), np.asarray(mag)


def _total(s: FloatArray, lg: FloatArray) -> tuple[float, float]:
    """Signed sum of s·e^lg as (sign, log|sum|)."""
    top = float(np.max(lg, initial=-np.inf))
    if not math.isfinite(top):
        return 1.0, -math.inf
    total = float(np.sum(s * np.exp(lg - top)))
    if total == 0.0:
        return 1.0, -math.inf
    return math.copysign(1.0, total), top + math.log(abs(total))


def _add_scalar(s: FloatArray, lg: FloatArray, cs: float, cl: float) -> Signed:
    """s·e^lg + cs·e^cl elementwise."""
    pos = np.logaddexp(np.where(s > 0, lg, -np.inf), cl if cs > 0 else -np.inf)
    neg = np.logaddexp(np.where(s < 0, lg, -np.inf), cl if cs < 0 else -np.inf)
    return _combine(pos, neg)


class Chain:
    """Log masses and log resistances of the chain on given cell edges."""

    def __init__(self, model: AxialModel, edges: FloatArray) -> None:
        centres = 0.5 * (edges[1:] + edges[:-1])
        self.reference = float(np.min(model.potential(centres)))
        self.log_mass = _log_gauss(model, edges[:-1], edges[1:], -1.0, self.reference)
        self.log_resistance = _log_gauss(model, centres[:-1], centres[1:], 1.0, self.reference)
        self.centres = centres
        self.anchor = int(np.argmax(self.log_mass))
        self.log_total = float(_lse(self.log_mass))

    def green(self, s: FloatArray, lg: FloatArray) -> Signed:
        """f = G g for a mean-zero g, as (sign, log|f|), normalised to Σ pi f = 0."""
        ts, tl = s, self.log_mass + lg
        left_s, left_l = _cumsum(ts, tl)
        right_s, right_l = _cumsum(ts[::-1], tl[::-1])
        right_s, right_l = -right_s[::-1][1:], right_l[::-1][1:]  # −Σ_{j>k}
        content_left = np.logaddexp.accumulate(tl)[:-1]
        content_right = np.logaddexp.accumulate(tl[::-1])[::-1][1:]
        use_left = content_left <= content_right
        gs = np.where(use_left, left_s[:-1], right_s)
        gl = np.where(use_left, left_l[:-1], right_l)
        step_s, step_l = -gs, self.log_resistance + gl  # f_{k+1} − f_k
        a = self.anchor
        up_s, up_l = _cumsum(step_s[a:], step_l[a:])
        down_s, down_l = _cumsum(step_s[:a][::-1], step_l[:a][::-1])
        fs = np.concatenate([-down_s[::-1], [1.0], up_s])
        fl = np.concatenate([down_l[::-1], [-np.inf], up_l])
        ms, ml = _total(fs, self.log_mass + fl)
        return _add_scalar(fs, fl, -ms, ml - self.log_total)

    def initial(self, model: AxialModel) -> list[Signed]:
        """Start vectors, one per kind of slow mode, each mean-zero and normalised in the
        pi-norm (so a mode living where pi ~ e^{−100} is not drowned): z and z² (intrawell
        relaxation), the shallow side of each barrier (escape) and the top ~3 k_BT of every
        maximum of U, poles included (relaxation away from an unstable pole, critical
        slowing down near I_c)."""
        z = self.centres
        U = model.potential(z)
        candidates = [z, z * z]
        ends = model.potential(np.array([-1.0, 1.0]))
        points = np.concatenate([[-1.0], model.critical_points, [1.0]])
        for k, p in enumerate(points):
            Up = float(model.potential(p))
            if 0 < k < points.size - 1:
                if model.curvature(p) >= 0:
                    continue
                if min(Up - ends[0], Up - ends[1]) > 0:  # escape over this barrier
                    candidates.append(np.where((z < p) == (ends[0] > ends[1]), 1.0, 0.0))
            elif (1.0 if k else -1.0) * float(model.potential_derivative(p)) <= 0:
                continue  # a pole that is not a maximum of U
            # slow motion on a flat top (unstable pole, critical current, near-pole barrier)
            lo, hi = points[max(k - 1, 0)], points[min(k + 1, points.size - 1)]
            near = (Up - U < 3.0) & (z >= lo) & (z <= hi)
            if near.any() and not near.all():
                candidates += [near.astype(float), np.where(near, z - p, 0.0)]
        block = []
        for v in candidates:
            with np.errstate(divide="ignore"):
                sv, lv = self.project(np.where(v >= 0, 1.0, -1.0), np.log(np.abs(v)))
            norm = 0.5 * _lse(self.log_mass + 2.0 * lv)
            if math.isfinite(norm):
                block.append((sv, lv - norm))
        return block

    def log_inverse_rate(self, model: AxialModel, start: list[Signed] | None = None,
                         tol: float = 1e-13, max_iter: int = 2000) -> tuple[float, bool, list[Signed]]:
        """ln(1/λ1) of the chain in units of tau_N, whether it converged, and the last block.

        Subspace iteration with Rayleigh–Ritz in the pi-inner product (the Green operator is
        symmetric there): the block spans the candidate slow modes, so nearly degenerate modes
        in different places (a well and an unstable pole) converge at the rate of the next,
        well separated one instead of their own ratio.
        """
        block = self.initial(model) if start is None else start
        previous = math.inf
        for _ in range(max_iter):
            images = [self.green(sv, lv) for sv, lv in block]
            scale = max(0.5 * _lse(self.log_mass + 2.0 * lw) for _, lw in images)
            p = len(block)
            A, B = np.empty((p, p)), np.empty((p, p))
            for j in range(p):
                for k in range(p):
                    sa, la = _total(block[j][0] * images[k][0],
                                    self.log_mass + block[j][1] + images[k][1])
                    sb, lb = _total(block[j][0] * block[k][0],
                                    self.log_mass + block[j][1] + block[k][1])
                    A[j, k], B[j, k] = sa * math.exp(la - scale), sb * math.exp(lb)
            # Rayleigh–Ritz on the numerically independent part of the block (candidates can
            # coincide, e.g. z and the barrier indicator in symmetric wells)
            w, Q = eigh(0.5 * (B + B.T))
            keep = w > 1e-12 * w[-1]
            T = Q[:, keep] / np.sqrt(w[keep])
            theta, Y = eigh(T.T @ (0.5 * (A + A.T)) @ T)
            C = T @ Y
            top = math.log(theta[-1]) + scale
            combined = [self._combination(images, C[:, k], scale)
                        for k in range(C.shape[1] - 1, -1, -1)]
            block = [v for v in combined if v is not None]
            if abs(top - previous) <= tol * max(1.0, abs(top)):
                return top, True, block
            previous = top
        return previous, False, block

    def _combination(self, vectors: list[Signed], coef: FloatArray,
                     scale: float) -> Signed | None:
        """Σ_j coef_j e^{−scale} v_j, normalised in the pi-norm (None if it vanishes)."""
        S = np.stack([v[0] for v in vectors]) * np.sign(coef)[:, None]
        with np.errstate(divide="ignore"):
            L = np.stack([v[1] for v in vectors]) + np.log(np.abs(coef))[:, None] - scale
        top = np.max(L, axis=0)
        safe = np.where(np.isfinite(top), top, 0.0)
        total = np.sum(S * np.exp(L - safe), axis=0)
        with np.errstate(divide="ignore"):
            sv, lv = np.where(total >= 0, 1.0, -1.0), np.log(np.abs(total)) + safe
        norm = 0.5 * _lse(self.log_mass + 2.0 * lv)
        return (sv, lv - norm) if math.isfinite(norm) else None

    def project(self, s: FloatArray, lg: FloatArray) -> Signed:
        """Remove the pi-weighted mean of g."""
        ms, ml = _total(s, self.log_mass + lg)
        return _add_scalar(s, lg, -ms, ml - self.log_total)


class KilledChain(Chain):
    """The chain of a pole cap: absorbing at its lower edge, reflecting at the pole (z = +1).

    Its Green operator is positive: with T_j = Σ_{k>=j} pi_k g_k, f_0 = r_b T_0 and
    f_{k+1} = f_k + r_k T_{k+1} (r_b from the absorbing edge to the first centre), so the power
    iteration works on positive vectors and sums positive terms only.
    """

    def __init__(self, model: AxialModel, edges: FloatArray) -> None:
        super().__init__(model, edges)
        self.log_boundary = float(_log_gauss(model, edges[:1], self.centres[:1], 1.0,
                                             self.reference)[0])

    def green(self, s: FloatArray, lg: FloatArray) -> Signed:
        tails = np.logaddexp.accumulate((self.log_mass + lg)[::-1])[::-1]
        steps = np.concatenate([[self.log_boundary], self.log_resistance]) + tails
        return np.ones_like(s), np.asarray(np.logaddexp.accumulate(steps))

    def initial(self, model: AxialModel) -> list[Signed]:
        lg = np.zeros(self.centres.size)
        return [(np.ones(self.centres.size), lg - 0.5 * _lse(self.log_mass))]

    def project(self, s: FloatArray, lg: FloatArray) -> Signed:
        return s, lg


MODE_MISMATCH = 1e-2
"""Largest |Δ ln λ| between the nested grids of :func:`_piece_rate` for them to count as the same
mode (their discretisation differences are O(h²) ~ 1e-4 … 1e-8)."""


def _piece_rate(model: AxialModel, za: float, zb: float, killed: bool,
                base: int) -> tuple[float, float, bool]:
    """ln λ of one piece, its error estimate and convergence (see log_smallest_eigenvalue)."""
    edges = mesh(model, za, zb, base)
    kind = KilledChain if killed else Chain
    rates = []
    converged = True
    block: list[Signed] | None = None
    for step in (4, 2, 1):
        cells = kind(model, edges[::step])
        if block is not None:  # the coarser Ritz vectors, each cell split in two
            block = [cells.project(np.repeat(v[0], 2), np.repeat(v[1], 2)) for v in block]
        log_inverse, ok, block = cells.log_inverse_rate(model, block)
        rates.append(-log_inverse)
        converged &= ok
    if max(abs(r - rates[2]) for r in rates[:2]) > MODE_MISMATCH:
        # A coarse grid's block can lack the slowest mode to the last bit (its start vectors
        # all but orthogonal to it), and the iteration then settles on the next mode before
        # rounding brings the slow one up (sigma = 30, i = ±1: ln λ 4.76 on N/4 and N/2 cells,
        # 2.08 on N; the Legendre spectrum gives 2.08). Ritz values of the symmetric Green
        # operator are lower bounds of its largest eigenvalue 1/λ, so the coarse grids are run
        # again from the finest grid's block (every other cell) and the larger value is kept.
        fine = block if block is not None else []
        for j, step in enumerate((4, 2)):
            cells = kind(model, edges[::step])
            start = [cells.project(v[0][::step], v[1][::step]) for v in fine]
            log_inverse, ok, _ = cells.log_inverse_rate(model, start)
            if -log_inverse < rates[j]:
                rates[j] = -log_inverse
                converged &= ok
    # work with ratios to the finest value: λ may lie outside the floating-point range
    r4, r2 = (math.exp(r - rates[2]) for r in rates[:2])
    first_coarse, first_fine = (4.0 * r2 - r4) / 3.0, (4.0 - r2) / 3.0
    second = (16.0 * first_fine - first_coarse) / 15.0
    U = model.potential(edges)
    rounding = rounding_floor(float(np.max(U) - np.min(U)), edges.size)
    return rates[2] + math.log(second), abs(second - first_fine) / second + rounding, converged


def rounding_floor(span: float, cells: int) -> float:
    r"""Relative rounding error of λ1 from the log-space running sums of one chain:
    u·S·√N (u the unit roundoff, S [k_BT] the range of U over the mesh: the size of the logs,
    each carrying u·S absolute; N cells, the errors adding at random). The Richardson step
    does not see it (the noise of the three grids enters it with weights ~0.1 but the
    extrapolated value with ~1.5). Measured against the certified Legendre spectrum
    (tests/thermal/axial_reference.py) at sigma 200 … 1000: errors 5e-13 … 3.0e-12 where the
    Richardson step was 4e-16 … 2.3e-13 and this floor 4.7e-12 … 3.7e-11; the error does not
    fall with the cells (1e-12 … 6e-12 at 2048 … 16384 base cells, sigma 500)."""
    return float(np.finfo(float).eps / 2 * span * math.sqrt(cells))


def log_smallest_eigenvalue(model: AxialModel, base: int = BASE_CELLS) -> tuple[float, float, bool]:
    """ln(λ1·tau_N) for nu = 0, a relative error estimate, and whether every eigen-iteration
    converged.

    The chain's error expands in even powers of the cell size of a smooth mesh: two Richardson
    steps on N/4, N/2 and N cells (nested) remove the h² and h⁴ terms; the size of the last
    step is the error estimate. The smallest rate over the :func:`pieces` is λ1.
    """
    results = [_piece_rate(m, za, zb, killed, base) for m, za, zb, killed in pieces(model)]
    return min(results, key=lambda r: r[0])
