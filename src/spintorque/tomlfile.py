"""Reading TOML input files; every failure is a one-line :class:`InputError` naming the file.

Every file read here is recorded for provenance (:mod:`spintorque.provenance`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from spintorque.errors import InputError
from spintorque.provenance import read_input_text


def read_toml(path: str | Path) -> dict[str, Any]:
    """The parsed contents of a TOML file (missing, unreadable or malformed: InputError)."""
    path = Path(path)
    text = read_input_text(path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("file", f"malformed TOML: {exc}", str(path)) from None
