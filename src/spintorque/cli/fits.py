"""Activation-fit command: fit-activation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from spintorque.cli.app import (
    FIGURE,
    app,
    check_output_path,
    console,
    friendly,
    print_json,
    savefig,
    use_agg,
)
from spintorque.errors import InputError


def _number(value: float | None, digits: str = ".2g") -> str:
    return "n/a" if value is None else format(value, digits)


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

    if law != "all" and law not in LAWS:
        raise InputError("--law", f"must be one of {', '.join(LAWS)} or all, got {law!r}")
    data = read_activation_csv(data_file)
    laws = tuple(LAWS) if law == "all" else (law,)
    report: dict[str, Any] = compare_laws(data, laws, tau0)
    for line in report["warnings"]:
        print(f"warning: {line}", file=sys.stderr)
    if output is not None:
        use_agg()
        from spintorque.plotting import plot_activation

        ax = plot_activation(data, [fit(data, name, tau0) for name in laws])
        savefig(ax.figure, output)
    if json_output:
        print_json(report)
        return
    for name, values in report["fits"].items():
        flags = ("" if values["converged"] else ", NOT CONVERGED") + (
            f", at bound: {', '.join(values['at_bound'])}" if values["at_bound"] else "")
        console.print(f"{name:12s} Δ = {values['delta']:.4g} ± {_number(values['delta_error'])} k_BT, "
                      f"I_c = {values['critical_current']:.4g} ± "
                      f"{_number(values['critical_current_error'])}, tau0 = {values['tau0']:.3g} s"
                      f"{' (fixed)' if values['tau0_fixed'] else ''}, AIC {values['aic']:.1f}{flags}")
    if len(laws) > 1:
        verdict = "supported" if report["supported"] else "not clearly supported"
        console.print(f"best law: {report['best_law']} — {verdict}")
