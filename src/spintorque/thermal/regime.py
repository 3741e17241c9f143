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
* sphere, energy and torque axially symmetric about the start direction u (a polariser along
  −z, the diffusive torque of an axial stack): the m·u modes are exactly 1D, with
  U_eff'(z) = ∂_z U − 2 w·u/(1 − z²) (:func:`effective_slope`), and the rules of the sampled
  axial case apply (:func:`profile_landscape`; issue 14: such a problem had been called
  "thermally activated" from the exponent of an excursion to the equator in a single well);
* sphere, otherwise: the start state is the fixed point of the deterministic drift
  v = −D∇U + (D/α) m×∇U + w next to the energy minimum (Newton in the tangent plane); stable when
  both eigenvalues of its Jacobian have negative real parts. Without a drift the barrier is the
  energy of the saddle bounding the well minus that of the well. Under a non-conservative torque
  no potential exists: the barrier is None; a second state exists where the drift has another
  attractor (:func:`other_attractor`: a second stable fixed point, or trajectories from the
  reversed direction that do not return), else "single well"; the height follows from the
  activation exponent ln(MFPT·|Re μ|) (μ: the slowest linear relaxation rate of the fixed
  point), which on the axis tracks the barrier within ~1 k_BT (sigma = 40: 18.5 for 19.6, 4.4
  for 4.9), or, for a method without an MFPT (``"harmonics"``, issue 14), from
  ln(|Re μ|/k) with k an upper bound on the forward rate (λ1·P_st(m·u < 0), or the harmonic
  operator's resolution where λ1 is below it): a lower bound on the exponent (6.36 and 1.55
  against the grids' 6.16 and 1.68 on a tilted problem at α = 1, sigma = 10);
* energy diffusion (α → 0): the orbit-averaged stationary exponent Ψ; unstable when the torque's
  work per orbit exceeds the damping's loss at the bottom of the well (ratio >= 1).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
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
        "lambda1": "relaxation rate between the two wells, λ1 = k_fwd + k_back: the sum of the "
                   "forward (out of the start well) and backward switching rates, dominated by "
                   "the shallower well's escape; the forward rate alone is switching_rate",
        "mfpt": "mean first-passage time from the start well to the separatrix m·u = 0, the "
                "later of it and the transition surface m·u = z* (the top of the effective "
                "potential between the wells; z* = −h_eff on the axis), which lies before it "
                "here (z* >= 0: no field, or a current destabilising the start): the mean "
                "switching time, ≈ 1/switching_rate where the effective potential falls by "
                "more than ~1 k_BT from the top to the separatrix (on the axis sigma·z*² k_BT), "
                "tending to 1/(2·switching_rate) as z* → 0 (symmetric wells: exactly, since "
                "from the top the state goes on or falls back with equal odds)",
        "switching_rate": "forward switching rate out of the start well, k_fwd = λ1·P_stat(beyond "
                          "the transition surface) (two-state split); 1/k_fwd is the mean dwell "
                          "time in the start well"},
    "critical": {
        "lambda1": "slowest relaxation; the barrier is below 5 k_BT, so escape and relaxation "
                   "inside the well are not separated",
        "mfpt": "mean first-passage time from the start well to the separatrix m·u = 0 (the "
                "later of it and the transition surface m·u = z*, the top of the effective "
                "potential, which lies before it here; not a rare event)",
        "switching_rate": "not reported: below 5 k_BT no switching rate separates from the "
                          "relaxation"},
    "no barrier": {
        "lambda1": "slowest relaxation: away from the unstable start state (or, at sigma = 0, "
                   "free rotational diffusion)",
        "mfpt": "transit time from the (unstable) start direction to the equator m·u = 0 (drift "
                "or free diffusion, no activation; no transition surface exists)",
        "switching_rate": "not reported: switching is a transit, not a rate process"},
    "single well": {
        "lambda1": "slowest relaxation of the sphere, away from the reversed direction (an "
                   "energy maximum here; ≈ 2 sigma (h_eff − 1) on a deep axial landscape): not "
                   "an escape rate, there is no reversed state to escape to",
        "mfpt": "mean time of a first excursion up to the equator m·u = 0, from which the "
                "state falls back: not a switching time",
        "switching_rate": "not reported: there is no reversed state to switch to"},
}
"""What λ1 and the MFPT measure in each regime (THERMAL.md §6), where the MFPT goes to the
separatrix (:data:`MFPT_TO_TOP` where it goes to a transition surface beyond it)."""

