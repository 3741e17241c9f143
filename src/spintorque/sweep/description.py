"""The sweep file: a base input file, a command, axes over its fields, and run settings.

```toml
base = "co_cu_py.toml"          # path relative to this file
command = "solve"
[axes]
"layers.F2.thickness" = { start = "1 nm", stop = "10 nm", num = 10 }
"current.density" = { values = ["1e10 A/m^2", "1e11 A/m^2"] }
[run]
chunk = 100                      # points per task
seed = 1                         # stochastic commands
[options]                        # the command's run options, if it has any (switching, state,
                                 # write-error-rate: pulse = "1ns:50ns:50")
```

Axis values carry units like the base file's value they replace (a plain number where the base
file has one); they are converted to SI once here. :func:`load_sweep` checks everything a sweep
needs before any point is computed: every key is a value of the base file, every unit has the
dimension of that value, and the base file with each axis value in turn is a valid input of the
command. Field paths: :mod:`spintorque.sweep.paths`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spintorque.errors import InputError
from spintorque.sweep.commands import COMMANDS, Command, Layout
from spintorque.sweep.paths import Step, parse_path, resolve, set_value, value_at
from spintorque.tomlfile import read_toml
from spintorque.units import to_float, to_si

KINDS = {
    "length": "m",
    "resistivity": "ohm*m",
    "resistance_area": "ohm*m^2",
    "current_density": "A/m^2",
    "angle": "rad",
    "temperature": "K",
    "field": "A/m",
    "energy_density": "J/m^3",
    "area": "m^2",
    "time": "s",
}
"""Quantity kinds of :func:`spintorque.units.to_si` a swept value may have, and their SI unit."""
MAX_POINTS = 100_000_000
MAX_CHUNK = 1_000_000
_TOP_KEYS = {"base", "command", "axes", "run", "options"}
_RUN_KEYS = {"chunk", "seed"}


@dataclass(frozen=True, eq=False)
class Axis:
    """One sweep dimension: a field path of the base file and its values in SI.

    Attributes
    ----------
    key : str
        The path as written in the sweep file (also the dimension name of the output).
    steps : tuple
        The resolved path into the parsed base file (positions for named entries).
    values : ndarray
        The axis values in SI units (``units``).
    units : str
        SI unit of the values, ``"1"`` for a dimensionless number.
    integer : bool
        The base file holds an integer there, so the values are integers too.
    """

    key: str
    steps: tuple[Step, ...]
    values: np.ndarray
    units: str
    integer: bool = False

    def raw(self, index: int) -> Any:
        """The value to write into the base file's data for point ``index`` of this axis."""
        value = self.values[index]
        if self.integer:
            return int(value)
        if self.units == "1":
            return float(value)
        return f"{float(value)!r} {self.units}"


@dataclass(frozen=True, eq=False)
class Sweep:
    """A parsed, validated sweep file (see the module docstring)."""

    path: Path
    sweep_text: str
    base_path: Path
    base_text: str
    base_data: dict[str, Any]
    command: Command
    axes: tuple[Axis, ...]
    chunk: int
    seed: int | None
    options: dict[str, Any]

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(axis.values.size for axis in self.axes)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def point_data(self, index: tuple[int, ...], data: dict[str, Any] | None = None) -> dict[str, Any]:
        """The base file's parsed data with every axis set to its value at grid ``index``.

        ``data`` (a private copy of :attr:`base_data` from an earlier call) is updated in place.
        """
        data = copy.deepcopy(self.base_data) if data is None else data
        for axis, i in zip(self.axes, index, strict=True):
            set_value(data, axis.steps, axis.raw(i))
        return data

    def description(self, index: tuple[int, ...]) -> Any:
        """The command's input (a Stack, a MacrospinInput, ...) at grid point ``index``."""
        return self.command.load(self.point_data(index), self.base_path)

    def layout(self, data: dict[str, Any] | None = None) -> Layout:
        """The command's result :data:`~spintorque.sweep.commands.Layout` at ``data`` (default:
        the base file's values)."""
        data = copy.deepcopy(self.base_data) if data is None else data
        return self.command.layout(self.command.load(data, self.base_path), self.options)

    def fingerprint(self) -> str:
        """SHA-256 of what the numbers depend on: command, base data, axis values, chunk, seed
        and the command's options.

        Comments and layout of either file do not count; any change of a value does.
        """
        content = {
            "command": self.command.name,
            "base": self.base_data,
            "chunk": self.chunk,
            "seed": self.seed,
            "axes": [[a.key, a.units, [float(v).hex() for v in a.values]] for a in self.axes],
        }
        if self.options:  # (absent without options: the fingerprints of such stores stay as they were)
            content["options"] = {key: _exact(value) for key, value in sorted(self.options.items())}
        text = json.dumps(content, sort_keys=True, allow_nan=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def _exact(value: Any) -> Any:
    """An option value as JSON that tells every float apart (hex), for the fingerprint."""
    if isinstance(value, np.ndarray):
        return [_exact(v) for v in value.tolist()]
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_exact(v) for v in value]
    return value


