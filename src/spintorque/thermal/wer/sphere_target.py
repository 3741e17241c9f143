r"""The current for a target WER and read disturb on the 2D path (non-axial magnets; issue 14).

**Target current.** For each pulse t, J*(t) solves ln WER(J, t) = ln target, WER from the 2D
path (:func:`~spintorque.thermal.wer.sphere.sphere_write_error_rate`, ``method="auto"``: the
spherical-harmonic expansion at moderate damping, the finite-volume grids otherwise). One
evaluation gives WER at every pulse for one current (~10–25 s on the harmonic path), so the
search is a table, not a per-pulse secant: ln WER on Chebyshev–Lobatto nodes of the current
bracket (with any currents already computed, e.g. the command's own table), one refinement
round that adds currents at the interpolated roots (spread over the pulses by quantiles), and
per pulse the root of ln WER interpolated in |J| (placed by PCHIP and Brent's method as in the
axial :func:`~spintorque.thermal.wer.target.current_for_target`, whose ``_roots`` this reuses).

J* itself is the root of the cubic through the four nodes nearest the bracketing pair (on the
axial check, sigma = 10, 8 nodes over i = 1 … 3, PCHIP's root was 3e-6 … 3.5e-5 from the 1D
one, the local cubic's 3.7e-7 … 4.3e-6). Error estimate of J*, per pulse: the interpolation
error |J*_cubic − J*_quadratic| (the quadratic through the three nearest nodes: its error bounds
the cubic's once the nodes resolve ln WER; where either has no sign change between the pair,
PCHIP's root and its distance to the secant's), plus the WER's own relative error δ at those
nodes carried to J*: δ = Σ |ℓ_k(J*)| δ_k (ℓ_k the cubic's Lagrange weights, so a far node's
error counts by its small weight; the largest δ_k of the four had made J*(3 ns) on the in-plane
example rest on the 1e-2 error of a WER of 1e-10 at a node 6e10 A/m² away), then through the
slope, δ / |d ln WER / dJ| (a relative error δ of WER is an absolute error δ of ln WER; the
smaller of the cubic's slope at J* and the chord of the bracketing pair). J* is ``converged``
only where that δ meets ``rtol`` and ln WER decreases with |J| at that pulse beyond the WER
errors (``monotone``; WER decreasing with the current is what makes the root unique).

**Read disturb** (THERMAL.md §6): P(t) = 1 − WER(t) under a read current that keeps the start
well, the mass that has left the start side, from the same 2D evolution
(:func:`sphere_read_disturb`). The 2D paths compute the start-side mass, accurate in absolute
terms only (~1e-13 of the total on the harmonic path), so P carries the relative error
err_WER · WER / P and values below ~1e-7 are flagged not converged with their estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import PchipInterpolator

from spintorque.errors import InputError
from spintorque.thermal.wer.sphere import SphereWERProblem, sphere_write_error_rate
from spintorque.thermal.wer.target import _roots

if TYPE_CHECKING:
    from spintorque.thermal.sphere.model import SphereModel
    from spintorque.thermal.wer.rates import WERProblem, WERResult

    Factory = Callable[[NDArray[np.float64]], WERProblem | SphereWERProblem]

FloatArray = NDArray[np.float64]
TINY = 1e-300
"""Floor of a WER before its log (a WER below the double range is 'reached' for any target)."""


@dataclass(frozen=True)
class SphereTargetCurrent:
    """J*(t) with WER(J*, t) = target on the 2D path.

    Attributes
    ----------
    target : float
    pulse : ndarray
        Pulse lengths [tau_N].
    current_density : ndarray
        J* per pulse in the units of the problem factory (A/m² for a file; the sign of the
        bracket); NaN where the root lies outside the bracket (``outside``, ``reason``).
    error : ndarray
        Estimated absolute error of J*: interpolation error plus δ / |d ln WER / dJ| (inf where
        the WER has no certain digit or does not decrease); NaN where there is no root.
    outside : ndarray of bool
        True where the target is not reached inside the bracket.
    bracket : tuple of float
        The current range searched, as given.
    reason : tuple of str or None
        Per pulse: why there is no J* (None where there is one).
    wer_relative_error : ndarray
        Per pulse: the relative error of the WER at J* that the node errors δ_k give,
        Σ |ℓ_k(J*)| δ_k (the local cubic's Lagrange weights; where PCHIP placed J*, the largest
        δ_k of the four nearest nodes).
    converged : ndarray of bool
        Per pulse: those WER values meet ``rtol`` and ln WER decreases with |J| (``monotone``).
    rtol : float
        The relative accuracy asked of those WER values.
    monotone : ndarray of bool
        Per pulse: ln WER on the nodes never increases with |J| by more than the WER errors.
    interpolation_error : ndarray
        Per pulse: the interpolation part of ``error``.
    nodes : ndarray
        The currents at which WER was evaluated (ascending |J|).
    methods : tuple of str
        The 2D method of each node.
    node_write_error_rate, node_write_error_rate_error : ndarray (nodes, pulses)
        The WER table at the nodes and its relative error estimates.
    """

    target: float
    pulse: FloatArray
    current_density: FloatArray
    error: FloatArray
    outside: NDArray[np.bool_]
    bracket: tuple[float, float]
    reason: tuple[str | None, ...]
    wer_relative_error: FloatArray
    converged: NDArray[np.bool_]
    rtol: float
    monotone: NDArray[np.bool_]
    interpolation_error: FloatArray
    nodes: FloatArray
    methods: tuple[str, ...]
    node_write_error_rate: FloatArray
    node_write_error_rate_error: FloatArray

    @property
    def current_ratio(self) -> FloatArray:
        """I/I_c0: NaN (no closed-form I_c0 for a non-axial magnet)."""
        return np.full(self.pulse.size, math.nan)


def _check_bracket(bracket: tuple[float, float]) -> tuple[float, float, float]:
    lo, hi = (float(v) for v in bracket)
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo * hi < 0 or abs(lo) == abs(hi):
        raise InputError(
            "bracket",
            "the target search needs two different currents of one sign (the search runs "
            f"between them), got {bracket!r}",
        )
    sign = 1.0 if lo + hi > 0 else -1.0
    a, b = sorted((abs(lo), abs(hi)))
    return sign, a, b


def _evaluate(make: Factory, currents: FloatArray, times: FloatArray,
              rtol: float, method: str, workers: int | None) -> WERResult:
    problem = make(currents)
    if not isinstance(problem, SphereWERProblem):
        raise InputError("problem", "the 2D target search needs a problem solved on the sphere "
                         "(an axial one: axial_on_sphere, or the 1D current_for_target)")
    return sphere_write_error_rate(problem, times, rtol, method, workers)


def _monotone(log_wer: FloatArray, rel: FloatArray) -> NDArray[np.bool_]:
    """Per pulse (columns): no increase of ln WER from one node to the next (ascending |J|) by
    more than the two values' errors (log1p of the relative errors; inf: no certain digit)."""
    with np.errstate(invalid="ignore"):
        rise = np.diff(log_wer, axis=0) - np.log1p(rel[:-1]) - np.log1p(rel[1:])
    return np.asarray(~np.any(rise > 0, axis=0))


