"""Command line: ``spintorque solve | efficiency | profile | hodograph | explain | signmap |
escape | dynamics | switching | materials | magnetoresistance |
export-torque | sweep | state | plot | explore``.

The CLI only parses arguments, calls the public API and writes files. Bad input prints one line
naming the file, field and allowed range and exits with status 2 (no traceback).
"""

from spintorque.cli import (
    analogy,
    dynamics,
    explore,
    export,
    fits,
    magnetoresistance,
    plot,
    state,
    sweep,
    thermal,
    transport,
    wer,
)
from spintorque.cli.app import app

COMMAND_MODULES = (
    transport, magnetoresistance, export, analogy, thermal, fits, dynamics, wer, sweep, state, plot,
    explore,
)
"""Importing these registers their commands on :data:`app`."""


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["COMMAND_MODULES", "app", "main"]
