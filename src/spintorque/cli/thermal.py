"""Thermal-activation commands: escape."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from spintorque.cli.app import FIGURE, app, check_output_path, console, friendly, savefig, use_agg
from spintorque.errors import InputError


@app.command()
@friendly
def escape(
    magnet_file: Annotated[Path | None, typer.Argument(
        help="macrospin TOML (physical units; else give --sigma)", show_default=False)] = None,
    sigma: Annotated[float | None, typer.Option("--sigma",
                                                help="barrier parameter K V / k_B T")] = None,
    reduced_field: Annotated[float, typer.Option("--reduced-field",
                                                 help="h = H / H_K along the easy axis")] = 0.0,
    current_ratio: Annotated[float, typer.Option("--current-ratio", help="i = I / I_c0(h); "
                                                 "i > 0 destabilises m_z = +1")] = 0.0,
    nu: Annotated[float, typer.Option("--nu", help="spin-injection diffusion: D_T -> D_T (1 + nu i)"
                                      )] = 0.0,
    alpha: Annotated[float | None, typer.Option(
        "--alpha", help="damping (times are in tau_N, which absorbs it; the 2D solver needs it "
        "for the precession, default 1; the energy solver, the limit α → 0, uses it only to "
        "report the energy lost per turn on the separatrix)")] = None,
    hard_ratio: Annotated[float, typer.Option(
        "--hard-ratio", help="easy-plane strength: + hard_ratio·sigma·m_x² (2D solver)")] = 0.0,
    polarizer_angle: Annotated[float, typer.Option(
        "--polarizer-angle", help="tilt of the polariser from the easy axis towards x [deg] "
        "(2D solver)")] = 0.0,
    solver: Annotated[str, typer.Option(
        "--solver", help="auto (1D when axially symmetric, else 2D), 1d, 2d, or energy (the "
        "low-damping limit α → 0: Brown's equation averaged over precession orbits)")] = "auto",
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Escape rate, relaxation time and first-passage time of a macrospin.

    Either reduced units (--sigma, --reduced-field, --current-ratio; times in tau_N) or a
    macrospin file (times in seconds, rates in 1/s). Axially symmetric problems use the spectral
    1D solver; others (an easy plane, a tilted polariser, a transport torque off the axis) the
    2D Fokker–Planck solver on the sphere, extrapolated over five grids, with error estimates.
    At low damping with a current (where the 2D grids do not converge) use --solver energy.
    """
    from spintorque.analytic import brown_high_barrier_rate, effective_barrier
    from spintorque.thermal import (
        AxialModel,
        integral_relaxation_time,
        mean_first_passage_time,
        smallest_eigenvalue,
    )

    if alpha is not None and not (math.isfinite(alpha) and alpha > 0):
        raise InputError("--alpha", f"must be > 0, got {alpha!r}")
    if solver not in ("auto", "1d", "2d", "energy"):
        raise InputError("--solver", f"must be auto, 1d, 2d or energy, got {solver!r}")
    if (magnet_file is None) == (sigma is None):
        raise InputError("escape", "give either a macrospin file or --sigma (reduced units)")
    if magnet_file is not None:
        _escape_physical(magnet_file, nu, solver, json_output)
        return
    assert sigma is not None
    axial = hard_ratio == 0.0 and polarizer_angle == 0.0
    if solver == "1d" and not axial:
        raise InputError("--solver", "1d needs --hard-ratio 0 and --polarizer-angle 0")
    if solver == "energy":
        _escape_reduced_energy(sigma, reduced_field, current_ratio, nu, hard_ratio, polarizer_angle,
                               alpha, json_output)
        return
    if solver == "2d" or not axial:
        _escape_reduced_2d(sigma, reduced_field, current_ratio, nu, alpha if alpha else 1.0,
                           hard_ratio, polarizer_angle, json_output)
        return
    model = AxialModel(sigma, reduced_field, current_ratio, nu)
    doc = {
        "sigma": sigma, "reduced_field": reduced_field, "current_ratio": current_ratio,
        "nu": nu, "alpha": alpha,
        "lambda1_tau_N": smallest_eigenvalue(model),
        "integral_relaxation_time_over_tau_N": integral_relaxation_time(model),
        "mfpt_over_tau_N": mean_first_passage_time(model, 1.0, 0.0),
        "effective_barrier_kT": float(effective_barrier(sigma, current_ratio, reduced_field, nu)),
        "brown_lambda1_tau_N": float(brown_high_barrier_rate(sigma, reduced_field))
        if abs(reduced_field) < 1 else None,
        "units": REDUCED_UNITS,
        "solver": "1d",
    }
    if _printed_json(doc, json_output):
        return
    console.print(f"sigma = {sigma:g}, h = {reduced_field:g}, i = {current_ratio:g}")
    console.print(f"λ1·tau_N = {doc['lambda1_tau_N']:.10g}  (Brown: {doc['brown_lambda1_tau_N']})")
    console.print(f"integral relaxation time = {doc['integral_relaxation_time_over_tau_N']:.10g} tau_N")
    console.print(f"mean first-passage time m_z = +1 → 0: {doc['mfpt_over_tau_N']:.10g} tau_N")


