r"""Closed forms of thermally activated reversal of a uniaxial macrospin (THERMAL.md §3).

Reduced units: sigma = K V/(k_B T), h = H/H_K (field along the easy axis), i = I/I_c0(h).
Rates are λ·tau_N with the free-diffusion time tau_N = (1 + α²) mu0 Ms V/(2 α gamma0 k_B T).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.analytic.dynamics import critical_current
from spintorque.constants import gamma0, k_B, mu0

FloatArray = NDArray[np.float64]


def tau_N(Ms: float, volume: float, alpha: float, temperature: float) -> float:
    """Free-diffusion (Néel) time tau_N = (1 + α²) mu0 Ms V / (2 α gamma0 k_B T) [s].

    Ms [A/m], volume [m³], temperature [K]; alpha dimensionless (Brown 1963).
    """
    return (1.0 + alpha**2) * mu0 * Ms * volume / (2.0 * alpha * gamma0 * k_B * temperature)


def free_diffusion_rate(n: ArrayLike) -> FloatArray:
    """Eigenvalues λ_n·tau_N = n(n+1)/2 of free rotational diffusion (sigma = 0; Legendre P_n)."""
    n = np.asarray(n, dtype=float)
    return np.asarray(n * (n + 1) / 2.0)


def brown_high_barrier_rate(sigma: ArrayLike, h: float = 0.0) -> FloatArray:
    r"""Brown's (1963) asymptotic escape rate λ1·tau_N for sigma ≫ 1, |h| < 1.

    .. math:: \lambda_1\tau_N \simeq \frac{\sigma^{3/2}}{\sqrt\pi}(1-h^2)
              \big[(1+h)e^{-\sigma(1+h)^2} + (1-h)e^{-\sigma(1-h)^2}\big]

    The exact value approaches it like 1 + O(1/sigma).
    """
    s = np.asarray(sigma, dtype=float)
    return np.asarray(s**1.5 / math.sqrt(math.pi) * (1 - h * h) * (
        (1 + h) * np.exp(-s * (1 + h) ** 2) + (1 - h) * np.exp(-s * (1 - h) ** 2)))


def low_barrier_rate(sigma: ArrayLike) -> FloatArray:
    """Low-barrier expansion λ1·tau_N = 1 − 2σ/5 + 48σ²/875 + O(σ³) at h = 0 (Brown 1963)."""
    s = np.asarray(sigma, dtype=float)
    return np.asarray(1.0 - 2.0 * s / 5.0 + 48.0 * s * s / 875.0)


def sun_critical_current(alpha: float, eta: float, Ms: float, volume: float, H_K: float,
                         H: float = 0.0) -> float:
    r"""Zero-temperature critical current of a collinear free layer (Sun 2000) [A].

    .. math:: I_{c0} = \frac{2e}{\hbar}\frac{\alpha}{\eta}\,\mu_0 M_s V (H_K + H)

    alpha: damping; eta: Sun's spin-torque efficiency (= P at Λ = 1, twice mumax3's ε);
    Ms [A/m]; volume [m³]; H_K, H [A/m]. This is the current
    density of :func:`spintorque.analytic.dynamics.critical_current` times the area: the
    formula is linear in the thickness, so passing the volume gives the current.
    """
    return critical_current(alpha, Ms, volume, eta / 2.0, H, H_K)


def effective_barrier(sigma: ArrayLike, i: ArrayLike, h: float = 0.0,
                      nu: float = 0.0) -> FloatArray:
    """Effective barrier [k_B T] of the well m_z = +1 under current.

    sigma (1 + h)² (1 − i)² / (1 + nu i): collinear polariser along the easy axis, i = I/I_c0(h)
    < 1 (Taniguchi–Imamura; Butler et al.): the damping-like torque acts as an extra
    longitudinal field through the damping; the spin-injection diffusion nu of the mesoscopic
    model (after Wegrowe et al.) raises the effective temperature by 1 + nu i.
    """
    s = np.asarray(sigma, dtype=float)
    i = np.asarray(i, dtype=float)
    return np.asarray(s * (1 + h) ** 2 * (1 - i) ** 2 / (1 + nu * i))


def transverse_variance(sigma: ArrayLike, i: ArrayLike = 0.0, h: float = 0.0) -> FloatArray:
    r"""Thermal variance ⟨θ²⟩ [rad²] of the polar angle in the well m_z = +1 (high barrier).

    Near the pole U ≈ U(1) + 2 sigma (1 + h)(1 − i)(1 − z), so
    ⟨θ²⟩ ≈ 2⟨1 − z⟩ = 1/(sigma (1 + h)(1 − i)): the spin torque enhances the fluctuations like
    1/(1 − i), the same factor that lowers the barrier (THERMAL.md §3). Corrections are O(1/sigma).
    """
    s = np.asarray(sigma, dtype=float)
    i = np.asarray(i, dtype=float)
    return np.asarray(1.0 / (s * (1 + h) * (1 - i)))


def fmr_linewidth(alpha: float, H_K: float, H: float = 0.0, i: float = 0.0) -> float:
    r"""FMR linewidth (full width in angular frequency) [rad/s] of the well m_z = +1 under current.

    Δω = 2/τ with the small-angle relaxation rate 1/τ = α gamma0 (H_K + H)(1 − i)/(1 + α²): the
    collinear damping-like torque reduces the effective damping by (1 − i) at fixed precession
    frequency; the line narrows to zero at the critical current.
    """
    return 2.0 * alpha * gamma0 * (H_K + H) * (1.0 - i) / (1.0 + alpha**2)
