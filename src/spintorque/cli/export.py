"""The ``export-torque`` command: Slonczewski parameters for mumax3, OOMMF or cmtj, with residual."""

from __future__ import annotations

from typing import Annotated

import typer

from spintorque.cli.app import StackFile, app, friendly, print_json
from spintorque.errors import InputError


@app.command("export-torque")
@friendly
def export_torque(
    stack_file: StackFile,
    layer: Annotated[str, typer.Option("--layer", help="ferromagnet whose torque is exported")],
    fmt: Annotated[str, typer.Option("--format", help="mumax3, oommf or cmtj")] = "mumax3",
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Slonczewski P, Lambda, eps' reproducing the diffusive torque on a layer, as script lines."""
    from spintorque.export import FORMATS

    if fmt not in FORMATS:
        raise InputError("--format", f"must be one of {', '.join(FORMATS)}, got {fmt!r}")
    from spintorque.export import export_lines, fit_slonczewski
    from spintorque.stack import load_stack

    stack = load_stack(stack_file)
    ferro = [f.name for f in stack.ferromagnets]
    if layer not in ferro:
        raise InputError(
            "--layer",
            f"{layer!r} is not a ferromagnetic layer of {stack_file}; "
            f"choose one of: {', '.join(ferro) or '(none)'}",
        )
    fit = fit_slonczewski(stack, layer, Lambda_min=1.0 if fmt == "oommf" else 0.0)
    lines = export_lines(stack, fit, fmt)
    if json_output:
        doc = {
            "format": fmt,
            **fit.to_json_dict(),
            "lines": lines,
            "units": {
                "current_density_A_per_m2": "A/m^2",
                "thickness_m": "m",
                "residual": "fraction of the peak torque",
            },
        }
        if fmt == "cmtj":
            from spintorque.export.formats import cmtj_beta

            doc["cmtj_beta"] = cmtj_beta(stack, fit)
        print_json(doc)
        return
    print("\n".join(lines))  # script text, pasted as is: no rich rendering
