r"""What the landscape of the start well allows: the escape regime and the effective barrier.

THERMAL.md §6. Three regimes of the start well:

* **"thermally activated"**: the start state is a stable fixed point, a barrier separates it from
  a reversed state and the effective barrier is at least :data:`ACTIVATED_BARRIER_KT` k_BT, so
  escape is a rare event;
* **"critical"**: stable, with a barrier below that (near i = 1; for a magnet whose barrier is low
  even at zero current, at any current): escape is not a rare event;
* **"no barrier"**: the start state is unstable (beyond the critical current), or there is no
  landscape at all (sigma = 0, free diffusion). The effective barrier does not exist (None, with
  the reason); λ1, τ_int and the MFPT still do (λ1: the relaxation away from the unstable pole);
* **"single well"** (added in issue 14; the three labels above keep their meaning): the start
  state is stable and is the *only* well, e.g. h_eff = h − i(1 + h) >= 1 on the axis (a field
  beyond the anisotropy field along the start direction, or a strongly stabilising current,
  i <= 1 − 2/(1 + h)). Nothing separates it from a reversed state because there is no reversed
  state: switching is impossible. The effective barrier is None with that reason; λ1 is the
  slowest relaxation of the sphere, away from the reversed direction, which is now an energy
  maximum (≈ 2 sigma (h_eff − 1) on a deep axial landscape; not an escape rate), τ_int the
  relaxation of m·u inside the well, and the MFPT the mean time of a first excursion up to the
  barrier surface (m·u = 0, e^{≈ sigma (1 + 2 h_eff)} tau_N on the axis), from which the state
  falls back: not a switching time.

What λ1 and the MFPT mean in each regime is stated in :attr:`Landscape.meaning` (reported as
``lambda1_meaning`` and ``mfpt_meaning`` by :func:`spintorque.thermal.escape`).

How each case is decided (no barrier law is assumed off the axis):

* axial, constant efficiency: U(z) = −sigma z² − 2 sigma h_eff z, h_eff = h − i (1 + h) (closed
  form): stable while sigma (1 + h_eff) > 0, a second well while h_eff < 1, barrier
  sigma (1 + h_eff)²/(1 + nu i);
* axial, any efficiency: the same from U(z)/(1 + nu i) sampled on [−1, 1] (stable while
  U'(1) < 0; barrier U(z*) − U(1) at the first maximum z* met going down from z = 1);
* sphere: the start state is the fixed point of the deterministic drift
  v = −D∇U + (D/α) m×∇U + w next to the energy minimum (Newton in the tangent plane); stable when
  both eigenvalues of its Jacobian have negative real parts. Without a drift the barrier is the
  energy of the saddle bounding the well minus that of the well. Under a non-conservative torque
  no potential exists: the barrier is None and the regime follows from the activation exponent
  ln(MFPT·|Re μ|) (μ: the slowest linear relaxation rate of the fixed point), which on the axis
  tracks the barrier within ~1 k_BT (sigma = 40: 18.5 for 19.6, 4.4 for 4.9);
* energy diffusion (α → 0): the orbit-averaged stationary exponent Ψ; unstable when the torque's
  work per orbit exceeds the damping's loss at the bottom of the well (ratio >= 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize_scalar

from spintorque.errors import InputError
from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.sphere.model import SphereModel

if TYPE_CHECKING:
    from spintorque.thermal.energy.diffusion import EnergyDiffusion

FloatArray = NDArray[np.float64]

ACTIVATED_BARRIER_KT = 5.0
"""Smallest effective barrier [k_BT] called "thermally activated". At 5 k_BT Brown's
high-barrier rate exceeds λ1 by 25 % (λ1/Brown = 0.80 with or without current) and the escape
time exceeds the relaxation in the well by e^5 ≈ 150: escape is a rare event. Below it the regime
is "critical"."""

REGIMES = ("thermally activated", "critical", "no barrier", "single well")
"""The regime labels; the first three are the contract of THERMAL.md §6, "single well" (a
stable start well with no other well to switch to) was split off "no barrier" in issue 14."""

MEANINGS = {
    "thermally activated": {
        "lambda1": "escape rate over the barrier (a rare event): the switching rate",
        "mfpt": "mean switching time: first passage from the well to the barrier surface"},
    "critical": {
        "lambda1": "slowest relaxation; the barrier is below 5 k_BT, so escape and relaxation "
                   "inside the well are not separated",
        "mfpt": "mean first-passage time to the barrier surface (not a rare event)"},
    "no barrier": {
        "lambda1": "slowest relaxation: away from the unstable start state (or, at sigma = 0, "
                   "free rotational diffusion)",
        "mfpt": "transit time from the start direction to the barrier surface (drift or free "
                "diffusion, no activation)"},
    "single well": {
        "lambda1": "slowest relaxation of the sphere, away from the reversed direction (an "
                   "energy maximum here; ≈ 2 sigma (h_eff − 1) on a deep axial landscape): not "
                   "an escape rate, there is no reversed state to escape to",
        "mfpt": "mean time of a first excursion up to the barrier surface m·u = 0, from which the "
                "state falls back: not a switching time"},
}
"""What λ1 and the MFPT measure in each regime (THERMAL.md §6)."""


@dataclass(frozen=True)
class Landscape:
    """The verdict on the start well.

    Attributes
    ----------
    regime : str
        One of :data:`REGIMES`.
    reason : str
        Why, in one sentence.
    effective_barrier_kT : float or None
        ΔE_eff [k_BT], None where it does not exist (then ``barrier_reason`` says why).
    barrier_reason : str or None
    activation_exponent : float or None
        ln(MFPT·|Re μ|) (sphere under a non-conservative torque), else None.
    """

    regime: str
    reason: str
    effective_barrier_kT: float | None
    barrier_reason: str | None = None
    activation_exponent: float | None = None

    @property
    def meaning(self) -> dict[str, str]:
        """What λ1 and the MFPT measure in this regime (:data:`MEANINGS`)."""
        return MEANINGS[self.regime]


def _with_barrier(barrier: float, what: str = "effective barrier") -> Landscape:
    if barrier >= ACTIVATED_BARRIER_KT:
        return Landscape("thermally activated", f"{what} {barrier:.4g} k_BT >= "
                         f"{ACTIVATED_BARRIER_KT:g} k_BT: escape is a rare event", barrier)
    return Landscape("critical", f"{what} {barrier:.4g} k_BT < {ACTIVATED_BARRIER_KT:g} k_BT: "
                     "escape is not a rare event", barrier)


def _none(reason: str) -> Landscape:
    return Landscape("no barrier", reason, None, reason)


def _single(reason: str) -> Landscape:
    why = reason + ": no reversed state, so no barrier to switch over (switching is impossible)"
    return Landscape("single well", why, None, why)


def axial_landscape(model: AxialModel) -> Landscape:
    """Regime and effective barrier of the well m_z = +1 of an axial model (see module doc)."""
    if model.reflected:
        raise ValueError("axial_landscape describes the unreflected model")
    if model.sigma == 0.0:
        return _none("sigma = 0: no anisotropy, free rotational diffusion")
    if model.efficiency is None:
        # (1 + h)(1 − i) = 1 + h_eff, as a product so that i = 1 gives exactly 0
        stability = (1.0 + model.h) * (1.0 - model.i)
        if stability <= 0.0:
            return _none(f"the start state is unstable: (1 + h)(1 − i) = {stability:.4g} <= 0")
        if stability >= 2.0:
            return _single(f"the start state is stable and the only well (h_eff = h − i(1 + h) "
                           f"= {stability - 1:.4g} >= 1)")
        return _with_barrier(model.sigma * stability**2 / model.diffusion)
    return _sampled_axial(model)


def _sampled_axial(model: AxialModel) -> Landscape:
    D = model.diffusion
    if float(model.potential_derivative(1.0)) >= 0.0:
        return _none("the start state is unstable: the torque pushes m_z = +1 downhill "
                     f"(dU/dz at the pole = {float(model.potential_derivative(1.0)):.4g} k_BT >= 0)")
    z = np.linspace(1.0, -1.0, 20001)
    U = model.potential(z)
    falling = np.nonzero(np.diff(U) < 0)[0]
    if falling.size == 0:
        return _single("the start state is stable and the only well: U rises all the way to "
                       "m_z = −1")
    k = int(falling[0])
    lo, hi = z[min(k + 1, z.size - 1)], z[max(k - 1, 0)]
    best = minimize_scalar(lambda x: -float(model.potential(x)), bounds=(lo, hi), method="bounded",
                           options={"xatol": 1e-13})
    top = max(float(U[k]), -float(best.fun))
    return _with_barrier((top - float(U[0])) / D)


# --- the sphere: fixed points of the drift --------------------------------------------------
def _exp(m: FloatArray, t: FloatArray) -> FloatArray:
    s = float(np.linalg.norm(t))
    return m if s == 0.0 else np.asarray(math.cos(s) * m + math.sin(s) * t / s)


def velocity(model: SphereModel, m: FloatArray) -> FloatArray:
    """Deterministic drift v(m) = −D∇U + (D/α) m×∇U + w(m) [1/tau_N], D = 1/2, at one m (3,)."""
    from spintorque.thermal.energy.orbits import gradient

    g = gradient(model.potential, m[None, :])[0]
    v = -0.5 * g + (0.5 / model.alpha) * np.cross(m, g)
    if model.drift is not None:
        v = v + np.asarray(model.drift(m[None, :]))[0]
    return np.asarray(v)


def _linearised(model: SphereModel, m: FloatArray, eps: float = 1e-5
                ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Tangent components F of v at m and their Jacobian (central differences) in a frame (a, b)."""
    from spintorque.thermal.energy.orbits import tangent_frame

    a, b = tangent_frame(m)

    def F(x: float, y: float) -> FloatArray:
        p = _exp(m, x * a + y * b)
        v = velocity(model, p)
        return np.array([v @ (a - (a @ p) * p), v @ (b - (b @ p) * p)])
    J = np.column_stack([(F(eps, 0) - F(-eps, 0)) / (2 * eps), (F(0, eps) - F(0, -eps)) / (2 * eps)])
    return F(0.0, 0.0), J, a, b


