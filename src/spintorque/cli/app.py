"""The command-line application object and the helpers its commands share."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import numpy as np
import typer
from rich.console import Console

from spintorque.errors import InputError

app = typer.Typer(
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    help="Spin-transfer physics in magnetic multilayers (SI units; see docs/conventions.md).",
)
console = Console()
F = TypeVar("F", bound=Callable[..., Any])

StackFile = Annotated[Path, typer.Argument(help="TOML stack file", show_default=False)]


def friendly(func: F) -> F:
    """Turn InputError into one line on stderr and exit status 2."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as error:
            print(f"error: {error}", file=sys.stderr)
            raise typer.Exit(2) from None
    return cast(F, wrapper)


def parse_angles(spec: str) -> np.ndarray:
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


def savefig(fig: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)


def use_agg() -> None:
    import matplotlib

    matplotlib.use("Agg")
