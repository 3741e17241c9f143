r"""Write-error rate and read disturb of an axially symmetric macrospin (THERMAL.md §6).

Definitions (followed exactly):

* WER(i, t) — the probability left on the start side (z = cos θ > 0) at the end of a pulse of
  reduced current i and length t [tau_N], starting from the Boltzmann distribution of the start
  well at zero current, P0(z) ∝ exp(σ z² + 2σ h z) on 0 < z ≤ 1, and evolving under

  .. math:: 2\tau_N \partial_t W = D\,\partial_z\big[(1 - z^2)(\partial_z W + W \partial_z U/D)\big],
            \quad U = -\sigma z^2 - b z,\; b = 2\sigma(h - i(1 + h)),\; D = 1 + \nu i

  (:class:`~spintorque.thermal.axial.AxialModel`; any torque shape eta(z) through its potential);
* read disturb R(i, t) — the same with a read current i < 1: the probability of having switched,
  the mass on z < 0, computed directly (not as 1 − WER).

Numerics: the exponentially fitted finite-volume chain (:mod:`~spintorque.thermal.wer.chain`)
on N = base·2^k cells, evolved by the cancellation-free positive propagator
(:mod:`~spintorque.thermal.wer.propagator`); the O(h²) grid error removed by Romberg
extrapolation of log WER and log R over the grids, whose last two entries give the error
estimate. A WER of 1e-30 has the same relative accuracy as one of 0.5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.wer.chain import EQUATOR_GRADING, build_chain, initial_state
from spintorque.thermal.wer.propagator import side_masses
from spintorque.thermal.wer.spectral import spectral_start_mass
from spintorque.thermal.wer.sphere import SphereWERProblem, sphere_write_error_rate

FloatArray = NDArray[np.float64]
BASE_CELLS = 64
SHORT_PULSE = 0.1
"""Pulses up to this length [tau_N, after the nu rescaling] are evolved on the chain graded
towards the cut of P0 at z = 0 (:data:`~spintorque.thermal.wer.chain.EQUATOR_GRADING`); longer
ones on cells uniform in θ, whose smaller uniformisation rate keeps the rounding bound of long
evolutions small (issue 14)."""
METHODS = {
    "auto": "spectral without a start well (chain where it misses rtol), chain with one",
    "chain": "exponentially fitted finite-volume chain (exact detailed balance), nonnegative "
    "propagator (uniformisation + squaring), Romberg over grids",
    "spectral": "Legendre-Galerkin: expm where WER >= 1e-6, slowest modes beyond",
    "axial": "the 1D (axial) solvers, chosen as by auto",
    "sphere": "2D Fokker-Planck on the sphere: finite-volume chain, shift-and-invert Krylov "
    "evolution with the two-state tail, extrapolated over four grids",
    "energy": "low-damping limit: energy diffusion on the star graph of precession-orbit "
    "branches, nonnegative propagator, Romberg over 32/64/128/256 cells per branch",
    "harmonics": "2D Fokker-Planck on the sphere: spherical-harmonic Galerkin expansion (no "
    "numerical diffusion), expm_multiply, spread over degrees L/1.25L/1.5L",
}


@dataclass(frozen=True)
class WERProblem:
    """A write / read problem: the reduced model, the currents, and (optionally) physical units.

    Attributes
    ----------
    model : AxialModel
        sigma, h, nu and torque shape; its own ``i`` is ignored (the currents below are used).
    current_ratio : ndarray
        Reduced currents i = I/I_c0(h) (> 0 destabilises the start well).
    tau_N : float or None
        Free-diffusion time [s] (None: times in tau_N).
    current_density : ndarray or None
        The physical current densities [A/m²] the ratios come from.
    critical_current_density : float or None
        Sun's J_c0 [A/m²].
    """

    model: AxialModel
    current_ratio: FloatArray
    tau_N: float | None = None
    current_density: FloatArray | None = None
    critical_current_density: float | None = None


@dataclass(frozen=True)
class WERResult:
    """WER and switching probability on a (current, pulse) grid.

    Attributes
    ----------
    current_ratio : ndarray (n_current,)
    pulse : ndarray (n_pulse,)
        Pulse lengths [tau_N].
    write_error_rate, switching_probability : ndarray (n_current, n_pulse)
        Mass on z > 0 (WER) and on z < 0 (switching probability = read disturb for i < 1).
    write_error_rate_error, switching_probability_error : ndarray
        Estimated relative errors (grid extrapolation + rounding + hand-over check); inf where a
        probability underflowed.
    cells : tuple of int
        Grid sizes used.
    rtol : float
        Requested relative accuracy; ``converged`` says where the estimate meets it.
    lambda1 : ndarray (n_current,)
        λ1·tau_N of the finest chain at each current.
    problem : WERProblem
    """

    current_ratio: FloatArray
    pulse: FloatArray
    write_error_rate: FloatArray
    switching_probability: FloatArray
    write_error_rate_error: FloatArray
    switching_probability_error: FloatArray
    cells: tuple[int, ...]
    rtol: float
    lambda1: FloatArray
    problem: WERProblem | SphereWERProblem = field(repr=False)
    methods: tuple[str, ...] = ()
    quantity: str = "write_error_rate"
    solver: str = "1d"
    """"1d" (axial solvers), "2d" (Fokker–Planck on the sphere), "energy" (low-damping limit) or
    "harmonics" (spherical-harmonic Galerkin on the sphere)."""
    notes: tuple[str, ...] = ()
    """Caveats of the model in plain words (e.g. the orbit-averaging error at the given damping)."""

    @property
    def converged(self) -> NDArray[np.bool_]:
        """Where the estimated relative error of ``quantity`` is within ``rtol``."""
        error = (
            self.switching_probability_error
            if self.quantity == "switching_probability"
            else self.write_error_rate_error
        )
        return np.asarray(error <= self.rtol)

    @property
    def method(self) -> str:
        """The methods used, per current."""
        names = (
            {"sphere": METHODS["sphere"]}
            if self.solver == "2d"
            else {"energy": METHODS["energy"]}
            if self.solver == "energy"
            else {"harmonics": METHODS["harmonics"]}
            if self.solver == "harmonics"
            else {"chain": METHODS["chain"], "spectral": METHODS["spectral"]}
        )
        density = self.problem.current_density
        labels = [f"i = {i:g}" for i in self.current_ratio]
        if density is not None and not np.all(np.isfinite(self.current_ratio)):
            labels = [f"J = {j:.4g} A/m^2" for j in density]
        used = "; ".join(f"{label}: {m}" for label, m in zip(labels, self.methods, strict=True))
        return used + " | " + "; ".join(f"{k}: {v}" for k, v in names.items())

    @property
    def pulse_s(self) -> FloatArray | None:
        """Pulse lengths [s] (None in reduced units)."""
        tau = self.problem.tau_N
        return None if tau is None else self.pulse * tau

    def to_dataset(self) -> Any:
        """xarray Dataset with dims (current, pulse) and units attributes."""
        import xarray as xr

        from spintorque.provenance import dataset_attrs

        coords: dict[str, Any] = {
            "current_ratio": ("current", self.current_ratio, {"units": "1", "long_name": "I / I_c0"}),
            "pulse_over_tau_N": ("pulse", self.pulse, {"units": "tau_N", "long_name": "pulse length"}),
        }
        if self.problem.tau_N is not None:
            coords["pulse_s"] = (
                "pulse",
                self.pulse * self.problem.tau_N,
                {"units": "s", "long_name": "pulse length"},
            )
        if self.problem.current_density is not None:
            coords["current_density"] = (
                "current",
                self.problem.current_density,
                {"units": "A/m^2", "long_name": "current density"},
            )
        dims = ("current", "pulse")
        data = {
            "write_error_rate": (
                dims,
                self.write_error_rate,
                {"units": "1", "long_name": "write-error rate P(z > 0)"},
            ),
            "switching_probability": (
                dims,
                self.switching_probability,
                {"units": "1", "long_name": "switching probability P(z < 0)"},
            ),
            "write_error_rate_relative_error": (dims, self.write_error_rate_error, {"units": "1"}),
            "switching_probability_relative_error": (dims, self.switching_probability_error, {"units": "1"}),
            "converged": (dims, self.converged),
            "lambda1_tau_N": (("current",), self.lambda1, {"units": "1/tau_N"}),
        }
        attrs: dict[str, Any] = {
            "method": self.method,
            "quantity": self.quantity,
            "cells": list(self.cells),
            "rtol": self.rtol,
            "solver": self.solver,
            "tau_N_s": self.problem.tau_N if self.problem.tau_N is not None else "reduced units",
            **dataset_attrs(),
        }
        if isinstance(self.problem, WERProblem):
            m = self.problem.model
            attrs.update(sigma=m.sigma, reduced_field=m.h, nu=m.nu)
        return xr.Dataset(data, coords=coords, attrs=attrs)


def _as_problem(
    model_or_problem: AxialModel | WERProblem | SphereWERProblem, currents: ArrayLike | None
) -> WERProblem | SphereWERProblem:
    if isinstance(model_or_problem, WERProblem | SphereWERProblem):
        if currents is not None:
            raise InputError("currents", "a WERProblem carries its currents; pass currents=None")
        return model_or_problem
    if currents is None:
        raise InputError("currents", "give the reduced currents i = I/I_c0")
    values = np.atleast_1d(np.asarray(currents, dtype=float))
    return WERProblem(model_or_problem, values)


def _check_inputs(problem: WERProblem, pulses: FloatArray, rtol: float, max_cells: int) -> None:
    if problem.current_ratio.size == 0 or pulses.size == 0:
        raise InputError("currents/pulses", "need at least one current and one pulse length")
    if not np.all(np.isfinite(problem.current_ratio)):
        raise InputError("current ratio", "must be finite")
    if not (np.all(np.isfinite(pulses)) and np.all(pulses >= 0)):
        raise InputError("pulse", f"pulse lengths must be finite and >= 0, got {pulses.min()!r}")
    if not 0 < rtol < 1:
        raise InputError("rtol", f"must be in (0, 1), got {rtol!r}")
    if max_cells < 4 * BASE_CELLS:
        raise InputError("max_cells", f"must be >= {4 * BASE_CELLS} (three grids), got {max_cells}")
    m = problem.model
    for i in problem.current_ratio:
        try:
            replace(m, i=float(i))  # validates the potential's range and 1 + nu i > 0
        except InputError as error:
            raise InputError(
                "current ratio",
                f"i = {i:g} (sigma = {m.sigma:g}, h = {m.h:g}, nu = {m.nu:g}) "
                f"is outside the solvable range: {error.message}",
            ) from None


def _romberg(logs: list[FloatArray]) -> tuple[FloatArray, FloatArray]:
    """Romberg extrapolation (error series in h², h⁴, ...) of log values on grids h, h/2, ...

    Returns the extrapolated log value and the error estimate (largest change of the last
    step, along the diagonal and along the last row).
    """
    table = [[logs[0]]]
    for k in range(1, len(logs)):
        row = [logs[k]]
        for j in range(1, k + 1):
            with np.errstate(invalid="ignore"):
                row.append(row[j - 1] + (row[j - 1] - table[k - 1][j - 1]) / (4.0**j - 1.0))
        table.append(row)
    best = table[-1][-1]
    with np.errstate(invalid="ignore"):
        error = np.maximum(np.abs(best - table[-1][-2]), np.abs(best - table[-2][-2]))
    return best, error


def _one_current(
    model: AxialModel, start: AxialModel, pulses: FloatArray, cells: tuple[int, ...]
) -> tuple[list[FloatArray], list[FloatArray], FloatArray, float]:
    """Side masses per grid, and the extra (rounding + hand-over) relative error."""
    evolve, D = model.equivalent()  # nu: potential U/D, time D·t
    starts, switches = [], []
    extra = np.zeros(pulses.size)
    rate = math.nan
    short = pulses * D <= SHORT_PULSE
    for n in cells:
        chain = build_chain(evolve, n)
        sides = side_masses(chain, initial_state(chain, start), pulses * D)
        start_mass, switched_mass = sides.start.copy(), sides.switched.copy()
        late = pulses * D > (sides.handover if sides.handover is not None else math.inf)
        error = sides.rounding + np.where(late, sides.handover_residual, 0.0)
        if short.any():  # the layer at the cut z = 0: cells graded towards it
            graded = build_chain(evolve, n, EQUATOR_GRADING)
            near = side_masses(graded, initial_state(graded, start), pulses[short] * D)
            start_mass[short], switched_mass[short] = near.start, near.switched
            error[short] = near.rounding  # pulses this short end before any hand-over
        starts.append(start_mass)
        switches.append(switched_mass)
        extra = np.maximum(extra, error)
        rate = sides.rate * D
    return starts, switches, extra, rate


def _extrapolate(values: list[FloatArray], extra: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Romberg in log space; exact zeros stay zero; underflow (a zero on some grid only) → inf error."""
    stack = np.array(values)
    zero_all = np.all(stack == 0.0, axis=0)
    positive = np.all(stack > 0.0, axis=0)
    with np.errstate(divide="ignore"):
        logs = [np.log(np.where(positive, v, 1.0)) for v in values]
    best, err = _romberg(logs)
    value = np.where(positive, np.exp(best), 0.0)
    error = np.where(positive, np.expm1(err) + extra, np.where(zero_all, 0.0, np.inf))
    return np.minimum(value, 1.0), error


