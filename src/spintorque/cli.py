"""Command line: ``spintorque solve | efficiency | profile | materials``.

The CLI only parses arguments, calls the public API and writes files. Bad input prints one line
naming the file, field and allowed range and exits with status 2 (no traceback).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from spintorque.errors import InputError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Spin-transfer physics in magnetic multilayers (SI units; see docs/conventions.md).",
)
console = Console()
F = TypeVar("F", bound=Callable[..., Any])

StackFile = Annotated[Path, typer.Argument(help="TOML stack file", show_default=False)]


def _friendly(func: F) -> F:
    """Turn InputError into one line on stderr and exit status 2."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as error:
            print(f"error: {error}", file=sys.stderr)
            raise typer.Exit(2) from None
    return cast(F, wrapper)


def _angles(spec: str) -> np.ndarray:
    """Parse START:STOP:COUNT (degrees, inclusive) into an array of degrees."""
    parts = spec.split(":")
    try:
        if len(parts) != 3:
            raise ValueError
        start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise InputError("--angles", f"expected START:STOP:COUNT in degrees, got {spec!r}") from None
    if not (np.isfinite(start) and np.isfinite(stop)) or count < 1 or count > 100_000_000:
        raise InputError("--angles", f"need finite START, STOP and 1 <= COUNT <= 1e8, got {spec!r}")
    return np.linspace(start, stop, count)


def _savefig(fig: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)


def _use_agg() -> None:
    import matplotlib

    matplotlib.use("Agg")


@app.command()
@_friendly
def solve(
    stack_file: StackFile,
    json_output: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="write an xarray Dataset (NetCDF)")] = None,
) -> None:
    """Spin accumulation, spin currents, torques and resistance of a stack."""
    from spintorque.stack import load_stack
    from spintorque.transport import solve as solve_stack

    stack = load_stack(stack_file)
    result = solve_stack(stack)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        result.to_dataset().to_netcdf(output)
    if json_output:
        print(result.to_json())
        return
    _print_summary(stack_file, result)


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
        g = result.efficiency
        console.print(f"efficiency g1 = {float(g['g1']):.6g}, g2 = {float(g['g2']):.6g}")