def _refinement(guess: FloatArray, have: FloatArray, count: int, span: float) -> FloatArray:
    """Up to ``count`` new currents at the interpolated roots: all of them where few, else their
    quantiles (the roots move with the pulse); none within 1e-6 of the span of a node."""
    if guess.size == 0 or count <= 0:
        return np.zeros(0)
    unique = np.unique(guess)
    picks = unique if unique.size <= count else np.quantile(unique, (np.arange(count) + 0.5) / count)
    new: list[float] = []
    for x in picks:
        if np.min(np.abs(np.concatenate([have, new]) - x)) > 1e-6 * span:
            new.append(float(x))
    return np.array(new)


def _local_nodes(x: FloatArray, k: int, m: int) -> NDArray[np.intp]:
    """The m nodes nearest the interval [x[k−1], x[k]] (those two included, neighbours added
    on the nearer side first)."""
    lo, hi = k - 1, k
    while hi - lo + 1 < min(m, x.size):
        left = x[k - 1] - x[lo - 1] if lo > 0 else math.inf
        right = x[hi + 1] - x[k] if hi + 1 < x.size else math.inf
        lo, hi = (lo - 1, hi) if left <= right else (lo, hi + 1)
    return np.arange(lo, hi + 1)


def _local_root(x: FloatArray, f: FloatArray, k: int, m: int
                ) -> tuple[float, NDArray[np.intp], FloatArray, float] | None:
    """The root in [x[k−1], x[k]] of the polynomial through the m nodes nearest it (degree
    m − 1; in a variable scaled to the interval), with those nodes, their Lagrange weights
    ℓ_k(x*) there (an error ε_k of f at node k moves the polynomial at x* by Σ ℓ_k ε_k) and its
    slope df/dx at x*; None where it has no sign change there."""
    from scipy.optimize import brentq

    idx = _local_nodes(x, k, m)
    a, h = x[k - 1], x[k] - x[k - 1]
    s_nodes = (x[idx] - a) / h
    coef = np.polyfit(s_nodes, f[idx], idx.size - 1)
    lo, hi = float(np.polyval(coef, 0.0)), float(np.polyval(coef, 1.0))
    if not (lo >= 0 >= hi):
        return None
    s = 0.0 if lo == 0 else 1.0 if hi == 0 else brentq(lambda v: float(np.polyval(coef, v)), 0.0, 1.0,
                                                        xtol=1e-14)
    weights = np.array([np.prod([(s - s_nodes[q]) / (s_nodes[p] - s_nodes[q])
                                 for q in range(idx.size) if q != p]) for p in range(idx.size)])
    return float(a + h * s), idx, weights, float(np.polyval(np.polyder(coef), s)) / h


