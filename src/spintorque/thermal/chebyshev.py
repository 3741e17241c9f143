"""Chebyshev–Lobatto spectral quadrature on [−1, 1]: nodes, weights, cumulative integrals.

At the Lobatto nodes x_j = −cos(πj/n), T_k(x_j) = (−1)^k cos(πjk/n), so the evaluation matrix
and its inverse (the discrete cosine transform) are written down directly, in O(n²).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.polynomial import chebyshev as cheb
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@cache
def nodes(n: int) -> FloatArray:
    """The n+1 Chebyshev–Lobatto points in increasing order, −1 … 1."""
    return np.asarray(-np.cos(np.pi * np.arange(n + 1) / n))


def _evaluation(n: int, degree: int) -> FloatArray:
    """E[j, k] = T_k(x_j) for k = 0 … degree at the n+1 nodes."""
    j = np.arange(n + 1)[:, None]
    k = np.arange(degree + 1)[None, :]
    return np.asarray(np.where(k % 2 == 0, 1.0, -1.0) * np.cos(np.pi * ((j * k) % (2 * n)) / n))


@cache
def values_to_coefficients(n: int) -> FloatArray:
    """Matrix taking values at :func:`nodes` to Chebyshev coefficients (exact interpolation)."""
    end = np.ones(n + 1)
    end[[0, -1]] = 0.5
    gamma = np.ones(n + 1)
    gamma[[0, -1]] = 2.0
    return np.asarray((2.0 / n) * (_evaluation(n, n).T * end[None, :]) / gamma[:, None])


@cache
def cumulative_matrix(n: int) -> tuple[FloatArray, FloatArray]:
    """Matrices (L, R): (L v)_j = ∫_{−1}^{x_j} p, (R v)_j = ∫_{x_j}^{1} p, p interpolating v.

    Both are exact for polynomials of degree ≤ n; R is its own antiderivative from +1 (not
    total − L), so tails near +1 keep their relative accuracy.
    """
    to_coef = values_to_coefficients(n)
    evaluate = _evaluation(n, n + 1)
    left = evaluate @ cheb.chebint(to_coef, lbnd=-1.0)
    right = -(evaluate @ cheb.chebint(to_coef, lbnd=1.0))
    return np.asarray(left), np.asarray(right)


@cache
def weights(n: int) -> FloatArray:
    """Clenshaw–Curtis weights: Σ w_j v_j = ∫_{−1}^{1} p."""
    return np.asarray(cumulative_matrix(n)[0][-1])
