"""Thermal-activation commands: escape."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from spintorque.cli.app import app, console, friendly, print_json
from spintorque.errors import InputError

if TYPE_CHECKING:
    from spintorque.thermal import EscapeResult

SOLVERS = {"auto": "auto", "axial": "axial", "1d": "axial", "sphere": "sphere", "2d": "sphere",
           "energy": "energy", "harmonics": "harmonics"}
"""--solver values (the older 1d and 2d name the axial and sphere methods)."""
REDUCED_FLAGS = {"sigma": "--sigma", "h": "--reduced-field", "i": "--current-ratio",
                 "current_ratio": "--current-ratio", "nu": "--nu", "alpha": "--alpha",
                 "hard_ratio": "--hard-ratio", "polarizer_angle": "--polarizer-angle",
                 "method": "--solver"}
"""Fields of the escape API → the flags a user wrote."""


@app.command()
@friendly
def escape(
    magnet_file: Annotated[Path | None, typer.Argument(
        help="macrospin TOML (physical units; else give --sigma)", show_default=False)] = None,
    sigma: Annotated[float | None, typer.Option("--sigma",
                                                help="barrier parameter K V / k_B T")] = None,
    reduced_field: Annotated[float | None, typer.Option(
        "--reduced-field", help="h = H / H_K along the easy axis [default: 0]")] = None,
    current_ratio: Annotated[float | None, typer.Option(
        "--current-ratio", help="i = I / I_c0(h) with I_c0(h) ∝ 1 + h: the torque i(1 + h) > 0 destabilises "
        "m_z = +1, so i > 0 destabilises it for h > -1 and stabilises it for h < -1 "
        "[default: 0]")] = None,
    nu: Annotated[float, typer.Option("--nu", help="spin-injection diffusion: D_T -> D_T (1 + nu i)"
                                      )] = 0.0,
    alpha: Annotated[float | None, typer.Option(
        "--alpha", help="damping (times are in tau_N, which absorbs it; the 2D solver needs it "
        "for the precession, default 1; the energy solver, the limit α → 0, uses it only to "
        "report the energy lost per turn on the separatrix)")] = None,
    hard_ratio: Annotated[float | None, typer.Option(
        "--hard-ratio", help="easy-plane strength: + hard_ratio·sigma·m_x² (2D solver) "
        "[default: 0]")] = None,
    polarizer_angle: Annotated[float | None, typer.Option(
        "--polarizer-angle", help="tilt of the polariser from the easy axis towards x [deg], in "
        "[-360, 360] "
        "(2D solver) [default: 0]")] = None,
    current: Annotated[str | None, typer.Option(
        "--current", help="with a file: current density replacing the file's, e.g. "
        "'5e10 A/m^2'")] = None,
    temperature: Annotated[str | None, typer.Option(
        "--temperature", help="with a file: temperature replacing the file's, e.g. '350 K'")] = None,
    solver: Annotated[str, typer.Option(
        "--solver", help="auto (axial when axially symmetric, else sphere; energy where the 2D "
        "grids fail at low damping), axial (1d), sphere (2d), or energy (the low-damping limit "
        "α → 0: Brown's equation averaged over precession orbits), or harmonics (λ1 and τ_int "
        "from the spherical-harmonic expansion, any damping; no MFPT)")] = "auto",
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Escape rate, relaxation time and first-passage time of a macrospin.

    Either reduced units (--sigma, --reduced-field, --current-ratio; times in tau_N) or a
    macrospin file (times in seconds, rates in 1/s; --current and --temperature override its
    conditions). Reports the regime of the start well ("thermally activated", "critical",
    "no barrier", "single well"), the effective barrier where it exists, and closed forms inside their domain.
    See docs/thermal.md, "One escape API".
    """
    from spintorque.limits import parse
    from spintorque.progress import activity
    from spintorque.thermal import PhysicalProblem, ReducedProblem
    from spintorque.thermal import escape as solve_escape

    if solver not in SOLVERS:
        raise InputError("--solver", f"must be auto, axial (1d), sphere (2d), energy or harmonics, "
                         f"got {solver!r}")
    reduced = {"--sigma": sigma, "--reduced-field": reduced_field, "--current-ratio": current_ratio,
               "--alpha": alpha, "--hard-ratio": hard_ratio, "--polarizer-angle": polarizer_angle}
    if magnet_file is not None:
        given = [flag for flag, value in reduced.items() if value is not None]
        if given:
            raise InputError(given[0], "is a reduced-unit flag: give either a macrospin file (with "
                             "--current, --temperature in physical units) or reduced units, not both")
        J = None if current is None else parse(current, "current_density", "--current")
        T = None if temperature is None else parse(temperature, "temperature", "--temperature")
        overrides = {"conditions.current_density": "--current" if J is not None else None,
                     "conditions.temperature": "--temperature" if T is not None else None}
        with _flags(overrides):
            problem: Any = PhysicalProblem.from_file(magnet_file, J, T, nu)
            with activity(f"escape ({solver})"):
                result = solve_escape(problem, SOLVERS[solver])
    else:
        if sigma is None:
            raise InputError("escape", "give either a macrospin file or --sigma (reduced units)")
        for flag, value in (("--current", current), ("--temperature", temperature)):
            if value is not None:
                raise InputError(flag, "needs a macrospin file (physical units); in reduced units "
                                 "use --current-ratio and --sigma")
        with _flags(REDUCED_FLAGS):
            problem = ReducedProblem(sigma, reduced_field or 0.0, current_ratio or 0.0, nu, alpha,
                                     hard_ratio or 0.0, math.radians(polarizer_angle or 0.0))
            with activity(f"escape ({solver})"):
                result = solve_escape(problem, SOLVERS[solver])
    for message in result.messages:
        print(f"warning: {message}", file=sys.stderr)
    if json_output:
        print_json(result.to_json_dict())
        return
    _print_escape(result, magnet_file)