LOCAL_NODES = 4
"""Nodes of the local interpolant of ln WER at the root (a cubic; its error is estimated by the
quadratic through the three nearest)."""


def sphere_current_for_target(
    make: Factory,
    target: float,
    pulses: ArrayLike,
    bracket: tuple[float, float],
    *,
    nodes: int = 5,
    refine: int = 3,
    rtol: float = 1e-6,
    method: str = "auto",
    workers: int | None = None,
    table: WERResult | None = None,
) -> SphereTargetCurrent:
    """Current J* with WER(J*, t) = target at each pulse t [tau_N], on the 2D path.

    Parameters
    ----------
    make : callable
        Currents (1D array, e.g. A/m²) → :class:`~spintorque.thermal.wer.sphere.SphereWERProblem`
        (e.g. ``functools.partial(problem_from_file, path)`` for a non-axial file).
    target : float
        The WER, in (0, 1).
    pulses : array_like
        Pulse lengths [tau_N].
    bracket : (float, float)
        Two currents of one sign; the search runs between them (in |J|).
    nodes : int
        Chebyshev–Lobatto nodes of the bracket (odd, >= 3) for the first table.
    refine : int
        Currents added at the interpolated roots after it (0: none).
    rtol : float
        Relative accuracy asked of the WER values (``converged``).
    method, workers
        Of :func:`~spintorque.thermal.wer.sphere.sphere_write_error_rate`.
    table : WERResult or None
        WER already computed at some currents of the same problem and pulses (the command's
        table): its currents inside the bracket are nodes too, and Chebyshev nodes within
        1e-6 of the bracket of one of them are not evaluated again.

    Notes
    -----
    Cost: one 2D WER run per node (all pulses at once), ``nodes + refine`` runs at most (fewer
    where ``table`` holds some nodes). See the module docstring for the error estimate.
    """
    if not 0.0 < target < 1.0:
        raise InputError("target", f"the target WER must be in (0, 1), got {target!r}")
    if nodes < 3 or nodes % 2 == 0:
        raise InputError("nodes", f"need an odd number >= 3, got {nodes}")
    if refine < 0:
        raise InputError("refine", f"need >= 0 refinement currents, got {refine}")
    sign, a, b = _check_bracket(bracket)
    times = np.atleast_1d(np.asarray(pulses, dtype=float))
    span = b - a
    xs: list[FloatArray] = []
    wers: list[FloatArray] = []
    errs: list[FloatArray] = []
    methods: list[str] = []
    if table is not None:
        density = table.problem.current_density
        given = np.asarray(density if density is not None else table.current_ratio, dtype=float)
        keep = (given * sign >= a - 1e-12 * span) & (given * sign <= b + 1e-12 * span)
        if table.pulse.shape != times.shape or not np.array_equal(table.pulse, times):
            keep[:] = False
        for k in np.flatnonzero(keep):
            if any(abs(abs(given[k]) - float(v[0])) <= 1e-12 * span for v in xs):
                continue  # a current given twice: one node
            xs.append(np.array([abs(given[k])]))
            wers.append(table.write_error_rate[k][None, :])
            errs.append(table.write_error_rate_error[k][None, :])
            methods.append(table.methods[k])
    cheb = a + span * 0.5 * (1.0 - np.cos(np.pi * np.arange(nodes) / (nodes - 1)))
    have = np.concatenate(xs) if xs else np.zeros(0)
    todo = np.array([x for x in cheb if have.size == 0 or np.min(np.abs(have - x)) > 1e-6 * span])

    def add(x_new: FloatArray) -> None:
        if x_new.size == 0:
            return
        r = _evaluate(make, sign * x_new, times, rtol, method, workers)
        xs.append(x_new)
        wers.append(r.write_error_rate)
        errs.append(r.write_error_rate_error)
        methods.extend(r.methods)

    def table_now() -> tuple[FloatArray, FloatArray, FloatArray, list[str]]:
        x = np.concatenate(xs)
        order = np.argsort(x)
        return (x[order], np.concatenate(wers)[order], np.concatenate(errs)[order],
                [methods[k] for k in order])

    add(todo)
    goal = math.log(target)
    x, w, e, _ = table_now()
    guess, outside = _roots(x, np.log(np.maximum(w, TINY)), goal)
    add(_refinement(guess[~outside], x, refine, span))
    x, w, e, names = table_now()
    return _solve(x, w, e, names, times, goal, target, sign, (float(bracket[0]), float(bracket[1])), rtol)


