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
on N = 64·2^(k/2) cells, evolved by the cancellation-free positive propagator
(:mod:`~spintorque.thermal.wer.propagator`); the O(h²) grid error removed by Richardson
(Neville) extrapolation in h² of log WER and log R over the grids in the asymptotic range,
point by point (:func:`_romberg`), each finer grid only for the pulses that still miss rtol;
beyond 1024 cells a second ladder evolved sparsely, O(N) per step
(:mod:`~spintorque.thermal.wer.sparse_ladder`). A WER of 1e-30 has the same relative accuracy
as one of 0.5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.wer.chain import EQUATOR_GRADING, build_chain, theta_edges
from spintorque.thermal.wer.propagator import chain_lambda1, start_side_masses
from spintorque.thermal.wer.sparse_ladder import DENSE_CELLS, sparse_ladder
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
    model_error: FloatArray | None = None
    """Predicted relative error of the WER from the solver's model itself, beyond the numerical
    ``write_error_rate_error`` (n_current, n_pulse): the energy-diffusion path (the α → 0 limit)
    sets it (0 where averaging is exact); None for the paths that solve Brown's equation itself."""

    @property
    def converged(self) -> NDArray[np.bool_]:
        """Where the estimated relative error of ``quantity`` is within ``rtol`` (for the WER of
        a model with a predicted error, :attr:`model_error`, that too)."""
        error = (
            self.switching_probability_error
            if self.quantity == "switching_probability"
            else self.write_error_rate_error
        )
        within = np.asarray(error <= self.rtol)
        if self.model_error is not None and self.quantity == "write_error_rate":
            within = within & np.asarray(self.model_error <= self.rtol)
        return within

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
            **({} if self.model_error is None else {"write_error_rate_model_error": (
                dims, self.model_error, {"units": "1", "long_name": "predicted relative error of "
                                         "the model (the alpha -> 0 limit), beyond the numerics"})}),
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


def require_start_well(h: float) -> None:
    """Refuse h <= -1: the WER and read disturb start from the Boltzmann distribution of the start
    well m_z = +1 at zero current (THERMAL.md §6), and U0(z) = −σz² − 2σhz has no well there
    (dU0/dz = −2σ(1 + h) >= 0 at the pole: the field alone reverses the cell).

    Raises
    ------
    InputError
        Field ``h``, naming the allowed range h > −1.
    """
    if not h > -1.0:
        raise InputError(
            "h",
            f"the write-error rate and read disturb start from the Boltzmann distribution of the "
            f"start well m_z = +1 at zero current (THERMAL.md §6), and h = {h:g} <= -1 leaves no "
            "start well at zero current (the field alone reverses the cell): need h > -1",
        )


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
        raise InputError("max_cells", f"must be >= {4 * BASE_CELLS} (the grids 64 … 256), got {max_cells}")
    m = problem.model
    for i in problem.current_ratio:
        if not 1.0 + m.nu * float(i) > 0.0:
            raise InputError(
                "nu",
                f"the diffusion factor 1 + nu·i must be > 0 at every current, got nu = {m.nu:g} "
                f"with i = {i:g} (1 + nu·i = {1.0 + m.nu * float(i):.4g})",
            )
        try:
            replace(m, i=float(i))  # validates the potential's range and 1 + nu i > 0
        except InputError as error:
            raise InputError(
                "current ratio",
                f"i = {i:g} (sigma = {m.sigma:g}, h = {m.h:g}, nu = {m.nu:g}) "
                f"is outside the solvable range: {error.message}",
            ) from None


RATIO_WINDOW = 2.0
"""A column of the extrapolation table counts as asymptotic where the ratio of its last two
differences is within this factor of the ratio its leading error term predicts (issue 14)."""


