r"""Closed forms for macrospin dynamics, shared by tests, docs and users (SI units).

Axially symmetric case used throughout: easy axis, field and polarizer along z, m at polar angle θ.
With ``H_K,eff = 2K/(mu0 Ms) − Ms (N_z − N_x)`` and a constant Slonczewski efficiency ε (Λ = 1,
ε' = 0: ε = P/2), the explicit LLG(S) equation reduces to (derivation in ``docs/dynamics.md``)

.. math:: \dot\theta = -\frac{\gamma_0\,\alpha}{1+\alpha^2}\,\sin\theta\,
          \big[H + H_{K,eff}\cos\theta\big] + s\,\frac{\gamma_e\beta\epsilon}{1+\alpha^2}\sin\theta,

with β = ħJ/(e Ms d) and s = −1 for p = +z (J > 0 pulls m to the polarizer), s = +1 for p = −z.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import erfi

from spintorque.constants import e, gamma0, hbar, mu0

FloatArray = NDArray[np.float64]


def larmor_period(field: float) -> float:
    """Precession period 2π/(gamma0 H) [s] of an undamped macrospin in a field H [A/m]."""
    return 2.0 * math.pi / (gamma0 * abs(field))


def relaxation_time(field: float, damping: float) -> float:
    r"""Decay time of a small deviation from H_eff [s]: τ = (1+α²)/(α gamma0 H_eff).

    For a pure Zeeman field the whole relaxation is exact: tan(θ/2) = tan(θ0/2) e^{−t/τ}.
    """
    return (1.0 + damping**2) / (damping * gamma0 * field)


def zeeman_relaxation_angle(t: ArrayLike, theta0: float, field: float, damping: float) -> FloatArray:
    """θ(t) [rad] of a macrospin relaxing in a pure field H along z (exact, any θ0)."""
    tau = relaxation_time(field, damping)
    return np.asarray(2.0 * np.arctan(math.tan(theta0 / 2.0) * np.exp(-np.asarray(t) / tau)))


def anisotropy_field(K: float, Ms: float, demag: tuple[float, float, float] = (0.0, 0.0, 0.0)) -> float:
    """H_K,eff = 2K/(mu0 Ms) − Ms (N_z − N_x) [A/m] for a z easy axis (N_x = N_y assumed)."""
    return 2.0 * K / (mu0 * Ms) - Ms * (demag[2] - demag[0])


def critical_current(damping: float, Ms: float, thickness: float, efficiency: float,
                     field: float, anisotropy: float) -> float:
    r"""Sun's zero-temperature critical current density J_c0 [A/m²] (Sun, PRB 62, 570 (2000)).

    .. math:: J_{c0} = \frac{e\,\alpha\,\mu_0 M_s d}{\hbar\,\epsilon}\,(H_{K,eff} + H)
              = \frac{2e\,\alpha\,\mu_0 M_s d}{\hbar\,\eta}\,(H_{K,eff} + H),\quad \eta = 2\epsilon,

    with ε the mumax3 Slonczewski efficiency (P/2 at Λ = 1) and η Sun's (torque (ħ/2e)Jη per
    area, = P at Λ = 1). The state m = +z with the polarizer along −z (or m = −z, p = +z) loses
    stability for J > J_c0. H is the field along the initial direction [A/m].
    """
    return e * damping * mu0 * Ms * thickness / (hbar * efficiency) * (anisotropy + field)


def damping_time(damping: float, anisotropy: float) -> float:
    r"""τ_D = (1+α²)/(α gamma0 H_K,eff) [s], the time scale of :func:`switching_time`."""
    return (1.0 + damping**2) / (damping * gamma0 * anisotropy)


def switching_time(theta0: float, theta1: float, i: float, tau_D: float) -> float:
    r"""Time [s] for θ to go from θ0 to θ1 under dθ/dt = sinθ (i − cosθ)/τ_D (i = J/J_c0 > 1).

    With c = cos θ, dt = −τ_D dc/((1 − c²)(i − c)); partial fractions give
    t = τ_D [F(c0) − F(c1)], F(c) = −ln(1−c)/(2(i−1)) + ln(1+c)/(2(i+1)) − ln|i−c|/(1−i²).
    """
    def F(c: float) -> float:
        return (-math.log(1.0 - c) / (2.0 * (i - 1.0)) + math.log(1.0 + c) / (2.0 * (i + 1.0))
                - math.log(abs(i - c)) / (1.0 - i**2))

    return tau_D * (F(math.cos(theta0)) - F(math.cos(theta1)))


def _half_partition(sigma: float, z: ArrayLike = 1.0) -> FloatArray:
    """∫_0^z exp(sigma u²) du (sigma > 0), via erfi."""
    r = math.sqrt(sigma)
    return np.asarray(math.sqrt(math.pi) * erfi(r * np.asarray(z)) / (2.0 * r))


def boltzmann_mz2(sigma: float) -> float:
    r"""⟨m_z²⟩ for P(m_z) ∝ exp(sigma m_z²) on the sphere (sigma = KV/k_BT > 0).

    ⟨z²⟩ = ∫z² e^{σz²}dz/∫e^{σz²}dz over [−1, 1] = e^σ/(2σZ) − 1/(2σ), Z = ∫_0^1 e^{σz²}dz
    (integration by parts).
    """
    Z = float(_half_partition(sigma))
    return math.exp(sigma) / (2.0 * sigma * Z) - 1.0 / (2.0 * sigma)


def boltzmann_mz_cdf(z: ArrayLike, sigma: float) -> FloatArray:
    """CDF of m_z for P(m_z) ∝ exp(sigma m_z²) on [−1, 1]."""
    z = np.clip(np.asarray(z, dtype=float), -1.0, 1.0)
    return np.asarray(0.5 + 0.5 * _half_partition(sigma, z) / _half_partition(sigma))
