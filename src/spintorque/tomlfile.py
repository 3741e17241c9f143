"""Reading TOML input files; every failure is a one-line :class:`InputError` naming the file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from spintorque.errors import InputError


def read_toml(path: str | Path) -> dict[str, Any]:
    """The parsed contents of a TOML file (missing, unreadable or malformed: InputError)."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError("file", "not found", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError("file", f"malformed TOML: {exc}", str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("file", f"cannot read: {exc}", str(path)) from None