MFPT_TO_TOP = {
    "thermally activated": "mean first-passage time from the start well to the transition "
                           "surface m·u = z* (the top of the effective potential between the "
                           "wells; z* = −h_eff on the axis), the later of it and the separatrix "
                           "m·u = 0: z* < 0 here (a field or current stabilising the start); "
                           "from the top the state goes on or falls back with equal odds, so "
                           "the mean switching time is 1/switching_rate ≈ 2·MFPT "
                           "(1 + O(barrier^-1/2))",
    "critical": "mean first-passage time from the start well to the transition surface m·u = z* "
                "(the top of the effective potential, beyond the separatrix m·u = 0 here: "
                "z* < 0; not a rare event)",
}
"""The MFPT's meaning where the transition surface lies beyond the separatrix (z* < 0)."""


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
    transition: float | None = None
    """m·u of the transition surface (the top of the effective potential between the start
    well and the reversed state; axial: z* = −h_eff for a constant efficiency), the target of
    the reported mean first-passage time; None where there is none (no barrier, single well:
    the MFPT is then taken to the equator m·u = 0)."""
    reversed_barrier_kT: float | None = None
    """Barrier [k_BT] of the reversed state: the effective potential's fall from the transition
    surface to the bottom beyond it (None where not located). Below
    :data:`ACTIVATED_BARRIER_KT` the reversed state is not metastable and no two-state
    switching rate is reported."""
    top_beyond_separatrix: bool = False
    """The top of the effective potential lies beyond the separatrix also where ``transition``
    is None (the energy method: the top of Ψ in the other well's orbits)."""

    @property
    def mfpt_to_top(self) -> bool:
        """Whether the reported MFPT goes to the transition surface (it lies beyond the
        separatrix: z* < 0) rather than to the separatrix m·u = 0 (see
        :func:`spintorque.thermal.methods.mfpt_target`)."""
        if self.regime not in MFPT_TO_TOP:
            return False
        return self.top_beyond_separatrix or (self.transition is not None
                                              and self.transition < -1e-12)

    @property
    def meaning(self) -> dict[str, str]:
        """What λ1 and the MFPT measure in this regime (:data:`MEANINGS`, :data:`MFPT_TO_TOP`)."""
        if self.mfpt_to_top:
            return {**MEANINGS[self.regime], "mfpt": MFPT_TO_TOP[self.regime]}
        return MEANINGS[self.regime]


def _with_barrier(barrier: float, what: str = "effective barrier",
                  transition: float | None = None, back: float | None = None) -> Landscape:
    if barrier >= ACTIVATED_BARRIER_KT:
        return Landscape("thermally activated", f"{what} {barrier:.4g} k_BT >= "
                         f"{ACTIVATED_BARRIER_KT:g} k_BT: escape is a rare event", barrier,
                         transition=transition, reversed_barrier_kT=back)
    return Landscape("critical", f"{what} {barrier:.4g} k_BT < {ACTIVATED_BARRIER_KT:g} k_BT: "
                     "escape is not a rare event", barrier, transition=transition,
                     reversed_barrier_kT=back)


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
        stability = (1.0 + model.h) * (1.0 - model.i) + 0.0  # + 0.0: no "-0" when h = −1
        if stability == 0.0:
            # h_eff = −1: U = σ − σ(1 − z)², flat to second order in the angle at the pole
            return _none("the start state is marginally unstable, not a well: the effective field "
                         "h_eff = h − i(1 + h) = −1 cancels the anisotropy at the pole "
                         "((1 + h)(1 − i) = 0), so nothing restores m_z = +1 to linear order "
                         "and the energy falls away from it at fourth order in the angle")
        if stability < 0.0:
            return _none(f"the start state is unstable: (1 + h)(1 − i) = {stability:.4g} < 0, "
                         f"i.e. the effective field h_eff = h − i(1 + h) = {stability - 1:.4g} "
                         "overcomes the anisotropy (h_eff < −1) and pushes m_z = +1 away")
        if stability >= 2.0:
            return _single(f"the start state is stable and the only well (h_eff = h − i(1 + h) "
                           f"= {stability - 1:.4g} >= 1)")
        # the top of U = −sigma z² − 2 sigma h_eff z is at z* = −h_eff = 1 − stability
        return _with_barrier(model.sigma * stability**2 / model.diffusion,
                             transition=1.0 - stability,
                             back=model.sigma * (2.0 - stability) ** 2 / model.diffusion)
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
    top, where = (float(U[k]), float(z[k])) if float(U[k]) >= -float(best.fun) else (
        -float(best.fun), float(best.x))
    beyond = U[z <= where]
    back = (top - float(beyond.min())) / D if beyond.size else 0.0
    return _with_barrier((top - float(U[0])) / D, transition=where, back=back)


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


