r"""Write-error rate of any macrospin from the 2D Fokker–Planck evolution on the sphere (THERMAL.md §6).

WER(t) = the probability on the start side m·u > 0 at the end of a pulse of length t, starting
from the Boltzmann distribution of the zero-current energy restricted to m·u > 0 and evolving
under the pulse's current by Brown's equation on the sphere
(:mod:`~spintorque.thermal.sphere.model`). The switching axis u is the one of
:func:`spintorque.dynamics.switching.switching_axis` (the easy axis, oriented to the start
direction), so the separatrix m·u = 0 is the surface on which the ensemble criterion's
threshold −c is centred, and for an axial magnet it is the 1D code's z = 0.

Numerics: the exponentially fitted finite-volume chain (:mod:`~spintorque.thermal.sphere.chain`)
on a grid whose cell edges contain m·u = 0 (so the start-side mass is a sum over whole cells):

* **axisymmetric** (U and the torque symmetric about u): N rings uniform in θ about u, one
  azimuthal cell (the 1D problem on the sphere's grid);
* **planar** (a strong easy plane: hard-axis energy above the barrier, the in-plane films):
  polar axis along the hard axis, N rings crowded towards the film plane, 4N azimuthal cells
  with edges at φ = 0, ±π/2, π from u;
* **axial-like** otherwise: N rings uniform in θ about u (N even: θ = π/2 an edge) × N cells.

Each grid is evolved by :func:`~spintorque.thermal.sphere.evolution.region_masses`
(shift-and-invert Krylov for masses ≥ 1e-5, the exact two-state tail beyond), and the stationary
floor M_∞ and the transient WER − M_∞ are each extrapolated in log to zero step over four grids
(powers h², h⁴, h⁶; :func:`sphere_row`); the error estimate is the change of the limit when the
coarsest grid is left out, replaced by the finest grid's value and the spread of all grids where
the values are not in the 1/N² regime (upwinded precession at low damping).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from spintorque.thermal.wer.rates import WERProblem, WERResult

from spintorque.errors import InputError
from spintorque.magnet.io import MacrospinInput
from spintorque.thermal.sphere import escape2d
from spintorque.thermal.sphere.chain import build_chain
from spintorque.thermal.sphere.evolution import region_masses
from spintorque.thermal.sphere.grid import SphereGrid, unit_vector
from spintorque.thermal.sphere.model import SphereModel, uniaxial_model
from spintorque.thermal.sphere.solvers import extrapolate

FloatArray = NDArray[np.float64]
SIZES = {"axisymmetric": (320, 448, 640, 896), "planar": (41, 49, 57, 65), "axial-like": (40, 48, 56, 64)}
"""Grid sizes N of each family (rings; planar: 4N azimuthal cells, axial-like: N)."""


@dataclass(frozen=True)
class SphereWERProblem:
    """A write problem on the sphere: one model per current, the zero-current model, the axis.

    Attributes
    ----------
    models : tuple of SphereModel
        The 2D problem at each current (times in tau_N).
    start_model : SphereModel
        The zero-current problem whose Boltzmann state, restricted to m·u > 0, is the start.
    axis : ndarray
        Switching axis u (unit, towards the start well).
    current_ratio : ndarray
        I/I_c0 per current where defined (NaN for a non-axial file: no closed-form I_c0).
    tau_N : float or None
        Free-diffusion time [s] (None: reduced units).
    current_density : ndarray or None
        Current densities [A/m²].
    describe : dict
        JSON-ready description of the magnet (reported with the result).
    """

    models: tuple[SphereModel, ...]
    start_model: SphereModel
    axis: FloatArray
    current_ratio: FloatArray
    tau_N: float | None = None
    current_density: FloatArray | None = None
    critical_current_density: float | None = None
    describe: dict[str, object] | None = None


def wer_grid_family(
    model: SphereModel, start: SphereModel, u: FloatArray, force: str | None = None
) -> tuple[str, Callable[[int], SphereGrid]]:
    """The grid family for the WER of ``model`` from ``start`` and n → grid (edges on m·u = 0).

    ``force="axial-like"`` keeps the azimuthal cells on a symmetric problem (a check of the 2D
    machinery against the 1D solvers).
    """
    reference = np.array([1.0, 0.0, 0.0]) if abs(u[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    if force not in (None, "axial-like"):
        raise InputError("family", f"only 'axial-like' can be forced, got {force!r}")
    if force is None and escape2d.axially_symmetric(model, u) and escape2d.axially_symmetric(start, u):
        return "axisymmetric", lambda n: SphereGrid.uniform(2 * (n // 2), 1, axis=u, reference=reference)
    family, make = escape2d.grid_family(start, u)
    if family == "planar" and force is None:
        hard = make(5).axis
        return "planar", lambda n: SphereGrid.equator_refined(
            n, 4 * n, escape2d.PLANAR_STRETCH, axis=hard, reference=u
        )
    return "axial-like", lambda n: SphereGrid.uniform(2 * (n // 2), 2 * (n // 2), axis=u, reference=reference)


@dataclass(frozen=True)
class SphereRow:
    """WER of one current: values, relative errors, λ1, family, sizes, whether in the 1/N² regime,
    and the stationary floor M_∞ (extrapolated; None where a grid's M_∞ underflows or did not
    converge)."""

    wer: FloatArray
    error: FloatArray
    lambda1: float
    family: str
    sizes: tuple[int, ...]
    asymptotic: bool
    floor: float | None = None


FLOOR_CONVERGED = 1e-6
"""Largest relative error of a grid's M_∞ for the floor to be extrapolated as its own term."""


