"""Field paths of an input file: ``"layers.F2.thickness"`` → the value it names, and a copy with it set.

A path is the keys of the parsed TOML joined by dots. An array of tables (``[[layers]]``,
``[[energy]]``) is entered by position, ``layers[2]`` (0-based, as in the error messages of
the stack reader), or, for entries with a ``name`` key, by that name, ``layers.F2``. So
``materials.MyCo.spin_asymmetry``, ``layers.F2.magnetization.theta``, ``current.density`` and
``energy[0].K`` address values of the shipped example files.

Only a value already written in the base file can be swept (a single number or a string with a
unit): a table, an array or a missing key is refused, naming the path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from spintorque.errors import InputError

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")

Step = str | int
"""A table key (str) or a position in an array of tables (int)."""


def parse_path(path: str, field: str) -> tuple[Step, ...]:
    """The steps of ``path``: ``"layers[2].thickness"`` → ``("layers", 2, "thickness")``."""
    steps: list[Step] = []
    if "/" in path:
        raise InputError(field, "a field path cannot contain '/'")
    for part in path.split("."):
        match = _SEGMENT.fullmatch(part)
        if match is None:
            raise InputError(
                field,
                "a field path is keys joined by dots, with [N] for the N-th "
                "entry of an array of tables, e.g. 'layers.F2.thickness' or "
                "'layers[2].thickness'",
            )
        steps.append(match.group(1))
        steps.extend(int(index) for index in re.findall(r"\[(\d+)\]", match.group(2)))
    return tuple(steps)


def _enter(node: Any, step: Step, done: str, field: str) -> tuple[Any, Step]:
    """The child of ``node`` at ``step``, and the step that reaches it in the raw data."""
    if isinstance(node, list) and not all(isinstance(entry, Mapping) for entry in node):
        raise InputError(
            field, f"{done} is an array of values; a sweep axis sets one number or quantity{_hint(done)}"
        )
    if isinstance(node, list):
        if isinstance(step, int):
            if step >= len(node):
                raise InputError(field, f"{done} has {len(node)} entries; [{step}] is out of range")
            return node[step], step
        names = [entry.get("name") for entry in node if isinstance(entry, Mapping)]
        if step in names:
            return node[names.index(step)], names.index(step)
        shown = ", ".join(str(name) for name in names if name is not None) or "none named"
        raise InputError(
            field, f"{done} has no entry named {step!r} (entries: {shown}; or give a position, {done}[0])"
        )
    if isinstance(node, Mapping):
        if isinstance(step, int) or step not in node:
            key = f"[{step}]" if isinstance(step, int) else repr(step)
            allowed = ", ".join(sorted(map(str, node))) or "none"
            where = f"{done}" if done else "the base file"
            raise InputError(field, f"{where} has no key {key} (keys: {allowed})")
        return node[step], step
    raise InputError(field, f"{done} is a value, not a table: the path goes too deep")


def _hint(done: str) -> str:
    if done.endswith("magnetization"):
        return " (write it as {theta = '…', phi = '…'} in the base file to sweep its angles)"
    return ""


def resolve(data: Mapping[str, Any], steps: tuple[Step, ...], field: str) -> tuple[Step, ...]:
    """The raw steps (names replaced by positions) of a path that ends at a single value.

    Raises
    ------
    InputError
        A missing key, an unknown entry name, or a path ending at a table or an array.
    """
    node: Any = data
    raw: list[Step] = []
    done = ""
    for step in steps:
        node, taken = _enter(node, step, done, field)
        raw.append(taken)
        done = f"{done}[{step}]" if isinstance(step, int) else (f"{done}.{step}" if done else step)
    if isinstance(node, Mapping | list):
        kind = "a table" if isinstance(node, Mapping) else "an array"
        hint = _hint(done) if isinstance(node, list) else ""
        raise InputError(field, f"{done} is {kind}; a sweep axis sets one number or quantity{hint}")
    if isinstance(node, bool) or not isinstance(node, int | float | str):
        raise InputError(field, f"{done} is {node!r}; only numbers and quantities can be swept")
    return tuple(raw)


def value_at(data: Mapping[str, Any], raw: tuple[Step, ...]) -> Any:
    """The value at resolved steps ``raw``."""
    node: Any = data
    for step in raw:
        node = node[step]
    return node


def set_value(data: Any, raw: tuple[Step, ...], value: Any) -> None:
    """Set the value at resolved steps ``raw`` in place (``data`` is a private copy)."""
    node = data
    for step in raw[:-1]:
        node = node[step]
    node[raw[-1]] = value
