"""Transport commands: solve, efficiency, profile, materials."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from spintorque.cli.app import (
    DATASET,
    FIGURE,
    StackFile,
    app,
    as_flags,
    check_output_path,
    console,
    friendly,
    parse_angles,
    savefig,
    use_agg,
)
from spintorque.errors import InputError


@app.command()
@friendly
def solve(
    stack_file: StackFile,
    json_output: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="write an xarray Dataset (NetCDF)")] = None,
) -> None:
    """Spin accumulation, spin currents, torques and resistance of a stack."""
    check_output_path(output, "--output", DATASET)
    from spintorque.io import write_dataset
    from spintorque.stack import load_stack
    from spintorque.transport import solve as solve_stack

    stack = load_stack(stack_file)
    result = solve_stack(stack)
    if output is not None:
        write_dataset(result.to_dataset(), output)
    if json_output:
        print(result.to_json())
        return
    _print_summary(stack_file, result)


def _finite_or_none(values: Any) -> list[float | None]:
    """A list for strict JSON: null where a value does not exist (NaN)."""
    import numpy as np

    return [float(v) if np.isfinite(v) else None for v in np.ravel(values)]


def _vec(v: Any, scale: float = 1.0) -> str:
    return "(" + ", ".join(f"{x * scale: .4g}" for x in v) + ")"


def _print_summary(path: Path, result: Any) -> None:
    stack = result.stack
    console.print(f"[bold]{path}[/bold]  J = {stack.current_density:.4g} A/m² "
                  "(> 0: electrons flow towards +x)")
    table = Table(title="interfaces")
    for col in ("left", "right", "x [nm]", "mu_s [µV]", "j_s left [A/m²]", "j_s right [A/m²]"):
        table.add_column(col)
    for i, (left, right) in enumerate(result.node_names()):
        table.add_row(left, right, f"{stack.interfaces[i] * 1e9:.3g}",
                      _vec(result.spin_accumulation[i], 1e6), _vec(result.spin_current_left[i]),
                      _vec(result.spin_current_right[i]))
    console.print(table)
    layers = Table(title="ferromagnets")
    for col in ("layer", "m", "torque [J/m²]", "Δj_s/J"):
        layers.add_column(col)
    for i, layer in enumerate(stack.layers):
        if layer.is_ferromagnet:
            layers.add_row(layer.name, _vec(result.magnetization[i]), _vec(result.torques[i]),
                           _vec(result.torque_per_current[i]))
    console.print(layers)
    console.print(f"resistance-area RA = {float(result.resistance_area):.6g} Ω·m² "
                  f"(spin-coupled part {float(result.spin_resistance_area):.6g} Ω·m²)")
    if len(stack.ferromagnets) == 2:
        g, undefined = result.efficiency, result.efficiency_undefined
        console.print("efficiency " + ", ".join(
            f"{key} = {float(g[key]):.6g}" if key not in undefined else f"{key} undefined"
            for key in ("g1", "g2")))
        for key, reason in undefined.items():
            console.print(f"  {key}: {reason}", markup=False)


@app.command()
@friendly
def efficiency(
    stack_file: StackFile,
    rotate: Annotated[str, typer.Option("--rotate", help="ferromagnet whose polar angle is set")],
    angles: Annotated[str, typer.Option("--angles", help="START:STOP:COUNT in degrees from +z")],
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="save a figure (png, svg, pdf)")] = None,
) -> None:
    """g1(θ), g2(θ) of a two-ferromagnet stack as one layer's polar angle turns."""
    check_output_path(plot, "--plot", FIGURE)
    import numpy as np

    from spintorque.stack import load_stack
    from spintorque.transport import efficiency as sweep

    stack = load_stack(stack_file)
    degrees = parse_angles(angles)
    with as_flags({"layer": "--rotate", "rotate": "--rotate", "angles": "--angles"}):
        ds = sweep(stack, rotate, np.radians(degrees))
    if plot is not None:
        use_agg()
        from spintorque.plotting import plot_efficiency

        ax = plot_efficiency(ds)
        savefig(ax.figure, plot)
    names = ds.attrs["ferromagnets"]
    if json_output:
        g1, g2 = _finite_or_none(ds.g1.values), _finite_or_none(ds.g2.values)
        doc: dict[str, Any] = {
            "angles_deg": degrees.tolist(), "rotated": rotate,
            "angle_between_deg": np.degrees(ds["angle_between"].values).tolist(),
            "efficiency": {names[0]: g1, names[1]: g2}, "g1": g1, "g2": g2,
            "ferromagnets": list(names)}
        undefined = {key: ds.attrs[f"{key}_undefined"] for key in ("g1", "g2")
                     if f"{key}_undefined" in ds.attrs}
        if undefined:
            doc["undefined"] = undefined  # why some entries are null
        print(json.dumps(doc, allow_nan=False))
        return
    table = Table(title=f"efficiency, rotating {rotate}")
    for col in ("θ [deg]", f"g1 ({names[0]})", f"g2 ({names[1]})"):
        table.add_column(col)
    step = max(1, len(degrees) // 20)
    for th, g1, g2 in list(zip(degrees, ds.g1.values, ds.g2.values, strict=True))[::step]:
        table.add_row(f"{th:.4g}", *(f"{g:.6g}" if np.isfinite(g) else "undefined"
                                     for g in (g1, g2)))
    console.print(table)
    for key in ("g1", "g2"):
        if f"{key}_undefined" in ds.attrs:
            console.print(f"{key} undefined at collinear angles: {ds.attrs[key + '_undefined']}",
                          markup=False)


@app.command()
@friendly
def profile(
    stack_file: StackFile,
    points: Annotated[int, typer.Option(help="sample points across the stack")] = 400,
    plot: Annotated[Path | None, typer.Option("--plot", help="save a figure")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """mu_s(x) and j_s(x) through the stack, evaluated exactly."""
    check_output_path(plot, "--plot", FIGURE)
    import numpy as np

    from spintorque.stack import load_stack
    from spintorque.transport import solve as solve_stack

    if points < 2 or points > 10_000_000:
        raise InputError("--points", f"must be between 2 and 1e7, got {points}")
    stack = load_stack(stack_file)
    result = solve_stack(stack)
    if plot is not None:
        use_agg()
        from spintorque.plotting import plot_profiles

        axes = plot_profiles(result, points=points)
        savefig(axes[0].figure, plot)
    if json_output or plot is None:
        x = np.linspace(0.0, stack.interfaces[-1], points)
        ds = result.profile(x)
        print(json.dumps({"x": x.tolist(),
                          "spin_accumulation": ds.spin_accumulation.values.tolist(),
                          "spin_current": ds.spin_current.values.tolist(),
                          "units": {"x": "m", "spin_accumulation": "V",
                                    "spin_current": "A/m^2"}}, allow_nan=False))


@app.command()
@friendly
def materials(
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """The shipped materials database with sources."""
    from spintorque.materials import load_database
    from spintorque.materials.database import metadata

    db = load_database()
    if json_output:
        out = {}
        for name, m in db.items():
            out[name] = {"type": "ferromagnet" if m.is_ferromagnet else "normal",
                         "resistivity_ohm_m": m.resistivity,
                         "spin_resistivity_ohm_m": m.spin_resistivity,
                         "spin_asymmetry": m.spin_asymmetry,
                         "spin_diffusion_length_m": m.spin_diffusion_length,
                         **{k: v for k, v in metadata(name).items() if isinstance(v, str)}}
        print(json.dumps(out, indent=2))
        return
    table = Table(title="materials (Valet–Fert parameters; rho in µΩ·cm, l_sf in nm)")
    for col in ("name", "type", "rho", "rho*", "beta", "l_sf", "T", "status", "source"):
        table.add_column(col, overflow="fold")
    for name, m in db.items():
        meta = metadata(name)
        table.add_row(name, "F" if m.is_ferromagnet else "N", f"{m.resistivity * 1e8:.3g}",
                      f"{m.spin_resistivity * 1e8:.3g}",
                      f"{m.spin_asymmetry:.3g}" if m.is_ferromagnet else "-",
                      f"{m.spin_diffusion_length * 1e9:.3g}", str(meta.get("temperature", "")),
                      str(meta.get("status", "")), str(meta.get("source", "")))
    console.print(table)
