r"""Exact layer elements of the diffusive spin-transport problem (TRANSPORT.md §4).

Inside a layer of thickness d and spin-diffusion length l, mu_s'' = mu_s/l², so

.. math::

    \mu_s(x) = \frac{\mu_L \sinh((d-x)/l) + \mu_R \sinh(x/l)}{\sinh(d/l)},

and the spin current :math:`j_s = s - G\,l\,\mu_s'` (``s = p J m`` in a ferromagnet, 0 in a normal
metal) is, at the two ends,

.. math::

    j_s(0) = G_c\mu_L - G_s\mu_R + s, \qquad j_s(d) = G_s\mu_L - G_c\mu_R + s,

with :math:`G_c = G\coth(d/l)`, :math:`G_s = G/\sinh(d/l)`. We never form :math:`G_c`: the element is
split into a *series* conductance :math:`G_s` between its ends and a *shunt*
:math:`G_t = G_c - G_s = G\tanh(d/2l)` at each end. Both are computed without cancellation for
:math:`10^{-7} \le d/l \le 10^3` and beyond (``Gs`` underflows harmlessly to 0 for thick layers).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.stack import Lead

FloatArray = NDArray[np.float64]


def series_shunt(G: ArrayLike, ratio: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Series and shunt conductances of a layer element [S/m²].

    Parameters
    ----------
    G : array_like
        Spin conductance G = 1/(2 rho l) [S/m²].
    ratio : array_like
        d/l (dimensionless, > 0).

    Returns
    -------
    Gs, Gt : ndarray
        ``Gs = G/sinh(d/l)`` and ``Gt = G tanh(d/2l)``.

    Examples
    --------
    >>> Gs, Gt = series_shunt(1.0, 1e-7)
    >>> float(Gs * 1e-7), float(Gt / 5e-8)
    (1.0, 1.0)
    """
    G = np.asarray(G, dtype=float)
    x = np.asarray(ratio, dtype=float)
    Gs = 2.0 * G * np.exp(-x) / -np.expm1(-2.0 * x)
    Gt = G * np.tanh(0.5 * x)
    return Gs, Gt


def _sinh_ratio(a: FloatArray, b: float) -> FloatArray:
    """sinh(a)/sinh(b) for 0 <= a <= b, without overflow."""
    return np.exp(a - b) * np.expm1(-2.0 * a) / np.expm1(-2.0 * b)


def layer_profile(
    x: ArrayLike,
    thickness: float,
    length: float,
    G: float,
    mu_left: FloatArray,
    mu_right: FloatArray,
    delta: FloatArray,
    source: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    r"""Exact mu_s(x) [V] and j_s(x) [A/m²] inside one layer.

    Parameters
    ----------
    x : array_like, shape (n,)
        Positions measured from the layer's left face, 0 <= x <= thickness [m].
    thickness, length : float
        d and l [m].
    G : float
        Spin conductance [S/m²].
    mu_left, mu_right : ndarray, shape (..., 3)
        Spin accumulation at the two faces [V].
    delta : ndarray, shape (..., 3)
        mu_left − mu_right, as computed stably by the solver [V].
    source : ndarray, shape (..., 3)
        p·J·m (0 for a normal metal) [A/m²].

    Returns
    -------
    mu, js : ndarray, shape (..., n, 3)

    Notes
    -----
    ``j_s(x) = s + G_s cosh((d−x)/l) (mu_L − mu_R) + G sinh((d−2x)/2l)/cosh(d/2l) mu_R``, the
    TRANSPORT.md §4 element rewritten so that no two large terms cancel when d ≪ l.
    """
    x = np.asarray(x, dtype=float)
    b = thickness / length
    a_left = (thickness - x) / length
    a_right = x / length
    w_left = _sinh_ratio(a_left, b)[:, None]
    w_right = _sinh_ratio(a_right, b)[:, None]
    mu = w_left * mu_left[..., None, :] + w_right * mu_right[..., None, :]
    cosh_over_sinh = G * np.exp(a_left - b) * (1.0 + np.exp(-2.0 * a_left)) / -np.expm1(-2.0 * b)
    odd = G * (np.exp(-a_right) - np.exp(-a_left)) / (1.0 + np.exp(-b))
    js = (source[..., None, :] + cosh_over_sinh[:, None] * delta[..., None, :]
          + odd[:, None] * mu_right[..., None, :])
    return mu, js


def lead_terms(lead: Lead) -> tuple[float, FloatArray]:
    """Stiffness G [S/m²] and source p·m (per unit current) of a semi-infinite lead; 0 for a sink."""
    if lead.material is None:
        return 0.0, np.zeros(3)
    G = lead.material.spin_conductance
    s = np.zeros(3)
    if lead.magnetization is not None:
        s = lead.material.polarization * np.asarray(lead.magnetization)
    return float(G), s