def _solve(x: FloatArray, w: FloatArray, e: FloatArray, names: list[str], times: FloatArray,
           goal: float, target: float, sign: float, bracket: tuple[float, float],
           rtol: float) -> SphereTargetCurrent:
    """The roots, their errors and flags from the final table (nodes ascending in |J|)."""
    log_wer = np.log(np.maximum(w, TINY))
    found, outside = _roots(x, log_wer, goal)
    monotone = _monotone(log_wer, e)
    n = times.size
    error, interp, delta = np.full(n, math.nan), np.full(n, math.nan), np.empty(n)
    converged = np.zeros(n, dtype=bool)
    reason: list[str | None] = [None] * n
    for j in range(n):
        f = log_wer[:, j] - goal
        if outside[j]:
            low_end = f[0] < 0
            k = 0 if low_end else -1
            delta[j], converged[j] = float(e[k, j]), bool(e[k, j] <= rtol)
            where = f"the bracket's {'lowest' if low_end else 'highest'} current J = {sign * x[k]:.4g}"
            reason[j] = (f"WER is already {w[k, j]:.3g} < {target:g} at {where}" if low_end
                         else f"not reached: WER is {w[k, j]:.3g} > {target:g} at {where}")
            continue
        k = max(int(np.argmax(f <= 0)), 1)
        fine, coarse = _local_root(x, f, k, LOCAL_NODES), _local_root(x, f, k, LOCAL_NODES - 1)
        chord = (f[k] - f[k - 1]) / (x[k] - x[k - 1])
        if fine is not None and coarse is not None:
            found[j], idx, weights, slope = fine
            interp[j] = abs(fine[0] - coarse[0])
            # the relative WER errors at the nodes, carried to ln WER at J* by the weights
            with np.errstate(invalid="ignore"):
                delta[j] = float(np.sum(np.where(weights == 0, 0.0, np.abs(weights) * e[idx, j])))
        else:  # the local polynomials wiggle: PCHIP's root, with the secant's distance to it
            secant = x[k - 1] - f[k - 1] * (x[k] - x[k - 1]) / (f[k] - f[k - 1])
            interp[j] = abs(found[j] - secant)
            delta[j] = float(np.max(e[_local_nodes(x, k, LOCAL_NODES), j]))
            slope = float(PchipInterpolator(x, f)(found[j], 1))
        steep = min(abs(slope), abs(chord)) if slope < 0 and chord < 0 else 0.0
        error[j] = interp[j] + delta[j] / steep if steep > 0 and math.isfinite(delta[j]) else math.inf
        converged[j] = bool(delta[j] <= rtol and math.isfinite(error[j]) and monotone[j])
    current = np.where(outside, math.nan, sign * found)
    return SphereTargetCurrent(
        target, times, current, np.where(outside, math.nan, error), outside, bracket, tuple(reason),
        delta, converged, rtol, monotone, interp, sign * x, tuple(names), w, e,
    )


