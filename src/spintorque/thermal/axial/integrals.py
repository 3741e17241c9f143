r"""The exact double-integral formulas of the 1D problem, evaluated in log space.

Mean first-passage time from z = start to z = target < start, reflecting pole z = 1
(Gardiner §5.2.7; THERMAL.md §6):

.. math:: T = 2 \int_{target}^{start} \frac{e^{U(z)}}{1-z^2}\Big[\int_z^{1} e^{-U(s)}\,ds\Big] dz.

Integral relaxation time of m_z (the area under its normalised equilibrium correlation
function), with μ = ⟨z⟩ and F(z) = ∫_{−1}^{z}(s − μ) e^{−U} ds = −∫_z^1 (s − μ) e^{−U} ds:

.. math:: \tau_{int} = \frac{2}{\int (s-\mu)^2 e^{-U} ds}\int_{-1}^{1}\frac{e^{U} F^2}{1-z^2}\,dz.

Why log space, and no cancellation: every inner integral is a sum of positive terms. F is
taken from the left for z < μ and from the right for z > μ, where its integrand has one sign;
μ itself comes from the positive integrals of (1 ± s) e^{−U}. The inner integral of each outer
node is the sum of the node-to-node pieces (exact spectral cumulative matrices would mix the
exponentially different values, which is what made the earlier Chebyshev version return
negative times). The outer integral is adaptive, started on pieces graded from every critical
point of U and every end (:func:`~spintorque.thermal.axial.logquad.graded_pieces`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from spintorque.thermal.axial.logquad import (
    _GAUSS,
    _LOG_WG,
    _LOG_WK,
    NODES,
    graded_pieces,
    log_integrate,
    log_sub,
    logsumexp,
)
from spintorque.thermal.axial.model import AxialModel

FloatArray = NDArray[np.float64]

RTOL = 1e-13
"""Acceptance threshold of the adaptive rules (|Kronrod − Gauss| relative to the total)."""


def tolerance(model: AxialModel) -> float:
    """RTOL, or the rounding floor of exp(−U): U itself is only known to ~eps·max|U|."""
    scale = float(np.max(np.abs(model.potential(np.linspace(-1.0, 1.0, 65)))))
    return max(RTOL, 32.0 * np.finfo(float).eps * scale)


def partition(model: AxialModel, a: float, b: float, extra: tuple[float, ...] = ()) -> FloatArray:
    """Sorted breakpoints on [a, b]: the ends, ``extra``, the critical points of U, and pieces
    graded geometrically from each of them with the local 1-k_BT width."""
    points = [a, b, *[p for p in extra if a < p < b],
              *[p for p in model.critical_points if a < p < b]]
    ends = np.unique(np.asarray(points, dtype=float))
    widths = model.local_width(ends)
    lo, hi, _ = graded_pieces(ends[:-1], ends[1:], widths[:-1], widths[1:])
    return np.unique(np.concatenate([lo, hi]))


def _segments(model: AxialModel, edges: FloatArray, log_f: Callable[[FloatArray], FloatArray],
              rtol: float) -> tuple[FloatArray, FloatArray, float]:
    """Kronrod nodes z (M, 15) of each interval of ``edges`` and log ∫ f over the 16 node-to-node
    segments of each (M, 16); also the log of the largest relative error estimate."""
    a, b = edges[:-1], edges[1:]
    z = (0.5 * (a + b))[:, None] + (0.5 * (b - a))[:, None] * NODES[None, :]
    points = np.concatenate([a[:, None], z, b[:, None]], axis=1)
    lo, hi = points[:, :-1].ravel(), points[:, 1:].ravel()
    widths = model.local_width(points)
    wl, wh = widths[:, :-1].ravel(), widths[:, 1:].ravel()
    plo, phi, owner = graded_pieces(lo, hi, wl, wh)
    value, error = log_integrate(log_f, plo, phi, owner, lo.size, rtol)
    relative = np.where(np.isneginf(error), -np.inf, error - np.where(np.isneginf(value), 0.0, value))
    return z, value.reshape(a.size, 16), float(np.max(relative, initial=-np.inf))


def _outer(psi: FloatArray, edges: FloatArray) -> tuple[FloatArray, FloatArray]:
    """log of the Kronrod and Gauss integrals of e^psi on each interval (psi at the nodes)."""
    with np.errstate(divide="ignore"):
        log_half = np.log(0.5 * (edges[1:] - edges[:-1]))
    return (logsumexp(psi + _LOG_WK, axis=1) + log_half,
            logsumexp(psi[:, _GAUSS] + _LOG_WG, axis=1) + log_half)


def _refine(edges: FloatArray, kronrod: FloatArray, gauss: FloatArray, active: NDArray[np.bool_],
            rtol: float) -> tuple[FloatArray | None, float]:
    """Bisect the active intervals whose Kronrod–Gauss difference is too large (None: done),
    and the relative error estimate of the sum."""
    total = logsumexp(kronrod[active])
    diff = log_sub(np.maximum(kronrod, gauss), np.minimum(kronrod, gauss))
    bad = active & (diff > math.log(rtol) + total)
    estimate = float(np.exp(logsumexp(diff[active]) - total)) if np.isfinite(total) else 0.0
    if not bad.any():
        return None, estimate
    mids = 0.5 * (edges[:-1][bad] + edges[1:][bad])
    return np.sort(np.concatenate([edges, mids])), estimate


def _reverse_cumulative(values: FloatArray, axis: int = -1) -> FloatArray:
    """log Σ_{k' >= k} e^values along ``axis``."""
    flipped = np.flip(values, axis=axis)
    return np.asarray(np.flip(np.logaddexp.accumulate(flipped, axis=axis), axis=axis))


def log_mfpt(model: AxialModel, start: float, target: float,
             max_rounds: int = 30) -> tuple[float, float]:
    """ln(MFPT·/tau_N) from start down to target < start (reflecting at +1), nu = 0, and a
    relative error estimate."""
    if target > start:
        raise ValueError("log_mfpt needs target < start (mirror the model first)")
    reference = float(model.potential(start))
    rtol = tolerance(model)

    def minus_u(s: FloatArray) -> FloatArray:
        return np.asarray(reference - model.potential(s))

    edges = partition(model, target, 1.0, (start,))
    error = 0.0
    for _ in range(max_rounds):
        z, seg, inner_error = _segments(model, edges, minus_u, rtol)
        panel = logsumexp(seg, axis=1)
        tails = np.append(_reverse_cumulative(panel)[1:], -np.inf)  # log ∫_{E_{m+1}}^1
        within = _reverse_cumulative(seg, axis=1)[:, 1:]  # node j to the interval's end
        inner = np.logaddexp(within, tails[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            psi = (model.potential(z) - reference) + inner - np.log((1.0 - z) * (1.0 + z))
        psi = np.where(z >= 1.0, math.log(0.5), psi)  # inner/(1 − z²) → 1/2 at the pole
        kronrod, gauss = _outer(psi, edges)
        active = edges[1:] <= start
        refined, error = _refine(edges, kronrod, gauss, active, rtol)
        if refined is None:
            break
        edges = refined
    total = float(logsumexp(kronrod[active]))
    return math.log(2.0) + total, error + math.exp(inner_error)


def _log_moments(model: AxialModel, edges: FloatArray, reference: float,
                 weights: tuple[Callable[[FloatArray], FloatArray], ...]) -> list[float]:
    """log ∫ w(s) e^{−(U − reference)} ds over [−1, 1] for each log-weight w."""
    widths = model.local_width(edges)
    lo, hi, owner = graded_pieces(edges[:-1], edges[1:], widths[:-1], widths[1:])
    out = []
    for log_w in weights:
        def log_f(s: FloatArray, log_w: Callable[[FloatArray], FloatArray] = log_w) -> FloatArray:
            return np.asarray(log_w(s) + reference - model.potential(s))
        value, _ = log_integrate(log_f, lo, hi, np.zeros_like(owner), 1, tolerance(model))
        out.append(float(value[0]))
    return out


def log_mass(model: AxialModel, a: float, b: float, reference: float) -> float:
    """log ∫_a^b e^{−(U − reference)} ds (nu = 0), on landscape-graded pieces."""
    return _log_moments(model, partition(model, a, b), reference, (np.zeros_like,))[0]


def log_partition_function(model: AxialModel) -> tuple[float, float]:
    """(ln Z − U_min, U_min): Z = ∫_{−1}^{1} e^{−U} dz, shifted by the lowest U on the grid."""
    edges = partition(model, -1.0, 1.0)
    reference = float(np.min(model.potential(edges)))
    return _log_moments(model, edges, reference, (np.zeros_like,))[0], reference


def log_integral_relaxation_time(model: AxialModel, max_rounds: int = 30) -> tuple[float, float]:
    """ln(tau_int/tau_N) of m_z, nu = 0, and a relative error estimate."""
    edges0 = partition(model, -1.0, 1.0)
    rtol = tolerance(model)
    reference = float(np.min(model.potential(edges0)))
    with np.errstate(divide="ignore"):
        log_z, log_plus, log_minus = _log_moments(
            model, edges0, reference,
            (np.zeros_like, lambda s: np.log1p(s), lambda s: np.log1p(-s)))
    plus, minus = math.exp(log_plus - log_z), math.exp(log_minus - log_z)  # 1 + μ, 1 − μ
    mean = plus - 1.0 if plus <= minus else 1.0 - minus

    def log_distance(s: FloatArray) -> FloatArray:
        # |s − μ| from the nearer pole's offsets, which keep their relative accuracy
        d = (1.0 + s) - plus if plus <= minus else minus - (1.0 - s)
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(np.abs(d)))

    def log_g(s: FloatArray) -> FloatArray:
        return np.asarray(log_distance(s) + reference - model.potential(s))

    edges = partition(model, -1.0, 1.0, (mean,) if -1.0 < mean < 1.0 else ())
    log_chi = _log_moments(model, edges, reference, (lambda s: 2.0 * log_distance(s),))[0]
    error = 0.0
    for _ in range(max_rounds):
        z, seg, inner_error = _segments(model, edges, log_g, rtol)
        panel = logsumexp(seg, axis=1)
        left_of_mean = edges[1:] <= mean
        heads = np.concatenate([[-np.inf], np.logaddexp.accumulate(panel)[:-1]])
        tails = np.append(_reverse_cumulative(panel)[1:], -np.inf)
        from_left = np.logaddexp(np.logaddexp.accumulate(seg, axis=1)[:, :-1], heads[:, None])
        from_right = np.logaddexp(_reverse_cumulative(seg, axis=1)[:, 1:], tails[:, None])
        log_f = np.where(left_of_mean[:, None], from_left, from_right)
        with np.errstate(divide="ignore", invalid="ignore"):
            psi = (model.potential(z) - reference) + 2.0 * log_f \
                - np.log((1.0 - z) * (1.0 + z))
        psi = np.where(np.abs(z) >= 1.0, -np.inf, psi)  # F²/(1 − z²) → 0 at the poles
        kronrod, gauss = _outer(psi, edges)
        refined, error = _refine(edges, kronrod, gauss, np.ones(kronrod.size, dtype=bool), rtol)
        if refined is None:
            break
        edges = refined
    total = float(logsumexp(kronrod))
    return math.log(2.0) + total - log_chi, error + 2.0 * math.exp(inner_error)