def write_error_rate(
    model_or_problem: AxialModel | WERProblem | SphereWERProblem,
    currents: ArrayLike | None,
    pulses: ArrayLike,
    *,
    rtol: float = 1e-6,
    max_cells: int = 512,
    method: str = "auto",
    quantity: str = "write_error_rate",
) -> WERResult:
    r"""Write-error rate and switching probability for each (current, pulse length).

    Parameters
    ----------
    model_or_problem : AxialModel, WERProblem or SphereWERProblem
        sigma, h, nu (and torque shape); with an AxialModel, its ``i`` is ignored. A
        :class:`~spintorque.thermal.wer.sphere.SphereWERProblem` (any geometry, e.g. an
        in-plane file from :func:`~spintorque.thermal.wer.problem_from_file`) is solved in 2D.
    currents : array_like or None
        Reduced currents i = I/I_c0 (None with a WERProblem, which carries them).
    pulses : array_like
        Pulse lengths t >= 0 in units of tau_N (for a physical problem: divide seconds by tau_N).
    rtol : float
        Target relative accuracy of every probability; grids are refined (64, 128, 256, ...,
        ``max_cells`` cells) until the Romberg error estimate meets it.
    max_cells : int
        Largest grid (the cost grows like cells³ × log(pulse·cells²)).
    method : {"auto", "axial", "chain", "spectral", "sphere", "energy", "harmonics"}
        The solver by geometry: "auto" (and "axial") use the 1D solvers for an axial problem
        and for a SphereWERProblem energy diffusion at low damping (α < 0.2, where the model
        applies; :mod:`~spintorque.thermal.wer.energy`, also forced by "energy"), else the 2D
        grids; "sphere" forces the 2D Fokker–Planck evolution
        (:mod:`~spintorque.thermal.wer.sphere`; for an axial problem a check of the 2D path,
        rtol is then its Krylov target, the grid error is what four grids reach);
        "harmonics" the spherical-harmonic Galerkin evolution (any geometry and damping, no
        numerical diffusion; :mod:`~spintorque.thermal.wer.harmonics`; explicit only: slower).
        Within 1D: "chain": the finite-volume chain (any current; the only one for read disturb);
        "spectral": Legendre–Galerkin (:mod:`~spintorque.thermal.wer.spectral`; no start well);
        "auto": where the start well is gone (i ≥ 1 for h > −1) spectral, and the chain too, point
        by point, wherever the spectral estimate misses rtol; with a start well the chain (there
        the spectral evolution's error over long times is not reliably estimated).
    quantity : {"write_error_rate", "switching_probability"}
        Which of the two ``converged`` and the refinement refer to.

    Returns
    -------
    WERResult
        WER = P(z > 0), switching probability P(z < 0), relative error estimates, ``converged``.

    Examples
    --------
    >>> from spintorque.thermal import AxialModel
    >>> r = write_error_rate(AxialModel(20.0), [1.5, 2.0], [0.5, 1.0])
    >>> bool(r.converged.all()), r.write_error_rate.shape
    (True, (2, 2))
    """
    problem = _as_problem(model_or_problem, currents)
    times = np.atleast_1d(np.asarray(pulses, dtype=float))
    if method not in METHODS:
        raise InputError("method", f"must be one of {', '.join(METHODS)}, got {method!r}")
    if quantity not in ("write_error_rate", "switching_probability"):
        raise InputError("quantity", f"must be write_error_rate or switching_probability, got {quantity!r}")
    if isinstance(problem, SphereWERProblem) or method in ("sphere", "energy", "harmonics"):
        if isinstance(problem, SphereWERProblem) and method not in ("auto", "sphere", "energy", "harmonics"):
            raise InputError(
                "method",
                f"a non-axial magnet is solved in 2D (auto, sphere, energy or harmonics), got {method!r}",
            )
        if quantity != "write_error_rate":
            raise InputError(
                "read disturb",
                "the read-disturb probability is computed for axially "
                "symmetric magnets only (the 2D path gives the write-error rate)",
            )
        return sphere_write_error_rate(problem, times, rtol, method)
    _check_inputs(problem, times, rtol, max_cells)
    method = "auto" if method == "axial" else method
    start = replace(problem.model, i=0.0)
    n_i = problem.current_ratio.size
    wer = np.empty((n_i, times.size))
    switched, wer_err, sw_err = np.empty_like(wer), np.empty_like(wer), np.empty_like(wer)
    rates = np.empty(n_i)
    used: tuple[int, ...] = ()
    methods = []
    for row, i in enumerate(problem.current_ratio):
        model = replace(problem.model, i=float(i))
        goal = sw_err if quantity == "switching_probability" else wer_err
        no_well = (1.0 + model.h) * (1.0 - float(i)) <= 0.0
        if method == "spectral" and not no_well:
            raise InputError(
                "method",
                f"spectral needs a current without a start well (i >= 1 for "
                f"h > -1), got i = {i:g}: use the chain",
            )
        first = "spectral" if no_well and method != "chain" else "chain"
        runs = {"spectral": _spectral_row, "chain": _chain_row}
        out = runs[first](model, start, times, rtol, max_cells)
        wer[row], switched[row], wer_err[row], sw_err[row], rates[row], cells = out
        name = first if first == "chain" else f"spectral{list(cells)}"
        cells = cells if first == "chain" else ()
        if method == "auto" and no_well and goal[row].max() > rtol:
            # the other method, kept point by point where its error estimate is smaller
            other = "chain" if first == "spectral" else "spectral"
            alt = runs[other](model, start, times, rtol, max_cells)
            for mine, theirs, err_mine, err_theirs in (
                (wer, alt[0], wer_err, alt[2]),
                (switched, alt[1], sw_err, alt[3]),
            ):
                better = err_theirs < err_mine[row]
                mine[row] = np.where(better, theirs, mine[row])
                err_mine[row] = np.where(better, err_theirs, err_mine[row])
            name = f"{name}+{other}"
            cells = cells or alt[5]
        methods.append(name)
        used = cells if len(cells) > len(used) else used
    at_zero = times == 0.0  # the definition: nothing has moved yet
    wer[:, at_zero], switched[:, at_zero], wer_err[:, at_zero], sw_err[:, at_zero] = 1.0, 0.0, 0.0, 0.0
    return WERResult(
        problem.current_ratio,
        times,
        wer,
        switched,
        wer_err,
        sw_err,
        used,
        rtol,
        rates,
        problem,
        tuple(methods),
        quantity,
    )