def grid_sizes(max_cells: int) -> tuple[int, ...]:
    """The chain's grids: 64·2^(k/2) cells rounded to even (64, 90, 128, 180, 256, 362, 512, 724,
    1024, ...) up to ``max_cells``. Steps of √2 rather than 2 put twice as many grids into the
    range where the h² series is asymptotic for the same finest grid (issue 14: at intermediate
    pulses and σ ≳ 40 only the grids from ~256 cells on are)."""
    sizes = []
    k = 0
    while (n := 2 * round(BASE_CELLS / 2 * 2.0 ** (k / 2))) <= max_cells:
        sizes.append(n)
        k += 1
    return tuple(sizes)


def _neville_table(logs: list[FloatArray], x: FloatArray) -> list[list[FloatArray]]:
    """Richardson (Neville) table of log values on grids with x = h² (error series in x, x², ...):
    T[k][j] = T[k][j−1] + (T[k][j−1] − T[k−1][j−1]) / (x[k−j]/x[k] − 1)."""
    table = [[logs[0]]]
    for k in range(1, len(logs)):
        row = [logs[k]]
        for j in range(1, k + 1):
            with np.errstate(invalid="ignore"):
                row.append(row[j - 1] + (row[j - 1] - table[k - 1][j - 1]) / (x[k - j] / x[k] - 1.0))
        table.append(row)
    return table


def _romberg(logs: list[FloatArray], cells: tuple[int, ...] | None = None) -> tuple[FloatArray, FloatArray]:
    """Extrapolated log values over grids of ``cells`` cells (default 64·2^k; h ∝ 1/cells) and
    their error estimate, point by point.

    Candidates: for every table started at some grid (the coarse grids may lie outside the
    asymptotic range: at intermediate times the front of P0 carried towards the cut is resolved
    by a few cells only on them, issue 14) and every column j such that in columns 0 … j the
    last two differences have the ratio that their leading error term c·x_(k−j)···x_k (x = h²)
    predicts, within :data:`RATIO_WINDOW` (so that column j + 1 has these errors removed; a
    single column passing by chance, with a pre-asymptotic one below it, picked entries 1e-6
    off with estimates 5e-7 at t = 1e-4 tau_N): the estimate is column
    j + 1's change between the two finest grids (a bound on its finest entry wherever that column
    converges at all), the value the entry of column j + 2 where the table has one (it moves the
    entry of column j + 1 by a fraction 1/(x_(K−j−2)/x_K − 1) of that change, which the estimate
    adds). The candidate with the smallest estimate is taken. Where no column is asymptotic: the
    whole table's last entry, with the larger of its last step and the last change between the
    two finest grids.
    """
    default = [BASE_CELLS << k for k in range(len(logs))]
    sizes = np.asarray(cells if cells is not None else default, dtype=float)
    x = 1.0 / sizes**2
    table = _neville_table(logs, x)
    best = table[-1][-1]
    with np.errstate(invalid="ignore"):
        error = np.maximum(np.abs(best - table[-1][-2]), np.abs(best - table[-2][-2]))
        error = np.maximum(error, np.abs(logs[-1] - logs[-2]))
    for first in range(len(logs) - 2):
        sub = table if first == 0 else _neville_table(logs[first:], x[first:])
        xs = x[first:]
        m = len(sub)
        asymptotic = np.ones(np.shape(best), dtype=bool)  # columns 0 … j all asymptotic
        for j in range(m - 2):
            d1, d2 = sub[m - 2][j] - sub[m - 3][j], sub[m - 1][j] - sub[m - 2][j]
            # leading error of T[k][j]: ∝ x_(k−j) ··· x_k
            lead = [float(np.prod(xs[k - j : k + 1])) for k in (m - 3, m - 2, m - 1)]
            r = (lead[1] - lead[0]) / (lead[2] - lead[1])
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = d1 / d2
            asymptotic &= (ratio >= r / RATIO_WINDOW) & (ratio <= r * RATIO_WINDOW)
            step = sub[m - 1][j + 1] - sub[m - 2][j + 1]
            top = min(j + 2, m - 1)
            value = sub[m - 1][top]
            grow = 1.0 / (xs[m - 1 - top] / xs[m - 1] - 1.0) if top == j + 2 else 0.0
            estimate = np.abs(step) * (1.0 + grow)
            take = asymptotic & (estimate < error)
            best = np.where(take, value, best)
            error = np.where(take, estimate, error)
    return best, error


