"""Output files: checked before any work, written to a temporary name and renamed when complete.

:func:`check_output_path` refuses an unusable output path (a directory, a missing or unknown
extension, a location that cannot be written) in one line before a command computes anything.
:func:`atomic_path` gives the writer a temporary file in the destination's own directory and
renames it over the destination only once it is complete (:func:`os.replace`, atomic on POSIX
and Windows within one file system), so a kill, a full disk or an exception half-way through
the write leaves the previous good file as it was.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from spintorque.errors import InputError

FIGURE = (".png", ".svg", ".pdf")
"""Figure formats the commands write (matplotlib picks the format from the extension)."""
DATASET = (".nc",)
"""Labelled datasets are written as NetCDF."""
JSON = (".json",)


class OutputError(InputError):
    """An output file could not be written (full disk, permissions); the previous file is kept."""


def _nearest_existing(path: Path) -> Path:
    for ancestor in (path, *path.parents):
        if ancestor.exists():
            return ancestor
    return Path(".")


def _probe_writable(directory: Path) -> str | None:
    """Why a file cannot be created in ``directory`` (None if it can), found by creating one.

    Permission bits do not tell (root ignores them; a read-only mount refuses everyone), so
    this creates and removes an empty file, as the real write will.
    """
    probe = directory / f".spintorque-probe-{uuid.uuid4().hex[:12]}"
    try:
        probe.open("xb").close()
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    with contextlib.suppress(OSError):
        probe.unlink()
    return None


def check_output_path(path: Path | None, flag: str, kinds: Sequence[str]) -> None:
    """Refuse an output path that cannot receive the file, before any computation.

    Parameters
    ----------
    path : Path or None
        The path the user gave (None: no output requested, nothing to check).
    flag : str
        The option as the user wrote it (``"--plot"``, ``"--output"``), for the message.
    kinds : sequence of str
        Allowed extensions, lower case with the dot (e.g. :data:`FIGURE`).

    Raises
    ------
    InputError
        ``path`` is a directory or another non-regular file, has no or an unknown extension,
        or lies where no file can be created (a parent is a file, a read-only or missing
        location without permission to create it).
    """
    if path is None:
        return
    allowed = ", ".join(kinds)
    if path.is_dir():
        raise InputError(flag, f"{str(path)!r} is a directory; give a file name in it, e.g. "
                         f"{str(path / ('output' + kinds[0]))!r}")
    if path.exists() and not path.is_file():
        raise InputError(flag, f"{str(path)!r} exists and is not a regular file")
    if path.suffix.lower() not in kinds:
        found = repr(path.suffix) if path.suffix else "no extension"
        raise InputError(flag, f"{str(path)!r} has {found}; the file must end in {allowed}")
    existing = _nearest_existing(path.parent)
    if not existing.is_dir():
        raise InputError(flag, f"cannot create {str(path)!r}: {str(existing)!r} is not a directory")
    reason = _probe_writable(existing)
    if reason is not None:
        raise InputError(flag, f"cannot write {str(path)!r} ({str(existing)!r}: {reason})")


def _fsync(path: Path) -> None:
    """Push a written file to disk before it replaces the old one (a crash keeps one of them)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` if the block succeeds.

    The temporary name is hidden (``.name.<random>.tmp<suffix>``) and keeps the extension, so
    writers that choose the format from it behave as with the real name. Missing parent
    directories are created. On any exception the temporary file is removed and ``path`` is
    untouched; an :class:`OSError` (full disk, permissions) becomes one :class:`OutputError`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    final = Path(path)
    tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.tmp{final.suffix}")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        yield tmp
        _fsync(tmp)
        if final.exists():
            os.chmod(tmp, final.stat().st_mode & 0o7777)  # keep the old file's permissions
        os.replace(tmp, final)
    except OSError as exc:
        raise OutputError(str(final), f"cannot write: {exc.strerror or exc}; any previous file "
                          "there is unchanged") from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_dataset(dataset: Any, path: Path | str) -> None:
    """Write an :class:`xarray.Dataset` to NetCDF at ``path``, atomically (:func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        dataset.to_netcdf(tmp)


def write_figure(figure: Any, path: Path | str, dpi: int = 150,
                 metadata: dict[str, str] | None = None) -> None:
    """Save a matplotlib figure at ``path`` (format from its extension), atomically, with
    ``metadata`` (keys the format allows, see :func:`spintorque.provenance.figure_metadata`)."""
    final = Path(path)
    with atomic_path(final) as tmp:
        extra = {} if metadata is None else {"metadata": metadata}
        figure.savefig(tmp, dpi=dpi, format=final.suffix.lstrip(".").lower() or None, **extra)


def write_text(text: str, path: Path | str) -> None:
    """Write a text file (UTF-8), e.g. a JSON document, atomically (:func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
