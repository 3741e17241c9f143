r"""Closed forms of thermally activated reversal of a uniaxial macrospin (THERMAL.md §3, §6).

Reduced units: sigma = K V/(k_B T), h = H/H_K (field along the easy axis), i = I/I_c0(h).
Rates are λ·tau_N with the free-diffusion time tau_N = (1 + α²) mu0 Ms V/(2 α gamma0 k_B T).

Every formula here holds only inside a domain, stated in its docstring and enforced: outside it
the function raises :class:`~spintorque.errors.InputError` (one line naming the argument and the
allowed range) instead of returning a number that means nothing (a barrier where the well is
gone, a negative variance or linewidth above the critical current). In the collinear axial case
the spin torque enters like a field through the damping, h → h_eff = h − i (1 + h), and

* the start well m_z = +1 is stable while 1 + h_eff = (1 + h)(1 − i) > 0;
* it is separated by a barrier from a second well while also |h_eff| < 1.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.analytic.dynamics import critical_current
from spintorque.constants import gamma0, k_B, mu0
from spintorque.errors import InputError

FloatArray = NDArray[np.float64]

LOW_BARRIER_MAX_SIGMA = 1.0
"""Largest sigma accepted by :func:`low_barrier_rate` (a series in sigma)."""


def effective_field(h: ArrayLike, i: ArrayLike) -> FloatArray:
    """h_eff = h − i (1 + h): the field that gives the same axial landscape as h and current i.

    U(z) = −sigma z² − 2 sigma h_eff z for a collinear polariser and a constant efficiency
    (THERMAL.md §6): the damping-like torque acts like an extra longitudinal field.
    """
    h = np.asarray(h, dtype=float)
    return np.asarray(h - np.asarray(i, dtype=float) * (1.0 + h))


def _positive(name: str, value: float, unit: str) -> None:
    if not (math.isfinite(value) and value > 0):
        raise InputError(name, f"must be > 0{' ' + unit if unit else ''}, got {value!r}")


def _check_barrier(sigma: FloatArray, h: float, i: FloatArray, nu: float) -> FloatArray:
    """h_eff, after checking that the start well exists and has a barrier (raises otherwise)."""
    if not np.all(np.isfinite(sigma)) or np.any(sigma <= 0):
        raise InputError("sigma", "must be > 0 (K V / k_B T) for a barrier")
    if not (np.all(np.isfinite(i)) and math.isfinite(h) and math.isfinite(nu)):
        raise InputError("i", "sigma, h, i and nu must be finite")
    stability = (1.0 + h) * (1.0 - i)  # = 1 + h_eff, exactly 0 at i = 1
    h_eff = stability - 1.0
    if np.any(stability <= 0):
        raise InputError("i", "the start well m_z = +1 is unstable where (1 + h)(1 − i) <= 0 "
                         "(i >= 1 for h > −1): no barrier")
    if np.any(stability >= 2):
        raise InputError("i", "only one well where h − i (1 + h) >= 1: no barrier to a reversed "
                         "state")
    if np.any(1.0 + nu * i <= 0):
        raise InputError("nu", "need 1 + nu i > 0 (a positive diffusion)")
    return h_eff


def tau_N(Ms: float, volume: float, alpha: float, temperature: float) -> float:
    """Free-diffusion (Néel) time tau_N = (1 + α²) mu0 Ms V / (2 α gamma0 k_B T) [s].

    Ms [A/m], volume [m³], temperature [K], all > 0; alpha > 0 dimensionless (Brown 1963).
    """
    for name, value, unit in (("Ms", Ms, "A/m"), ("volume", volume, "m³"), ("alpha", alpha, ""),
                              ("temperature", temperature, "K")):
        _positive(name, value, unit)
    return (1.0 + alpha**2) * mu0 * Ms * volume / (2.0 * alpha * gamma0 * k_B * temperature)


def free_diffusion_rate(n: ArrayLike) -> FloatArray:
    """Eigenvalues λ_n·tau_N = n(n+1)/2 of free rotational diffusion (sigma = 0; Legendre P_n).

    n: integers >= 0.
    """
    n = np.asarray(n, dtype=float)
    if np.any(n < 0) or np.any(n != np.round(n)):
        raise InputError("n", "must be integers >= 0")
    return np.asarray(n * (n + 1) / 2.0)


def brown_high_barrier_rate(sigma: ArrayLike, h: float = 0.0, i: float = 0.0,
                            nu: float = 0.0) -> FloatArray:
    r"""Brown's (1963) asymptotic escape rate λ1·tau_N for a high barrier, at h_eff = h − i (1 + h).

    .. math:: \lambda_1\tau_N \simeq D\,\frac{s^{3/2}}{\sqrt\pi}(1-h_{eff}^2)
              \big[(1+h_{eff})e^{-s(1+h_{eff})^2} + (1-h_{eff})e^{-s(1-h_{eff})^2}\big],
              \qquad s = \sigma/D,\; D = 1 + \nu i.

    Assumptions: axial landscape (easy axis, field and polariser along z), constant torque
    efficiency (so the current acts like the field h_eff, THERMAL.md §6), a barrier
    (|h_eff| < 1 and (1 + h)(1 − i) > 0, enforced), and sigma (1 − |h_eff|)² ≫ 1; the exact value
    approaches it like 1 + O(1/(sigma (1 − |h_eff|)²)). The spin-injection diffusion nu acts as a
    temperature 1 + nu i (times in tau_N/(1 + nu i)).
    """
    s = np.asarray(sigma, dtype=float)
    hf = float(_check_barrier(s, h, np.asarray(i, dtype=float), nu))
    D = 1.0 + nu * i
    s = s / D
    return np.asarray(D * s**1.5 / math.sqrt(math.pi) * (1 - hf * hf) * (
        (1 + hf) * np.exp(-s * (1 + hf) ** 2) + (1 - hf) * np.exp(-s * (1 - hf) ** 2)))


def low_barrier_rate(sigma: ArrayLike) -> FloatArray:
    """Low-barrier expansion λ1·tau_N = 1 − 2σ/5 + 48σ²/875 + O(σ³) at h = 0 (Brown 1963).

    Domain: 0 <= sigma <= :data:`LOW_BARRIER_MAX_SIGMA` (a truncated series in sigma).
    """
    s = np.asarray(sigma, dtype=float)
    if not np.all(np.isfinite(s)) or np.any(s < 0) or np.any(s > LOW_BARRIER_MAX_SIGMA):
        raise InputError("sigma", f"the low-barrier series needs 0 <= sigma <= "
                         f"{LOW_BARRIER_MAX_SIGMA:g}")
    return np.asarray(1.0 - 2.0 * s / 5.0 + 48.0 * s * s / 875.0)


def sun_critical_current(alpha: float, eta: float, Ms: float, volume: float, H_K: float,
                         H: float = 0.0) -> float:
    r"""Zero-temperature critical current of a collinear free layer (Sun 2000) [A].

    .. math:: I_{c0} = \frac{2e}{\hbar}\frac{\alpha}{\eta}\,\mu_0 M_s V (H_K + H)

    alpha > 0: damping; eta > 0: Sun's spin-torque efficiency (= P at Λ = 1, twice mumax3's ε);
    Ms [A/m] > 0; volume [m³] > 0; H_K, H [A/m] with H_K + H > 0 (else the field has reversed
    the well and no critical current exists). Assumptions: collinear polariser along the easy
    axis, constant efficiency, the instability of the well at zero temperature. This is the
    current density of :func:`spintorque.analytic.dynamics.critical_current` times the area: the
    formula is linear in the thickness, so passing the volume gives the current.
    """
    for name, value, unit in (("alpha", alpha, ""), ("eta", eta, ""), ("Ms", Ms, "A/m"),
                              ("volume", volume, "m³")):
        _positive(name, value, unit)
    if not (math.isfinite(H_K + H) and H_K + H > 0):
        raise InputError("H", f"need H_K + H > 0 A/m (a stable well), got {H_K + H!r}")
    return critical_current(alpha, Ms, volume, eta / 2.0, H, H_K)


def effective_barrier(sigma: ArrayLike, i: ArrayLike, h: float = 0.0,
                      nu: float = 0.0) -> FloatArray:
    """Effective barrier [k_B T] of the well m_z = +1 under current.

    sigma (1 + h)² (1 − i)² / (1 + nu i) = sigma (1 + h_eff)²/(1 + nu i): U(z*) − U(1) at the top
    z* = −h_eff of U = −sigma z² − 2 sigma h_eff z (Taniguchi–Imamura; Butler et al.). The
    spin-injection diffusion nu of the mesoscopic model (after Wegrowe et al.) raises the
    effective temperature by 1 + nu i.

    Assumptions (enforced where checkable): collinear polariser along the easy axis, constant
    efficiency, i = I/I_c0(h), a stable start well with a barrier: (1 + h)(1 − i) > 0 and
    |h_eff| < 1. Outside, the barrier does not exist and InputError is raised.
    """
    s = np.asarray(sigma, dtype=float)
    i = np.asarray(i, dtype=float)
    _check_barrier(s, h, i, nu)
    return np.asarray(s * (1 + h) ** 2 * (1 - i) ** 2 / (1 + nu * i))


def transverse_variance(sigma: ArrayLike, i: ArrayLike = 0.0, h: float = 0.0) -> FloatArray:
    r"""Thermal variance ⟨θ²⟩ [rad²] of the polar angle in the well m_z = +1 (high barrier).

    Near the pole U ≈ U(1) + 2 sigma (1 + h)(1 − i)(1 − z), so
    ⟨θ²⟩ ≈ 2⟨1 − z⟩ = 1/(sigma (1 + h)(1 − i)): the spin torque enhances the fluctuations like
    1/(1 − i), the same factor that lowers the barrier (THERMAL.md §3). Corrections are
    O(1/(sigma (1 + h)(1 − i))). Domain: sigma > 0 and a stable well, (1 + h)(1 − i) > 0.
    """
    s = np.asarray(sigma, dtype=float)
    i = np.asarray(i, dtype=float)
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise InputError("sigma", "must be > 0 (K V / k_B T)")
    if np.any((1 + h) * (1 - i) <= 0):
        raise InputError("i", "the well m_z = +1 is unstable where (1 + h)(1 − i) <= 0: it has no "
                         "thermal variance")
    return np.asarray(1.0 / (s * (1 + h) * (1 - i)))


def fmr_linewidth(alpha: float, H_K: float, H: float = 0.0, i: float = 0.0) -> float:
    r"""FMR linewidth (full width in angular frequency) [rad/s] of the well m_z = +1 under current.

    Δω = 2/τ with the small-angle relaxation rate 1/τ = α gamma0 (H_K + H)(1 − i)/(1 + α²): the
    collinear damping-like torque reduces the effective damping by (1 − i) at fixed precession
    frequency; the line narrows to zero at the critical current. Domain: alpha > 0,
    H_K + H > 0 [A/m], i <= 1 (beyond, the well is unstable and has no line).
    """
    _positive("alpha", alpha, "")
    if not (math.isfinite(H_K + H) and H_K + H > 0):
        raise InputError("H", f"need H_K + H > 0 A/m (a stable well), got {H_K + H!r}")
    if not (math.isfinite(i) and i <= 1.0):
        raise InputError("i", f"the well is unstable above the critical current (need i <= 1), "
                         f"got {i!r}")
    return 2.0 * alpha * gamma0 * (H_K + H) * (1.0 - i) / (1.0 + alpha**2)
