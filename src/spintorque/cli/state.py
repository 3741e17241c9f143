"""State command: ``spintorque state MAGNET.toml [--current J] [--field H] [--duration T]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spintorque.cli.app import app, console, friendly, print_json


@app.command()
@friendly
def state(
    magnet_file: Annotated[
        Path,
        typer.Argument(
            help="macrospin TOML (optionally a [state] table with field = '... A/m')", show_default=False
        ),
    ],
    current: Annotated[
        str | None,
        typer.Option("--current", help="current density, e.g. '-5e11 A/m^2' (default: the file's)"),
    ] = None,
    field: Annotated[
        str | None,
        typer.Option(
            "--field",
            help="applied field along the P "
            "direction u, e.g. '2e4 A/m' (replaces the file's "
            "Zeeman terms; > 0 stabilises P)",
        ),
    ] = None,
    duration: Annotated[str, typer.Option("--duration", help="run length, e.g. 20ns")] = "20 ns",
    json_output: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Final T = 0 states from the P and the AP start (m along ±u, u the easy axis towards the
    fixed layer, tilted 1 deg): P, AP, precession (with its frequency) or other."""
    from spintorque.dynamics.state import final_states, state_input_from_dict
    from spintorque.limits import parse
    from spintorque.tomlfile import read_toml

    T = parse(duration, "duration", "--duration")
    H = None if field is None else parse(field, "field", "--field")
    J = None if current is None else parse(current, "current_density", "--current")
    run = state_input_from_dict(read_toml(magnet_file), magnet_file.parent, str(magnet_file))
    if J is None:
        if not run.conditions.constant_current:
            from spintorque.errors import InputError

            raise InputError("--current", "the file's current is not constant: give --current")
        J = run.conditions.current_at(0.0)
    result = final_states(run.model, J, duration=T, field=run.field if H is None else H)
    doc = result.to_json_dict()
    if json_output:
        print_json(doc)
        return
    shown_field = "the file's" if result.field is None else f"{result.field:.4g} A/m along u"
    console.print(
        f"J = {J:.4g} A/m², field {shown_field}, u = {[round(x, 4) for x in result.axis]} "
        f"({result.axis_source}), {T:.3g} s:"
    )
    for start, name, freq in zip(("P", "AP"), result.states, result.frequencies, strict=True):
        extra = "" if freq is None else f" at {freq:.5g} Hz"
        console.print(f"  from {start}: {name}{extra}")
