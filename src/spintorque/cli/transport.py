"""Transport commands: solve, efficiency, profile, materials."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
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
    print_json,
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
    transparent: Annotated[bool, typer.Option(
        "--transparent", help="treat every interface as transparent (the seed's model)")] = False,
) -> None:
    """Spin accumulation, spin currents, torques and resistance of a stack."""
    check_output_path(output, "--output", DATASET)
    from spintorque.io import write_dataset
    from spintorque.stack import load_stack
    from spintorque.transport import solve as solve_stack

    stack = load_stack(stack_file)
    if transparent:
        stack = stack.transparent()
    result = solve_stack(stack)
    if output is not None:
        write_dataset(result.to_dataset(), output)
    if json_output:
        print_json(result.to_json_dict(), indent=2)
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
    positions = result.ladder.node_positions  # both sides of a finite interface
    for i, (left, right) in enumerate(result.node_names()):
        table.add_row(left, right, f"{positions[i] * 1e9:.3g}",
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
    for entry in result.interface_report():
        console.print(f"interface {'/'.join(entry['between'])}: AR* = "
                      f"{entry['resistance_area_ohm_m2']:.4g} Ω·m², gamma = "
                      f"{entry['spin_asymmetry']:.3g}, delta = {entry['spin_memory_loss']:.3g}; "
                      f"its part of RA {entry['resistance_area']:.4g} Ω·m²", markup=False)
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
    transparent: Annotated[bool, typer.Option(
        "--transparent", help="treat every interface as transparent (the seed's model)")] = False,
) -> None:
    """g1(θ), g2(θ) of a two-ferromagnet stack as one layer's polar angle turns."""
    check_output_path(plot, "--plot", FIGURE)
    import numpy as np

    from spintorque.stack import load_stack
    from spintorque.transport import efficiency as sweep

    stack = load_stack(stack_file)
    if transparent:
        stack = stack.transparent()
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
            # g1 belongs to ferromagnets[0], g2 to ferromagnets[1]; each list is written once
            "efficiency": {names[0]: g1, names[1]: g2}, "ferromagnets": list(names)}
        if "f1" in ds:
            # a finite mixing conductance: the field-like f1, f2 (null where m1 ∥ m2)
            doc["efficiency_field_like"] = {names[0]: _finite_or_none(ds.f1.values),
                                            names[1]: _finite_or_none(ds.f2.values)}
        undefined = {key: ds.attrs[f"{key}_undefined"] for key in ("g1", "g2", "f1", "f2")
                     if f"{key}_undefined" in ds.attrs}
        if undefined:
            doc["undefined"] = undefined  # why some entries are null
        print_json(doc)
        return
    table = Table(title=f"efficiency, rotating {rotate}")
    keys = ("g1", "g2", "f1", "f2") if "f1" in ds else ("g1", "g2")
    for col in ("θ [deg]", *(f"{key} ({names[int(key[1]) - 1]})" for key in keys)):
        table.add_column(col)
    step = max(1, len(degrees) // 20)
    for k in range(0, len(degrees), step):
        table.add_row(f"{degrees[k]:.4g}", *(f"{g:.6g}" if np.isfinite(g) else "undefined"
                                             for g in (ds[key].values[k] for key in keys)))
    console.print(table)
    if "f1" in ds:
        console.print("f1, f2: field-like efficiencies, T1 = (hbar/2e) J f1 m1 x m2, "
                      "T2 = (hbar/2e) J f2 m2 x m1", markup=False)
    for key in keys:
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
    transparent: Annotated[bool, typer.Option(
        "--transparent", help="treat every interface as transparent (the seed's model)")] = False,
) -> None:
    """mu_s(x) and j_s(x) through the stack, evaluated exactly."""
    check_output_path(plot, "--plot", FIGURE)
    import numpy as np

    from spintorque.stack import load_stack
    from spintorque.transport import solve as solve_stack

    if points < 2 or points > 10_000_000:
        raise InputError("--points", f"must be between 2 and 1e7, got {points}")
    stack = load_stack(stack_file)
    if transparent:
        stack = stack.transparent()
    result = solve_stack(stack)
    if plot is not None:
        use_agg()
        from spintorque.plotting import plot_profiles

        axes = plot_profiles(result, points=points)
        savefig(axes[0].figure, plot)
    if json_output or plot is None:
        x = np.linspace(0.0, stack.interfaces[-1], points)
        ds = result.profile(x)
        print_json({"x": x.tolist(), "spin_accumulation": ds.spin_accumulation.values.tolist(),
                    "spin_current": ds.spin_current.values.tolist(),
                    "units": {"x": "m", "spin_accumulation": "V", "spin_current": "A/m^2"}})


@app.command()
@friendly
def materials(
    json_output: Annotated[bool, typer.Option("--json", help="print everything as JSON (SI units)")]
    = False,
    sources: Annotated[bool, typer.Option("--sources", help="also print every number's source")]
    = False,
) -> None:
    """The shipped materials database: values, which were checked, and (--sources) citations."""
    from spintorque.materials import load_database
    from spintorque.materials.database import describe

    entries = {name: describe(name) for name in load_database()}
    if json_output:
        print_json({"materials": entries})
        return
    table = Table(title="materials (Valet–Fert parameters)", box=box.SIMPLE_HEAD,
                  caption="✓ read in the cited source; the rest illustrative"
                          + ("" if sources else " (see --sources)"))
    for col in ("name", "type", "rho [µΩ·cm]", "beta", "l_sf [nm]", "T [K]", "status"):
        table.add_column(col)
    for name, entry in entries.items():
        p = entry["parameters"]
        table.add_row(name, "F" if entry["type"] == "ferromagnet" else "N",
                      _cell(p["resistivity"], 1e8), _cell(p.get("spin_asymmetry"), 1.0),
                      _cell(p["spin_diffusion_length"], 1e9), _cell(p["temperature"], 1.0),
                      entry["status"])
    console.print(table)
    if sources:
        for name, entry in entries.items():
            _print_sources(name, entry)


_SHOWN = {"resistivity": ("rho", 1e8, "µΩ·cm"), "rho_star": ("rho*", 1e8, "µΩ·cm"),
          "spin_asymmetry": ("beta", 1.0, ""), "spin_diffusion_length": ("l_sf", 1e9, "nm"),
          "temperature": ("T", 1.0, "K")}


def _cell(parameter: dict[str, Any] | None, scale: float) -> str:
    """``value[±uncertainty]`` in display units, ``✓`` if checked, ``-`` if absent."""
    if parameter is None:
        return "-"
    text = f"{parameter['value'] * scale:.3g}"
    if parameter["uncertainty"] is not None:
        text += f"±{parameter['uncertainty'] * scale:.2g}"
    return text + (" ✓" if parameter["status"] == "checked" else "")


def _print_sources(name: str, entry: dict[str, Any]) -> None:
    from rich.text import Text

    console.print(Text(f"{name}: {entry['description']} ({entry['status']})", style="bold"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for key, parameter in entry["parameters"].items():
        label, scale, unit = _SHOWN[key]
        value = _cell({**parameter, "status": ""}, scale) + (f" {unit}" if unit else "")
        grid.add_row(Text(f"  {label}"), Text(f"{value}, {parameter['status']}: "
                                               f"{parameter['source']}"))
    console.print(grid)
