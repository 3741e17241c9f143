"""Write-error-rate command: ``write-error-rate`` (with ``--read-disturb`` and ``--target``)."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from spintorque.cli.app import (
    DATASET,
    FIGURE,
    app,
    as_flags,
    check_output_path,
    console,
    friendly,
    parse_range,
    print_json,
    savefig,
    use_agg,
)
from spintorque.errors import InputError

if TYPE_CHECKING:
    import numpy as np

MAX_PULSES = 10_000


def _numbers(spec: str, option: str) -> list[float]:
    """'a,b,c' → floats; an empty item (a stray or trailing comma) is refused, not skipped."""
    parts = spec.split(",")
    if len(parts) > 1 and not all(part.strip() for part in parts):
        raise InputError(option, f"expected comma-separated numbers without empty items, got {spec!r}")
    try:
        values = [float(part) for part in parts if part.strip()]
    except ValueError:
        raise InputError(option, f"expected comma-separated numbers, got {spec!r}") from None
    if not values or not all(math.isfinite(v) for v in values):
        raise InputError(option, f"expected finite comma-separated numbers, got {spec!r}")
    return values


def _current_densities(spec: str) -> list[float]:
    """'J1,J2 A/m^2' → SI floats (one unit for the list)."""
    from spintorque.limits import parse

    numbers, _, unit = spec.strip().partition(" ")
    if not unit.strip():
        raise InputError(
            "--current", f"give the unit once after the list, e.g. '1e11,2e11 A/m^2', got {spec!r}"
        )
    return [parse(f"{v} {unit}", "current_density", "--current") for v in _numbers(numbers, "--current")]


def _pulses_seconds(spec: str) -> np.ndarray:
    """'1ns:50ns:50' → pulse lengths [s]."""
    from spintorque.units import to_si

    parts = spec.split(":")
    if len(parts) != 3:
        raise InputError(
            "--pulse", f"expected START:STOP:COUNT with time units, e.g. '1ns:50ns:50', got {spec!r}"
        )
    start, stop = (to_si(p, "time", "--pulse") for p in parts[:2])
    try:
        count = int(parts[2])
    except ValueError:
        raise InputError("--pulse", f"COUNT must be an integer, got {parts[2]!r}") from None
    if not 1 <= count <= MAX_PULSES or start < 0 or stop < start:
        raise InputError("--pulse", f"need 0 <= START <= STOP and 1 <= COUNT <= {MAX_PULSES}, got {spec!r}")
    import numpy as np

    return np.linspace(start, stop, count)


def _finite_or_none(values: np.ndarray) -> list[Any]:
    import numpy as np

    return [float(v) if math.isfinite(v) else None for v in np.ravel(values)]


def _table(values: np.ndarray) -> list[list[Any]]:
    return [_finite_or_none(row) for row in values]


FLAGS = {
    "rtol": "--rtol",
    "max_cells": "--max-cells",
    "target": "--target",
    "bracket": "--target",
    "method": "--method",
    "workers": "--workers",
    "read disturb": "--read-disturb",
    "sigma": "--sigma",
    "h": "--reduced-field",
    "nu": "--nu",
    "pulse": "--pulse",
    "read current": "--current-ratio",
    "current ratio": "--current-ratio",
    "currents/pulses": "--current-ratio/--pulse",
}
"""Fields of the WER API → the flags a user wrote (reduced units; with a file, --current)."""


def _named_flags(func: Any) -> Any:
    """Run the command with errors of the API renamed to its flags (:func:`as_flags`)."""
    from functools import wraps

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        names = dict(FLAGS)
        if kwargs.get("magnet_file") is not None:
            names.update({"read current": "--current", "current ratio": "--current"})
        with as_flags(names):
            return func(*args, **kwargs)

    return wrapper


@app.command("write-error-rate")
@friendly
@_named_flags
def write_error_rate_command(
    magnet_file: Annotated[
        Path | None,
        typer.Argument(
            help="macrospin TOML (physical units; axially symmetric: 1D solver, any other "
            "geometry: 2D on the sphere; else give --sigma)",
            show_default=False,
        ),
    ] = None,
    sigma: Annotated[float | None, typer.Option("--sigma", help="barrier parameter K V / k_B T")] = None,
    current_ratio: Annotated[
        str | None,
        typer.Option("--current-ratio", help="reduced currents I/I_c0, comma separated (e.g. 1.2,1.5,2)"),
    ] = None,
    current: Annotated[
        str | None, typer.Option("--current", help="with a file: current densities, e.g. '1e11,2e11 A/m^2'")
    ] = None,
    pulse: Annotated[
        str,
        typer.Option(
            "--pulse",
            help="START:STOP:COUNT pulse lengths (in tau_N; with a file in time units, e.g. '1ns:50ns:50')",
        ),
    ] = "",
    reduced_field: Annotated[float, typer.Option("--reduced-field", help="h = H / H_K")] = 0.0,
    nu: Annotated[float, typer.Option("--nu", help="spin-injection diffusion D_T(1 + nu i)")] = 0.0,
    temperature: Annotated[
        str | None, typer.Option("--temperature", help="with a file: override T, e.g. '300 K'")
    ] = None,
    read: Annotated[
        bool,
        typer.Option("--read-disturb", help="report the read-disturb probability P(switched) (needs i < 1)"),
    ] = False,
    target: Annotated[
        float | None,
        typer.Option("--target", help="also the current needed for this WER (e.g. 1e-9) at each pulse "
                     "(a non-axial file: searched between the smallest and largest --current)"),
    ] = None,
    rtol: Annotated[float, typer.Option("--rtol", help="target relative accuracy")] = 1e-6,
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="auto (by geometry: 1D for axial magnets, spectral without a start "
            "well, else the finite-volume chain; for the rest, where every damping is below 0.2, "
            "the harmonic path if every damping is at least 0.05, energy diffusion below 0.05, each "
            "falling back to the next (harmonics, energy, 2D) where it refuses; else 2D), axial, "
            "chain, spectral, sphere (the 2D path, also for axial magnets) or "
            "energy (low-damping limit, non-axial files), or harmonics (spherical-harmonic "
            "Galerkin on the sphere: any damping, slow; docs/wer.md)",
        ),
    ] = "auto",
    max_cells: Annotated[int, typer.Option("--max-cells", help="finest grid (cells)")] = 8192,
    workers: Annotated[
        int | None,
        typer.Option("--workers", help="processes of the 2D paths (harmonics: per current and degree; "
                     "sphere: per current); -1 all cores, 1 serial [default: the cores, up to 8]"),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="figure file: log10 WER vs pulse")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="NetCDF file of the table")] = None,
) -> None:
    """Write-error rate (probability of not having switched at the end of a pulse) from the
    Fokker–Planck time evolution, from the zero-current thermal state of the start well.

    Reduced units: --sigma, --current-ratio, --pulse in tau_N. A macrospin file: --current in
    A/m², --pulse in seconds (axially symmetric: 1D solver; any other geometry: 2D, where
    --target searches between the given currents). --read-disturb reports instead the
    probability that a read current (i < 1, below the critical current) has switched the cell.
    Every value carries a relative error estimate; `converged` says whether all meet --rtol
    (see docs/wer.md).
    """
    check_output_path(plot, "--plot", FIGURE)
    check_output_path(output, "--output", DATASET)
    import numpy as np

    from spintorque.io import write_dataset
    from spintorque.thermal import AxialModel
    from spintorque.thermal.wer import problem_from_file, read_disturb, write_error_rate

    if method not in ("auto", "axial", "chain", "spectral", "sphere", "energy", "harmonics"):
        raise InputError(
            "--method", f"must be auto, axial, chain, spectral, sphere, energy or harmonics, got {method!r}"
        )

    from spintorque._parallel import check_workers

    check_workers(workers)  # before the table is computed
    if not pulse:
        raise InputError("--pulse", "give START:STOP:COUNT pulse lengths")
    if target is not None and not 0.0 < target < 1.0:  # before the table is computed
        raise InputError("--target", f"the target WER must be in (0, 1), got {target!r}")
    if (magnet_file is None) == (sigma is None):
        raise InputError("write-error-rate", "give either a macrospin file or --sigma (reduced units)")
    T = None
    if magnet_file is not None:
        if current_ratio is not None or reduced_field != 0.0:
            raise InputError(
                "--current-ratio/--reduced-field",
                "reduced-unit flags do not go with a file: use --current 'J1,J2 A/m^2'",
            )
        if current is None:
            raise InputError("--current", "give the current densities, e.g. '1e11,2e11 A/m^2'")
        from spintorque.limits import parse

        T = None if temperature is None else parse(temperature, "temperature", "--temperature")
        problem = problem_from_file(magnet_file, _current_densities(current), nu, T)
        seconds = _pulses_seconds(pulse)
        assert problem.tau_N is not None
        pulses = seconds / problem.tau_N
    else:
        if current is not None or temperature is not None:
            raise InputError(
                "--current/--temperature",
                "physical flags need a macrospin file; in reduced units use --current-ratio",
            )
        if current_ratio is None:
            raise InputError("--current-ratio", "give the reduced currents, e.g. 1.2,1.5,2")
        assert sigma is not None
        from spintorque.thermal.wer import WERProblem

        problem = WERProblem(
            AxialModel(sigma, reduced_field, 0.0, nu), np.array(_numbers(current_ratio, "--current-ratio"))
        )
        pulses = parse_range(pulse, "--pulse", "tau_N", MAX_PULSES)
        if np.any(pulses < 0):
            raise InputError("--pulse", f"pulse lengths must be >= 0, got {pulse!r}")
    from spintorque.thermal.wer import TWO_D_METHODS, SphereWERProblem

    two_d = isinstance(problem, SphereWERProblem)
    if two_d and method not in TWO_D_METHODS:
        raise InputError(
            "--method",
            f"{magnet_file} is not axially symmetric: it is solved in 2D "
            f"(--method {', '.join(TWO_D_METHODS)}), got {method!r}",
        )
    if not two_d and method in ("energy", "harmonics"):
        raise InputError("--method", f"{method} is for non-axial macrospin files; an axial problem "
                         "is solved exactly in 1D (auto or chain)")
    if not two_d and method == "sphere" and (read or target is not None):
        raise InputError(
            "--read-disturb/--target",
            "read disturb and the target current of an axial magnet are computed by the 1D "
            "solver (--method auto or chain); --method sphere is the 2D check of the WER only",
        )
    bracket = _two_d_bracket(problem, target) if two_d else None  # before the table is computed
    if read:
        if not two_d and method not in ("auto", "chain"):
            raise InputError("--method", "read disturb is computed with the chain (auto or chain)")
        result = read_disturb(problem, None, pulses, rtol=rtol, max_cells=max_cells, method=method,
                              workers=workers)
    else:
        result = write_error_rate(problem, None, pulses, rtol=rtol, max_cells=max_cells, method=method,
                                  workers=workers)
    doc = _document(result, read)
    found: Any = None
    if target is not None:
        from spintorque.thermal.wer import WERProblem as WERProblemType
        from spintorque.thermal.wer import current_for_target

        if bracket is not None:
            from functools import partial

            from spintorque.thermal.wer.sphere_target import sphere_current_for_target

            assert magnet_file is not None  # a 2D problem comes from a file
            make = partial(problem_from_file, magnet_file, nu=nu, temperature=T)
            found = sphere_current_for_target(make, target, pulses, bracket, rtol=rtol, method=method,
                                              workers=workers, table=result)
        else:
            assert isinstance(problem, WERProblemType)
            found = current_for_target(problem.model, target, pulses, max_cells=min(max_cells, 256))
        doc["target"] = _target_doc(problem, found)
    if output is not None:
        write_dataset(result.to_dataset(), output)
    if plot is not None:
        use_agg()
        from spintorque.plotting.wer import plot_target_current, plot_wer

        ax = plot_wer(result, read_disturb=read)
        savefig(ax.figure, plot)
        if found is not None:
            ax2 = plot_target_current(found, problem.tau_N)
            savefig(ax2.figure, plot.with_name(plot.stem + "_target" + plot.suffix))
    for note in getattr(result, "notes", ()):
        print(f"warning: {note}", file=sys.stderr)
    if found is not None and (line := _target_warning(found, problem.tau_N)) is not None:
        print(f"warning: {line}", file=sys.stderr)
    if not doc["converged"]:
        hint = _accuracy_hint(result, max_cells)
        print(
            f"warning: some values miss --rtol {rtol:g} (largest relative error estimate "
            f"{_largest_error(doc)}); see docs/wer.md 'Limits' ({hint})",
            file=sys.stderr,
        )
    if json_output:
        print_json(doc)
        return
    _print(doc, read)


def _two_d_bracket(problem: Any, target: float | None) -> tuple[float, float] | None:
    """The current range of the 2D target search: the smallest and largest |J| given (one
    sign); None without --target. A non-axial magnet has no closed-form I_c0 to scale a default
    bracket by, so the search runs between the given currents."""
    if target is None:
        return None
    import numpy as np

    J = np.asarray(problem.current_density, dtype=float)
    if J.size < 2 or not (np.all(J > 0) or np.all(J < 0)) or np.ptp(np.abs(J)) == 0:
        raise InputError(
            "--target",
            "on a non-axial file the target current is searched between the given currents: "
            "give at least two different current densities of one sign with --current, e.g. "
            "'-2e11,-4e11 A/m^2'",
        )
    k = np.argsort(np.abs(J))
    return float(J[k[0]]), float(J[k[-1]])


def _accuracy_hint(result: Any, max_cells: int) -> str:
    """What limits the values that miss rtol, from the method each current used
    (``result.methods``): a finer chain helps only where the chain computed them."""
    if result.solver == "2d":
        return (
            "the four 2D grids do not reach it; at low damping the precession is upwinded on the grid scale"
        )
    if result.solver == "energy":
        if result.model_error is not None and bool((result.model_error > result.rtol).any()):
            return ("the predicted error of the energy-diffusion model, the alpha -> 0 limit, "
                    f"reaches {float(result.model_error.max()):.3g} (write_error_rate_model_error, "
                    "model_notes): --method harmonics or sphere solves Brown's equation at this damping")
        return "energy diffusion on 32 … 256 cells per branch does not resolve this drift"
    if result.solver == "harmonics":
        return "the spherical-harmonic degrees do not resolve this state"
    import numpy as np

    values, errors = (
        (result.switching_probability, result.switching_probability_error)
        if result.quantity == "switching_probability"
        else (result.write_error_rate, result.write_error_rate_error)
    )
    underflow = (values == 0.0) & ~np.isfinite(errors)  # zero on some grid only: no grid helps
    missed = ~result.converged & ~underflow
    if any("chain" in name and missed[row].any() for row, name in enumerate(result.methods)):
        # a chain row that misses rtol has run up to the finest grid max_cells allows
        return f"the chain's finest grid limits them: try --max-cells {2 * max_cells}"
    if not missed.any():
        return "a probability below the double range (< 1e-300) on some grid has no certain digit on any grid"
    return (
        "the Legendre-Galerkin evolution (sizes 96 … 324; below a WER of 1e-6 its slowest-mode "
        "tail) does not reach them, and --max-cells does not change it; --method auto adds the "
        "chain where it misses"
    )


def _document(result: Any, read: bool) -> dict[str, Any]:
    problem = result.problem
    doc: dict[str, Any] = {}
    if problem.current_density is not None:
        doc["current_density"] = [float(v) for v in problem.current_density]
        doc["critical_current_density"] = problem.critical_current_density
        doc["tau_N"] = problem.tau_N
        doc["pulse_s"] = [float(v) for v in result.pulse_s]
    doc["current_ratio"] = _finite_or_none(result.current_ratio)
    doc["pulse_over_tau_N"] = [float(v) for v in result.pulse]
    if result.solver == "1d":
        doc["sigma"], doc["reduced_field"], doc["nu"] = problem.model.sigma, problem.model.h, problem.model.nu
    else:
        doc["switching_axis"] = [float(v) for v in problem.axis]
        if problem.describe is not None:
            doc["magnet"] = problem.describe
        if problem.current_density is not None:
            doc["current_ratio_note"] = "null: I/I_c0 has no closed form for this non-axial magnet"
    doc["write_error_rate"] = _table(result.write_error_rate)
    doc["write_error_rate_relative_error"] = _table(result.write_error_rate_error)
    if read:
        doc["read_disturb_probability"] = _table(result.switching_probability)
        doc["read_disturb_probability_relative_error"] = _table(result.switching_probability_error)
    errors = result.switching_probability_error if read else result.write_error_rate_error
    worst = float(errors.max())
    doc.update(
        lambda1_tau_N=_lambda1_values(result.lambda1),
        solver=result.solver,
        method_per_current=list(result.methods),
        method=result.method,
        cells=list(result.cells),
        rtol=result.rtol,
        max_relative_error=worst if math.isfinite(worst) else None,
        converged=bool(result.converged.all()),
        units={
            "pulse_over_tau_N": "tau_N",
            "pulse_s": "s",
            "current_density": "A/m^2",
            "tau_N": "s",
            "write_error_rate": "probability",
        },
    )
    note = _lambda1_note(result)
    if note is not None:
        doc["lambda1_note"] = note
    if getattr(result, "notes", ()):
        doc["model_notes"] = list(result.notes)
    model_error = getattr(result, "model_error", None)
    if model_error is not None:  # the energy path's model (alpha -> 0 limit) error, beyond the numerics
        doc["write_error_rate_model_error"] = _table(model_error)
        largest = float(model_error.max())
        doc["max_model_error"] = largest if math.isfinite(largest) else None
        if not math.isfinite(largest):
            doc["write_error_rate_model_error_note"] = (
                "null where the energy-diffusion WER is 0 (below the double range): no relative "
                "bound on the model error there")
    if not math.isfinite(worst):
        doc["note"] = (
            "relative error null where no digit is certain: a probability that underflows double "
            "precision (< 1e-300) on some grid, or a solver that does not resolve it (docs/wer.md)"
        )
    return doc


def _lambda1_values(values: np.ndarray) -> list[Any]:
    """λ1·tau_N per current; null where unresolved (NaN) or below the double range (0)."""
    return [float(v) if math.isfinite(v) and v > 0 else None for v in values]


def _lambda1_note(result: Any) -> str | None:
    import numpy as np

    from spintorque.thermal.wer.sphere import HARMONIC_LAMBDA1_UNRESOLVED, LAMBDA1_UNRESOLVED

    if np.any(np.isnan(result.lambda1)):
        if result.solver == "energy":
            return "null: the energy-diffusion lambda1 did not converge (near-degenerate slow modes)"
        if str(result.solver).startswith("harmonics"):
            return HARMONIC_LAMBDA1_UNRESOLVED
        return LAMBDA1_UNRESOLVED
    if np.any(result.lambda1 <= 0):
        return "null: lambda1 tau_N is below the double range (< 1e-308; a barrier above ~700 k_BT)"
    return None


def _target_doc(problem: Any, found: Any) -> dict[str, Any]:
    if hasattr(found, "interpolation_error"):  # the 2D search: currents in A/m^2
        return _sphere_target_doc(found)
    doc: dict[str, Any] = {
        "write_error_rate": found.target,
        "current_ratio": _finite_or_none(found.current_ratio),
        "current_ratio_error": _finite_or_none(found.error),
        "outside_bracket": [bool(v) for v in found.outside],
        "bracket_current_ratio": [float(v) for v in found.bracket],
        "reason": list(found.reason),
    }
    if problem.critical_current_density is not None:
        Jc = problem.critical_current_density
        doc["current_density"] = _finite_or_none(found.current_ratio * Jc)
        doc["current_density_error"] = _finite_or_none(found.error * abs(Jc))
    doc.update(
        write_error_rate_relative_error=_finite_or_none(found.wer_relative_error),
        rtol=found.rtol,
        converged_per_pulse=[bool(v) for v in found.converged],
        converged=bool(found.converged.all()),
    )
    if any(v is None for v in _finite_or_none(found.error[~found.outside])):
        doc["current_ratio_error_note"] = (
            "null inside the bracket: the WER at the current found has no certain digit (or "
            "does not change with the current there), so the current has no error bound"
        )
    return doc


def _sphere_target_doc(found: Any) -> dict[str, Any]:
    """The 2D target's JSON: the axial keys (current_ratio null: no I_c0 off the axis) and the
    currents in A/m^2 with their errors, the nodes evaluated and the monotonicity per pulse."""
    n = found.pulse.size
    doc: dict[str, Any] = {
        "write_error_rate": found.target,
        "current_ratio": [None] * n,
        "current_ratio_error": [None] * n,
        "outside_bracket": [bool(v) for v in found.outside],
        "bracket_current_ratio": [None, None],
        "reason": list(found.reason),
        "current_density": _finite_or_none(found.current_density),
        "current_density_error": _finite_or_none(found.error),
        "bracket_current_density": [float(v) for v in found.bracket],
        "write_error_rate_relative_error": _finite_or_none(found.wer_relative_error),
        "rtol": found.rtol,
        "converged_per_pulse": [bool(v) for v in found.converged],
        "converged": bool(found.converged.all()),
        "current_density_interpolation_error": _finite_or_none(found.interpolation_error),
        "monotone_per_pulse": [bool(v) for v in found.monotone],
        "node_current_density": [float(v) for v in found.nodes],
        "node_write_error_rate": _table(found.node_write_error_rate),
        "node_write_error_rate_relative_error": _table(found.node_write_error_rate_error),
        "method_per_node": list(found.methods),
        "current_ratio_note": "null: I/I_c0 has no closed form for this non-axial magnet",
    }
    if any(v is None for v in _finite_or_none(found.error[~found.outside])):
        doc["current_density_error_note"] = (
            "null inside the bracket: the WER at the nodes has no certain digit there (or does "
            "not decrease with |J|), so the current has no error bound"
        )
    return doc


def _target_warning(found: Any, tau_N: float | None) -> str | None:
    """One plain-words line where the target current rests on WER values that miss their
    accuracy (None where all meet it)."""
    import numpy as np

    missed = np.flatnonzero(~found.converged)
    if missed.size == 0:
        return None
    times = found.pulse * tau_N if tau_N is not None else found.pulse
    unit = "s" if tau_N is not None else "tau_N"
    shown = ", ".join(f"{times[j]:.4g}" for j in missed[:5]) + (" ..." if missed.size > 5 else "")
    worst = float(np.max(found.wer_relative_error[missed]))
    size = f"up to {worst:.2g}" if math.isfinite(worst) else "no certain digit"
    line = (
        f"--target: at pulse {shown} {unit} the write-error rate the current rests on misses its "
        f"accuracy {found.rtol:g} (relative error estimate {size}); the current's error "
        "estimate includes it, but the current is not converged (target.converged is false)"
    )
    monotone = getattr(found, "monotone", None)
    if monotone is not None and not monotone.all():
        line += (f"; at {int((~monotone).sum())} pulse(s) the WER does not decrease with |J| "
                 "beyond its error on the nodes (target.monotone_per_pulse)")
    return line


def _largest_error(doc: dict[str, Any]) -> str:
    """The largest estimate in words (it is null in the JSON where one is unbounded)."""
    worst = doc["max_relative_error"]
    if worst is None:
        return "unbounded: a value underflows double precision or has no error bound"
    return f"{worst:.2g}"


def _print(doc: dict[str, Any], read: bool) -> None:
    key = "read_disturb_probability" if read else "write_error_rate"
    physical = "pulse_s" in doc
    times = doc["pulse_s"] if physical else doc["pulse_over_tau_N"]
    unit = "s" if physical else "tau_N"
    head = (
        f"sigma = {doc['sigma']:.6g}, h = {doc['reduced_field']:.4g}"
        if "sigma" in doc
        else f"2D solver, switching axis {doc['switching_axis']}"
    )
    console.print(
        f"{head}; {key.replace('_', ' ')} (largest relative error estimate {_largest_error(doc)})"
    )
    labels = (
        [f"J = {j:.6g} A/m^2" for j in doc["current_density"]]
        if "current_density" in doc
        else [f"i = {i:.6g}" for i in doc["current_ratio"]]
    )
    for row, label in enumerate(labels):
        console.print(f"{label}:")
        for t, value in zip(times, doc[key][row], strict=True):
            console.print(f"  t = {t:.6g} {unit}: {value:.10g}")
    target = doc.get("target")
    if target is None:
        return
    two_d = "bracket_current_density" in target and target["bracket_current_ratio"][0] is None
    key = "current_density" if two_d else "current_ratio"
    console.print(f"current for WER = {target['write_error_rate']:g} ({'A/m^2' if two_d else 'I/I_c0'}):")
    rows = zip(times, target[key], target[key + "_error"], target["reason"],
               target["converged_per_pulse"], strict=True)
    for t, ratio, error, reason, converged in rows:
        if ratio is None:
            console.print(f"  t = {t:.6g} {unit}: none ({reason})")
            continue
        spread = "no error bound" if error is None else f"± {error:.2g}"
        console.print(f"  t = {t:.6g} {unit}: {ratio:.8g} {spread}{'' if converged else ' (not converged)'}")
