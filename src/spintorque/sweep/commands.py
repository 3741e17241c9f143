"""The commands a sweep can run at each point, registered in :data:`COMMANDS`.

A :class:`Command` reads its input from the base file's parsed data (``load``), says which
result variables it produces for that input (``layout``: extra dimensions, units) and computes
them for one point (``compute``). Adding a command to sweeps is one :class:`Command` and one
entry in :data:`COMMANDS`; every other part of the sweep (store, runner, CLI) is generic.

Each ``compute`` calls only the public API of its package and returns plain numbers or arrays
in SI units. A value that does not exist at a point (an efficiency at a collinear
configuration without a limit, an escape time beyond double range) is NaN in the store, as in
``TransportResult.to_dataset``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

COMPONENTS = ("x", "y", "z")


@dataclass(frozen=True)
class Output:
    """One result variable: its dimensions beyond the sweep axes, unit and description."""

    dims: tuple[str, ...] = ()
    units: str = "1"
    long_name: str = ""
    dtype: str = "float64"
    attrs: tuple[tuple[str, Any], ...] = ()
    """Further attributes of the variable (``flag_values``, ``flag_meanings`` of state codes)."""


@dataclass(frozen=True)
class Coordinate:
    """A numeric coordinate of an extra dimension, with its unit (``pulse`` of write-error-rate).

    Attributes
    ----------
    values : tuple of float
        The coordinate values in SI units (``units``), strictly increasing.
    units : str
        Their SI unit.
    long_name : str
        Description (the ``long_name`` attribute of the coordinate).
    """

    values: tuple[float, ...]
    units: str
    long_name: str = ""

    def __len__(self) -> int:
        return len(self.values)


Layout = tuple[dict[str, Output], dict[str, list[str] | Coordinate]]
"""Result variables by name, and the coordinates of their extra dimensions: labels (``layer``:
the layer names) or a :class:`Coordinate` with a unit (``pulse`` [s])."""


@dataclass(frozen=True)
class Command:
    """A sweepable command (see the module docstring).

    Attributes
    ----------
    name : str
        As in the sweep file's ``command`` and on the command line.
    load : callable
        ``load(data, base_path)``: the command's input from the parsed base file; bad input is
        an :class:`~spintorque.errors.InputError`.
    layout : callable
        ``layout(input, options)``: the :data:`Layout` of the results for that input and run
        options; an :class:`~spintorque.errors.InputError` where the command cannot run on it
        (checked for every axis value before any work).
    compute : callable
        ``compute(input, seed, options)``: ``{name: value}`` for one point; ``seed`` is the
        point's :class:`numpy.random.SeedSequence` for a stochastic command, else None;
        ``options`` what ``options`` made of the sweep file's ``[options]`` table.
    stochastic : bool
        Whether ``compute`` uses its seed.
    options : callable, optional
        ``options(table)``: the command's run options from the ``[options]`` table (SI values;
        bad input an InputError naming ``options.KEY``); None: the command takes none.
    vary : callable, optional
        ``vary(base_input, data, paths)``: the input at a point whose file data is ``data``, derived
        from the base file's input when only the fields at ``paths`` changed; None where it
        cannot (then ``load`` parses ``data``). It must give an input equal to ``load``'s.
    """

    name: str
    load: Callable[[dict[str, Any], Path], Any]
    layout: Callable[[Any, Mapping[str, Any]], Layout]
    compute: Callable[[Any, np.random.SeedSequence | None, Mapping[str, Any]], Mapping[str, Any]]
    stochastic: bool = False
    base_kind: str = field(default="stack file")
    options: Callable[[Mapping[str, Any]], dict[str, Any]] | None = None
    vary: Callable[[Any, dict[str, Any], Sequence[tuple[Any, ...]]], Any] | None = None


# --- transport: solve, efficiency ---------------------------------------------------------------
def _load_stack(data: dict[str, Any], base: Path) -> Any:
    from spintorque.stack import stack_from_dict

    return stack_from_dict(data)


def _vary_stack(stack: Any, data: dict[str, Any], paths: Sequence[tuple[Any, ...]]) -> Any:
    """The stack at a point where only thicknesses, angles and the current density changed.

    A layer touched by an axis is rebuilt from the point's file data with the values converted
    as ``stack_from_dict`` converts them (thickness, and the magnetization from ``{theta, phi}``
    or a vector) and given to the same constructors (``Layer``, ``Stack``, through
    :func:`dataclasses.replace`), so the stack is equal to the parsed one bit for bit, whatever
    the order of the axes; it only skips parsing the rest of the file at every point.
    """
    from spintorque.units import to_si

    layers = list(stack.layers)
    density = stack.current_density
    for path in paths:
        if path == ("current", "density"):
            density = to_si(data["current"]["density"], "current_density", "current.density")
        elif path[0] == "layers" and path[2:] in (
            ("thickness",),
            ("magnetization", "theta"),
            ("magnetization", "phi"),
        ):
            i = path[1]
            entry = data["layers"][i]
            thickness = to_si(entry["thickness"], "length", f"layers[{i}].thickness")
            raw = entry.get("magnetization")
            vector = None if raw is None else _raw_magnetization(raw, f"layers[{i}].magnetization")
            layers[i] = replace(layers[i], thickness=thickness, magnetization=vector)
        else:
            return None
    return replace(stack, layers=tuple(layers), current_density=density)


def _raw_magnetization(value: Any, field: str) -> Any:
    """The vector the stack reader passes to ``Layer`` for a magnetization entry."""
    from spintorque.stack import spherical, unit_vector
    from spintorque.units import to_si

    if isinstance(value, Mapping):
        theta = to_si(value["theta"], "angle", f"{field}.theta")
        return spherical(theta, to_si(value.get("phi", "0 deg"), "angle", f"{field}.phi"))
    return unit_vector(value, field)


def _solve_layout(stack: Any, options: Mapping[str, Any]) -> Layout:
    outputs = {
        "resistance_area": Output((), "ohm*m^2", "resistance-area product"),
        "spin_resistance_area": Output((), "ohm*m^2", "spin-coupled resistance-area product"),
        "torque": Output(("layer", "component"), "J/m^2", "spin-transfer torque"),
    }
    if len(stack.ferromagnets) == 2:
        outputs["g1"] = Output((), "1", "efficiency g1 (NaN where it does not exist)")
        outputs["g2"] = Output((), "1", "efficiency g2 (NaN where it does not exist)")
    return outputs, {"layer": list(stack.names), "component": list(COMPONENTS)}


def _solve(stack: Any, seed: np.random.SeedSequence | None, options: Mapping[str, Any]) -> dict[str, Any]:
    from spintorque.transport import solve

    result = solve(stack)
    out: dict[str, Any] = {
        "resistance_area": float(result.resistance_area),
        "spin_resistance_area": float(result.spin_resistance_area),
        "torque": result.torques,
    }
    if len(stack.ferromagnets) == 2:
        out.update({key: float(value) for key, value in result.efficiency.items()})
    return out


def _efficiency_layout(stack: Any, options: Mapping[str, Any]) -> Layout:
    from spintorque.errors import InputError

    if len(stack.ferromagnets) != 2:
        raise InputError(
            "command",
            f"'efficiency' needs exactly two ferromagnetic layers, the "
            f"base stack has {len(stack.ferromagnets)}",
        )
    return {
        "g1": Output((), "1", "efficiency g1 (NaN where it does not exist)"),
        "g2": Output((), "1", "efficiency g2 (NaN where it does not exist)"),
        "angle_between": Output((), "rad", "angle between m1 and m2"),
    }, {}


def _efficiency(
    stack: Any, seed: np.random.SeedSequence | None, options: Mapping[str, Any]
) -> dict[str, Any]:
    from spintorque.transport import solve

    result = solve(stack)
    m1, m2 = (np.asarray(layer.magnetization) for layer in stack.ferromagnets)
    angle = math.atan2(float(np.linalg.norm(np.cross(m1, m2))), float(np.dot(m1, m2)))
    return {**{key: float(value) for key, value in result.efficiency.items()}, "angle_between": angle}


def _magnetoresistance_layout(stack: Any, options: Mapping[str, Any]) -> Layout:
    from spintorque.transport.magnetoresistance import ferro_name

    ferro_name(stack, 1)  # two ferromagnets, or the command's own refusal before any work
    return {
        "resistance_area": Output((), "ohm*m^2", "resistance-area product at the file's angles"),
        "resistance_area_parallel": Output((), "ohm*m^2", "RA with the ferromagnets parallel"),
        "resistance_area_antiparallel": Output((), "ohm*m^2", "RA with the ferromagnets antiparallel"),
        "delta_resistance_area": Output((), "ohm*m^2", "AΔR = RA_AP − RA_P"),
        "gmr_ratio": Output((), "1", "AΔR / RA_P (NaN where RA_P ≤ 0)"),
    }, {}


def _magnetoresistance(
    stack: Any, seed: np.random.SeedSequence | None, options: Mapping[str, Any]
) -> dict[str, Any]:
    from spintorque.transport import solve
    from spintorque.transport.magnetoresistance import collinear_resistance_areas

    ra_p, ra_ap = collinear_resistance_areas(stack)
    return {
        "resistance_area": float(solve(stack).resistance_area),
        "resistance_area_parallel": ra_p,
        "resistance_area_antiparallel": ra_ap,
        "delta_resistance_area": ra_ap - ra_p,
        "gmr_ratio": (ra_ap - ra_p) / ra_p if ra_p > 0 else math.nan,
    }


# --- thermal: escape -----------------------------------------------------------------------------
def _load_macrospin(data: dict[str, Any], base: Path) -> Any:
    from spintorque.magnet.io import macrospin_from_dict

    return macrospin_from_dict(data, base.parent)


def _escape_layout(run: Any, options: Mapping[str, Any]) -> Layout:
    return {
        "lambda1": Output((), "1/s", "relaxation rate λ1 (with two wells the sum of the forward "
                          "and backward switching rates; NaN where it has no value)"),
        "integral_relaxation_time": Output((), "s", "integral relaxation time"),
        "mfpt": Output((), "s", "mean first-passage time to the later of the separatrix m·u = 0 "
                       "and the transition surface (the top of the effective potential)"),
        "effective_barrier": Output((), "k_B T", "effective barrier ΔE_eff / k_B T"),
        "converged": Output((), "1", "every error estimate below the target", "bool"),
    }, {}


def _escape(run: Any, seed: np.random.SeedSequence | None, options: Mapping[str, Any]) -> dict[str, Any]:
    from spintorque.thermal import escape

    result = escape(run)

    def number(value: float | None) -> float:
        return math.nan if value is None else float(value)

    return {
        "lambda1": number(result.lambda1),
        "integral_relaxation_time": number(result.integral_relaxation_time),
        "mfpt": number(result.mfpt),
        "effective_barrier": number(result.effective_barrier_kT),
        "converged": bool(result.converged),
    }


# --- dynamics: switching (stochastic) ------------------------------------------------------------
_SWITCHING_OPTIONS = {"duration", "dt", "trajectories", "threshold", "settle", "start"}


def _switching_options(table: Mapping[str, Any]) -> dict[str, Any]:
    from spintorque.errors import InputError
    from spintorque.units import to_float, to_si

    unknown = sorted(set(table) - _SWITCHING_OPTIONS)
    if unknown:
        raise InputError(
            f"options.{unknown[0]}", f"unknown option; allowed: {', '.join(sorted(_SWITCHING_OPTIONS))}"
        )
    if "duration" not in table:
        raise InputError("options.duration", "missing: the run length, e.g. duration = '10 ns'")
    duration = to_si(table["duration"], "time", "options.duration")
    dt = table.get("dt", "auto")
    dt = None if dt == "auto" else to_si(dt, "time", "options.dt")
    if not duration > 0 or (dt is not None and not dt > 0):
        raise InputError("options.duration" if not duration > 0 else "options.dt", "must be > 0 s")
    trajectories = table.get("trajectories", 100)
    if isinstance(trajectories, bool) or not isinstance(trajectories, int) or not 1 <= trajectories <= 10**7:
        raise InputError("options.trajectories", f"must be an integer from 1 to 1e7, got {trajectories!r}")
    threshold = to_float(table.get("threshold", 0.5), "options.threshold")
    settle = to_si(table["settle"], "time", "options.settle") if "settle" in table else None
    # "auto": thermal at T > 0, as the switching command does; it enters the fingerprint, so a
    # store begun before the thermal start existed is not resumed with it
    start = table.get("start", "auto")
    if start not in ("auto", "thermal", "initial"):
        raise InputError("options.start", f"must be 'auto', 'thermal' or 'initial', got {start!r}")
    return {
        "duration": duration,
        "dt": dt,
        "trajectories": trajectories,
        "threshold": threshold,
        "settle": settle,
        "start": start,
    }


def _switching_layout(run: Any, options: Mapping[str, Any]) -> Layout:
    return {
        "probability": Output((), "1", "switched fraction of the ensemble"),
        "standard_error": Output((), "1", "binomial standard error of the probability"),
        "median_switching_time": Output((), "s", "median switching time (NaN where undefined)"),
    }, {}


def _switching(run: Any, seed: np.random.SeedSequence | None, options: Mapping[str, Any]) -> dict[str, Any]:
    from spintorque.dynamics.switching import run_switching
    from spintorque.dynamics.timestep import suggested_time_step

    duration = options["duration"]
    dt = options["dt"] or suggested_time_step(run.model, run.conditions, duration)
    result = run_switching(
        run.model,
        run.conditions,
        duration=duration,
        dt=dt,
        trajectories=options["trajectories"],
        seed=seed,
        threshold=options["threshold"],
        settle=options["settle"],
        start=None if options.get("start", "auto") == "auto" else options["start"],
        start_field="options.start",
    )
    median, _ = result.quantiles((0.5,))[0.5]
    return {
        "probability": result.probability,
        "standard_error": result.standard_error,
        "median_switching_time": math.nan if median is None else median,
    }


# --- dynamics: state (deterministic, T = 0) -------------------------------------------------------
_STATE_OPTIONS = {"duration", "tilt", "threshold", "window"}


def _load_state(data: dict[str, Any], base: Path) -> Any:
    from spintorque.dynamics.state import state_input_from_dict

    return state_input_from_dict(data, base.parent)


def _state_options(table: Mapping[str, Any]) -> dict[str, Any]:
    from spintorque.dynamics.state import DEFAULT_THRESHOLD, DEFAULT_TILT, DEFAULT_WINDOW
    from spintorque.errors import InputError
    from spintorque.limits import parse
    from spintorque.units import to_float, to_si

    unknown = sorted(set(table) - _STATE_OPTIONS)
    if unknown:
        raise InputError(
            f"options.{unknown[0]}", f"unknown option; allowed: {', '.join(sorted(_STATE_OPTIONS))}"
        )
    if "duration" not in table:
        raise InputError("options.duration", "missing: the run length, e.g. duration = '20 ns'")
    duration = parse(table["duration"], "duration", "options.duration")
    if not duration > 0:
        raise InputError("options.duration", "must be > 0 s")
    tilt = to_si(table["tilt"], "angle", "options.tilt") if "tilt" in table else DEFAULT_TILT
    threshold = to_float(table.get("threshold", DEFAULT_THRESHOLD), "options.threshold")
    window = to_float(table.get("window", DEFAULT_WINDOW), "options.window")
    for key, value, ok in (
        ("tilt", tilt, 0 < tilt <= math.pi / 4),
        ("threshold", threshold, 0 < threshold < 1),
        ("window", window, 0 < window < 1),
    ):
        if not ok:
            allowed = "(0, 45 deg]" if key == "tilt" else "(0, 1)"
            raise InputError(f"options.{key}", f"must lie in {allowed}, got {value!r}")
    return {"duration": duration, "tilt": tilt, "threshold": threshold, "window": window}


def _state_layout(run: Any, options: Mapping[str, Any]) -> Layout:
    from spintorque.dynamics.state import state_attrs

    outputs = {}
    for start in ("p", "ap"):
        attrs = state_attrs(f"final state from the {start.upper()} start")
        outputs[f"state_from_{start}"] = Output(
            (),
            "1",
            attrs["long_name"]
            + " ("
            + ", ".join(f"{v}: {m}" for v, m in enumerate(attrs["flag_meanings"].split()))
            + ")",
            attrs=(("flag_values", tuple(attrs["flag_values"])), ("flag_meanings", attrs["flag_meanings"])),
        )
        outputs[f"frequency_from_{start}"] = Output(
            (), "Hz", f"precession frequency from the {start.upper()} start (NaN where not precessing)"
        )
    return outputs, {}


def _state(run: Any, seed: np.random.SeedSequence | None, options: Mapping[str, Any]) -> dict[str, Any]:
    from spintorque.dynamics.state import STATES, final_states

    if not run.conditions.constant_current:
        from spintorque.errors import InputError

        raise InputError("conditions.current_density", "the state command needs a constant current")
    result = final_states(
        run.model,
        float(run.conditions.current_density),
        duration=options["duration"],
        field=run.field,
        tilt=options["tilt"],
        threshold=options["threshold"],
        window=options["window"],
    )
    out: dict[str, Any] = {}
    for k, start in enumerate(("p", "ap")):
        frequency = result.frequencies[k]
        out[f"state_from_{start}"] = float(STATES.index(result.states[k]))
        out[f"frequency_from_{start}"] = math.nan if frequency is None else frequency
    return out


# --- thermal: write-error-rate --------------------------------------------------------------------
_WER_OPTIONS = {"pulse", "rtol", "max_cells", "method", "nu"}
_WER_METHODS = ("auto", "axial", "chain", "spectral", "sphere", "energy", "harmonics")
MAX_PULSES = 10_000
"""Most pulse lengths of one write-error-rate sweep (as ``spintorque write-error-rate``)."""
MAX_CELLS = 8192
"""Largest ``max_cells`` of a write-error-rate sweep (the cost grows like cells³)."""


def _pulse_lengths(spec: Any) -> np.ndarray:
    """``options.pulse`` → pulse lengths [s], strictly increasing, >= 0.

    ``"1ns:50ns:50"`` (START:STOP:COUNT, evenly spaced, as ``--pulse`` of the command), or a
    table as an axis takes: ``{start, stop, num}`` (``scale = "log"``) or ``{values = [...]}``.
    """
    from spintorque.errors import InputError
    from spintorque.sweep.description import axis_values
    from spintorque.units import to_si

    field = "options.pulse"
    if isinstance(spec, str):
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(
                field, f"expected 'START:STOP:COUNT' with time units, e.g. '1ns:50ns:50', got {spec!r}"
            )
        start, stop = (to_si(part, "time", field) for part in parts[:2])
        try:
            count = int(parts[2])
        except ValueError:
            raise InputError(field, f"COUNT must be an integer, got {parts[2]!r}") from None
        if not 1 <= count <= MAX_PULSES:
            raise InputError(field, f"COUNT must be from 1 to {MAX_PULSES}, got {count}")
        values = np.linspace(start, stop, count)
    elif isinstance(spec, dict):
        values = axis_values(spec, "time", False, field)
    else:
        raise InputError(
            field, "give 'START:STOP:COUNT' (e.g. '1ns:50ns:50'), {start, stop, num} or {values = [...]}"
        )
    if values.size > MAX_PULSES:
        raise InputError(field, f"at most {MAX_PULSES} pulse lengths, got {values.size}")
    if not (np.all(np.isfinite(values)) and np.all(values >= 0)):
        raise InputError(field, "pulse lengths must be finite and >= 0 s")
    if np.any(np.diff(values) <= 0):
        raise InputError(field, "pulse lengths must be strictly increasing")
    return values


def _wer_options(table: Mapping[str, Any]) -> dict[str, Any]:
    from spintorque.errors import InputError
    from spintorque.units import to_float

    unknown = sorted(set(table) - _WER_OPTIONS)
    if unknown:
        raise InputError(
            f"options.{unknown[0]}", f"unknown option; allowed: {', '.join(sorted(_WER_OPTIONS))}"
        )
    if "pulse" not in table:
        raise InputError("options.pulse", "missing: the pulse lengths, e.g. pulse = '1ns:50ns:50'")
    pulse = _pulse_lengths(table["pulse"])
    rtol = to_float(table.get("rtol", 1e-6), "options.rtol")
    if not 0 < rtol < 1:
        raise InputError("options.rtol", f"must lie in (0, 1), got {rtol!r}")
    max_cells = table.get("max_cells", 8192)  # the command's default
    if isinstance(max_cells, bool) or not isinstance(max_cells, int) or not 256 <= max_cells <= MAX_CELLS:
        raise InputError(
            "options.max_cells", f"must be an integer from 256 to {MAX_CELLS}, got {max_cells!r}"
        )
    method = table.get("method", "auto")
    if method not in _WER_METHODS:
        raise InputError("options.method", f"must be one of {', '.join(_WER_METHODS)}, got {method!r}")
    nu = to_float(table.get("nu", 0.0), "options.nu")
    return {"pulse": pulse, "rtol": rtol, "max_cells": max_cells, "method": method, "nu": nu}


def _wer_problem(run: Any, nu: float) -> Any:
    """The write problem at the run's own (constant) current density:
    :func:`spintorque.thermal.wer.problem_from_run`, the construction of ``problem_from_file``
    (``tests/sweep/test_wer_sweep.py`` checks that they agree bit for bit), with errors named
    by the sweep file's fields."""
    from spintorque.errors import InputError
    from spintorque.thermal.wer import problem_from_run

    conditions = run.conditions
    if not conditions.constant_current:
        raise InputError(
            "conditions.current_density",
            "write-error-rate needs a constant current density (the pulse lengths are options.pulse)",
        )
    return problem_from_run(
        run, [float(conditions.current_density)], nu, label="the base file",
        fields={"nu": "options.nu", "current_density": "conditions.current_density"},
    )


