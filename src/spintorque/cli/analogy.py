"""Mechanical-analogy commands: hodograph, explain, signmap."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from spintorque.cli.app import (
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

if TYPE_CHECKING:
    import numpy as np


@app.command()
@friendly
def hodograph(
    stack_file: StackFile,
    output: Annotated[Path, typer.Option("--output", "-o", help="figure file (png, svg, pdf)")],
) -> None:
    """Draw the folded mu_s and j_s hodographs with rods, rings, forces and jumps."""
    check_output_path(output, "--output", FIGURE)
    from spintorque.analogy import hodograph as fold
    from spintorque.analogy import ring_forces
    from spintorque.stack import load_stack
    from spintorque.transport import solve as solve_stack

    if output.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise InputError("--output", f"must end in .png, .svg or .pdf, got {output.name!r}")
    stack = load_stack(stack_file).transparent()  # the seed's (transparent) model
    result = solve_stack(stack)
    use_agg()
    from spintorque.plotting import plot_hodograph

    axes = plot_hodograph(fold(result), ring_forces(result), names=list(stack.names))
    savefig(axes[0].figure, output)
    forces = ring_forces(result)
    worst = max((ring.imbalance for ring in forces), default=0.0)
    console.print(f"wrote {output}: {len(forces)} rings, worst force imbalance along a rod "
                  f"{worst:.1e} (relative)")


@app.command()
@friendly
def explain(
    stack_file: StackFile,
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Which torque of a two-ferromagnet stack changes sign, at which angle, and why."""
    from spintorque.analogy import explain as analyse
    from spintorque.stack import load_stack

    analysis = analyse(load_stack(stack_file).transparent())  # the seed's model
    if json_output:
        print_json(analysis.to_json_dict())
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
    import numpy as np

    from spintorque.limits import parse

    try:
        target, rng = spec.split("=", 1)
        layer, parameter = target.rsplit(".", 1)
        start, stop, count = rng.split(":")
        n = int(count)
    except ValueError:
        raise InputError("--vary", f"expected NAME.PARAM=START:STOP:COUNT, got {spec!r}") from None
    if not 2 <= n <= 100_000:
        raise InputError("--vary", f"COUNT must be between 2 and 1e5, got {n}")
    if parameter in ("thickness", "spin_diffusion_length", "spin_asymmetry"):
        lo, hi = (parse(end, parameter, "--vary") for end in (start, stop))
    else:
        raise InputError("--vary", "PARAM must be thickness, spin_diffusion_length or "
                         f"spin_asymmetry, got {parameter!r}")
    return layer, parameter, np.linspace(lo, hi, n)


@app.command()
@friendly
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
    check_output_path(output, "--output", FIGURE)
    import numpy as np

    from spintorque.analogy import sign_map
    from spintorque.stack import load_stack

    if key not in ("g1", "g2"):
        raise InputError("--efficiency", f"must be g1 or g2, got {key!r}")
    stack = load_stack(stack_file).transparent()  # the seed's model
    layer, parameter, values = _vary_spec(vary)
    degrees = parse_angles(angles)
    with as_flags({"layer": "--vary", "parameter": "--vary", "theta": "--angles"}):
        ds = sign_map(stack, layer, parameter, values, np.radians(degrees))
    if output is not None:
        use_agg()
        from spintorque.plotting import plot_sign_map

        ax = plot_sign_map(ds, key)
        savefig(ax.figure, output)
    if json_output:
        def finite(a: np.ndarray) -> list:  # strict JSON: null where a value does not exist
            return [finite(row) if np.ndim(row) else (float(row) if np.isfinite(row) else None)
                    for row in a]

        doc = {"values": values.tolist(), "parameter": f"{layer}.{parameter}",
               "angles_deg": degrees.tolist(), "g1": finite(ds.g1.values),
               "g2": finite(ds.g2.values), "p2_over_p1": finite(ds.p2_over_p1.values)}
        undefined = {key: ds.attrs[f"{key}_undefined"] for key in ("g1", "g2", "p2_over_p1")
                     if f"{key}_undefined" in ds.attrs}
        if undefined:
            doc["undefined"] = undefined  # why some entries are null
        print_json(doc)
    elif output is None:
        negative = (ds[key].values < 0).mean()
        console.print(f"{key} < 0 on {100 * negative:.3g}% of the map; use -o FILE to draw it")
