r"""Adaptive Gauss–Kronrod quadrature of positive integrands given by their logarithm.

The escape problems integrate exp(±U) with U spanning up to ~10⁶ k_BT, so every integrand is
handled as log f: sums are log-sum-exp, no exponential is formed before the largest term of a
sum is divided out, and a positive sum never loses relative accuracy. Many independent
integrals ("owners") are done at once, vectorised over their pieces.

Narrow features (a well of width 1/|U'| next to a pole) cannot be missed by the 15 Kronrod
nodes, because the caller starts every integral on pieces graded geometrically from the ends of
intervals on which the integrand is monotone, with a first width set by the local slope
(:func:`graded_pieces`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

# 15-point Kronrod rule and its embedded 7-point Gauss rule on [−1, 1] (QUADPACK qk15)
_XK = np.array([0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
                0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
                0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
                0.207784955007898467600689403773245, 0.0])
_WK = np.array([0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
                0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
                0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
                0.204432940075298892414161999234649, 0.209482141084727828012999174891714])
_WG7 = np.array([0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
                 0.381830050505118944950369775488975, 0.417959183673469387755102040816327])

NODES = np.concatenate([-_XK[:-1], _XK[::-1]])
"""The 15 Kronrod nodes on [−1, 1], increasing."""
_LOG_WK = np.log(np.concatenate([_WK[:-1], _WK[::-1]]))
_GAUSS = np.array([1, 3, 5, 7, 9, 11, 13])  # positions of the Gauss nodes among NODES
_LOG_WG = np.log(np.concatenate([_WG7[:-1], _WG7[::-1]]))


def logsumexp(values: FloatArray, axis: int = -1) -> FloatArray:
    """log Σ exp(values) along ``axis``; −inf for an all −inf row (no NaN)."""
    top = np.max(values, axis=axis, keepdims=True)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(values - safe), axis=axis, keepdims=True)) + safe
    return np.asarray(np.squeeze(out, axis=axis))


def log_sub(big: FloatArray, small: FloatArray) -> FloatArray:
    """log(e^big − e^small) for big >= small (−inf where equal)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = big + np.log(-np.expm1(small - big))
    return np.asarray(np.where(np.isneginf(small), big, out))


def graded_pieces(a: FloatArray, b: FloatArray, width_a: FloatArray, width_b: FloatArray,
                  ratio: float = 2.0, levels: int = 64) -> tuple[FloatArray, FloatArray, IntArray]:
    """Split each [a_k, b_k] into pieces growing geometrically (by ``ratio``) from both ends.

    The first piece at a_k is width_a[k] wide (likewise at b_k); pieces meet at the midpoint.
    Returns the pieces' lower and upper ends and the index k of the interval each belongs to.
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    mid = 0.5 * (a + b)
    steps = ratio ** np.arange(1, levels) - 1.0
    from_a = a[:, None] + np.asarray(width_a, float)[:, None] * steps[None, :]
    from_b = b[:, None] - np.asarray(width_b, float)[:, None] * steps[None, :]
    from_a = np.where(from_a < mid[:, None], from_a, np.nan)
    from_b = np.where(from_b > mid[:, None], from_b, np.nan)
    points = np.sort(np.concatenate([a[:, None], from_a, mid[:, None], from_b, b[:, None]],
                                    axis=1), axis=1)
    lo, hi = points[:, :-1], points[:, 1:]
    keep = np.isfinite(hi) & (hi > lo)
    owner = np.broadcast_to(np.arange(a.size)[:, None], lo.shape)
    return lo[keep], hi[keep], np.asarray(owner[keep], dtype=np.int64)


def log_integrate(log_f: Callable[[FloatArray], FloatArray], lo: FloatArray, hi: FloatArray,
                  owner: IntArray, count: int, rtol: float = 1e-13,
                  max_rounds: int = 60) -> tuple[FloatArray, FloatArray]:
    r"""log ∫ f over the union of the pieces of each owner, for ``count`` owners at once.

    Each piece is integrated with the 15-point Kronrod rule; a piece is accepted when its
    difference from the embedded 7-point Gauss rule is below ``rtol`` times its owner's current
    total, else it is bisected (QUADPACK's rule, here relative to the whole integral, which is
    a sum of positive terms). ``log_f`` maps an array of abscissae to log f (−inf for f = 0).

    Returns
    -------
    log_value, log_error : ndarray (count,)
        log of the integrals and of the summed |Kronrod − Gauss| differences (a bound well
        above the true error of the Kronrod sums).
    """
    value = np.full(count, -np.inf)
    error = np.full(count, -np.inf)
    lo, hi, owner = np.asarray(lo, float), np.asarray(hi, float), np.asarray(owner)
    log_tol = np.log(rtol)
    for round_ in range(max_rounds):
        if lo.size == 0:
            break
        half = 0.5 * (hi - lo)
        x = (0.5 * (hi + lo))[:, None] + half[:, None] * NODES[None, :]
        f = log_f(x)
        with np.errstate(divide="ignore"):
            log_half = np.log(half)
        kronrod = logsumexp(f + _LOG_WK, axis=1) + log_half
        gauss = logsumexp(f[:, _GAUSS] + _LOG_WG, axis=1) + log_half
        big, small = np.maximum(kronrod, gauss), np.minimum(kronrod, gauss)
        diff = log_sub(big, small)
        total = value.copy()
        np.logaddexp.at(total, owner, kronrod)
        done = (diff <= log_tol + total[owner]) | (round_ == max_rounds - 1) \
            | (half <= 4e-16 * np.maximum(np.abs(lo), np.abs(hi)))
        np.logaddexp.at(value, owner[done], kronrod[done])
        np.logaddexp.at(error, owner[done], diff[done])
        split = ~done
        mid = 0.5 * (lo[split] + hi[split])
        lo = np.concatenate([lo[split], mid])
        hi = np.concatenate([mid, hi[split]])
        owner = np.concatenate([owner[split], owner[split]])
    return value, error
