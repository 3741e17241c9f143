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


def parse_range(spec: str, option: str, unit: str, max_count: int = 100_000_000) -> np.ndarray:
    """Parse START:STOP:COUNT (inclusive, numbers in ``unit``) into an array."""
    parts = spec.split(":")
    try:
        if len(parts) != 3:
            raise ValueError
        start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise InputError(option, f"expected START:STOP:COUNT in {unit}, got {spec!r}") from None
    if not (np.isfinite(start) and np.isfinite(stop)) or not 1 <= count <= max_count:
        raise InputError(option, f"need finite START, STOP and 1 <= COUNT <= {max_count:g}, "
                         f"got {spec!r}")
    return np.linspace(start, stop, count)


def parse_angles(spec: str) -> np.ndarray:
    """Parse --angles START:STOP:COUNT (degrees, inclusive) into an array of degrees."""
    return parse_range(spec, "--angles", "degrees")


def savefig(fig: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=150)


def use_agg() -> None:
    import matplotlib

    matplotlib.use("Agg")