def _one_grid(
    model: AxialModel,
    start: AxialModel,
    pulses: FloatArray,
    cells: int,
    grading: tuple[float, float] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, float]:
    """Side masses on one grid, the time evolution's own error bound, and λ1·tau_N (``grading``:
    every pulse on the chain graded with it, instead of the choice by :data:`SHORT_PULSE`)."""
    evolve, D = model.equivalent()  # nu: potential U/D, time D·t
    times = pulses * D
    if grading is not None:
        sides = start_side_masses(build_chain(evolve, cells, grading), start, times)
        return sides.start, sides.switched, sides.error, sides.rate * D
    short = times <= SHORT_PULSE
    start_mass, switched_mass, error = np.empty(times.size), np.empty(times.size), np.empty(times.size)
    chain = build_chain(evolve, cells)
    if (~short).any():
        sides = start_side_masses(chain, start, times[~short])
        start_mass[~short], switched_mass[~short], error[~short] = sides.start, sides.switched, sides.error
        rate = sides.rate
    else:
        rate = chain_lambda1(chain)
    if short.any():  # the layer at the cut z = 0: cells graded towards it
        graded = build_chain(evolve, cells, EQUATOR_GRADING)
        near = start_side_masses(graded, start, times[short])
        start_mass[short], switched_mass[short], error[short] = near.start, near.switched, near.error
    return start_mass, switched_mass, error, rate * D


def _extrapolate(
    values: list[FloatArray], extra: FloatArray, cells: tuple[int, ...]
) -> tuple[FloatArray, FloatArray]:
    """Romberg in log space; exact zeros stay zero; underflow (a zero on some grid only) → inf error."""
    stack = np.array(values)
    zero_all = np.all(stack == 0.0, axis=0)
    positive = np.all(stack > 0.0, axis=0)
    with np.errstate(divide="ignore"):
        logs = [np.log(np.where(positive, v, 1.0)) for v in values]
    best, err = _romberg(logs, cells)
    value = np.where(positive, np.exp(best), 0.0)
    with np.errstate(over="ignore"):  # a log change beyond 709: no digit left (inf)
        error = np.where(positive, np.expm1(err) + extra, np.where(zero_all, 0.0, np.inf))
    return np.minimum(value, 1.0), error