def _second_order(sizes: tuple[int, ...], values: FloatArray) -> NDArray[np.bool_]:
    """Per time: successive differences of the last three grids shrink like 1/N² (within 30 %)."""
    n = np.asarray(sizes[-3:], dtype=float)
    v = values[-3:]
    d = np.diff(v, axis=0)
    expected = (1 / n[1] ** 2 - 1 / n[0] ** 2) / (1 / n[2] ** 2 - 1 / n[1] ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = d[0] / d[1]
    small = np.abs(d).max(axis=0) <= 1e-12 * np.maximum(np.abs(v[-1]), 1.0)
    return np.asarray(small | (np.abs(ratio / expected - 1.0) < 0.3))


def _log_limit(sizes: tuple[int, ...], logs: FloatArray) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Per column of ``logs`` (grids × values, finite): the h → 0 limit, its error (log units)
    and whether the column is in the 1/N² regime; outside it the finest grid's value, with the
    spread over all grids as its error (the extrapolation means nothing there)."""
    fits = np.array([extrapolate(sizes, logs[:, j]) for j in range(logs.shape[1])])
    ok = _second_order(sizes, logs)
    best = np.where(ok, fits[:, 0], logs[-1])
    err = np.where(ok, fits[:, 1], np.maximum(fits[:, 1], np.abs(logs[-1] - logs[0])))
    return best, err, ok


def _lambda1(sizes: tuple[int, ...], rates: list[float], asymptotic: bool) -> float:
    """λ1 from the per-grid slowest Ritz rates, or NaN where the grids do not resolve it.

    Each grid's rate is the slowest mode the start state excites in its Krylov space; it is
    trusted only when every grid gives a positive finite rate and the rates converge like 1/N²
    (:func:`_second_order`; on a strongly driven in-plane cell the Krylov spaces pick different
    modes on each grid, e.g. 8.80, 8.66, 9.78, 4.93 /tau_N, whose "limit" was −83 /tau_N).
    The limit is extrapolated where the WER itself is in the 1/N² regime (``asymptotic``), else
    the finest grid's rate; a limit that is not positive is NaN too.
    """
    r = np.asarray(rates, dtype=float)
    if not (np.all(np.isfinite(r)) and np.all(r > 0) and _second_order(sizes, r[:, None])[0]):
        return math.nan
    lam = extrapolate(sizes, r)[0] if asymptotic else float(r[-1])
    return lam if lam > 0 else math.nan


LAMBDA1_UNRESOLVED = (
    "null: the four 2D grids do not resolve lambda1 (their slowest excited rates are not "
    "positive or do not converge like 1/N^2)"
)
HARMONIC_LAMBDA1_UNRESOLVED = (
    "null: the spherical-harmonic operator does not resolve lambda1 (below ~1e-10 of its scale: "
    "a deep well, lambda1 ~ e^-barrier, which double precision cannot tell from the stationary "
    "mode; spintorque escape FILE --solver sphere gives such rates)"
)


def sphere_row(
    model: SphereModel,
    start: SphereModel,
    u: FloatArray,
    times: FloatArray,
    sizes: tuple[int, ...] | None = None,
    family: str | None = None,
) -> SphereRow:
    """WER at ``times`` [tau_N] for one current, extrapolated over the grids of its family
    (``sizes``: the grid sizes N, default :data:`SIZES`; ``family``: see :func:`wer_grid_family`).

    Each grid's mass is M_N(t) = M_∞,N + T_N(t), its stationary floor plus a transient that
    decays to zero. The two are smooth in h each, their sum is not at fixed t: the time where
    the transient falls below the floor differs from grid to grid, so near it log M_N is no
    power series in h, the 1/N² check fails and the finest grid's value (whose floor can lie
    far from the extrapolated one) would be reported between extrapolated ones — a curve that
    dips below its own floor and comes back. So log M_∞ and log T are extrapolated separately
    and WER = M_∞ + T ≥ M_∞, wherever T_N(t) > 0 on every grid and every M_∞,N converged; at
    other times (T at rounding level, or an undershoot of the floor) log M_N as a whole.
    """
    family, make = wer_grid_family(model, start, u, family)
    used = tuple(sizes if sizes is not None else SIZES[family])
    if len(used) < 3 or list(used) != sorted(set(used)) or min(used) < 8:
        raise InputError("sizes", "need at least three ascending grid sizes >= 8")
    masses, errors, floors, floor_errors, rates = [], [], [], [], []
    for n in used:
        grid = make(n)
        chain = build_chain(model, grid)
        side = grid.centres @ u > 0.0
        p0 = np.where(side, build_chain(start, grid).equilibrium(), 0.0)
        found = region_masses(chain, p0, side, times)
        masses.append(found.mass)
        errors.append(found.error)
        floors.append(found.stationary)
        floor_errors.append(found.stationary_error)
        rates.append(found.lambda1)
    mass, extra = np.array(masses), np.max(np.array(errors), axis=0)
    with np.errstate(divide="ignore"):
        stack = np.log(mass)
    positive = np.all(np.isfinite(stack), axis=0)
    best, err, ok = _log_limit(used, np.where(positive, stack, 0.0))
    with np.errstate(over="ignore"):
        wer = np.where(positive, np.minimum(np.exp(best), 1.0), 0.0)
        error = np.where(positive, np.expm1(np.minimum(err, 700.0)) + extra, np.inf)
    floor = None
    m_inf = np.array(floors)
    if np.all(m_inf > 0) and max(floor_errors) <= FLOOR_CONVERGED:
        f_log, f_err, f_ok = _log_limit(used, np.log(m_inf)[:, None])
        floor = float(np.exp(f_log[0]))
        floor_abs = floor * (float(np.expm1(min(f_err[0], 700.0))) + max(floor_errors))
        transient = mass - m_inf[:, None]
        above = np.all(transient > 0, axis=0)
        if above.any():
            safe = np.where(above, transient, 1.0)
            t_log, t_err, t_ok = _log_limit(used, np.log(safe))
            # each grid's absolute error of T: that of its mass and that of its floor
            absolute = np.array(errors) * mass + (m_inf * np.array(floor_errors))[:, None]
            t_extra = np.max(absolute / safe, axis=0)
            t_val = np.exp(t_log)
            with np.errstate(over="ignore"):
                t_abs = t_val * (np.expm1(np.minimum(t_err, 700.0)) + t_extra)
            total = floor + t_val
            wer = np.where(above, np.minimum(total, 1.0), wer)
            error = np.where(above, (floor_abs + t_abs) / total, error)
            ok = np.where(above, t_ok & f_ok[0], ok)
    lam = _lambda1(used, rates, bool(ok.all()))
    return SphereRow(wer, error, float(lam), family, used, bool(ok.all()), floor)


def problem_from_sphere_file(
    run: MacrospinInput, path: str, current_densities: FloatArray, temperature: float | None
) -> SphereWERProblem:
    """A :class:`SphereWERProblem` from a loaded macrospin run (any geometry) and J values [A/m²]."""
    from dataclasses import replace

    from spintorque.dynamics.switching import switching_axis
    from spintorque.thermal.sphere.model import sphere_reduction

    model, conditions = run.model, run.conditions
    if temperature is not None:
        conditions = replace(conditions, temperature=temperature)
    if not len(model.torques):
        raise InputError("torque", "the file has no spin torque: no write current", path)
    try:
        u, _ = switching_axis(model)
        start = sphere_reduction(model, replace(conditions, current_density=0.0))
        models = tuple(
            sphere_reduction(model, replace(conditions, current_density=float(J))).model
            for J in current_densities
        )
    except InputError as error:
        raise error.in_file(path) from None
    return SphereWERProblem(
        models,
        start.model,
        unit_vector(u, "axis"),
        np.full(len(models), math.nan),
        start.tau_N,
        np.asarray(current_densities, dtype=float),
        None,
        model.describe(),
    )


def sphere_write_error_rate(
    problem: WERProblem | SphereWERProblem, times: FloatArray, rtol: float, method: str = "sphere",
    workers: int | None = None,
) -> WERResult:
    """The 2D path for every current, as a :class:`~spintorque.thermal.wer.rates.WERResult`.

    ``method="energy"`` solves a non-axial problem by energy diffusion instead
    (:mod:`~spintorque.thermal.wer.energy`, refused in plain words outside its domain);
    ``"harmonics"`` by the spherical-harmonic Galerkin expansion
    (:mod:`~spintorque.thermal.wer.harmonics`). ``"auto"``, for a non-axial problem whose
    largest damping is below :data:`~spintorque.thermal.wer.energy.AUTO_ALPHA` (there the 2D
    grids upwind the precession): the harmonic path where every current's damping is at least
    :data:`~spintorque.thermal.wer.energy.HARMONIC_ALPHA` (energy diffusion is off by tens of
    per cent there: 1.4–2.2× at α = 0.1), energy diffusion below it where the averaged model
    applies; either refused in plain words (InputError) falls back to the next (harmonics →
    energy → 2D grids). The 2D grids otherwise.

    ``workers``: processes for the currents of the 2D grids and the (current, degree)
    evolutions of the harmonic path (:func:`~spintorque._parallel.resolve_workers`; None: the
    usable cores up to 8, 1: serial); bit-identical values. Energy diffusion is serial.
    """
    from spintorque._parallel import check_workers

    check_workers(workers)

    if method == "harmonics":  # spherical-harmonic Galerkin (thermal/wer/harmonics.py)
        from spintorque.thermal.wer.harmonics import harmonic_write_error_rate

        on_sphere = problem if isinstance(problem, SphereWERProblem) else axial_on_sphere(problem)
        return harmonic_write_error_rate(on_sphere, times, rtol, workers=workers)
    if method in ("auto", "energy"):
        from spintorque.thermal.wer.energy import AUTO_ALPHA, HARMONIC_ALPHA, energy_write_error_rate

        if not isinstance(problem, SphereWERProblem):
            if method == "energy":
                raise InputError("method", "energy diffusion is the path for non-axial magnets; "
                                 "an axial problem is solved exactly in 1D (auto or chain)")
            low = False
        else:
            low = max(m.alpha for m in problem.models) < AUTO_ALPHA
        if (method == "auto" and low and isinstance(problem, SphereWERProblem)
                and min(m.alpha for m in problem.models) >= HARMONIC_ALPHA):
            from spintorque.thermal.wer.harmonics import harmonic_write_error_rate

            try:
                return harmonic_write_error_rate(problem, times, rtol, workers=workers)
            except InputError:
                pass  # e.g. an energy or torque the expansion cannot represent: energy diffusion
        if isinstance(problem, SphereWERProblem) and (method == "energy" or low):
            try:
                return energy_write_error_rate(problem, times, rtol)
            except InputError:
                if method == "energy":
                    raise
    if times.size == 0 or not (np.all(np.isfinite(times)) and np.all(times >= 0)):
        raise InputError("pulse", "pulse lengths must be finite and >= 0")
    if not 0 < rtol < 1:
        raise InputError("rtol", f"must be in (0, 1), got {rtol!r}")
    sphere_problem = problem if isinstance(problem, SphereWERProblem) else axial_on_sphere(problem)
    from spintorque._parallel import parallel_map, resolve_workers

    start, u = sphere_problem.start_model, sphere_problem.axis
    # single-threaded BLAS in either case: Krylov bases and Hessenberg matrices are small (_blas)
    rows = parallel_map(lambda model: sphere_row(model, start, u, times), sphere_problem.models,
                        resolve_workers(workers, len(sphere_problem.models)))
    methods = tuple(f"sphere[{r.family} {'/'.join(map(str, r.sizes))}]" for r in rows)
    return two_d_result(sphere_problem, times, np.array([r.wer for r in rows]),
                        np.array([r.error for r in rows]), rows[0].sizes, rtol,
                        np.array([r.lambda1 for r in rows]), methods, "2d")


def two_d_result(problem: SphereWERProblem, times: FloatArray, wer: FloatArray, error: FloatArray,
                 cells: tuple[int, ...], rtol: float, lambda1: FloatArray, methods: tuple[str, ...],
                 solver: str) -> WERResult:
    """The :class:`~spintorque.thermal.wer.rates.WERResult` of a 2D path's rows (WER and its
    relative error per current and pulse): WER = 1 exactly at t = 0, the switching probability
    1 − WER with its relative error err·WER/(1 − WER)."""
    from spintorque.thermal.wer.rates import WERResult

    wer, err = wer.copy(), error.copy()
    at_zero = times == 0.0
    wer[:, at_zero], err[:, at_zero] = 1.0, 0.0
    switched = np.clip(1.0 - wer, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sw_err = np.where(switched > 0, err * wer / switched, np.where(at_zero, 0.0, np.inf))
    # a WER of 0 with no bound (inf) leaves the switched probability's error unknown too: inf,
    # not the NaN of inf · 0 (read disturb reports it; issue 14)
    sw_err = np.where(np.isnan(sw_err), np.inf, sw_err)
    return WERResult(problem.current_ratio, times, wer, switched, err, sw_err, cells, rtol,
                     lambda1, problem, methods, "write_error_rate", solver)


def axial_on_sphere(problem: WERProblem) -> SphereWERProblem:
    """The axial problem as a 2D one (alpha = 1; the WER does not depend on alpha there)."""
    m = problem.model
    eta = m.efficiency
    shape = None
    if eta is not None:
        pole = float(np.asarray(eta(np.array([1.0])))[0])

        def shape(z: FloatArray) -> FloatArray:
            return np.asarray(np.asarray(eta(z)) / pole)

    def make(i: float) -> SphereModel:
        return uniaxial_model(
            m.sigma, alpha=1.0, field=(0.0, 0.0, m.h), current_ratio=i, nu=m.nu, efficiency=shape
        )

    for i in problem.current_ratio:
        replace(m, i=float(i))  # the axial model's range checks
    return SphereWERProblem(
        tuple(make(float(i)) for i in problem.current_ratio),
        make(0.0),
        np.array([0.0, 0.0, 1.0]),
        problem.current_ratio,
        problem.tau_N,
        problem.current_density,
        problem.critical_current_density,
    )
