"""The command-line application object and the helpers its commands share.

Nothing heavy is imported here: numpy, xarray, matplotlib and numba are imported inside the
commands that need them, so that ``spintorque --help`` starts in a fraction of a second.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, cast

import typer
import typer.core
from rich.console import Console
from rich.markup import escape

from spintorque.errors import InputError
from spintorque.io import DATASET, FIGURE, JSON, check_output_path, write_figure
from spintorque.provenance import command_record, figure_metadata, record, recording

if TYPE_CHECKING:
    import numpy as np
    from rich.text import Text

__all__ = ["DATASET", "FIGURE", "JSON", "StackFile", "app", "as_flags", "check_output_path",
           "check_seed", "console", "friendly", "parse_angles", "parse_range", "print_json",
           "savefig", "use_agg"]

def _click() -> Any:
    """The click that typer runs on (vendored as ``typer._click`` by typer >= 0.25)."""
    names = vars(typer.core)
    return names.get("_click") or names["click"]


class OneLineErrors(typer.core.TyperGroup):
    """Usage errors (a value that is not an integer, an unknown option, a missing argument) as
    one ``error:`` line with exit status 2, like every other input error, instead of click's
    usage block."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             windows_expand_args: bool = True, **extra: Any) -> Any:
        def run() -> Any:
            return super(OneLineErrors, self).main(
                args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False,
                windows_expand_args=windows_expand_args, **extra)
        if not standalone_mode:
            return run()
        exceptions = _click().exceptions
        try:
            code = run()
        except exceptions.ClickException as error:
            if type(error).__name__ == "NoArgsIsHelpError":  # `spintorque` alone: the help
                error.show()
            else:
                text = " ".join(error.format_message().split())
                command = getattr(getattr(error, "ctx", None), "command_path", "spintorque")
                print(f"error: {text} (see {command} --help)", file=sys.stderr)
            sys.exit(error.exit_code)
        except typer.Abort:
            print("Aborted!", file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
    # help texts are plain text: units such as "[deg]" must not be read as rich markup
    rich_markup_mode=None,
    help="Spin-transfer physics in magnetic multilayers (SI units; see docs/conventions.md).",
)
F = TypeVar("F", bound=Callable[..., Any])

StackFile = Annotated[Path, typer.Argument(help="TOML stack file", show_default=False)]

_STYLES = frozenset({"bold", "italic", "dim", "underline", "red", "green", "yellow", "blue",
                     "magenta", "cyan"})
"""The only rich markup tags the commands use on purpose; any other [...] is literal text."""
_TAG = re.compile(r"(\\*)\[([^\[\]]*)\]")


def escape_units(text: str) -> str:
    """Escape every ``[...]`` except tags made of :data:`_STYLES` words (and closing tags).

    Table headers and messages carry units in brackets (``"x [nm]"``, ``"θ [deg]"``), file
    names may hold brackets too; rich would take them for markup and print nothing.
    """
    def keep_or_escape(match: re.Match[str]) -> str:
        backslashes, tag = match.groups()
        words = tag.lstrip("/").split()
        if backslashes or tag == "/" or (words and all(word in _STYLES for word in words)):
            return match.group(0)
        return escape(match.group(0))
    return _TAG.sub(keep_or_escape, text)


class UnitSafeConsole(Console):
    """A rich console whose strings (printed or in table cells) keep their bracketed units."""

    def render_str(self, text: str, **kwargs: Any) -> Text:
        return super().render_str(escape_units(text), **kwargs)


console = UnitSafeConsole()


def _print_version(value: bool) -> None:
    if value:
        from spintorque import __version__

        print(f"spintorque {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="print the installed version and exit")] = False,
) -> None:
    """Spin-transfer physics in magnetic multilayers (SI units; see docs/conventions.md)."""


def _command_name(func: Callable[..., Any]) -> str:
    """The name a command is invoked by (``write-error-rate`` for ``write_error_rate_command``)."""
    for info in app.registered_commands:
        if getattr(info.callback, "__wrapped__", None) is func:
            return info.name or func.__name__.replace("_", "-")
    return func.__name__.replace("_", "-")


def friendly(func: F) -> F:
    """Turn InputError into one line on stderr and exit status 2; record the input files read
    and the command with its parsed arguments for the provenance of every output
    (:mod:`spintorque.provenance`)."""
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with recording(command_record(_command_name(func), kwargs)):
                return func(*args, **kwargs)
        except InputError as error:
            print(f"error: {error}", file=sys.stderr)
            raise typer.Exit(2) from None
    return cast(F, wrapper)


@contextmanager
def as_flags(names: Mapping[str, str]) -> Iterator[None]:
    """Rename the field of an :class:`InputError` raised inside from the API's parameter name to
    the flag the user wrote (``{"layer": "--rotate"}``); errors from a file keep their field."""
    try:
        yield
    except InputError as error:
        flag = names.get(error.field)
        if flag is None or error.source is not None:
            raise
        raise InputError(flag, error.message) from None


def check_seed(seed: int | None, flag: str = "--seed") -> int | None:
    """A random seed as given (None: fresh entropy); refused unless 0 <= seed < 2**63."""
    if seed is not None and not 0 <= seed < 2**63:
        raise InputError(flag, f"must be an integer between 0 and 2**63 - 1, got {seed}")
    return seed


def parse_range(spec: str, option: str, unit: str, max_count: int = 100_000_000) -> np.ndarray:
    """Parse START:STOP:COUNT (inclusive, numbers in ``unit``) into an array."""
    import numpy as np

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


def parse_angles(spec: str, max_count: int = 100_000_000) -> np.ndarray:
    """Parse --angles START:STOP:COUNT (degrees, inclusive, within ±720) into degrees."""
    degrees = parse_range(spec, "--angles", "degrees", max_count)
    if max(abs(degrees[0]), abs(degrees[-1])) > 720.0:
        raise InputError("--angles", f"START and STOP must lie within ±720 degrees (two turns), "
                         f"got {spec!r}")
    return degrees


def savefig(fig: Any, path: Path) -> None:
    """Save a figure atomically (the previous file survives a failed or interrupted write), with
    the provenance record in its metadata (:func:`spintorque.provenance.figure_metadata`)."""
    write_figure(fig, path, dpi=150, metadata=figure_metadata(path))


def print_json(doc: dict[str, Any], indent: int | None = None) -> None:
    """Print a command's strict-JSON document with its ``provenance`` object added."""
    print(json.dumps({**doc, "provenance": record()}, indent=indent, allow_nan=False))


def use_agg() -> None:
    import matplotlib

    matplotlib.use("Agg")