def write_error_rate(
    model_or_problem: AxialModel | WERProblem | SphereWERProblem,
    currents: ArrayLike | None,
    pulses: ArrayLike,
    *,
    rtol: float = 1e-6,
    max_cells: int = 8192,
    method: str = "auto",
    quantity: str = "write_error_rate",
    workers: int | None = None,
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
        Target relative accuracy of every probability; grids are refined (64, 90, 128, 182, ...,
        ``max_cells`` cells: :func:`grid_sizes`), pulse by pulse, until the extrapolation's
        error estimate meets it.
    max_cells : int
        Largest grid. Up to 1024 cells the dense propagator (cost ~cells³ × log(pulse·cells²));
        beyond, for the pulses that still miss rtol, the sparse ladder of cells uniform in θ
        (:mod:`~spintorque.thermal.wer.sparse_ladder`; cost ~cells³ × pulse, a pulse leaving it
        on the first grid that would cost more than ``SPARSE_WORK``). Default 8192.
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
        "auto": where the start well is gone (i ≥ 1) spectral, and the chain too, point
        by point, wherever the spectral estimate misses rtol; with a start well the chain (there
        the spectral evolution's error over long times is not reliably estimated). An axial
        problem with h <= −1 is refused (:func:`require_start_well`): the start distribution,
        the zero-current Boltzmann state of the start well, does not exist there.
    quantity : {"write_error_rate", "switching_probability"}
        Which of the two ``converged`` and the refinement refer to.
    workers : int or None
        Worker processes of the 2D paths ("harmonics": one task per current and degree;
        "sphere": per current), like scipy's: None (default) the usable cores up to 8 and
        at most the tasks, -1 all usable cores, 1 serial. Forked (serial where the platform
        cannot fork, or from a daemonic worker such as Dask's); the values are bit-identical
        to the serial ones. The 1D solvers and energy diffusion are serial.

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
    from spintorque._parallel import check_workers

    problem = _as_problem(model_or_problem, currents)
    times = np.atleast_1d(np.asarray(pulses, dtype=float))
    check_workers(workers)
    if method not in METHODS:
        raise InputError("method", f"must be one of {', '.join(METHODS)}, got {method!r}")
    if quantity not in ("write_error_rate", "switching_probability"):
        raise InputError("quantity", f"must be write_error_rate or switching_probability, got {quantity!r}")
    if isinstance(problem, WERProblem):
        require_start_well(problem.model.h)
    if isinstance(problem, SphereWERProblem) or method in ("sphere", "energy", "harmonics"):
        if isinstance(problem, SphereWERProblem) and method not in ("auto", "sphere", "energy", "harmonics"):
            raise InputError(
                "method",
                f"a non-axial magnet is solved in 2D (auto, sphere, energy or harmonics), got {method!r}",
            )
        if quantity != "write_error_rate":
            if isinstance(problem, SphereWERProblem):
                from spintorque.thermal.wer.sphere_target import sphere_read_disturb

                return sphere_read_disturb(problem, times, rtol, method, workers)
            raise InputError(
                "read disturb",
                "the read disturb of an axial problem is computed with the 1D chain (auto or "
                f"chain), got method {method!r}",
            )
        return sphere_write_error_rate(problem, times, rtol, method, workers)
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
        no_well_spectral = no_well  # h > -1 here: P0 is not piled against the cut z = 0
        first = "spectral" if no_well_spectral and method != "chain" else "chain"
        runs = {"spectral": _spectral_row, "chain": _no_well_chain_row if no_well else _chain_row}
        out = runs[first](model, start, times, rtol, max_cells)
        wer[row], switched[row], wer_err[row], sw_err[row], rates[row], cells = out
        name = first if first == "chain" else f"spectral{list(cells)}"
        cells = cells if first == "chain" else ()
        if method == "auto" and no_well_spectral and goal[row].max() > rtol:
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


MIN_GRIDS = 6
"""Grids every pulse gets (64 … 362 cells) before its estimate may stop the refinement (on the
first five, 64 … 256, columns that agree to 1e-10 were measured 4e-9 off: sigma = 60, h = 0.5,
i = 0.3, t = 3 tau_N)."""


ALTERNATE_GRADINGS = ((0.3, 0.7), (0.5, 1.0))
"""(c, ε) of further cell maps (:func:`~spintorque.thermal.wer.chain.theta_edges`), each run for
the pulses that still miss rtol on the default grids. The first makes cells 2 times finer
than uniform-in-θ ones at z = 0, finer than uniform up to z ≈ 0.5 and 1.55 times coarser at the
poles; the second is milder (1.25 times finer at z = 0, 1.3 times coarser at the poles). Where the
density's out-of-equilibrium part lives in a wide layer at the cut rather than at the wells (a
stabilising current pulling back what crossed z = 0: R ~ 1e-40 … 1e-200; the intermediate pulses
of sigma = 40, 60 at h = 0.5), the narrow equator layer of
:data:`~spintorque.thermal.wer.chain.EQUATOR_GRADING` and the uniform cells both spread its
log-slope (~2σ … 4σ) over a few cells, and their h² series is asymptotic only beyond 1024 cells
(issue 14: sigma = 200, h = 0, i = −1, t = 1 tau_N: estimate 1.2e-4 on uniform cells, 1.2e-7 on
the first map; sigma = 60, h = 0.5, i = −1, t = 0.316 tau_N: 1e-4, 2.8e-6, 5e-9). Which map
resolves a window best varies (neither wins everywhere), so a value is taken from the map whose
estimate survives the cross-check of :func:`_cross_checked`. Their uniformisation rates are
~3× and ~2× the uniform chain's, and so are their rounding bounds, which the estimates carry
(sigma = 200, 1024 cells: 1e-7 at ~35 tau_N of propagation)."""


def _cross_checked(values: FloatArray, estimates: FloatArray, first: FloatArray) -> FloatArray:
    r"""Relative errors of the values of several independent cell maps, each checked against the
    others: for map m,

    .. math:: E_m = \max\big(e_m,\ \min_{n \ne m} |v_m / v_n - 1|\big),

    e_m its own Romberg estimate (:func:`_romberg`), v the values ((maps, points) arrays).

    The grids of different maps share no cell, so their discretisation errors ε_m, ε_n are
    independent. Where e_m bounds |ε_m|, so does E_m. Where it does not (the Romberg estimate was
    measured up to 5× short below 1e-7, and the smallest of several estimates is an optimistic
    pick), E_m still bounds it unless the partner's error has the same sign and lies within a
    factor 2 of ε_m (only then is |ε_m − ε_n| < |ε_m|): for E_m ≤ rtol while |ε_m| is several
    rtol, the partner would have to repeat ε_m to within rtol. The partner's own estimate does not
    enter: a poor partner only makes E_m larger (a value no other map confirms is not converged),
    and agreement within rtol with a partner that claims less is the same coincidence or a
    pessimistic partner estimate (sigma = 200, h = 0.5, i = 0.3, t = 1e-4 tau_N: the first
    alternative map 3.4e-7, confirmed by the default cells to 5.7e-7 although they claimed
    3.5e-5; three references at 384 and 512 cells agree to 1e-9 and put the two 3.5e-8 and
    6.1e-7 off). A map without a finite partner (the others underflowed) keeps ``first`` (the
    default map's own estimate, as without alternatives; inf for the others: unchecked).

    Measured on the long scan's windows where the default cells miss rtol (sigma = 40, 60, 200;
    150 values; against the best of the references of :mod:`tests.thermal.wer_reference`, 192 …
    512 cells on two map families): no value reported converged is off by more than rtol where
    the reference resolves 1e-7 (79 values, nearly all on the side near 1); on the small side,
    where a reference resolves 1e-6 (7 values, 1e-173 … 1e-15), the 6 converged ones lie within
    3.5e-8 of it; the error bounds the difference plus the reference's estimate except on 3
    unconverged values at sigma = 200 (reported 1e-2 … 0.5, differences 0.09 … 13) where the
    reference's own estimate, 4e-2 … 0.1, does not resolve them either. Against the former rule
    (the smallest estimate, an alternative's doubled): 99 → 100 converged; 2 lose it (h = 0.5,
    i = −1: sigma = 40, t = 0.032 and sigma = 60, t = 3.2e-3 tau_N, one map's 4e-7 and 8e-8 that
    no other map confirms to 1e-6; the references at 512 cells put them 5e-8 and 2e-9 off, but
    only to their own 8e-6 and 4e-6) and 3 gain it (estimates no longer doubled where a second
    map agrees).
    """
    n = values.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        gaps = np.abs(values[:, None, :] / values[None, :, :] - 1.0)
    same = values[:, None, :] == values[None, :, :]  # two exact zeros agree
    gaps = np.where(same, 0.0, gaps)
    gaps = np.where(np.isfinite(gaps), gaps, np.inf)
    gaps[np.arange(n), np.arange(n)] = np.inf
    agreement = gaps.min(axis=1)
    checked = np.maximum(estimates, agreement)
    checked[0] = np.where(np.isfinite(agreement[0]), checked[0], first)
    return checked


def _chain_row(
    model: AxialModel,
    start: AxialModel,
    times: FloatArray,
    rtol: float,
    max_cells: int,
) -> Row:
    """:func:`_grid_ladder` on the default cells; where its estimate still misses rtol, the ladder
    again on each of :data:`ALTERNATE_GRADINGS` for those pulses (aiming at rtol/2: two maps each
    within rtol/2 agree within rtol), every map's estimates cross-checked against the others
    (:func:`_cross_checked`) and the pair (WER, switching probability) of the map with the
    smallest larger checked error kept point by point (both sides from one ladder, so that they
    still sum to 1 within their estimates)."""
    wer, switched, wer_err, sw_err, rate, cells = _grid_ladder(model, start, times, rtol, max_cells)
    missed = np.maximum(wer_err, sw_err) > rtol
    if not missed.any():
        return wer, switched, wer_err, sw_err, rate, cells
    ladders = [(wer[missed], switched[missed], wer_err[missed], sw_err[missed])]
    for grading in ALTERNATE_GRADINGS:
        ladders.append(_grid_ladder(model, start, times[missed], rtol / 2, max_cells, grading)[:4])
    maps = np.array(ladders)  # (map, wer/switched/wer_err/sw_err, point)
    wer_checked = _cross_checked(maps[:, 0], maps[:, 2], maps[0, 2])
    sw_checked = _cross_checked(maps[:, 1], maps[:, 3], maps[0, 3])
    pick = np.argmin(np.maximum(wer_checked, sw_checked), axis=0)  # ties: the default map
    column = np.arange(pick.size)
    wer[missed], switched[missed] = maps[pick, 0, column], maps[pick, 1, column]
    wer_err[missed], sw_err[missed] = wer_checked[pick, column], sw_checked[pick, column]
    return wer, switched, wer_err, sw_err, rate, cells


def _grid_ladder(
    model: AxialModel,
    start: AxialModel,
    times: FloatArray,
    rtol: float,
    max_cells: int,
    grading: tuple[float, float] | None = None,
) -> Row:
    """Chain on the grids of :func:`grid_sizes` up to :data:`~spintorque.thermal.wer.
    sparse_ladder.DENSE_CELLS`, extrapolated by :func:`_romberg`; each finer grid only for the
    pulses whose estimate still misses rtol on either side (issue 14). ``grading``: the cell map
    of every grid (None: by pulse length, :func:`_one_grid`). With ``grading`` None and
    ``max_cells`` beyond the dense grids, the pulses that still miss rtol get the sparse ladder
    (:func:`_sparse_refinement`)."""
    cells: tuple[int, ...] = ()
    starts: list[FloatArray] = []
    switches: list[FloatArray] = []
    extra = np.zeros(times.size)
    wer, switched = np.empty(times.size), np.empty(times.size)
    wer_err, sw_err = np.full(times.size, np.inf), np.full(times.size, np.inf)
    pending = np.ones(times.size, dtype=bool)
    rate = math.nan
    for n in grid_sizes(min(max_cells, DENSE_CELLS)):
        if not pending.any():
            break
        s, w, e, rate = _one_grid(model, start, times[pending], n, grading)
        full = [np.full(times.size, np.nan) for _ in range(2)]
        full[0][pending], full[1][pending] = s, w
        starts.append(full[0])
        switches.append(full[1])
        extra[pending] = np.maximum(extra[pending], e)
        cells = (*cells, n)
        if len(cells) < 3:
            continue
        # the pending pulses have every grid so far (pending only shrinks)
        wer[pending], wer_err[pending] = _extrapolate([v[pending] for v in starts], extra[pending], cells)
        switched[pending], sw_err[pending] = _extrapolate(
            [v[pending] for v in switches], extra[pending], cells
        )
        if len(cells) >= MIN_GRIDS:
            pending &= np.maximum(wer_err, sw_err) > rtol
    if grading is None and max_cells > DENSE_CELLS:
        row = (wer, switched, wer_err, sw_err)
        cells = _sparse_refinement(model, start, times, rtol, max_cells, row, cells)
    return wer, switched, wer_err, sw_err, rate, cells


SPARSE_PICK_MARGIN = 2.0
"""Factor on the estimate of a value taken from the sparse ladder instead of the dense one (the
smaller of two estimates is an optimistic pick, as for the alternative maps of
:func:`_chain_row`)."""


def _sparse_refinement(
    model: AxialModel,
    start: AxialModel,
    times: FloatArray,
    rtol: float,
    max_cells: int,
    row: tuple[FloatArray, FloatArray, FloatArray, FloatArray],
    cells: tuple[int, ...],
) -> tuple[int, ...]:
    """The sparse ladder (:func:`~spintorque.thermal.wer.sparse_ladder.sparse_ladder`, cells
    uniform in θ from :data:`~spintorque.thermal.wer.sparse_ladder.DENSE_CELLS` to
    ``max_cells``) for the pulses whose estimate misses rtol; its pair (WER, switching
    probability) kept, in ``row`` (updated in place), where its larger estimate times
    :data:`SPARSE_PICK_MARGIN` is below the dense one's. Returns the grids, the sparse ones
    beyond the dense ladder's appended."""
    wer, switched, wer_err, sw_err = row
    missed = np.maximum(wer_err, sw_err) > rtol
    if not missed.any():
        return cells
    sizes = tuple(n for n in grid_sizes(max_cells) if n >= DENSE_CELLS)
    sub = sparse_ladder(model, start, times[missed], rtol / SPARSE_PICK_MARGIN, sizes, _extrapolate)
    sub_wer_err, sub_sw_err = SPARSE_PICK_MARGIN * sub.start_error, SPARSE_PICK_MARGIN * sub.switched_error
    better = np.maximum(sub_wer_err, sub_sw_err) < np.maximum(wer_err[missed], sw_err[missed])
    for value, error, other, other_error in (
        (wer, wer_err, sub.start, sub_wer_err),
        (switched, sw_err, sub.switched, sub_sw_err),
    ):
        value[missed] = np.where(better, other, value[missed])
        error[missed] = np.where(better, other_error, error[missed])
    return (*cells, *(n for n in sub.cells if n > cells[-1]))




CHAIN_DROP_LIMIT = 2.0
"""Largest rise of U [k_BT] across one cell of the finest chain for its values to be trusted
without a start well. There the density inside a cell is far from the local Boltzmann shape the
chain assumes (drift-dominated reversal), and every grid can agree on a wrong answer: at
sigma = 77, i = 11.7 all grids of 64 … 512 cells keep WER = 1 − 3e-13 at t = 0.0074 tau_N,
where the reversal from the thermal angle is mostly over (spectral: 1.2e-3)."""


def _drop(evolve: AxialModel, cells: int) -> float:
    """Largest rise of U [k_BT] across one cell of ``cells`` cells uniform in θ."""
    return float(np.max(np.abs(np.diff(evolve.potential(theta_edges(cells))))))


def _no_well_chain_row(
    model: AxialModel, start: AxialModel, times: FloatArray, rtol: float, max_cells: int
) -> Row:
    """:func:`_chain_row` without a start well; errors inf (not converged) where its finest grid
    does not resolve the drift (:data:`CHAIN_DROP_LIMIT`). Where even the largest dense grid does
    not, the sparse ladder alone (:func:`~spintorque.thermal.wer.sparse_ladder.sparse_ladder`,
    up to ``max_cells``), kept for each pulse whose own finest grid resolves the drift; for the
    others no extrapolation (it has no asymptotic series to remove): the largest dense grid's own
    masses, which sum to 1 like the chain's (the extrapolated sides drifted 7.9e-5 apart at
    sigma = 200, h = 0, i = 1.5, t = 0.03 tau_N), errors inf."""
    evolve, D = model.equivalent()
    largest = grid_sizes(min(max_cells, DENSE_CELLS))[-1]
    if _drop(evolve, largest) > CHAIN_DROP_LIMIT:
        wer, switched = np.full(times.size, np.nan), np.full(times.size, np.nan)
        wer_err, sw_err = np.full(times.size, np.inf), np.full(times.size, np.inf)
        cells: tuple[int, ...] = (largest,)
        resolved = np.zeros(times.size, dtype=bool)
        if max_cells > DENSE_CELLS:
            sizes = tuple(n for n in grid_sizes(max_cells) if n >= DENSE_CELLS)
            sub = sparse_ladder(model, start, times, rtol, sizes, _extrapolate)
            fine = np.array([_drop(evolve, int(n)) <= CHAIN_DROP_LIMIT if n else False for n in sub.finest])
            resolved = fine & np.isfinite(sub.start_error) & np.isfinite(sub.switched_error)
            wer[resolved], switched[resolved] = sub.start[resolved], sub.switched[resolved]
            wer_err[resolved], sw_err[resolved] = sub.start_error[resolved], sub.switched_error[resolved]
            cells = sub.cells or cells
        rate = chain_lambda1(build_chain(evolve, largest)) * D
        if not resolved.all():
            s, w, _, rate = _one_grid(model, start, times[~resolved], largest)
            wer[~resolved], switched[~resolved] = np.minimum(s, 1.0), np.minimum(w, 1.0)
        return wer, switched, wer_err, sw_err, rate, cells
    row = _chain_row(model, start, times, rtol, max_cells)
    if _drop(evolve, row[5][-1]) <= CHAIN_DROP_LIMIT:
        return row
    infinite = np.full(times.size, np.inf)
    return row[0], row[1], infinite, infinite.copy(), row[4], row[5]


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
    max_cells: int = 8192,
    method: str = "auto",
    workers: int | None = None,
) -> WERResult:
    """Read disturb: the probability that a read current i < 1 switches the cell within t [tau_N].

    The same evolution as :func:`write_error_rate` (from the zero-current Boltzmann state of the
    start well); the answer is ``switching_probability`` of the result, the mass on z < 0,
    computed directly so that 1e-25 keeps its relative accuracy. For t beyond the intra-well
    transients it follows the two-state law M_∞ (1 − e^{−λ1 t}) + ..., ≈ λ1 t while small.
    Refuses i ≥ 1 (no start well: that is a write, not a read).

    A :class:`~spintorque.thermal.wer.sphere.SphereWERProblem` (a non-axial file) is solved on
    the 2D path (``method``: one of the 2D methods, ``workers`` its processes): P = 1 − WER, with
    the relative error the 2D path's absolute accuracy gives it, and a read current that leaves
    no stable start state refused (:func:`~spintorque.thermal.wer.sphere_target.sphere_read_disturb`).
    The 1D path takes ``method`` "auto" or "chain" (the chain either way).
    """
    problem = _as_problem(model_or_problem, currents)
    if isinstance(problem, SphereWERProblem):
        from spintorque.thermal.wer.sphere_target import sphere_read_disturb

        return sphere_read_disturb(problem, np.atleast_1d(np.asarray(times, dtype=float)), rtol, method,
                                   workers)
    if method not in ("auto", "chain"):
        raise InputError("method", "read disturb of an axial problem is computed with the chain "
                         f"(auto or chain), got {method!r}")
    if np.any(problem.current_ratio >= 1.0):
        raise InputError(
            "read current",
            "a read current needs i = I/I_c0 < 1 (at i >= 1 the start "
            f"well is gone), got {float(problem.current_ratio.max())!r}",
        )
    require_start_well(problem.model.h)  # i < 1 here: (1 + h)(1 − i) > 0 iff h > −1
    return write_error_rate(
        problem, None, times, rtol=rtol, max_cells=max_cells, method="chain", quantity="switching_probability"
    )