def _escape_2d_doc(result: Any, scale_rate: float = 1.0, scale_time: float = 1.0,
                   suffix: str = "") -> dict[str, Any]:
    """The three converged quantities (rate × scale_rate, times × scale_time) and their errors."""
    names = ("lambda1" + suffix, "integral_relaxation_time" + ("_over_tau_N" if suffix else ""),
             "mfpt" + ("_over_tau_N" if suffix else ""))
    doc: dict[str, Any] = {}
    for name, quantity, scale in zip(names, (result.lambda1, result.integral_relaxation_time,
                                             result.mfpt), (scale_rate, scale_time, scale_time), strict=True):
        doc[name] = quantity.value * scale
        doc[name + "_relative_error"] = quantity.relative_error
    doc.update(solver="2d", grid_family=result.family, grid_sizes=list(result.sizes),
               converged=result.converged)
    if not result.converged:
        print("warning: the 2D grids are not converged (relative error estimate > 1e-3); see "
              "docs/thermal.md, 'Limits of the 2D solver' (at low damping: --solver energy)",
              file=sys.stderr)
    return doc


def _printed_json(doc: dict[str, Any], json_output: bool) -> bool:
    """Print ``doc`` as JSON if asked; True if it was."""
    if json_output:
        print(json.dumps(doc))
    return json_output


PHYSICAL_UNITS = {"tau_N": "s", "lambda1": "1/s", "integral_relaxation_time": "s", "mfpt": "s"}
REDUCED_UNITS = "times in tau_N = (1 + alpha^2) mu0 Ms V / (2 alpha gamma0 k_B T); rates in 1/tau_N"


def _reduced_model(sigma: float, h: float, i: float, nu: float, alpha: float, hard_ratio: float,
                   angle_deg: float) -> Any:
    """Easy axis z, hard axis x, field along z, polariser tilted from z towards x."""
    from spintorque.thermal.sphere.model import uniaxial_model

    angle = math.radians(angle_deg)
    return uniaxial_model(sigma, alpha=alpha, easy_axis=(0, 0, 1), hard_axis=(1, 0, 0),
                          hard_ratio=hard_ratio, field=(0.0, 0.0, h), current_ratio=i,
                          polarizer=(math.sin(angle), 0.0, math.cos(angle)), nu=nu)


def _energy_doc(problem: Any, alpha: float | None, scale_rate: float = 1.0, scale_time: float = 1.0,
                suffix: str = "") -> dict[str, Any]:
    """λ1, integral time and MFPT of the averaged problem (None, with a note, if the energy has
    several separatrix levels), the barriers, the well's stability and, given α, the energy lost
    per turn on the separatrix (a warning if the low-damping limit is doubtful)."""
    from spintorque.thermal.energy import diffusion as ed

    doc: dict[str, Any] = {"solver": "energy", "limit": "alpha -> 0 (energy diffusion)"}
    names = ("lambda1" + suffix, "integral_relaxation_time" + ("_over_tau_N" if suffix else ""))
    try:
        doc[names[0]] = ed.smallest_eigenvalue(problem) * scale_rate
        doc[names[1]] = ed.integral_relaxation_time(problem) * scale_time
    except InputError as exc:
        doc[names[0]] = doc[names[1]] = None
        doc["note"] = exc.message
    doc["mfpt" + ("_over_tau_N" if suffix else "")] = ed.mean_first_passage_time(problem) * scale_time
    doc.update(barrier_kT=problem.barrier, effective_barrier_kT=ed.effective_barrier(problem),
               well_instability_ratio=problem.well.work_ratio_at_extremum(),
               well=[float(c) for c in problem.well.branch.extremum],
               separatrix_energy_loss_per_orbit_kT=None if alpha is None
               else problem.energy_loss_per_orbit(alpha))
    delta = doc["separatrix_energy_loss_per_orbit_kT"]
    if delta is not None and delta > 0.1:
        print(f"warning: the damping removes {delta:.3g} k_BT per turn on the separatrix; the "
              "low-damping limit needs this << 1 (docs/thermal.md, 'Low damping')", file=sys.stderr)
    return doc