@contextmanager
def _flags(names: Mapping[str, str | None]) -> Iterator[None]:
    """Rename the field of an InputError raised inside to the flag the user wrote."""
    try:
        yield
    except InputError as error:
        flag = names.get(error.field)
        if flag is None:
            raise
        raise InputError(flag, error.message) from None


def _number(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:.6g} {unit}"


def _print_escape(result: EscapeResult, path: Path | None) -> None:
    doc = result.to_json_dict()
    physical = path is not None
    rate, time = ("1/s", "s") if physical else ("1/tau_N", "tau_N")
    values = list(result.values().values())
    head = f"{path}: " if physical else ""
    console.print(f"{head}method {result.method}; regime: {result.regime} ({result.regime_reason})")
    if physical:
        console.print(f"J = {doc['current_density']:.4g} A/m², T = {doc['temperature']:g} K, "
                      f"tau_N = {result.tau_N:.4g} s")
    console.print(f"relaxation rate λ1 (smallest non-zero eigenvalue) = {_number(values[0], rate)} "
                  f"({doc['lambda1_meaning']})")
    if values[3] is not None:
        console.print(f"forward switching rate k_fwd = {_number(values[3], rate)} (mean dwell time "
                      f"1/k_fwd = {_number(1.0 / values[3], time)}; {doc['switching_rate_meaning']})")
    else:
        console.print(f"forward switching rate: none ({result.null_reasons.get('switching_rate', '')})")
    console.print(f"integral relaxation time = {_number(values[1], time)}")
    target = doc.get("mfpt_target_m_dot_u")
    where = "" if target is None else f" (m·u = {target:.6g})"
    console.print(f"mean first-passage time{where} = {_number(values[2], time)} "
                  f"({doc['mfpt_meaning']})")
    barrier = result.effective_barrier_kT
    console.print("effective barrier: " + (f"{barrier:.6g} k_BT" if barrier is not None
                                           else f"none ({result.null_reasons['effective_barrier_kT']})"))
    for name, form in result.closed_forms.items():
        if form.value is not None:
            console.print(f"closed form {name} = {form.value:.6g} {form.units} ({form.assumptions})")
    if not result.converged:
        console.print("not converged: see the warnings")
