"""Provenance of every output: the installed version, the full text of every input file, the options.

One record, built here, goes into every output a command writes: the ``provenance`` object of
its JSON, the attributes of its NetCDF datasets and the metadata of its figures.

* ``spintorque_version``: read from the installed distribution's metadata
  (:func:`importlib.metadata.version`) each time a record is built, never a copy kept in code.
* ``input_files``: path, SHA-256 and the **full text** of every input file read while the
  output was computed — the stack file, the macrospin file *and* every stack file a diffusive
  torque in it refers to, a data file. Files are recorded by the readers themselves
  (:func:`spintorque.tomlfile.read_toml`, :func:`read_input_text`) while a :func:`recording`
  is active; every command of the command line runs inside one. Library code that wants the
  texts in its datasets wraps its work the same way::

      with spintorque.provenance.recording():
          ds = st.solve(st.load_stack("valve.toml")).to_dataset()

  Outside a recording ``input_files`` is empty and ``input_files_note`` says why.
* ``command``: the command run and its arguments as parsed (``{"name", "arguments"}``), when
  run from the command line; ``created``: UTC time of the record.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from spintorque.errors import InputError

NOT_RECORDING = (
    "no spintorque.provenance.recording() was active while the inputs were read, "
    "so their texts are not recorded (the input description is)"
)


@dataclass(frozen=True)
class InputFile:
    """One input file as it was read: the path as given, and its full text."""

    path: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def describe(self) -> dict[str, str]:
        return {"path": self.path, "sha256": self.sha256, "text": self.text}


@dataclass
class Recording:
    """The input files read (in reading order, each path once) and the command run."""

    command: dict[str, Any] | None = None
    files: dict[str, InputFile] = field(default_factory=dict)


_ACTIVE: ContextVar[Recording | None] = ContextVar("spintorque_provenance", default=None)


@contextlib.contextmanager
def recording(command: Mapping[str, Any] | None = None) -> Iterator[Recording]:
    """Record every input file read inside the block (a nested call shares the outer record).

    ``command``: a JSON-ready description of the command, e.g. :func:`command_record`.
    """
    outer = _ACTIVE.get()
    if outer is not None:
        if command is not None and outer.command is None:
            outer.command = dict(command)
        yield outer
        return
    token = _ACTIVE.set(Recording(None if command is None else dict(command)))
    try:
        active = _ACTIVE.get()
        assert active is not None
        yield active
    finally:
        _ACTIVE.reset(token)


def record_input(path: str | Path, text: str) -> None:
    """Note that ``path`` was read with contents ``text`` (no-op outside a :func:`recording`).

    A file read twice with different contents keeps the last text (that is what was used last).
    """
    active = _ACTIVE.get()
    if active is not None:
        active.files.pop(str(path), None)
        active.files[str(path)] = InputFile(str(path), text)


def read_input_text(path: str | Path) -> str:
    """The text of an input file (UTF-8), recorded for provenance; unreadable: InputError."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError("file", "not found", str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError("file", f"not a UTF-8 text file: undecodable byte at offset {exc.start}",
                         str(path)) from None
    except OSError as exc:
        raise InputError("file", f"cannot read: {exc.strerror or exc}", str(path)) from None
    except ValueError as exc:  # a path with a NUL byte
        raise InputError("file", f"cannot open: {exc}", str(path).replace("\x00", "\\x00")) from None
    record_input(path, text)
    return text


def package_version() -> str:
    """The installed version of spintorque, from its distribution metadata (read each time)."""
    from spintorque import _installed_version

    return _installed_version()


def record() -> dict[str, Any]:
    """The provenance object of a JSON output (strict-JSON ready).

    Keys: ``spintorque_version``, ``created`` (UTC, ISO 8601), ``command`` (object or null),
    ``input_files`` (list of ``{path, sha256, text}``) and, outside a recording,
    ``input_files_note``.

    Examples
    --------
    >>> with recording(command_record("solve", {"stack_file": "x.toml"})):
    ...     record_input("x.toml", "[current]\\n")
    ...     doc = record()
    >>> doc["input_files"][0]["text"], doc["command"]["name"]
    ('[current]\\n', 'spintorque solve')
    """
    active = _ACTIVE.get()
    doc: dict[str, Any] = {
        "spintorque_version": package_version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": None if active is None else active.command,
        "input_files": [] if active is None else [f.describe() for f in active.files.values()],
    }
    if active is None:
        doc["input_files_note"] = NOT_RECORDING
    return doc


def dataset_attrs(
    inputs: Mapping[str, Any] | None = None,
    solver: str | None = None,
    options: Mapping[str, Any] | None = None,
    conventions: str | None = None,
) -> dict[str, Any]:
    """NetCDF-safe attributes: :func:`record` flattened, plus the run's own description.

    Parameters
    ----------
    inputs : mapping, optional
        JSON-ready input descriptions, each stored as a JSON string under its key
        (e.g. ``{"input_stack": stack.describe()}``).
    solver : str, optional
        The method that ran.
    options : mapping, optional
        Solver options, stored as ``option_<key>``: a plain int, float or str as it is,
        anything else as JSON.
    conventions : str, optional
        Units and sign conventions of the data.
    """
    doc = record()
    attrs: dict[str, Any] = {
        "spintorque_version": doc["spintorque_version"],
        "created": doc["created"],
        "command": json.dumps(doc["command"], allow_nan=False),
        "input_files": json.dumps(doc["input_files"], ensure_ascii=False, allow_nan=False),
    }
    if "input_files_note" in doc:
        attrs["input_files_note"] = doc["input_files_note"]
    for key, value in (inputs or {}).items():
        attrs[key] = json.dumps(value, allow_nan=False, default=str)
    if solver is not None:
        attrs["solver"] = solver
    if conventions is not None:
        attrs["conventions"] = conventions
    for key, value in (options or {}).items():
        plain = isinstance(value, int | float | str) and not isinstance(value, bool)
        attrs[f"option_{key}"] = value if plain else json.dumps(value, allow_nan=False)
    return attrs


def figure_metadata(path: str | Path) -> dict[str, str]:
    """Metadata for :meth:`matplotlib.figure.Figure.savefig` in the format of ``path``.

    PNG: ``Software`` and a ``spintorque_provenance`` text chunk holding :func:`record` as
    JSON; SVG: ``Creator`` and ``Description``; PDF: ``Creator`` and ``Subject`` (the keys
    those formats allow).
    """
    doc = record()
    creator = f"spintorque {doc['spintorque_version']}"
    text = json.dumps(doc, ensure_ascii=False, allow_nan=False)
    suffix = Path(path).suffix.lower()
    if suffix == ".png":
        return {"Software": creator, "spintorque_provenance": text}
    if suffix == ".svg":
        return {"Creator": creator, "Description": text}
    if suffix == ".pdf":
        return {"Creator": creator, "Subject": text}
    return {}


def command_record(name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """``{"name": "spintorque NAME", "arguments": {...}}``: the arguments as the command parsed
    them (paths and other objects as strings, so the record is JSON-ready)."""

    def plain(value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)  # strict JSON has no inf or nan
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)

    return {"name": f"spintorque {name}", "arguments": {k: plain(v) for k, v in arguments.items()}}
