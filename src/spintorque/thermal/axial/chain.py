r"""λ1 of the 1D Fokker–Planck operator from a reversible chain, in signed log arithmetic.

The operator is discretised as a birth–death chain with exact detailed balance: cell masses
pi_k = ∫_cell e^{−U} and resistances r_k = ∫_{c_k}^{c_{k+1}} 2 e^{U}/(1 − z²) between cell
centres (8-point Gauss–Legendre per interval). Its Green operator on mean-zero vectors,

    G_k = Σ_{j<=k} pi_j g_j,   f_{k+1} − f_k = −r_k G_k,   Σ pi f = 0,

is applied with running sums; power iteration with Rayleigh quotients gives 1/λ1. Everything
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

import numpy as np
from numpy.polynomial import legendre as leg
from numpy.typing import NDArray
from scipy.interpolate import CubicSpline
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


def domain(model: AxialModel) -> tuple[float, float]:
    """The interval [za, zb] kept for the eigenproblem (pole dead ends cut)."""
    points = np.concatenate([[-1.0], model.critical_points, [1.0]])
    U = model.potential(points)
    za, zb = -1.0, 1.0
    if U[-1] > U[-2] + DEAD_END:
        level = U[-2] + DEAD_END
        zb = brentq(lambda z: float(model.potential(z)) - level, points[-2], 1.0, xtol=1e-17)
    if U[0] > U[1] + DEAD_END:
        level = U[1] + DEAD_END
        za = brentq(lambda z: float(model.potential(z)) - level, -1.0, points[1], xtol=1e-17)
    return float(za), float(zb)


def mesh(model: AxialModel, za: float, zb: float, base: int = BASE_CELLS) -> FloatArray:
    """Cell edges on [za, zb] (a multiple of 4 cells) equidistributing a smooth monitor."""
    theta = np.linspace(0.0, math.pi, 40001)
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
    sign, mag = _combine(np.logaddexp.reduce(np.where(s > 0, lg, -np.inf)),
                         np.logaddexp.reduce(np.where(s < 0, lg, -np.inf)))
    return float(sign), float(mag)


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
        self.log_total = float(np.logaddexp.reduce(self.log_mass))

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

    def initial(self, model: AxialModel) -> Signed:
        """Start vector: the indicator of the shallow side of the main barrier (or z), mean-zero."""
        tops = [p for p in model.critical_points if model.curvature(p) < 0]
        if tops:
            barrier = [min(float(model.potential(p)) - float(model.potential(-1.0)),
                           float(model.potential(p)) - float(model.potential(1.0))) for p in tops]
            top = tops[int(np.argmax(barrier))]
            left_high = float(model.potential(-1.0)) > float(model.potential(1.0))
            g = np.where((self.centres < top) == left_high, 1.0, 0.0)
        else:
            g = self.centres.copy()
        with np.errstate(divide="ignore"):
            s, lg = np.where(g >= 0, 1.0, -1.0), np.log(np.abs(g))
        ms, ml = _total(s, self.log_mass + lg)
        return _add_scalar(s, lg, -ms, ml - self.log_total)

    def log_inverse_rate(self, model: AxialModel, start: Signed | None = None, tol: float = 1e-15,
                         max_iter: int = 3000) -> tuple[float, bool, Signed]:
        """ln(1/λ1) of the chain in units of tau_N, whether the Rayleigh quotient converged,
        and the last iterate (sign, log|g|)."""
        s, lg = self.initial(model) if start is None else start
        lg = lg - 0.5 * float(np.logaddexp.reduce(self.log_mass + 2.0 * lg))
        previous = math.inf
        for _ in range(max_iter):
            fs, fl = self.green(s, lg)
            _, rl = _total(s * fs, self.log_mass + lg + fl)
            norm = 0.5 * float(np.logaddexp.reduce(self.log_mass + 2.0 * fl))
            s, lg = fs, fl - norm
            if abs(rl - previous) <= tol * max(1.0, abs(rl)):
                return rl, True, (s, lg)
            previous = rl
        return previous, False, (s, lg)

    def project(self, s: FloatArray, lg: FloatArray) -> Signed:
        """Remove the pi-weighted mean of g."""
        ms, ml = _total(s, self.log_mass + lg)
        return _add_scalar(s, lg, -ms, ml - self.log_total)


def log_smallest_eigenvalue(model: AxialModel, base: int = BASE_CELLS) -> tuple[float, float, bool]:
    """ln(λ1·tau_N) for nu = 0, a relative error estimate, and whether every power iteration
    converged.

    The chain's error expands in even powers of the cell size of a smooth mesh: two Richardson
    steps on N/4, N/2 and N cells (nested) remove the h² and h⁴ terms; the size of the last
    step is the error estimate.
    """
    za, zb = domain(model)
    edges = mesh(model, za, zb, base)
    rates = []
    converged = True
    vector: Signed | None = None
    for step in (4, 2, 1):
        cells = Chain(model, edges[::step])
        if vector is not None:  # the coarser eigenvector, each cell split in two
            vector = cells.project(np.repeat(vector[0], 2), np.repeat(vector[1], 2))
        log_inverse, ok, vector = cells.log_inverse_rate(model, vector)
        rates.append(-log_inverse)
        converged &= ok
    # work with ratios to the finest value: λ may lie outside the floating-point range
    r4, r2 = (math.exp(r - rates[2]) for r in rates[:2])
    first_coarse, first_fine = (4.0 * r2 - r4) / 3.0, (4.0 - r2) / 3.0
    second = (16.0 * first_fine - first_coarse) / 15.0
    return rates[2] + math.log(second), abs(second - first_fine) / second, converged