def _kind(base_value: Any) -> str | None:
    """The quantity kind of a base-file value; None for a plain number."""
    if isinstance(base_value, int | float):
        return None
    for kind in KINDS:
        try:
            to_si(base_value, kind, "")
        except InputError:
            continue
        return kind
    to_float(base_value, "")  # a number written as a string, else InputError
    return None


def _convert(value: Any, kind: str | None, integer: bool, field: str) -> float:
    if kind is not None:
        return to_si(value, kind, field)
    number = to_float(value, field)
    if integer and number != int(number):
        raise InputError(field, f"the base file holds an integer here; got {value!r}")
    return number


def axis_values(spec: Any, kind: str | None, integer: bool, field: str) -> np.ndarray:
    """The values [SI] of an axis table ``{start, stop, num[, scale]}`` or ``{values = [...]}``.

    ``kind``: the quantity kind of :func:`spintorque.units.to_si` (None: plain numbers);
    ``integer``: the values must be integers; ``field``: the key as written, for errors.
    """
    if not isinstance(spec, dict):
        raise InputError(field, "give {start, stop, num} (optionally scale = 'log') or {values = [...]}")
    if "values" in spec:
        if set(spec) != {"values"} or not isinstance(spec["values"], list) or not spec["values"]:
            raise InputError(field, "{values = [...]} takes a non-empty list and nothing else")
        return np.array(
            [_convert(v, kind, integer, f"{field}.values[{i}]") for i, v in enumerate(spec["values"])]
        )
    unknown = sorted(set(spec) - {"start", "stop", "num", "scale"})
    missing = sorted({"start", "stop", "num"} - set(spec))
    if unknown or missing:
        raise InputError(
            f"{field}.{(unknown or missing)[0]}",
            "unknown key" if unknown else "missing; give start, stop and num",
        )
    start = _convert(spec["start"], kind, False, f"{field}.start")
    stop = _convert(spec["stop"], kind, False, f"{field}.stop")
    num = spec["num"]
    if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= MAX_POINTS:
        raise InputError(f"{field}.num", f"must be an integer from 1 to {MAX_POINTS}, got {num!r}")
    scale = spec.get("scale", "linear")
    if scale == "log":
        if not (start > 0 and stop > 0):
            raise InputError(f"{field}.scale", "'log' needs start > 0 and stop > 0")
        values = np.geomspace(start, stop, num)
    elif scale == "linear":
        values = np.linspace(start, stop, num)
    else:
        raise InputError(f"{field}.scale", f"must be 'linear' or 'log', got {scale!r}")
    if integer and not np.all(values == np.round(values)):
        raise InputError(field, "the base file holds an integer here; these steps are not integers")
    return values


def _axis(key: str, spec: Any, base: dict[str, Any]) -> Axis:
    field = f"axes.{json.dumps(key)}"
    steps = resolve(base, parse_path(key, field), field)
    base_value = value_at(base, steps)
    try:
        kind = _kind(base_value)
    except InputError:
        raise InputError(
            field,
            f"the base file's value {base_value!r} is neither a number nor a "
            "quantity the sweep knows (" + ", ".join(KINDS) + ")",
        ) from None
    integer = isinstance(base_value, int)
    values = axis_values(spec, kind, integer, field)
    return Axis(key, steps, values, "1" if kind is None else KINDS[kind], integer)


