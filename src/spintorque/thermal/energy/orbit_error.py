r"""The errors of the orbit interpolants (rounding near the separatrix, truncation in u),
propagated into λ1.

An orbit U(m) = E is traced from evaluations of U in double precision, each rounded by about
ε·S (ε: the unit roundoff, S = max |U| over the critical points [k_BT]). Near the separatrix the
orbit integrals depend on E only through the level distance E_s − E = Δ u^Q, so the traced
orbit's M and W carry a relative error of about

.. math:: \delta(u) = \frac{\varepsilon S}{|E_s - E(u)|} = \frac{\varepsilon S}{\Delta u^Q},

which the interpolants of K = Φ|dE/du|/(D T̃ M) and of Ψ' = dE/du (1 − W/DM)/T̃ inherit at their
Chebyshev nodes. At the node nearest the separatrix this is ~1e-6 on a shallow well (Δ = 0.5,
S = 140 at sigma = 50, h = 0.9, degree 64; measured: M 7e-7 off its closed form there), and it
grows with the degree (the nodes move closer to u = 0), which the cell-halving estimate of λ1
does not see (measured: λ1 2.7e-10 from the exact 1D value against 9e-11 estimated).

:func:`orbit_rounding_error` builds every branch's K and Ψ again from node values moved by
δ(u_j) (capped at 1) and returns the relative change of λ1 on the same chain: the size of λ1's
error from the rounding of the orbit integrals, added to its estimate.

The interpolants' truncation in u is a second error the cell halving does not see (measured:
sigma = 500, h = 0.95, i = 0.6, λ1 3.9e-8 off the exact 1D value at degree 48, 1.1e-10 at 64,
1e-11 at 96, against 1.7e-12 estimated). :func:`truncation_error` is the change of λ1 when the
top quarter of every interpolant's Chebyshev coefficients is dropped: the error of a degree
3n/4 series, which bounds that of degree n where the series converges (geometrically, as here),
and which also removes most of the rounding noise of the top coefficients.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from spintorque.errors import InputError
from spintorque.thermal.energy import diffusion
from spintorque.thermal.energy.diffusion import (
    EIGEN_CELLS,
    EnergyBranch,
    EnergyDiffusion,
    _interpolant,
    _u_nodes,
    power,
)
from spintorque.thermal.energy.logchain import LogStar, log_inverse_rate


def rounding_bound(e: EnergyBranch, scale: float, degree: int) -> np.ndarray:
    """δ(u_j) = ε S / (Δ u_j^Q) at the interpolation nodes u_j of ``e`` (capped at 1)."""
    u = _u_nodes(degree)
    gap = e.branch.depth * u ** power(e.branch)
    with np.errstate(divide="ignore"):
        return np.asarray(np.minimum(np.finfo(float).eps * scale / gap, 1.0))


def perturbed(e: EnergyBranch, scale: float, degree: int, temperature: float) -> EnergyBranch:
    """``e`` with K and Ψ' rebuilt from node values moved by their rounding bound: K up (a
    larger resistance) and Ψ' by δ·|dE/du · W/DM|/T̃ (the torque term, zero without one;
    T̃ = ``temperature``)."""
    u = _u_nodes(degree)
    bound = rounding_bound(e, scale, degree)
    b = e.branch
    dE = -b.sign * power(b) * b.depth * u ** (power(b) - 1)
    slope = e.psi.deriv()(u)
    torque = np.abs(dE / temperature - slope)  # Ψ' = dE (1 − W/DM)/T̃
    flow = _interpolant(e.flow(u) * (1.0 + bound))
    psi = _interpolant(slope + bound * torque).integ(lbnd=0.0)
    return replace(e, flow=flow, psi=psi)


def orbit_rounding_error(ed: EnergyDiffusion, cells: int = EIGEN_CELLS // 2) -> float:
    """Relative change of λ1 when every branch's K and Ψ move by their rounding bound
    (module docstring), both on ``cells`` cells per branch (the chain's own error cancels)."""
    scale = 1.0 + max(abs(c.energy) for c in ed.points)
    branches = ed.branches
    moved = tuple(perturbed(e, scale, ed.degree, ed.model.temperature_factor) for e in branches)
    base, _ = log_inverse_rate(LogStar(branches, cells))
    shifted, _ = log_inverse_rate(LogStar(moved, cells))
    change = abs(math.expm1(base - shifted))
    return change if math.isfinite(change) else math.inf


def truncated(e: EnergyBranch, keep: int) -> EnergyBranch:
    """``e`` with Φ, K and Ψ' cut to their first ``keep`` Chebyshev coefficients."""
    psi = e.psi.deriv().truncate(keep).integ(lbnd=0.0)
    return replace(e, area=e.area.truncate(keep), flow=e.flow.truncate(keep), psi=psi)


def truncation_error(ed: EnergyDiffusion, cells: int = EIGEN_CELLS // 2) -> float:
    """Relative change of λ1 when every branch's interpolants lose the top quarter of their
    Chebyshev coefficients (module docstring), on ``cells`` cells per branch."""
    keep = 3 * ed.degree // 4 + 1
    branches = ed.branches
    base, _ = log_inverse_rate(LogStar(branches, cells))
    cut, _ = log_inverse_rate(LogStar(tuple(truncated(e, keep) for e in branches), cells))
    change = abs(math.expm1(base - cut))
    return change if math.isfinite(change) else math.inf


def log_smallest_eigenvalue_with_error(ed: EnergyDiffusion) -> tuple[float, float]:
    """ln(λ1·tau_N) (:func:`~spintorque.thermal.energy.diffusion.log_smallest_eigenvalue`) and
    its relative error estimate: the change when the chain is halved (after Richardson) plus
    :func:`orbit_rounding_error` and :func:`truncation_error`."""
    value = diffusion.log_smallest_eigenvalue(ed)  # looked up at the call (tests replace it)
    half = diffusion.log_smallest_eigenvalue(ed, EIGEN_CELLS // 2)
    return value, (abs(math.expm1(half - value)) + orbit_rounding_error(ed)
                   + truncation_error(ed))


def _with_branches(ed: EnergyDiffusion, branches: tuple[EnergyBranch, ...]) -> EnergyDiffusion:
    """``ed`` with its branches replaced (the well first), for a quantity evaluated on them."""
    moved = replace(ed, well=branches[0])
    moved.__dict__["branches"] = branches  # the cached_property's slot: no rebuild
    return moved


def interpolant_error(ed: EnergyDiffusion, log_quantity: Callable[[EnergyDiffusion], float]
                      ) -> float:
    """The relative changes of exp(``log_quantity``) (a logarithm: MFPT, τ_int) when every
    branch's K and Ψ move by their rounding bound (:func:`perturbed`) and when the interpolants
    lose their top quarter of Chebyshev coefficients (:func:`truncated`), added: the orbit
    interpolants' errors that the cell halving and the spectral node doubling do not see (the
    same blind spot as λ1's; measured on axial problems against the exact 1D solver: MFPT
    5.2e-11 off at sigma = 20, h = −0.5, i = −1 against an estimate of 1e-12, τ_int 2.6e-11
    against 2.6e-12, the 1D values there within 2e-15 of mpmath)."""
    scale = 1.0 + max(abs(c.energy) for c in ed.points)
    keep = 3 * ed.degree // 4 + 1
    temperature = ed.model.temperature_factor
    branches = ed.branches
    base = log_quantity(ed)
    total = 0.0
    for moved in (tuple(perturbed(e, scale, ed.degree, temperature) for e in branches),
                  tuple(truncated(e, keep) for e in branches)):
        try:
            change = abs(math.expm1(log_quantity(_with_branches(ed, moved)) - base))
        except InputError:
            return math.inf
        total += change if math.isfinite(change) else math.inf
    return total
