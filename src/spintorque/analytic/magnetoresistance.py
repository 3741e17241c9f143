r"""Closed forms for the angular magnetoresistance and its Slonczewski map (SI units).

Valve sink/F1/N/F2/sink (seed Appendix I, TRANSPORT.md §5, §7), θ the angle between m1 and m2.
From eq. (14) and the spin-coupled drop of §7, ``RA_s = (p1 mu1 − p2 mu2)/(2J)``:

.. math::
    RA_s(\theta) = \frac{A_2 p_1^2 + A_1 p_2^2 - 2 B p_1 p_2\cos\theta}
                        {2\,(A_1 A_2 - B^2\cos^2\theta)},\qquad
    \frac{dRA_s}{d\theta} = \frac{\sin\theta\; g_1(\theta)\, g_2(\theta)}{B}.

The second identity (direct differentiation) puts every interior extremum of RA(θ) exactly at a
zero of g1 or g2. For a symmetric valve (A1 = A2 = A, p1 = p2 = p) both collapse to
``RA_s = p²/(A + B cosθ)`` and ``g = B p/(A + B cosθ)``: exactly Slonczewski's form
``2ε = 2PΛ²/((Λ²+1) + (Λ²−1) cosθ)`` (mumax3's ε, ``T = (ħ/2e) J (2ε) m×(p×m)``) with

.. math:: \Lambda^2 = \frac{A+B}{A-B},\qquad P = \frac{B p}{A+B}.

An asymmetric valve is not of that one-term form but of Xiao–Zangwill–Stiles' two-term one,
``g2 = q+/(a + B cosθ) + q−/(a − B cosθ)`` with ``a = sqrt(A1 A2)``,
``q± = (B A2 p1/a ± B p2)/2`` (Xiao, Zangwill & Stiles, PRB 70, 172405 (2004)).

The long-spin-diffusion limit (every l ≫ every d, ideal sinks) is the two-current series-resistor
model (Valet & Fert, PRB 48, 7099 (1993)): spin channel σ has ``R_σ = Σ rho_σ d`` with
``rho_σ = 2 rho*(1 ∓ beta)`` in F (sign by the layer's m) and ``2 rho_N`` in N, and
``RA = R_up R_down/(R_up + R_down)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.analytic.transport import Valve

FloatArray = NDArray[np.float64]


def valve_spin_resistance_area(valve: Valve, theta: ArrayLike) -> FloatArray:
    """Spin-coupled RA(θ) [Ω·m²] of the sink/F1/N/F2/sink valve (module docstring)."""
    c = np.cos(np.asarray(theta, dtype=float))
    num = valve.A2 * valve.p1**2 + valve.A1 * valve.p2**2 - 2.0 * valve.B * valve.p1 * valve.p2 * c
    return np.asarray(num / (2.0 * valve.determinant(theta)))


def valve_resistance_slope(valve: Valve, theta: ArrayLike) -> FloatArray:
    """dRA/dθ = sinθ g1 g2 / B [Ω·m²/rad] of the valve (module docstring)."""
    g1, g2 = valve.efficiency(theta)
    return np.asarray(np.sin(np.asarray(theta, dtype=float)) * g1 * g2 / valve.B)


def symmetric_valve_slonczewski(valve: Valve) -> tuple[float, float]:
    """(P, Λ) of mumax3's ε that reproduce g of a symmetric valve exactly (module docstring).

    Requires A1 = A2 and p1 = p2 (to rounding); otherwise an exact one-term map does not exist.
    """
    if not (np.isclose(valve.A1, valve.A2, rtol=1e-12) and np.isclose(valve.p1, valve.p2, rtol=1e-12)):
        raise ValueError("the valve is not symmetric: no exact one-term Slonczewski map")
    A, B, p = valve.A1, valve.B, valve.p1
    return B * p / (A + B), float(np.sqrt((A + B) / (A - B)))


def two_current_resistance_area(layers: Sequence[tuple[float, float, float, int]]) -> float:
    """RA [Ω·m²] of the two-current series-resistor model (long spin-diffusion limit).

    Parameters
    ----------
    layers : sequence of (rho_star, beta, d, direction)
        rho* [Ω·m] (rho_N for a normal metal, with beta = 0), bulk asymmetry beta, thickness
        d [m], and direction +1/−1 of the layer's magnetization along the common axis (any value
        for a normal metal).
    """
    up = sum(2.0 * r * (1.0 - b * s) * d for r, b, d, s in layers)
    down = sum(2.0 * r * (1.0 + b * s) * d for r, b, d, s in layers)
    return up * down / (up + down)
