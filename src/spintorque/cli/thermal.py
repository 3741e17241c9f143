"""Thermal-activation commands: escape."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer

from spintorque.cli.app import app, console, friendly, savefig, use_agg
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
        "--alpha", help="damping (times are in tau_N, which absorbs it)")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Escape rate, relaxation time and first-passage time of an axially symmetric macrospin.

    Either reduced units (--sigma, --reduced-field, --current-ratio; times in tau_N) or a
    macrospin file (times in seconds, rates in 1/s).
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
    if (magnet_file is None) == (sigma is None):
        raise InputError("escape", "give either a macrospin file or --sigma (reduced units)")
    if magnet_file is not None:
        _escape_physical(magnet_file, nu, json_output)
        return
    assert sigma is not None
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
        "units": "times in tau_N = (1 + alpha^2) mu0 Ms V / (2 alpha gamma0 k_B T); rates in 1/tau_N",
    }
    if json_output:
        print(json.dumps(doc))
        return
    console.print(f"sigma = {sigma:g}, h = {reduced_field:g}, i = {current_ratio:g}")
    console.print(f"λ1·tau_N = {doc['lambda1_tau_N']:.10g}  (Brown: {doc['brown_lambda1_tau_N']})")
    console.print(f"integral relaxation time = {doc['integral_relaxation_time_over_tau_N']:.10g} tau_N")
    console.print(f"mean first-passage time m_z = +1 → 0: {doc['mfpt_over_tau_N']:.10g} tau_N")


def _escape_physical(path: Path, nu: float, json_output: bool) -> None:
    from spintorque.magnet.io import load_macrospin
    from spintorque.thermal import (
        integral_relaxation_time,
        mean_first_passage_time,
        smallest_eigenvalue,
    )
    from spintorque.thermal.physical import axial_reduction

    run = load_macrospin(path)
    reduction = axial_reduction(run.model, run.conditions, nu)
    model, tau = reduction.model, reduction.tau_N
    doc: dict[str, Any] = {
        "sigma": model.sigma, "reduced_field": model.h, "current_ratio": model.i, "nu": nu,
        "tau_N": tau, "anisotropy_field": reduction.anisotropy_field,
        "critical_current_density": reduction.critical_current_density,
        "lambda1": smallest_eigenvalue(model) / tau,
        "integral_relaxation_time": integral_relaxation_time(model) * tau,
        "mfpt": mean_first_passage_time(model, 1.0, 0.0) * tau,
        "units": {"tau_N": "s", "lambda1": "1/s", "integral_relaxation_time": "s", "mfpt": "s",
                  "anisotropy_field": "A/m", "critical_current_density": "A/m^2"},
    }
    if json_output:
        print(json.dumps(doc))
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
