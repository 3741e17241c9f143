"""Reading TOML input files; every failure is a one-line :class:`InputError` naming the file.

Every file read here is recorded for provenance (:mod:`spintorque.provenance`).
Every table of an input file is checked against the keys it may hold (:func:`check_keys`): a typo
is refused with the allowed keys and the closest one, never silently ignored. A file format keeps
its tables in one schema dict, ``{table path: allowed keys}``, so a new table is one line.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from spintorque.errors import InputError, shown
from spintorque.provenance import read_input_text

Schema = Mapping[str, frozenset[str]]
"""Allowed keys of each table of a file format, by the table's name."""


def read_toml(path: str | Path) -> dict[str, Any]:
    """The parsed contents of a TOML file (missing, unreadable or malformed: InputError)."""
    path = Path(path)
    text = read_input_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("file", f"malformed TOML: {exc}", str(path)) from None


def suggestion(word: object, choices: Iterable[str]) -> str:
    """``"; did you mean 'left'?"`` for the closest of ``choices`` (difflib), else ``""``."""
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    if not close:  # case slips: 'k' for 'K', 'Thickness'
        close = [c for c in sorted(choices) if c.lower() == word.lower()][:1]
    return f"; did you mean {close[0]!r}?" if close else ""


def check_keys(table: Mapping[str, Any], allowed: Iterable[str], prefix: str = "",
               what: str = "") -> None:
    """Refuse the first key of ``table`` not in ``allowed``.

    ``prefix`` is the table's path as in every other message (``""`` for the top level,
    ``"leads"``, ``"layers[2]"``); the error names the key's full path as written
    (``leads.lft``), lists the allowed keys and suggests the closest one. ``what`` qualifies the
    table in the message (``"for a uniaxial term"``).
    """
    allowed = frozenset(allowed)
    for key in table:
        if key not in allowed:
            path = f"{prefix}.{key}" if prefix else str(key)
            qualifier = f" {what}" if what else ""
            raise InputError(path, f"unknown key{qualifier} (allowed: "
                             f"{', '.join(sorted(allowed))}){suggestion(key, allowed)}")


def table(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    """``data[key]`` that must be a TOML table (an empty one when absent); ``where``: its path."""
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise InputError(where, f"must be a table [{where}], got {shown(value)}")
    return value


def array_of_tables(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """``data[key]`` that must be an array of tables ``[[key]]`` (empty when absent)."""
    value = data.get(key, [])
    if not isinstance(value, list):
        raise InputError(key, f"must be an array of [[{key}]] tables, got {shown(value)}")
    for i, entry in enumerate(value):
        if not isinstance(entry, Mapping):
            raise InputError(f"{key}[{i}]", f"must be a [[{key}]] table, got {shown(entry)}")
    return value