# --- the sphere: the effective potential of m·u --------------------------------------------
_AZIMUTHS = 64


def _meridian(u: FloatArray, a: FloatArray, b: FloatArray, z: FloatArray,
              phi: FloatArray) -> FloatArray:
    """Directions m(z, φ) = √(1 − z²)(cos φ a + sin φ b) + z u, shape (z, φ, 3)."""
    r = np.sqrt(np.clip(1.0 - z * z, 0.0, None))[:, None, None]
    ring = np.cos(phi)[None, :, None] * a + np.sin(phi)[None, :, None] * b
    return np.asarray(r * ring + z[:, None, None] * u)


def effective_slope(model: SphereModel, u: ArrayLike) -> Callable[[FloatArray], FloatArray]:
    r"""dU_eff/dz of the m·u dynamics about the start direction u, z = m·u [k_BT]:

    .. math:: U_{eff}'(z) = \partial_z U(z, \varphi_s) - \frac{2\langle w\cdot u\rangle_\varphi(z)}{1 - z^2}

    (divided by the effective temperature 1 + nu i), from 2 tau_N ∂_t W = ∂_z[(1 − z²)(∂_z W +
    W ∂_z U) − 2 w_z W] (D = 1/2): exact for a problem axially symmetric about u (then U and
    w·u do not depend on the azimuth φ and the m·u modes are those of a 1D problem); otherwise
    U is taken along the meridian of the lowest pass φ_s (the saddle's, so that without a drift
    the top is the saddle) and w·u averaged over the azimuth (the orbit average of the
    low-damping limit on circular orbits): an approximation, used only to place the transition
    surface of a non-axial torque.
    """
    from spintorque.thermal.energy.orbits import gradient, tangent_frame

    v = np.asarray(u, dtype=float) / float(np.linalg.norm(u))
    a, b = tangent_frame(v)
    phi_all = 2.0 * math.pi * np.arange(_AZIMUTHS) / _AZIMUTHS
    zs = np.cos(np.linspace(1e-3, math.pi - 1e-3, 801))
    tops = np.asarray(model.potential(_meridian(v, a, b, zs, phi_all)), dtype=float).max(axis=0)
    k = int(np.argmin(tops))
    if float(tops.max() - tops.min()) > 1e-10 * (1.0 + float(np.abs(tops).max())):
        step = 2.0 * math.pi / _AZIMUTHS

        def top(p: float) -> float:
            return float(np.max(model.potential(_meridian(v, a, b, zs, np.array([p])))))
        phi_s = float(minimize_scalar(top, bounds=(phi_all[k] - step, phi_all[k] + step),
                                      method="bounded", options={"xatol": 1e-12}).x)
    else:
        phi_s = 0.0
    T = model.temperature_factor

    def slope(z: FloatArray) -> FloatArray:
        z = np.asarray(z, dtype=float)
        r = np.sqrt(np.clip(1.0 - z * z, 1e-300, None))
        m = _meridian(v, a, b, z, np.array([phi_s]))[:, 0, :]
        rho = (m - z[:, None] * v) / r[:, None]
        dm = -(z / r)[:, None] * rho + v  # ∂m/∂z along the meridian
        g = np.einsum("ij,ij->i", gradient(model.potential, m), dm)
        if model.drift is not None:
            ring = _meridian(v, a, b, z, phi_all)
            w = np.asarray(model.drift(ring), dtype=float) @ v
            g = g - 2.0 * w.mean(axis=1) / (r * r)
        return np.asarray(g / T)
    return slope


def profile_landscape(model: SphereModel, u: ArrayLike) -> Landscape:
    """Regime, barrier and transition surface from :func:`effective_slope` (the rules of
    :func:`axial_landscape` for a sampled potential: stable while U_eff' < 0 at the start,
    a reversed state while U_eff has a maximum on the way down to m·u = −1)."""
    from scipy.integrate import quad
    from scipy.optimize import brentq

    slope = effective_slope(model, u)
    theta = np.linspace(1e-4, math.pi - 1e-4, 4001)
    z = np.cos(theta)
    g = slope(z)
    if g[0] >= 0.0:
        return _none("the start state is unstable: the effective potential of m·u falls away "
                     f"from the start direction (dU_eff/dz there = {g[0]:.4g} k_BT >= 0)")
    up = np.nonzero(g >= 0.0)[0]
    if up.size == 0:
        return _single("the start state is stable and the only well: the effective potential "
                       "of m·u rises all the way to the reversed direction")
    k = int(up[0])
    top = float(brentq(lambda x: float(slope(np.array([x]))[0]), z[k], z[k - 1], xtol=1e-14))
    barrier = -quad(lambda x: float(slope(np.array([x]))[0]), top, 1.0, epsabs=0.0,
                    epsrel=1e-12, limit=200)[0]
    # the fall beyond the top: U_eff(top) − min U_eff below it (trapezoid, a threshold only)
    below = z <= top
    zb, gb = np.concatenate([[top], z[below]]), np.concatenate([[0.0], g[below]])
    fall = np.concatenate([[0.0], np.cumsum(0.5 * (gb[1:] + gb[:-1]) * np.diff(zb))])
    return _with_barrier(barrier, transition=top, back=float(-np.min(fall)))