def _wer_layout(run: Any, options: Mapping[str, Any]) -> Layout:
    from spintorque.errors import InputError
    from spintorque.thermal.wer import TWO_D_METHODS, SphereWERProblem

    problem = _wer_problem(run, options["nu"])
    if isinstance(problem, SphereWERProblem) and options["method"] not in TWO_D_METHODS:
        raise InputError(
            "options.method",
            f"the base file is not axially symmetric: it is solved in 2D ({', '.join(TWO_D_METHODS)}), "
            f"got {options['method']!r}",
        )
    if not isinstance(problem, SphereWERProblem) and options["method"] in ("energy", "harmonics"):
        raise InputError(
            "options.method",
            f"{options['method']} is for non-axial magnets; an axial base file is solved in 1D "
            "(auto, axial, chain, spectral or sphere)",
        )
    pulse = ("pulse",)
    return {
        "write_error_rate": Output(pulse, "1", "write-error rate P(z > 0) at the end of the pulse"),
        "write_error_rate_relative_error": Output(
            pulse, "1", "estimated relative error of the write-error rate (inf where it underflows)"
        ),
        "converged": Output(pulse, "1", "relative error estimate within options.rtol", "bool"),
        "current_ratio": Output((), "1", "I / I_c0 (NaN for a non-axial magnet: no closed form)"),
        "critical_current_density": Output((), "A/m^2", "Sun's J_c0 (NaN for a non-axial magnet)"),
        "tau_N": Output((), "s", "free-diffusion time tau_N (the solver's time unit)"),
        "lambda1": Output(
            (), "1/s", "slowest relaxation rate λ1 of the finest grid (NaN where the solver gives none > 0)"
        ),
    }, {"pulse": Coordinate(tuple(float(t) for t in options["pulse"]), "s", "pulse length")}