def fixed_point(model: SphereModel, near: ArrayLike, max_iter: int = 80
                ) -> tuple[FloatArray, NDArray[np.complex128]] | None:
    """The fixed point of the drift next to ``near`` and the eigenvalues [1/tau_N] of its
    Jacobian (damped Newton in the tangent plane, steps ≤ 0.05 rad), or None if Newton does not
    converge within 60° of ``near`` (the fixed point has vanished)."""
    start = np.asarray(near, dtype=float) / np.linalg.norm(near)
    m = start
    for _ in range(max_iter):
        F, J, a, b = _linearised(model, m)
        scale = 1.0 + float(np.linalg.norm(J))
        if float(np.linalg.norm(F)) <= 1e-11 * scale:
            return m, np.asarray(np.linalg.eigvals(J), dtype=complex)
        step = -np.linalg.lstsq(J, F, rcond=None)[0]
        size = float(np.linalg.norm(step))
        if size > 0.05:
            step *= 0.05 / size
        m = _exp(m, step[0] * a + step[1] * b)
        if float(m @ start) < 0.5:
            return None
    return None


def sphere_landscape(model: SphereModel, well: ArrayLike, mfpt: float | None = None) -> Landscape:
    """Regime and effective barrier of the 2D problem started in ``well`` (see module doc).

    ``mfpt`` [tau_N] is needed for the activation exponent under a drift.
    """
    found = fixed_point(model, well)
    if found is None:
        return _none("the start state is gone: the drift has no fixed point near the start "
                     "direction")
    m, eigenvalues = found
    slowest = float(np.max(eigenvalues.real))
    if slowest >= -1e-9 * (1.0 + float(np.max(np.abs(eigenvalues)))):
        return _none(f"the start state is unstable: its linear relaxation rate is {-slowest:.4g} "
                     "/tau_N <= 0")
    if model.drift is None:
        barrier = _saddle_barrier(model, m)
        if barrier is None:
            return _single("the start state is stable and the only well: no saddle bounds it")
        return _with_barrier(barrier, "barrier")
    reason = ("under a spin torque the effective barrier is defined here only for axial magnets "
              "and in the low-damping limit (method 'energy'); not for the 2D problem at finite "
              "damping, where no potential exists")
    if mfpt is None or not (math.isfinite(mfpt) and mfpt > 0):
        return Landscape("critical", "stable start state; without a valid mean first-passage "
                         "time the escape cannot be called a rare event", None, reason)
    exponent = math.log(mfpt * -slowest)
    verdict = _with_barrier(exponent, "activation exponent ln(MFPT·|Re μ|) =")
    return Landscape(verdict.regime, verdict.reason, None, reason, exponent)


def _saddle_barrier(model: SphereModel, well: FloatArray) -> float | None:
    """U(saddle bounding the well) − U(well) [k_BT] from the critical points of U (divided by
    the effective temperature 1 + nu i); None if no saddle bounds the well."""
    from spintorque.thermal.energy.orbits import branch_about, critical_points

    points = critical_points(model.potential)
    minima = [c for c in points if c.kind == "minimum"]
    if not minima:
        return None
    start = max(minima, key=lambda c: float(c.direction @ well))
    try:
        return float(branch_about(model.potential, start, points).depth) / model.temperature_factor
    except InputError:  # no saddle bounds the well's orbits: it is the only well
        return None


def energy_landscape(problem: EnergyDiffusion) -> Landscape:
    """Regime and effective barrier of the orbit-averaged (α → 0) problem (see module doc)."""
    from spintorque.thermal.energy.diffusion import effective_barrier

    ratio = problem.well.work_ratio_at_extremum()
    if ratio >= 1.0:
        return _none("the start state is unstable: the torque's work per orbit exceeds the "
                     f"damping's loss at the bottom of the well (ratio {ratio:.4g} >= 1)")
    return _with_barrier(effective_barrier(problem))
