"""``spintorque explore``: serve the interactive explorer page (needs the ``explore`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from spintorque.cli.app import app, console, friendly
from spintorque.errors import InputError


@app.command()
@friendly
def explore(
    stack_file: Annotated[
        Path | None,
        typer.Argument(
            help="TOML stack file (default: a five-layer Cu/Co/Cu/Py/Cu valve)", show_default=False
        ),
    ] = None,
    port: Annotated[int, typer.Option("--port", help="local port, 1024-65535")] = 8050,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="do not open a browser")] = False,
) -> None:
    """Serve a local page with sliders for each layer and live hodographs, g1, g2, RA and explain.

    The file's [[interfaces]] (and, with database_interfaces = true, the database's) enter the
    torques, g1, g2 and RA; a toggle on the page turns the database's on and off.
    """
    if not 1024 <= port <= 65535:
        raise InputError("--port", f"must be between 1024 and 65535, got {port}")
    from spintorque.explorer import default_stack
    from spintorque.stack import load_stack
    from spintorque.tomlfile import read_toml

    stack = default_stack() if stack_file is None else load_stack(stack_file)
    # the page's "database interfaces" toggle starts as the file's flag (checked by load_stack)
    database = stack_file is not None and read_toml(stack_file).get("database_interfaces") is True
    try:
        from spintorque.explorer.app import serve
    except ImportError as error:
        raise InputError(
            "explore", f"needs the explore extra (pip install 'spintorque[explore]'): {error}"
        ) from None
    console.print(f"spintorque explore: http://127.0.0.1:{port} (Ctrl-C stops)")
    serve(stack, port, open_browser=not no_browser, database_interfaces=database)