def sphere_landscape(model: SphereModel, well: ArrayLike, mfpt: float | None = None,
                     forward_rate_bound: tuple[float, str] | None = None) -> Landscape:
    """Regime and effective barrier of the 2D problem started in ``well`` (see module doc).

    Under a non-conservative drift off the axis the height of the barrier is measured by the
    activation exponent: ln(MFPT·|Re μ|) from ``mfpt`` [tau_N] where one is given, else
    ln(|Re μ|/k) from ``forward_rate_bound`` = (k, how it was bounded), an upper bound k
    [1/tau_N] on the forward switching rate (e.g. λ1 >= k_fwd, or λ1 times the stationary mass
    beyond the separatrix), which makes the exponent a lower bound.
    """
    found = fixed_point(model, well)
    if found is None:
        return _none("the start state is gone: the drift has no fixed point near the start "
                     "direction")
    m, eigenvalues = found
    slowest = float(np.max(eigenvalues.real))
    # the Jacobian is a central difference (step 1e-5 rad): its eigenvalues carry truncation and
    # rounding errors (~1e-6 /tau_N at sigma = 10, α = 0.1), estimated from a second step, 2e-5;
    # a rate within twice that of zero is zero as far as these numbers tell
    again = np.sort(np.linalg.eigvals(_linearised(model, m, 2e-5)[1]).real)
    noise = float(np.max(np.abs(np.sort(eigenvalues.real) - again)))
    tolerance = max(1e-9 * (1.0 + float(np.max(np.abs(eigenvalues)))), 2.0 * noise)
    if abs(slowest) < tolerance:
        # e.g. hard_ratio = −1: the "easy plane" term cancels the easy axis, a flat direction
        return _none("the start state is marginal, not a well: its slowest linear relaxation "
                     f"rate is zero within its numerical error (|rate| = {abs(slowest):.2g} /tau_N < "
                     f"{tolerance:.2g}), so nothing restores it along some direction to linear order "
                     "(a flat direction of the energy, a degenerate well; or a torque that cancels "
                     "the damping there) and there is no barrier to escape over")
    if slowest > 0.0:
        return _none(f"the start state is unstable: a small deviation from it grows at the rate "
                     f"{slowest:.4g} /tau_N (its linearised drift has an eigenvalue with positive "
                     "real part)")
    from spintorque.thermal.sphere.escape2d import axially_symmetric

    if axially_symmetric(model, m):  # the m·u modes are exactly 1D: U_eff exists
        return profile_landscape(model, m)
    # about the well's energy minimum, the axis of the 2D solver's grids and target surface
    profile = profile_landscape(model, np.asarray(well, dtype=float))
    transition, back = profile.transition, profile.reversed_barrier_kT
    if model.drift is None:
        barrier = _saddle_barrier(model, m)
        if barrier is None:
            return _single("the start state is stable and the only well: no saddle bounds it")
        return _with_barrier(barrier, "barrier", transition, back)
    # the averaged profile of m·u is an estimate off the axis (on the in-plane example under
    # −1e11 A/m² it called the stable start state unstable: circles about u miss the easy
    # plane's stiffness), so whether a second state exists is asked of the drift itself
    other = other_attractor(model, m, slowest)
    if other is None:
        return _single("the start state is stable and the only attractor of the drift: "
                       "trajectories from the other energy minima and the reversed direction "
                       "all end in it")
    reason = ("under a spin torque the effective barrier is defined here only for axial magnets "
              "and in the low-damping limit (method 'energy'); not for the 2D problem at finite "
              "damping, where no potential exists")
    if mfpt is not None and math.isfinite(mfpt) and mfpt > 0:
        exponent = math.log(mfpt * -slowest)
        verdict = _with_barrier(exponent, "activation exponent ln(MFPT·|Re μ|) =")
        why = verdict.reason
    elif forward_rate_bound is not None and math.isfinite(forward_rate_bound[0]) \
            and forward_rate_bound[0] > 0:
        k, how = forward_rate_bound
        exponent = math.log(-slowest / k)
        verdict = _with_barrier(exponent, "activation exponent ln(|Re μ|/k_fwd) >=")
        why = f"{verdict.reason} (k_fwd <= {k:.4g} /tau_N: {how}; |Re μ| = {-slowest:.4g} /tau_N)"
    else:
        return Landscape("critical", f"stable start state with {other}; without a valid mean "
                         "first-passage time or rate the escape cannot be called a rare event",
                         None, reason, transition=transition, reversed_barrier_kT=back)
    return Landscape(verdict.regime, why, None, reason, exponent, transition, back)


