"""The shipped materials database (``database.toml`` beside this module).

Every entry cites its source; entries whose values were not checked against a source are marked
``status = "illustrative"``. See ``docs/materials.md``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from spintorque.errors import InputError, shown
from spintorque.materials.material import Material, material_from_table
from spintorque.tomlfile import suggestion


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("spintorque.materials").joinpath("database.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def load_database() -> MappingProxyType[str, Material]:
    """All shipped materials by name (read-only mapping, parsed once)."""
    raw = _raw()
    return MappingProxyType(
        {name: material_from_table(name, table, f"database.{name}") for name, table in raw.items()}
    )


def metadata(name: str) -> dict[str, Any]:
    """The database entry's descriptive fields (description, temperature, status, source...)."""
    table = _raw()[name]
    keys = ("description", "temperature", "status", "source", "sources", "notes")
    return {k: table[k] for k in keys if k in table}


def lookup(name: str, field: str = "material") -> Material:
    """A database material by name; an unknown name is an :class:`InputError` listing the choices."""
    database = load_database()
    if name not in database:
        choices = ", ".join(sorted(database))
        raise InputError(field, f"unknown material {shown(name)}; known: {choices}"
                         f"{suggestion(name, database)}")
    return database[name]
