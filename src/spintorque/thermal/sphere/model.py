r"""The 2D Fokker–Planck problem on the sphere: its description, in reduced or physical units.

Brown's equation for the density P(m, t) of a macrospin (THERMAL.md §3):

.. math:: \partial_t P = -\nabla\cdot\big[P\,\mathbf v - D\,\nabla P\big],\qquad
          \mathbf v = \underbrace{-D\nabla U}_{\rm damping}
          + \underbrace{\tfrac{D}{\alpha}\,\mathbf m\times\nabla U}_{\rm precession}
          + \mathbf w(\mathbf m),

with U = E/k_BT, D = 1/(2 tau_N) and w the spin-torque drift (the explicit-form LLG spin-torque
rate). The first two terms follow from the LLG equation with
H = −(1/mu0 Ms V) ∂E/∂m and tau_N = (1 + α²) mu0 Ms V/(2 α gamma0 k_B T); the precession is
divergence-free against exp(−U), which is why the zero-current stationary state is Boltzmann.
Mesoscopic spin-injection model (after Wegrowe et al., THERMAL.md §4): D → D(1 + nu i), an
effective temperature, given here as ``temperature_factor``.

Times are in units of tau_N (rates in 1/tau_N).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.analytic import tau_N
from spintorque.constants import k_B
from spintorque.errors import InputError
from spintorque.magnet.model import Conditions, MacrospinModel
from spintorque.thermal.sphere.grid import unit_vector as _unit

FloatArray = NDArray[np.float64]
VectorField = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class SphereModel:
    """Reduced 2D Fokker–Planck problem (dimensionless; times in tau_N).

    Parameters
    ----------
    potential : callable
        U(m) = E(m)/k_BT for unit vectors of shape (..., 3), returning shape (...).
    alpha : float
        Gilbert damping (> 0): sets the precession drift (1/α) m × ∇U relative to the damping.
    drift : callable, optional
        Spin-torque drift w(m) [1/tau_N], tangent to the sphere, shape (..., 3). Default none.
    temperature_factor : float
        1 + nu i of the mesoscopic spin-injection model: D → D (1 + nu i) (default 1).
    """

    potential: VectorField
    alpha: float
    drift: VectorField | None = field(default=None)
    temperature_factor: float = 1.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.alpha) and self.alpha > 0):
            raise InputError("alpha", f"must be > 0, got {self.alpha!r}")
        if not (math.isfinite(self.temperature_factor) and self.temperature_factor > 0):
            raise InputError("nu", f"need 1 + nu·i > 0, got {self.temperature_factor!r}")


def uniaxial_model(sigma: float, *, alpha: float = 1.0, easy_axis: ArrayLike = (0, 0, 1),
                   hard_axis: ArrayLike | None = None, hard_ratio: float = 0.0,
                   field: ArrayLike = (0.0, 0.0, 0.0), current_ratio: float = 0.0,
                   polarizer: ArrayLike | None = None, nu: float = 0.0,
                   efficiency: Callable[[FloatArray], FloatArray] | None = None) -> SphereModel:
    r"""A uniaxial macrospin in reduced units, optionally with an easy plane and a spin torque.

    U(m) = −sigma (m·e)² + sigma·hard_ratio (m·n)² − 2 sigma h·m, with e the easy axis, n the hard
    axis (easy-plane demag: hard_ratio = mu0 Ms²(N_n − N_e)/(2K)) and h = H/H_K.

    Spin torque (Slonczewski, damping-like, polariser p): Gilbert torque −γ0 H_s m×(m×p) with
    H_s = −i α H_K (1 + h·e) η(m·p), so that i = I/I_c0 of the collinear case (p = e, field along
    e): i > 0 pushes m away from p and i = 1 is Sun's critical current when p = e. In reduced
    explicit form the drift is w = s [(p − (p·m) m) + α m×p], s = −i sigma (1 + h·e) η(m·p).

    Parameters
    ----------
    sigma : float
        K V/(k_B T) >= 0.
    efficiency : callable, optional
        η(m·p) relative to its value that defines i (default 1).
    nu : float
        Spin-injection diffusion: D → D (1 + nu i).
    """
    if not (math.isfinite(sigma) and sigma >= 0):
        raise InputError("sigma", f"must be >= 0, got {sigma!r}")
    for name, value in (("hard_ratio", hard_ratio), ("current_ratio", current_ratio), ("nu", nu)):
        if not math.isfinite(value):
            raise InputError(name, f"must be finite, got {value!r}")
    e = _unit(easy_axis, "easy_axis")
    n = _unit(hard_axis, "hard_axis") if hard_axis is not None else e
    h = np.asarray(field, dtype=float)
    if h.shape != (3,) or not np.all(np.isfinite(h)):
        raise InputError("field", f"must be a finite 3-vector (units of H_K), got {field!r}")
    p = _unit(polarizer, "polarizer") if polarizer is not None else e
    kappa = hard_ratio if hard_axis is not None else 0.0

    def potential(m: FloatArray) -> FloatArray:
        me, mn = m @ e, m @ n
        return np.asarray(-sigma * me * me + sigma * kappa * mn * mn - 2.0 * sigma * (m @ h))

    drift = None
    if current_ratio != 0.0:
        s0 = -current_ratio * sigma * (1.0 + float(h @ e))

        def drift(m: FloatArray) -> FloatArray:
            mp = m @ p
            s = s0 * (np.asarray(efficiency(mp)) if efficiency is not None else 1.0)
            return np.asarray(np.asarray(s)[..., None] * ((p - mp[..., None] * m)
                                                          + alpha * np.cross(m, p)))

    return SphereModel(potential, alpha, drift, 1.0 + nu * current_ratio)


@dataclass(frozen=True)
class SphereReduction:
    """A macrospin mapped onto :class:`SphereModel`, with its time unit tau_N [s]."""

    model: SphereModel
    tau_N: float


def sphere_reduction(model: MacrospinModel, conditions: Conditions) -> SphereReduction:
    """Map any macrospin at constant current and T > 0 onto the reduced 2D problem.

    U = E V/(k_B T) from the energy terms; the drift is the torque terms' explicit LLG rate
    [1/s] times tau_N (so any torque term works: Slonczewski with any Λ, ε', tilted polariser,
    field-like, the exact diffusive torque of a stack).
    """
    magnet = model.magnet
    T = conditions.temperature
    if T <= 0:
        raise InputError("conditions.temperature", "escape rates need T > 0 K")
    if callable(conditions.current_density):
        raise InputError("conditions.current_density", "escape rates need a constant current")
    J = float(conditions.current_density)
    V = magnet.volume
    unit = tau_N(magnet.saturation_magnetization, V, magnet.damping, T)
    kT = k_B * T

    def potential(m: FloatArray) -> FloatArray:
        return np.asarray(model.energy.energy_density(m, magnet) * (V / kT))

    drift = None
    if len(model.torques) and J != 0.0:
        def drift(m: FloatArray) -> FloatArray:
            return np.asarray(model.torques.rate(m, J, magnet) * unit)

    return SphereReduction(SphereModel(potential, magnet.damping, drift), unit)