def other_attractor(model: SphereModel, start: FloatArray, slowest: float) -> str | None:
    """A state of the deterministic drift other than the stable start fixed point ``start``
    that trajectories end in (a second stable fixed point, or, where none is found, wherever the
    drift from the reversed direction leads), in words; None where all end at ``start``.

    Probes: the energy minima other than the start and the reversed direction −start. A probe
    whose fixed point (:func:`fixed_point`) is stable and distinct from the start is a second
    well; otherwise the drift is integrated from it for 50 relaxation times 1/|Re μ| of the
    start and checked against the start (0.05 rad)."""
    from spintorque.thermal.energy.orbits import critical_points

    probes = [c.direction for c in critical_points(model.potential)
              if c.kind == "minimum" and float(c.direction @ start) < math.cos(0.1)]
    probes.append(-start)
    for probe in probes:
        found = fixed_point(model, probe)
        if found is not None and float(found[0] @ start) < math.cos(0.1) \
                and float(np.max(found[1].real)) < 0.0:
            where = ", ".join(f"{c:.3g}" for c in found[0])
            return f"a second stable state of the drift at m = ({where})"
    ends = [_drift_end(model, probe, 50.0 / abs(slowest)) for probe in probes]
    for probe, end in zip(probes, ends, strict=True):
        if float(end @ start) < math.cos(0.05):
            where = ", ".join(f"{c:.3g}" for c in probe)
            return (f"a second attractor of the drift (from m = ({where}) it does not return to "
                    "the start state)")
    return None


def _drift_end(model: SphereModel, m0: FloatArray, duration: float) -> FloatArray:
    """Where the deterministic drift dm/dt = v(m) (:func:`velocity`) carries m0 (nudged by
    1e-3 rad off a fixed point) after ``duration`` tau_N."""
    from scipy.integrate import solve_ivp

    from spintorque.thermal.energy.orbits import tangent_frame

    a, _ = tangent_frame(np.asarray(m0, dtype=float))
    start = _exp(np.asarray(m0, dtype=float), 1e-3 * a)

    def rhs(_t: float, y: FloatArray) -> FloatArray:
        m = y / float(np.linalg.norm(y))
        v = velocity(model, m)
        return np.asarray(v - (v @ m) * m)
    path = solve_ivp(rhs, (0.0, duration), start, method="DOP853", rtol=1e-9, atol=1e-11)
    end = np.asarray(path.y[:, -1], dtype=float)
    return np.asarray(end / float(np.linalg.norm(end)))


def transition_surface(model: SphereModel, u: ArrayLike) -> float | None:
    """m·u of the transition surface of the start well u (:func:`profile_landscape`), None
    where there is no barrier top."""
    return profile_landscape(model, u).transition


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
    from spintorque.thermal.energy.diffusion import transition_point

    try:  # the top of Ψ may lie beyond the separatrix (a stabilising torque)
        branch, u = transition_point(problem)
    except InputError:
        branch, u = 0, 0.0
    grid = np.linspace(0.0, 1.0, 20001)
    back = None
    if branch == 0:
        barrier = effective_barrier(problem)
        top = float(problem.well.psi(u))
        try:
            others = [e for e in problem.branches[1:] if e.branch.sign > 0]
            lowest = min([float(np.min(e.psi(grid))) for e in others]
                         + [float(np.min(problem.well.psi(grid[grid <= u])))])
            back = top - lowest if others else None
        except InputError:
            back = None
        return _with_barrier(barrier, back=back)
    other = problem.branches[branch]
    bottom = float(np.min(problem.well.psi(grid)))
    top = float(other.psi(u))
    back = top - float(np.min(other.psi(grid[grid >= u])))
    return replace(_with_barrier(top - bottom, back=back), top_beyond_separatrix=True)