def _wer(run: Any, seed: np.random.SeedSequence | None, options: Mapping[str, Any]) -> dict[str, Any]:
    from spintorque.thermal.wer import write_error_rate

    problem = _wer_problem(run, options["nu"])
    tau = float(problem.tau_N)
    result = write_error_rate(
        problem,
        None,
        options["pulse"] / tau,
        rtol=options["rtol"],
        max_cells=options["max_cells"],
        method=options["method"],
        workers=1,  # the sweep runs its points in parallel (Dask): one process per point
    )
    jc = problem.critical_current_density
    rate = float(result.lambda1[0]) / tau  # a decay rate: > 0 (a Ritz value of the 2D path may not be)
    return {
        "write_error_rate": result.write_error_rate[0],
        "write_error_rate_relative_error": result.write_error_rate_error[0],
        "converged": result.converged[0],
        "current_ratio": float(result.current_ratio[0]),
        "critical_current_density": math.nan if jc is None else float(jc),
        "tau_N": tau,
        "lambda1": rate if rate > 0 and math.isfinite(rate) else math.nan,
    }


SOLVE = Command("solve", _load_stack, _solve_layout, _solve, vary=_vary_stack)
EFFICIENCY = Command("efficiency", _load_stack, _efficiency_layout, _efficiency, vary=_vary_stack)
MAGNETORESISTANCE = Command(
    "magnetoresistance", _load_stack, _magnetoresistance_layout, _magnetoresistance, vary=_vary_stack
)
ESCAPE = Command("escape", _load_macrospin, _escape_layout, _escape, base_kind="macrospin file")

SWITCHING = Command(
    "switching",
    _load_macrospin,
    _switching_layout,
    _switching,
    stochastic=True,
    base_kind="macrospin file",
    options=_switching_options,
)

STATE = Command(
    "state", _load_state, _state_layout, _state, base_kind="macrospin file", options=_state_options
)

WRITE_ERROR_RATE = Command(
    "write-error-rate", _load_macrospin, _wer_layout, _wer, base_kind="macrospin file", options=_wer_options
)

COMMANDS: dict[str, Command] = {
    command.name: command
    for command in (SOLVE, EFFICIENCY, MAGNETORESISTANCE, ESCAPE, SWITCHING, STATE, WRITE_ERROR_RATE)
}
"""Sweepable commands by name; adding a command is one entry here."""
