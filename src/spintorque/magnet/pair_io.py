"""Reading a two-free-layer file: ``stack``, ``[first]``, ``[second]``, ``[conditions]``.

Each of ``[first]`` and ``[second]`` names its layer and holds what a single-macrospin file holds
(``[first.magnet]``, ``[[first.energy]]``, ``[[first.torque]]``), parsed by the same functions as
:func:`~spintorque.magnet.load_macrospin`; errors name the field with the role in front
(``second.magnet.thickness``) and the file. Format: ``docs/dynamics.md``, "Two free layers".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spintorque.errors import InputError, shown
from spintorque.magnet.energy import Energy
from spintorque.magnet.io import (
    _conditions,
    _energy_term,
    _magnet,
    _terms,
    _torque_term,
    check_anisotropy_fields,
)
from spintorque.magnet.model import Conditions
from spintorque.magnet.pair import ROLES, CoupledMacrospins, FreeLayer
from spintorque.magnet.torque import Torques
from spintorque.tomlfile import Schema, check_keys, read_toml

COUPLED_SCHEMA: Schema = {
    "top level": frozenset({"stack", *ROLES, "conditions"}),
    "role": frozenset({"layer", "magnet", "energy", "torque"}),
}
"""Allowed keys of a two-free-layer file; ``[first.magnet]`` etc. as in a macrospin file."""


@dataclass(frozen=True)
class CoupledInput:
    """The contents of a two-free-layer file: the description and its run conditions."""

    system: CoupledMacrospins
    conditions: Conditions


def _free_layer(data: Mapping[str, Any], role: str, base: Path) -> FreeLayer:
    table = data.get(role)
    if not isinstance(table, Mapping):
        raise InputError(role, f"missing [{role}] table (layer, [{role}.magnet], [[{role}.energy]])")
    check_keys(table, COUPLED_SCHEMA["role"], role)
    try:
        layer = table.get("layer")
        if not isinstance(layer, str):
            raise InputError("layer", f"must be the name of a ferromagnetic layer, got {shown(layer)}")
        if "magnet" not in table:
            raise InputError("magnet", "missing table")
        energy = Energy(_terms(table, "energy", _energy_term))
        torques = Torques(_terms(table, "torque", lambda t, f: _torque_term(t, f, base)))
        magnet = _magnet(table)
        check_anisotropy_fields(energy, magnet)
        return FreeLayer(layer, magnet, energy, torques)
    except InputError as error:
        if error.source:  # from another file (a stack): already names its own field
            raise
        raise InputError(f"{role}.{error.field}", error.message) from None


def coupled_from_dict(data: Mapping[str, Any], base: Path | str = ".",
                      source: str | None = None) -> CoupledInput:
    """Build a :class:`CoupledInput` from parsed TOML; the stack path is relative to ``base``."""
    try:
        check_keys(data, COUPLED_SCHEMA["top level"])
        stack = data.get("stack")
        if not isinstance(stack, str) or not stack:
            raise InputError("stack", f"must be the path of a stack file, got {shown(stack)}")
        first, second = (_free_layer(data, role, Path(base)) for role in ROLES)
        system = CoupledMacrospins(Path(base) / stack, first, second)
        return CoupledInput(system, _conditions(data))
    except InputError as error:
        raise (error.in_file(source) if source and not error.source else error) from None


def load_coupled(path: str | Path) -> CoupledInput:
    """Read a two-free-layer TOML file (shape in ``docs/dynamics.md``, "Two free layers").

    Examples
    --------
    >>> run = load_coupled("examples/macrospin/coupled_valve.toml")  # doctest: +SKIP
    >>> run.system.names  # doctest: +SKIP
    ('F1', 'F2')
    """
    path = Path(path)
    return coupled_from_dict(read_toml(path), path.parent, str(path))