@app.command()
@_friendly
def efficiency(
    stack_file: StackFile,
    rotate: Annotated[str, typer.Option("--rotate", help="ferromagnet whose polar angle is set")],
    angles: Annotated[str, typer.Option("--angles", help="START:STOP:COUNT in degrees from +z")],
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    plot: Annotated[Path | None, typer.Option("--plot", help="save a figure (png, svg, pdf)")] = None,
) -> None:
    """g1(θ), g2(θ) of a two-ferromagnet stack as one layer's polar angle turns."""
    from spintorque.stack import load_stack
    from spintorque.transport import efficiency as sweep

    stack = load_stack(stack_file)
    degrees = _angles(angles)
    ds = sweep(stack, rotate, np.radians(degrees))
    if plot is not None:
        _use_agg()
        from spintorque.plotting import plot_efficiency

        ax = plot_efficiency(ds)
        _savefig(ax.figure, plot)
    names = ds.attrs["ferromagnets"]
    if json_output:
        doc = {"angles_deg": degrees.tolist(), "rotated": rotate,
               "angle_between_deg": np.degrees(ds["angle_between"].values).tolist(),
               "efficiency": {names[0]: ds.g1.values.tolist(), names[1]: ds.g2.values.tolist()},
               "g1": ds.g1.values.tolist(), "g2": ds.g2.values.tolist(),
               "ferromagnets": list(names)}
        print(json.dumps(doc))
        return
    table = Table(title=f"efficiency, rotating {rotate}")
    for col in ("θ [deg]", f"g1 ({names[0]})", f"g2 ({names[1]})"):
        table.add_column(col)
    step = max(1, len(degrees) // 20)
    for th, g1, g2 in list(zip(degrees, ds.g1.values, ds.g2.values, strict=True))[::step]:
        table.add_row(f"{th:.4g}", f"{g1:.6g}", f"{g2:.6g}")
    console.print(table)


@app.command()
@_friendly
def profile(
    stack_file: StackFile,
    points: Annotated[int, typer.Option(help="sample points across the stack")] = 400,
    plot: Annotated[Path | None, typer.Option("--plot", help="save a figure")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """mu_s(x) and j_s(x) through the stack, evaluated exactly."""
    from spintorque.stack import load_stack
    from spintorque.transport import solve as solve_stack

    if points < 2 or points > 10_000_000:
        raise InputError("--points", f"must be between 2 and 1e7, got {points}")
    stack = load_stack(stack_file)
    result = solve_stack(stack)
    if plot is not None:
        _use_agg()
        from spintorque.plotting import plot_profiles

        axes = plot_profiles(result, points=points)
        _savefig(axes[0].figure, plot)
    if json_output or plot is None:
        x = np.linspace(0.0, stack.interfaces[-1], points)
        ds = result.profile(x)
        print(json.dumps({"x": x.tolist(),
                          "spin_accumulation": ds.spin_accumulation.values.tolist(),
                          "spin_current": ds.spin_current.values.tolist(),
                          "units": {"x": "m", "spin_accumulation": "V",
                                    "spin_current": "A/m^2"}}))


@app.command()
@_friendly
def hodograph(
    stack_file: StackFile,
    output: Annotated[Path, typer.Option("--output", "-o", help="figure file (png, svg, pdf)")],
) -> None:
    """Draw the folded mu_s and j_s hodographs with rods, rings, forces and jumps."""
    from spintorque.analogy import hodograph as fold
    from spintorque.analogy import ring_forces
    from spintorque.stack import load_stack
    from spintorque.transport import solve as solve_stack

    if output.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError("--output", f"must end in .png, .svg or .pdf, got {output.name!r}")
    stack = load_stack(stack_file)
    result = solve_stack(stack)
    _use_agg()
    from spintorque.plotting import plot_hodograph

    axes = plot_hodograph(fold(result), ring_forces(result), names=list(stack.names))
    _savefig(axes[0].figure, output)
    forces = ring_forces(result)
    worst = max((ring.imbalance for ring in forces), default=0.0)
    console.print(f"wrote {output}: {len(forces)} rings, worst force imbalance along a rod "
                  f"{worst:.1e} (relative)")


@app.command()
@_friendly
def explain(
    stack_file: StackFile,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Which torque of a two-ferromagnet stack changes sign, at which angle, and why."""
    from spintorque.analogy import explain as analyse
    from spintorque.stack import load_stack

    analysis = analyse(load_stack(stack_file))
    if json_output:
        print(json.dumps(analysis.to_json_dict()))
        return
    doc = analysis.to_json_dict()
    console.print(f"[bold]{stack_file}[/bold]: ferromagnets {', '.join(doc['ferromagnets'])}")
    console.print(f"torque that changes sign: {doc['layer_with_sign_change']}")
    angle = doc["zero_torque_angle_deg"]
    console.print(f"zero-torque angle: {'none' if angle is None else f'{angle:.6g} deg'}")
    console.print(f"p2/p1 = {doc['p2_over_p1']}; at θ → 0 g2 < 0 above "
                  f"{doc['g2_negative_above_p2_over_p1']}, g1 < 0 below "
                  f"{doc['g1_negative_below_p2_over_p1']}")
    console.print(doc["explanation"])


def _vary_spec(spec: str) -> tuple[str, str, np.ndarray]:
    """Parse NAME.PARAM=START:STOP:COUNT (units on START and STOP for lengths)."""
    from spintorque.units import to_float, to_si

    try:
        target, rng = spec.split("=", 1)
        layer, parameter = target.rsplit(".", 1)
        start, stop, count = rng.split(":")
        n = int(count)
    except ValueError:
        raise InputError("--vary", f"expected NAME.PARAM=START:STOP:COUNT, got {spec!r}") from None
    if not 2 <= n <= 100_000:
        raise InputError("--vary", f"COUNT must be between 2 and 1e5, got {n}")
    if parameter in ("thickness", "spin_diffusion_length"):
        lo, hi = to_si(start, "length", "--vary"), to_si(stop, "length", "--vary")
        if lo <= 0 or hi <= 0:
            raise InputError("--vary", f"lengths must be > 0, got {spec!r}")
    elif parameter == "spin_asymmetry":
        lo, hi = to_float(start, "--vary"), to_float(stop, "--vary")
        if not (-1 < lo < 1 and -1 < hi < 1):
            raise InputError("--vary", f"spin_asymmetry must lie in (-1, 1), got {spec!r}")
    else:
        raise InputError("--vary", "PARAM must be thickness, spin_diffusion_length or "
                         f"spin_asymmetry, got {parameter!r}")
    return layer, parameter, np.linspace(lo, hi, n)


@app.command()
@_friendly
def signmap(
    stack_file: StackFile,
    vary: Annotated[str, typer.Option("--vary", help="NAME.PARAM=START:STOP:COUNT, "
                                      "e.g. F2.thickness=1nm:20nm:100")],
    angles: Annotated[str, typer.Option("--angles", help="START:STOP:COUNT in degrees "
                                        "(angle between m1 and m2)")] = "0:90:91",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="figure file")] = None,
    key: Annotated[str, typer.Option("--efficiency", help="g1 or g2")] = "g2",
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Map where g1 or g2 is negative over (a layer parameter, θ)."""
    from spintorque.analogy import sign_map
    from spintorque.stack import load_stack

    if key not in ("g1", "g2"):
        raise InputError("--efficiency", f"must be g1 or g2, got {key!r}")
    stack = load_stack(stack_file)
    layer, parameter, values = _vary_spec(vary)
    degrees = _angles(angles)
    ds = sign_map(stack, layer, parameter, values, np.radians(degrees))
    if output is not None:
        _use_agg()
        from spintorque.plotting import plot_sign_map

        ax = plot_sign_map(ds, key)
        _savefig(ax.figure, output)
    if json_output:
        print(json.dumps({"values": values.tolist(), "parameter": f"{layer}.{parameter}",
                          "angles_deg": degrees.tolist(), "g1": ds.g1.values.tolist(),
                          "g2": ds.g2.values.tolist(),
                          "p2_over_p1": ds.p2_over_p1.values.tolist()}))
    elif output is None:
        negative = (ds[key].values < 0).mean()
        console.print(f"{key} < 0 on {100 * negative:.3g}% of the map; use -o FILE to draw it")


@app.command()
@_friendly
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


def main() -> None:
    """Console-script entry point."""
    app()
