"""The shipped materials database (``database.toml`` beside this module).

Every number of every entry has its own source table, ``[NAME.sources.KEY]``, with a
``status`` (``"checked"``: read in the cited text; ``"illustrative"``: commonly quoted, not
checked), the citation and, where the source gives one, an ``uncertainty``. An entry is
``"sourced"`` only if all of its numbers are checked. The loader refuses a database that breaks
these rules. A top-level ``interfaces`` table holds interface parameters and is not a material.
See ``docs/materials.md``.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from spintorque.errors import InputError, shown
from spintorque.materials.material import Material, material_from_table
from spintorque.tomlfile import suggestion
from spintorque.units import to_float, to_si

INTERFACES = "interfaces"
"""The database section of interface pairs, ``[interfaces."A/B"]`` (not a material)."""

NOT_MATERIALS = frozenset({INTERFACES})
"""Top-level tables of ``database.toml`` that are not materials."""

PARAMETER_STATUS = ("checked", "illustrative")
ENTRY_STATUS = ("sourced", "illustrative")

# every number an entry may give: (unit kind for to_si, or None for a bare number; SI unit)
NUMBERS: dict[str, tuple[str | None, str]] = {
    "resistivity": ("resistivity", "ohm*m"),
    "rho_star": ("resistivity", "ohm*m"),
    "spin_asymmetry": (None, "1"),
    "spin_diffusion_length": ("length", "m"),
    "temperature": ("temperature", "K"),
}


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("spintorque.materials").joinpath("database.toml").read_text("utf-8")
    return tomllib.loads(text)


def _entries() -> dict[str, Any]:
    return {name: table for name, table in _raw().items() if name not in NOT_MATERIALS}


def _si(value: Any, key: str, field: str) -> float:
    kind = NUMBERS[key][0]
    return to_float(value, field) if kind is None else to_si(value, kind, field)


def _check_sources(name: str, table: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every number's source as ``{status, source, uncertainty}`` (uncertainty in SI or None)."""
    field = f"database.{name}"
    sources = table.get("sources", {})
    if not isinstance(sources, Mapping):
        raise InputError(f"{field}.sources", "must be a table of [NAME.sources.KEY] tables")
    out: dict[str, dict[str, Any]] = {}
    for key in (k for k in NUMBERS if k in table):
        entry = sources.get(key)
        where = f"{field}.sources.{key}"
        if not isinstance(entry, Mapping):
            raise InputError(where, f"missing: every number needs a source table ({key})")
        status, source = entry.get("status"), entry.get("source")
        if status not in PARAMETER_STATUS:
            raise InputError(f"{where}.status", f"must be one of {PARAMETER_STATUS}, got {status!r}")
        if not isinstance(source, str) or len(source.strip()) < 20:
            raise InputError(f"{where}.source", "must be a citation (at least 20 characters)")
        uncertainty = None
        if "uncertainty" in entry:
            uncertainty = _si(entry["uncertainty"], key, f"{where}.uncertainty")
            if not (math.isfinite(uncertainty) and uncertainty > 0.0):
                raise InputError(f"{where}.uncertainty", f"must be > 0, got {entry['uncertainty']!r}")
        out[key] = {"status": status, "source": source, "uncertainty": uncertainty}
    extra = sorted(set(sources) - set(out))
    if extra:
        raise InputError(f"{field}.sources.{extra[0]}", "a source for a number the entry does not give")
    status = table.get("status")
    if status not in ENTRY_STATUS:
        raise InputError(f"{field}.status", f"must be one of {ENTRY_STATUS}, got {status!r}")
    unchecked = [k for k, v in out.items() if v["status"] != "checked"]
    if status == "sourced" and unchecked:
        raise InputError(f"{field}.status", f"'sourced' but {unchecked[0]} is not checked")
    return out


@cache
def load_database() -> MappingProxyType[str, Material]:
    """All shipped materials by name (read-only mapping, parsed and checked once)."""
    out = {}
    for name, table in _entries().items():
        _check_sources(name, table)
        out[name] = material_from_table(name, table, f"database.{name}")
    return MappingProxyType(out)


def metadata(name: str) -> dict[str, Any]:
    """The database entry's descriptive fields (description, temperature, status, source...)."""
    table = _entries()[name]
    keys = ("description", "temperature", "status", "source", "sources", "notes")
    return {k: table[k] for k in keys if k in table}


def describe(name: str) -> dict[str, Any]:
    """Everything the database says about one entry, numbers in SI with their units.

    Returns ``type``, ``description``, ``status``, ``source`` and ``parameters``: for each number
    the entry gives, ``{value, unit, uncertainty, status, source}`` (``uncertainty`` in the same
    unit, null where the source gives none); ferromagnets also get the other of
    ``resistivity``/``rho_star``, derived with rho* = rho_F/(1 − beta²), ``status = "derived"``.

    Examples
    --------
    >>> py = describe("Py")["parameters"]["spin_diffusion_length"]
    >>> py["value"], py["unit"], py["uncertainty"], py["status"]
    (5.5e-09, 'm', 1e-09, 'checked')
    """
    table = _entries()[name]
    material = load_database()[name]
    sources = _check_sources(name, table)
    parameters: dict[str, Any] = {}
    for key, src in sources.items():
        parameters[key] = {
            "value": _si(table[key], key, f"database.{name}.{key}"),
            "unit": NUMBERS[key][1],
            **src,
        }
    if material.is_ferromagnet:
        given, other = ("resistivity", "rho_star") if "resistivity" in table else ("rho_star", "resistivity")
        value = material.spin_resistivity if other == "rho_star" else material.resistivity
        parameters[other] = {
            "value": value,
            "unit": "ohm*m",
            "uncertainty": None,
            "status": "derived",
            "source": f"derived from {given} and spin_asymmetry: rho_F = rho* (1 - beta^2)",
        }
    return {
        "type": "ferromagnet" if material.is_ferromagnet else "normal",
        "description": table.get("description", ""),
        "status": table["status"],
        "source": table.get("source", ""),
        "parameters": parameters,
    }


def lookup(name: str, field: str = "material") -> Material:
    """A database material by name; an unknown name is an :class:`InputError` listing the choices."""
    database = load_database()
    if name not in database:
        choices = ", ".join(sorted(database))
        raise InputError(field, f"unknown material {shown(name)}; known: {choices}"
                         f"{suggestion(name, database)}")
    return database[name]


def interface_tables() -> dict[str, dict[str, Any]]:
    """The shipped ``[interfaces."A/B"]`` tables by key ``"A/B"`` (raw, units as strings)."""
    return dict(_raw().get(INTERFACES, {}))


def interface_entry(a: str, b: str) -> tuple[str, dict[str, Any]] | None:
    """The database interface between materials ``a`` and ``b`` (either order), or None.

    Returns the key as written in the database (``"Co/Cu"``) and its raw table.
    """
    tables = interface_tables()
    for key in (f"{a}/{b}", f"{b}/{a}"):
        if key in tables:
            return key, tables[key]
    return None