def _run_settings(run: Any) -> tuple[int, int | None]:
    if not isinstance(run, dict):
        raise InputError("run", "must be a table: [run] chunk = 100, seed = 1")
    unknown = sorted(set(run) - _RUN_KEYS)
    if unknown:
        raise InputError(f"run.{unknown[0]}", f"unknown key; allowed: {', '.join(sorted(_RUN_KEYS))}")
    chunk = run.get("chunk", 100)
    if isinstance(chunk, bool) or not isinstance(chunk, int) or not 1 <= chunk <= MAX_CHUNK:
        raise InputError("run.chunk", f"must be an integer from 1 to {MAX_CHUNK}, got {chunk!r}")
    seed = run.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63):
        raise InputError("run.seed", f"must be an integer from 0 to 2**63 - 1, got {seed!r}")
    return chunk, seed


def _options(command: Command, table: Any) -> dict[str, Any]:
    if table is None:
        table = {}
    if not isinstance(table, dict):
        raise InputError("options", "must be a table: [options]")
    if command.options is None:
        if table:
            raise InputError(f"options.{next(iter(table))}", f"'{command.name}' takes no options")
        return {}
    return command.options(table)


def _command(name: Any) -> Command:
    if name not in COMMANDS:
        raise InputError("command", f"{name!r} is not a sweep command; allowed: {', '.join(COMMANDS)}")
    return COMMANDS[name]


def _check_points(sweep: Sweep) -> None:
    """Load the base file with each axis value in turn (others at the base file's values)."""
    try:
        reference = sweep.layout()
    except InputError as error:
        # an option the base file's input cannot take is the sweep file's (load_sweep says so)
        raise (error if error.field.startswith("options.") else error.in_file(str(sweep.base_path))) from None
    for axis in sweep.axes:
        data = copy.deepcopy(sweep.base_data)
        for i in range(axis.values.size):
            set_value(data, axis.steps, axis.raw(i))
            shown = axis.values[i] if axis.units == "1" else f"{axis.values[i]:.6g} {axis.units}"
            try:
                layout = sweep.layout(data)
            except InputError as error:
                raise InputError(
                    f"axes.{json.dumps(axis.key)}", f"at {shown}: {error.field}: {error.message}"
                ) from None
            if layout != reference:
                raise InputError(
                    f"axes.{json.dumps(axis.key)}",
                    f"at {shown} the results have "
                    "other variables or dimensions than at the base file's value",
                )


def sweep_from_dict(data: dict[str, Any], path: Path, text: str) -> Sweep:
    """A :class:`Sweep` from the parsed sweep file at ``path`` (its text kept for provenance)."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise InputError(unknown[0], f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}")
    for key in ("base", "command", "axes"):
        if key not in data:
            raise InputError(key, "missing (base = 'stack.toml', command = 'solve', [axes])")
    if not isinstance(data["base"], str):
        raise InputError("base", f"must be a file name, got {data['base']!r}")
    command = _command(data["command"])
    base_path = path.parent / data["base"]
    base_text = _read_text(base_path)
    base_data = read_toml(base_path)
    axes_table = data["axes"]
    if not isinstance(axes_table, dict) or not axes_table:
        raise InputError("axes", 'give at least one axis: "layers.F2.thickness" = {start, stop, num}')
    axes = tuple(_axis(key, spec, base_data) for key, spec in axes_table.items())
    seen: dict[tuple[Step, ...], str] = {}
    for axis in axes:
        if axis.steps in seen:
            raise InputError(f"axes.{json.dumps(axis.key)}", f"the same field as {seen[axis.steps]!r}")
        seen[axis.steps] = axis.key
    chunk, seed = _run_settings(data.get("run", {}))
    options = _options(command, data.get("options"))
    size = math.prod(axis.values.size for axis in axes)
    if size > MAX_POINTS:
        raise InputError("axes", f"{size} points; at most {MAX_POINTS} in one sweep")
    sweep = Sweep(path, text, base_path, base_text, base_data, command, axes, chunk, seed, options)
    _check_points(sweep)
    return sweep


def _read_text(path: Path) -> str:
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise InputError("base", f"{str(path)!r} not found (paths are relative to the sweep file)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("base", f"cannot read {str(path)!r}: {exc}") from None


def load_sweep(path: str | Path) -> Sweep:
    """Read and check a sweep file; any problem is a one-line :class:`InputError` naming the key."""
    path = Path(path)
    data = read_toml(path)
    try:
        return sweep_from_dict(data, path, _read_text_plain(path))
    except InputError as error:
        raise (error if error.source else error.in_file(str(path))) from None


def _read_text_plain(path: Path) -> str:
    return path.read_text("utf-8")