def _escape_reduced_energy(sigma: float, h: float, i: float, nu: float, hard_ratio: float,
                           angle_deg: float, alpha: float | None, json_output: bool) -> None:
    from spintorque.thermal.energy import diffusion as ed

    # α → 0: the O(α) part of the torque drift vanishes (times are in tau_N, which absorbs 1/α)
    model = _reduced_model(sigma, h, i, nu, 1e-12, hard_ratio, angle_deg)
    doc = {"sigma": sigma, "reduced_field": h, "current_ratio": i, "nu": nu, "alpha": alpha,
           "hard_ratio": hard_ratio, "polarizer_angle_deg": angle_deg,
           **_energy_doc(ed.energy_diffusion(model, (0.0, 0.0, 1.0)), alpha, suffix="_tau_N"),
           "units": REDUCED_UNITS}
    if _printed_json(doc, json_output):
        return
    console.print(f"low-damping limit (energy diffusion): sigma = {sigma:g}, h = {h:g}, i = {i:g}, "
                  f"hard ratio = {hard_ratio:g}, polariser tilt = {angle_deg:g}°")
    _print_energy(doc, "tau_N", "1/tau_N", "_tau_N", "_over_tau_N")


def _print_energy(doc: dict[str, Any], time_unit: str, rate_unit: str, rate_suffix: str,
                  time_suffix: str) -> None:
    lam = doc["lambda1" + rate_suffix]
    console.print(f"λ1 = {lam:.10g} {rate_unit}" if lam is not None else f"λ1: {doc['note']}")
    console.print(f"mean first-passage time to the separatrix: {doc['mfpt' + time_suffix]:.10g} "
                  f"{time_unit}")
    console.print(f"barrier {doc['barrier_kT']:.6g} k_BT, effective barrier under current "
                  f"{doc['effective_barrier_kT']:.6g} k_BT; torque work / damping loss at the "
                  f"bottom of the well {doc['well_instability_ratio']:.4g} (≥ 1: unstable)")


def _escape_reduced_2d(sigma: float, h: float, i: float, nu: float, alpha: float, hard_ratio: float,
                       angle_deg: float, json_output: bool) -> None:
    from spintorque.analytic import effective_barrier
    from spintorque.thermal.sphere.escape2d import escape_2d

    result = escape_2d(_reduced_model(sigma, h, i, nu, alpha, hard_ratio, angle_deg), (0.0, 0.0, 1.0))
    doc = {"sigma": sigma, "reduced_field": h, "current_ratio": i, "nu": nu, "alpha": alpha,
           "hard_ratio": hard_ratio, "polarizer_angle_deg": angle_deg,
           **_escape_2d_doc(result, suffix="_tau_N"),
           "effective_barrier_kT_collinear_estimate": float(effective_barrier(sigma, i, h, nu)),
           "units": REDUCED_UNITS}
    if _printed_json(doc, json_output):
        return
    console.print(f"2D solver ({result.family} grids): sigma = {sigma:g}, h = {h:g}, i = {i:g}, "
                  f"hard ratio = {hard_ratio:g}, polariser tilt = {angle_deg:g}°, alpha = {alpha:g}")
    console.print(f"λ1·tau_N = {doc['lambda1_tau_N']:.10g} (± {doc['lambda1_tau_N_relative_error']:.1e})")
    console.print(f"integral relaxation time = {doc['integral_relaxation_time_over_tau_N']:.10g} tau_N")
    console.print(f"mean first-passage time m_z = +1 → 0: {doc['mfpt_over_tau_N']:.10g} tau_N")


def _escape_physical(path: Path, nu: float, solver: str, json_output: bool) -> None:
    from spintorque.magnet.io import load_macrospin
    from spintorque.thermal.axial.physical import NotAxialError, axial_reduction

    run = load_macrospin(path)
    if solver not in ("2d", "energy"):
        try:
            reduction = axial_reduction(run.model, run.conditions, nu)
        except NotAxialError:
            if solver == "1d":
                raise
        else:
            _escape_physical_1d(path, reduction, nu, json_output)
            return
    if nu != 0.0:
        raise InputError("--nu", "the spin-injection diffusion needs i = I/I_c0, defined for "
                         "axially symmetric magnets only (use reduced units with --solver 2d)")
    from spintorque.thermal.sphere.escape2d import escape_2d, well_direction
    from spintorque.thermal.sphere.model import sphere_reduction

    reduction2 = sphere_reduction(run.model, run.conditions)
    well = well_direction(reduction2.model, run.model.magnet.initial)
    if solver == "energy":
        _escape_physical_energy(path, reduction2, well, json_output)
        return
    result = escape_2d(reduction2.model, well)
    tau = reduction2.tau_N
    doc: dict[str, Any] = {"tau_N": tau, "well": [float(c) for c in well],
                           **_escape_2d_doc(result, 1.0 / tau, tau),
                           "units": PHYSICAL_UNITS}
    if _printed_json(doc, json_output):
        return
    console.print(f"{path}: 2D solver ({result.family} grids), well at "
                  f"({well[0]:.4f}, {well[1]:.4f}, {well[2]:.4f}), tau_N = {tau:.4g} s")
    console.print(f"escape rate λ1 = {doc['lambda1']:.6g} 1/s (± {doc['lambda1_relative_error']:.1e}); "
                  f"mean first-passage time to the barrier plane {doc['mfpt']:.6g} s")


