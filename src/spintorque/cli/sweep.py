"""Sweep command: ``spintorque sweep SWEEP.toml -o out.zarr [--workers N | --scheduler ADDR]``."""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from spintorque.cli.app import app, console, friendly
from spintorque.errors import InputError

_ADDRESS = re.compile(r"(tcp|tls)://[^\s:/]+:\d{1,5}")


def _check_store(path: Path) -> None:
    """Refuse a store path that cannot be one, before any work."""
    if path.suffix.lower() != ".zarr":
        raise InputError("--output", f"{str(path)!r}: the store must be a directory ending in .zarr")
    if path.exists() and not path.is_dir():
        raise InputError("--output", f"{str(path)!r} exists and is not a directory")
    existing = next(p for p in (path.parent, *path.parent.parents, Path(".")) if p.exists())
    if not existing.is_dir():
        raise InputError("--output", f"cannot create {str(path)!r}: {str(existing)!r} is not a directory")
    try:  # permission bits do not tell (root, read-only mounts): try it
        tempfile.TemporaryDirectory(dir=existing).cleanup()
    except OSError as exc:
        raise InputError(
            "--output", f"cannot write {str(path)!r} ({str(existing)!r}: {exc.strerror or exc})"
        ) from None


def _check_cluster(workers: int | None, scheduler: str | None) -> None:
    if workers is not None and scheduler is not None:
        raise InputError("--workers", "give --workers (a local cluster) or --scheduler, not both")
    if workers is not None and not 1 <= workers <= 4096:
        raise InputError("--workers", f"must be from 1 to 4096, got {workers}")
    if scheduler is not None and not _ADDRESS.fullmatch(scheduler):
        raise InputError("--scheduler", f"expected tcp://HOST:PORT, got {scheduler!r}")


def _check_extra() -> None:
    """The sweep extra's packages are importable, or one line saying how to install them."""
    import importlib.util

    missing = [name for name in ("dask", "distributed", "zarr") if importlib.util.find_spec(name) is None]
    if missing:
        raise InputError("sweep", f"needs {', '.join(missing)}: pip install 'spintorque[sweep]'")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on a terminal (None elsewhere or with --json)."""
    if not enabled or not sys.stdout.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "points", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True
    ) as bar:
        task = bar.add_task("points", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@app.command()
@friendly
def sweep(
    sweep_file: Annotated[
        Path, typer.Argument(help="TOML sweep file (base file, command, axes)", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Zarr store to write or resume (a directory ending in .zarr)",
            show_default=False,
        ),
    ],
    workers: Annotated[
        int | None, typer.Option("--workers", help="local worker processes [default: the usable cores]")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="address of a running Dask scheduler, tcp://HOST:PORT")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="discard a store made by a different sweep and start again")
    ] = False,
    json_output: Annotated[bool, typer.Option("--json", help="print a JSON summary")] = False,
) -> None:
    """Run a command over a grid of parameters into a resumable Zarr store (docs/sweep.md)."""
    _check_store(output)
    _check_cluster(workers, scheduler)
    _check_extra()
    from spintorque.sweep import load_sweep, run

    plan = load_sweep(sweep_file)
    try:
        with _progress(not json_output) as progress:
            summary = run(plan, output, workers=workers, scheduler=scheduler, force=force, progress=progress)
    except KeyboardInterrupt:
        print(
            f"interrupted: the points computed so far are in {str(output)!r}; run the same "
            "command again to compute the rest",
            file=sys.stderr,
        )
        raise typer.Exit(130) from None
    if json_output:
        print(json.dumps(summary.to_json_dict(), allow_nan=False))
        return
    _print(summary)


def _print(summary: Any) -> None:
    console.print(
        f"[bold]{summary.store}[/bold]: {summary.points} points, "
        f"{summary.computed} computed now, {summary.already_done} already done "
        f"({summary.seconds:.3g} s, {summary.workers} workers)"
    )
