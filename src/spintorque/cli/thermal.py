"""Thermal-activation commands: escape."""

from __future__ import annotations

import json
import math
from typing import Annotated

import typer

from spintorque.cli.app import app, console, friendly
from spintorque.errors import InputError


@app.command()
@friendly
def escape(
    sigma: Annotated[float, typer.Option("--sigma", help="barrier parameter K V / k_B T")],
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
    """Escape rate, relaxation time and first-passage time of an axially symmetric macrospin."""
    from spintorque.analytic import brown_high_barrier_rate, effective_barrier
    from spintorque.thermal import (
        AxialModel,
        integral_relaxation_time,
        mean_first_passage_time,
        smallest_eigenvalue,
    )

    if alpha is not None and not (math.isfinite(alpha) and alpha > 0):
        raise InputError("--alpha", f"must be > 0, got {alpha!r}")
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
