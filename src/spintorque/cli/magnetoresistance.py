"""The ``magnetoresistance`` command: RA(θ), RA_P, RA_AP, AΔR, GMR ratio, extremum vs torque zero."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from spintorque.cli.app import (
    DATASET,
    FIGURE,
    StackFile,
    app,
    check_output_path,
    console,
    friendly,
    parse_angles,
    print_json,
    savefig,
    use_agg,
)
from spintorque.errors import InputError

MAX_ANGLES = 1_000_000
"""Most angles one sweep takes (each costs five solves: RA and its derivative)."""


@app.command()
@friendly
def magnetoresistance(
    stack_file: StackFile,
    rotate: Annotated[str, typer.Option("--rotate", help="ferromagnet whose polar angle is set")],
    angles: Annotated[str, typer.Option("--angles", help="START:STOP:COUNT in degrees from +z")],
    json_output: Annotated[bool, typer.Option("--json", help="print JSON (SI: ohm*m^2)")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="save a figure (png, svg, pdf)")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write an xarray Dataset (NetCDF)")
    ] = None,
) -> None:
    """Angular magnetoresistance RA(θ) of a two-ferromagnet stack as one layer turns."""
    check_output_path(plot, "--plot", FIGURE)
    check_output_path(output, "--output", DATASET)
    import numpy as np

    from spintorque.io import write_dataset
    from spintorque.stack import load_stack
    from spintorque.transport.magnetoresistance import magnetoresistance as sweep

    stack = load_stack(stack_file)
    ferro = [f.name for f in stack.ferromagnets]
    if rotate not in ferro:
        raise InputError(
            "--rotate",
            f"{rotate!r} is not a ferromagnetic layer of {stack_file}; "
            f"choose one of: {', '.join(ferro) or '(none)'}",
        )
    degrees = parse_angles(angles, max_count=MAX_ANGLES)
    result = sweep(stack, rotate, np.radians(degrees))
    if output is not None:
        write_dataset(result.to_dataset(), output)
    if plot is not None:
        use_agg()
        from spintorque.plotting import plot_magnetoresistance

        ax = plot_magnetoresistance(result)
        savefig(ax.figure, plot)
    if json_output:
        print_json(result.to_json_dict())
        return
    _print_summary(result)


def _print_summary(result: object) -> None:
    import numpy as np

    from spintorque.transport.magnetoresistance import Magnetoresistance

    assert isinstance(result, Magnetoresistance)
    table = Table(title=f"RA(θ), rotating {result.rotate} (RA in mΩ·µm² = 1e-15 Ω·m²)")
    for col in ("θ [deg]", "RA", "spin-coupled RA"):
        table.add_column(col)
    theta = np.degrees(result.theta)
    step = max(1, len(theta) // 20)
    for th, ra, spin in list(zip(theta, result.resistance_area, result.spin_resistance_area, strict=True))[
        ::step
    ]:
        table.add_row(f"{th:.4g}", f"{ra * 1e15:.6g}", f"{spin * 1e15:.6g}")
    console.print(table)
    ratio = result.gmr_ratio
    console.print(
        f"RA_P = {result.resistance_area_parallel:.6g} Ω·m², "
        f"RA_AP = {result.resistance_area_antiparallel:.6g} Ω·m², "
        f"AΔR = {result.delta_resistance_area:.6g} Ω·m², GMR ratio AΔR/RA_P = "
        + (f"{ratio:.4%}" if ratio is not None else "undefined (RA_P <= 0)")
    )
    if result.extremum_angles.size:
        for angle, kind in zip(result.extremum_angles, result.extremum_kinds, strict=True):
            console.print(f"RA {kind} at θ = {np.degrees(angle):.8g}°")
    else:
        console.print("RA(θ) has no interior extremum on the swept range (monotonic)")
    for name, zeros in result.torque_zero_angles.items():
        if zeros.size:
            shown = ", ".join(f"{np.degrees(z):.8g}°" for z in zeros)
            console.print(f"torque on {name} changes sign at θ = {shown}")
    if result.stack.interface_elements:
        note = ("(finite interfaces: the RA extremum and the torque zero above are found "
                "independently of each other; docs/magnetoresistance.md)")
    else:
        note = ("(sink/F1/N/F2/sink valve: dRA/dθ = sinθ g1 g2 / B, so an interior RA extremum "
                "is exactly a torque zero; docs/magnetoresistance.md)")
    console.print(note, markup=False)