def _escape_physical_energy(path: Path, reduction: Any, well: Any, json_output: bool) -> None:
    from spintorque.thermal.energy import diffusion as ed

    tau = reduction.tau_N
    problem = ed.energy_diffusion(reduction.model, well)
    doc: dict[str, Any] = {"tau_N": tau,
                           **_energy_doc(problem, reduction.model.alpha, 1.0 / tau, tau),
                           "units": {**PHYSICAL_UNITS, "barrier_kT": "k_B T"}}
    if _printed_json(doc, json_output):
        return
    console.print(f"{path}: low-damping limit (energy diffusion), tau_N = {tau:.4g} s")
    _print_energy(doc, "s", "1/s", "", "")


def _escape_physical_1d(path: Path, reduction: Any, nu: float, json_output: bool) -> None:
    from spintorque.thermal import integral_relaxation_time, mean_first_passage_time, smallest_eigenvalue

    model, tau = reduction.model, reduction.tau_N
    doc: dict[str, Any] = {
        "sigma": model.sigma, "reduced_field": model.h, "current_ratio": model.i, "nu": nu,
        "tau_N": tau, "anisotropy_field": reduction.anisotropy_field,
        "critical_current_density": reduction.critical_current_density,
        "lambda1": smallest_eigenvalue(model) / tau,
        "integral_relaxation_time": integral_relaxation_time(model) * tau,
        "mfpt": mean_first_passage_time(model, 1.0, 0.0) * tau,
        "units": {**PHYSICAL_UNITS, "anisotropy_field": "A/m", "critical_current_density": "A/m^2"},
        "solver": "1d",
    }
    if _printed_json(doc, json_output):
        return
    console.print(f"{path}: sigma = {model.sigma:.6g}, h = {model.h:.4g}, i = {model.i:.4g}, "
                  f"tau_N = {tau:.4g} s")
    console.print(f"escape rate λ1 = {doc['lambda1']:.6g} 1/s; mean first-passage time to the "
                  f"equator {doc['mfpt']:.6g} s")


@app.command("fit-activation")
@friendly
def fit_activation(
    data_file: Annotated[Path, typer.Argument(help="CSV: current and dwell_time (or "
                                              "switching_probability, pulse_duration)")],
    law: Annotated[str, typer.Option("--law", help="linear, quadratic, temperature or all")] = "all",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="figure file")] = None,
    tau0: Annotated[float | None, typer.Option("--tau0", help="fix the attempt time [s]")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Fit Néel–Brown activation laws to dwell times or switching probabilities vs current."""
    check_output_path(output, "--output", FIGURE)
    from spintorque.thermal.fits import LAWS, compare_laws, read_activation_csv
    from spintorque.thermal.fits import fit_activation as fit

    data = read_activation_csv(data_file)
    laws = tuple(LAWS) if law == "all" else (law,)
    if law != "all" and law not in LAWS:
        raise InputError("--law", f"must be one of {', '.join(LAWS)} or all, got {law!r}")
    report: dict[str, Any] = compare_laws(data, laws, tau0) if len(laws) > 1 else {
        "fits": {law: fit(data, law, tau0).to_json_dict()}, "best_law": law,
        "delta_aic_to_next": None, "supported": None}
    if output is not None:
        use_agg()
        from spintorque.plotting import plot_activation

        fits = [fit(data, name, tau0) for name in laws]
        ax = plot_activation(data, fits)
        savefig(ax.figure, output)
    if json_output:
        print(json.dumps(report))
        return
    for name, values in report["fits"].items():
        console.print(f"{name:12s} Δ = {values['delta']:.4g} ± {values['delta_error']:.2g} k_BT, "
                      f"I_c = {values['critical_current']:.4g} ± {values['critical_current_error']:.2g}, "
                      f"tau0 = {values['tau0']:.3g} s{' (fixed)' if values['tau0_fixed'] else ''}, "
                      f"AIC {values['aic']:.1f}")
    if len(laws) > 1:
        verdict = "supported" if report["supported"] else "not clearly (ΔAIC < 2)"
        console.print(f"best law: {report['best_law']} — {verdict}")