Row = tuple[FloatArray, FloatArray, FloatArray, FloatArray, float, tuple[int, ...]]


def _chain_row(model: AxialModel, start: AxialModel, times: FloatArray, rtol: float, max_cells: int) -> Row:
    """Chain on 64, 128, 256, ... cells, Romberg, refined until both sides meet rtol."""
    cells = tuple(BASE_CELLS << k for k in range(3))
    starts, switches, extra, rate = _one_current(model, start, times, cells)
    while True:
        wer, wer_err = _extrapolate(starts, extra)
        switched, sw_err = _extrapolate(switches, extra)
        finer = 2 * cells[-1]
        if max(wer_err.max(), sw_err.max()) <= rtol or finer > max_cells:
            return wer, switched, wer_err, sw_err, rate, cells
        more = _one_current(model, start, times, (finer,))
        starts += more[0]
        switches += more[1]
        extra = np.maximum(extra, more[2])
        rate = more[3]
        cells = (*cells, finer)


def _spectral_row(
    model: AxialModel, start: AxialModel, times: FloatArray, rtol: float, max_cells: int
) -> Row:
    """Legendre–Galerkin WER; the switching probability 1 − WER with its absolute error."""
    evolve, D = model.equivalent()
    found = spectral_start_mass(evolve, start, times * D, rtol)
    switched = np.clip(1.0 - found.start, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sw_err = np.where(switched > 0, found.error * found.start / switched, np.inf)
    return found.start, switched, found.error, sw_err, found.rate * D, found.sizes


def read_disturb(
    model_or_problem: AxialModel | WERProblem | SphereWERProblem,
    currents: ArrayLike | None,
    times: ArrayLike,
    *,
    rtol: float = 1e-6,
    max_cells: int = 512,
) -> WERResult:
    """Read disturb: the probability that a read current i < 1 switches the cell within t [tau_N].

    The same evolution as :func:`write_error_rate` (from the zero-current Boltzmann state of the
    start well); the answer is ``switching_probability`` of the result, the mass on z < 0,
    computed directly so that 1e-25 keeps its relative accuracy. For t beyond the intra-well
    transients it follows the two-state law M_∞ (1 − e^{−λ1 t}) + ..., ≈ λ1 t while small.
    Refuses i ≥ 1 (no start well: that is a write, not a read).
    """
    problem = _as_problem(model_or_problem, currents)
    if isinstance(problem, SphereWERProblem):
        raise InputError(
            "read disturb",
            "the read-disturb probability is computed for axially "
            "symmetric magnets only (the 2D path gives the write-error rate)",
        )
    if np.any(problem.current_ratio >= 1.0):
        raise InputError(
            "read current",
            "a read current needs i = I/I_c0 < 1 (at i >= 1 the start "
            f"well is gone), got {float(problem.current_ratio.max())!r}",
        )
    return write_error_rate(
        problem, None, times, rtol=rtol, max_cells=max_cells, method="chain", quantity="switching_probability"
    )