def start_well_kept(model: SphereModel, u: FloatArray, settle: float = 1.0) -> bool:
    """Whether a stable fixed point of the deterministic drift lies on the start side m·u > 0
    under ``model``'s current: the drift v = −½∇U + (1/2α) m×∇U + w (THERMAL.md §3, times in
    tau_N) integrated from u for ``settle`` tau_N, then the Jacobian of v in the tangent plane
    there (central differences) has eigenvalues of negative real part only. False at and above
    the critical current (the start direction is unstable: a write, not a read)."""
    from scipy.integrate import solve_ivp

    from spintorque.thermal.sphere.harmonics import frame

    def v(m: FloatArray) -> FloatArray:
        m = m / np.linalg.norm(m)
        d, eye = 1e-5, np.eye(3)
        pts = np.concatenate([m + d * eye, m - d * eye])
        pts /= np.linalg.norm(pts, axis=1)[:, None]
        U = np.asarray(model.potential(pts), dtype=float) / model.temperature_factor
        g = (U[:3] - U[3:]) / (2 * d)
        g = g - (g @ m) * m
        out = -0.5 * g + np.cross(m, g) / (2 * model.alpha)
        if model.drift is not None:
            out = out + np.asarray(model.drift(m[None, :]), dtype=float)[0]
        return np.asarray(out)

    u = np.asarray(u, dtype=float)
    end = solve_ivp(lambda _t, m: v(m), (0.0, settle), u, method="LSODA", rtol=1e-9, atol=1e-12).y[:, -1]
    end = end / np.linalg.norm(end)
    if not end @ u > 0:
        return False
    e1, e2, _ = frame(end)
    h = 1e-4

    def tangent(x: float, y: float) -> FloatArray:
        m = end + x * e1 + y * e2
        w = v(m / np.linalg.norm(m))
        return np.array([w @ e1, w @ e2])

    jac = np.column_stack([(tangent(h, 0) - tangent(-h, 0)) / (2 * h),
                           (tangent(0, h) - tangent(0, -h)) / (2 * h)])
    return bool(np.all(np.isfinite(jac)) and np.max(np.linalg.eigvals(jac).real) < 0)


def sphere_read_disturb(problem: SphereWERProblem, times: FloatArray, rtol: float, method: str = "auto",
                        workers: int | None = None) -> WERResult:
    """Read disturb on the 2D path: ``switching_probability`` = 1 − WER of the result, with the
    relative error err_WER · WER / P (``quantity = "switching_probability"``, so ``converged``
    is about P). Refuses a current that leaves no start well (:func:`start_well_kept`)."""
    for k, model in enumerate(problem.models):
        if not start_well_kept(model, problem.axis):
            j = problem.current_density
            which = f"J = {j[k]:.4g} A/m^2" if j is not None else f"current {k}"
            raise InputError(
                "read current",
                f"{which} leaves no stable start state (it switches the cell deterministically: "
                "a write, not a read); a read current must be below the critical current",
            )
    result = sphere_write_error_rate(problem, times, rtol, method, workers)
    return replace(result, quantity="switching_probability")
