"""Reading a macrospin TOML file: ``[magnet]``, ``[[energy]]``, ``[[torque]]``, ``[conditions]``.

Units are strings parsed once here (:func:`spintorque.units.to_si`); every problem is an
:class:`~spintorque.errors.InputError` naming the file and the field. Format: ``docs/dynamics.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spintorque.errors import InputError
from spintorque.magnet.energy import Demag, Energy, EnergyTerm, Uniaxial, Zeeman
from spintorque.magnet.macrospin import Macrospin
from spintorque.magnet.model import Conditions, MacrospinModel
from spintorque.magnet.torque import DiffusiveTorque, FieldLike, Slonczewski, Torques, TorqueTerm
from spintorque.stack import Vector, spherical, unit_vector
from spintorque.tomlfile import read_toml
from spintorque.units import to_float, to_si

_TOP_KEYS = {"magnet", "energy", "torque", "conditions"}
_MAGNET_KEYS = {"saturation_magnetization", "thickness", "diameter", "area", "damping", "initial"}


@dataclass(frozen=True)
class MacrospinInput:
    """The contents of a macrospin file: the model and its run conditions."""

    model: MacrospinModel
    conditions: Conditions


def direction(value: Any, field: str) -> Vector:
    """A unit vector from ``[x, y, z]`` or ``{theta = "30 deg", phi = "0 deg"}``."""
    if isinstance(value, Mapping):
        if set(value) - {"theta", "phi"} or "theta" not in value:
            raise InputError(field, "give {theta = '30 deg', phi = '0 deg'} (phi optional)")
        return spherical(to_si(value["theta"], "angle", f"{field}.theta"),
                         to_si(value.get("phi", "0 deg"), "angle", f"{field}.phi"))
    if isinstance(value, list | tuple) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return unit_vector(value, field)
    raise InputError(field, f"must be [x, y, z] or {{theta, phi}}, got {value!r}")


def _table(data: Mapping[str, Any], key: str, allowed: set[str], field: str) -> Mapping[str, Any]:
    table = data.get(key, {})
    if not isinstance(table, Mapping):
        raise InputError(field, "must be a table")
    extra = sorted(set(table) - allowed)
    if extra:
        raise InputError(f"{field}.{extra[0]}", f"unknown key; allowed: {', '.join(sorted(allowed))}")
    return table


def _require(table: Mapping[str, Any], key: str, field: str) -> Any:
    if key not in table:
        raise InputError(f"{field}.{key}", "missing")
    return table[key]


def _magnet(data: Mapping[str, Any]) -> Macrospin:
    t = _table(data, "magnet", _MAGNET_KEYS, "magnet")
    Ms = to_si(_require(t, "saturation_magnetization", "magnet"), "magnetization",
               "magnet.saturation_magnetization")
    d = to_si(_require(t, "thickness", "magnet"), "length", "magnet.thickness")
    alpha = to_float(_require(t, "damping", "magnet"), "magnet.damping")
    initial = direction(t.get("initial", [0, 0, 1]), "magnet.initial")
    if ("diameter" in t) == ("area" in t):
        raise InputError("magnet.diameter", "give exactly one of diameter or area")
    if "diameter" in t:
        return Macrospin.disk(Ms, d, to_si(t["diameter"], "length", "magnet.diameter"), alpha, initial)
    return Macrospin(Ms, d, to_si(t["area"], "area", "magnet.area"), alpha, initial)


def _vector_si(value: Any, kind: str, field: str) -> Vector:
    if not isinstance(value, list) or len(value) != 3:
        raise InputError(field, f"must be a list of 3 quantities with units, got {value!r}")
    x, y, z = (to_si(v, kind, f"{field}[{i}]") for i, v in enumerate(value))
    return (x, y, z)


def _numbers(value: Any, field: str) -> Vector:
    if not isinstance(value, list) or len(value) != 3:
        raise InputError(field, f"must be a list of 3 numbers, got {value!r}")
    x, y, z = (to_float(v, f"{field}[{i}]") for i, v in enumerate(value))
    return (x, y, z)


def _energy_term(t: Mapping[str, Any], f: str) -> EnergyTerm:
    kind = t.get("type")
    name = {} if "name" not in t else {"name": str(t["name"])}
    if kind == "uniaxial":
        _check_keys(t, {"K", "axis"}, f)
        return Uniaxial(to_si(_require(t, "K", f), "energy_density", f"{f}.K"),
                        direction(t.get("axis", [0, 0, 1]), f"{f}.axis"), **name)
    if kind == "demag":
        _check_keys(t, {"factors"}, f)
        return Demag(_numbers(_require(t, "factors", f), f"{f}.factors"), **name)
    if kind == "zeeman":
        _check_keys(t, {"field"}, f)
        return Zeeman(_vector_si(_require(t, "field", f), "field", f"{f}.field"), **name)
    raise InputError(f"{f}.type", f"must be 'uniaxial', 'demag' or 'zeeman', got {kind!r}")


def _torque_term(t: Mapping[str, Any], f: str, base: Path) -> TorqueTerm:
    kind = t.get("type")
    name = {} if "name" not in t else {"name": str(t["name"])}
    if kind == "slonczewski":
        _check_keys(t, {"polarization", "Lambda", "epsilon_prime", "polarizer"}, f)
        return Slonczewski(to_float(_require(t, "polarization", f), f"{f}.polarization"),
                           to_float(t.get("Lambda", 1.0), f"{f}.Lambda"),
                           to_float(t.get("epsilon_prime", 0.0), f"{f}.epsilon_prime"),
                           direction(_require(t, "polarizer", f), f"{f}.polarizer"), **name)
    if kind == "fieldlike":
        _check_keys(t, {"efficiency", "polarizer"}, f)
        return FieldLike(to_float(_require(t, "efficiency", f), f"{f}.efficiency"),
                         direction(_require(t, "polarizer", f), f"{f}.polarizer"), **name)
    if kind == "diffusive":
        _check_keys(t, {"stack", "free_layer"}, f)
        path = _require(t, "stack", f)
        if not isinstance(path, str):
            raise InputError(f"{f}.stack", f"must be a path to a stack file, got {path!r}")
        return DiffusiveTorque(base / path, str(_require(t, "free_layer", f)), **name)
    raise InputError(f"{f}.type", f"must be 'slonczewski', 'fieldlike' or 'diffusive', got {kind!r}")


def _check_keys(t: Mapping[str, Any], allowed: set[str], field: str) -> None:
    extra = sorted(set(t) - allowed - {"type", "name"})
    if extra:
        raise InputError(f"{field}.{extra[0]}", f"unknown key; allowed: {', '.join(sorted(allowed))}")


def _terms(data: Mapping[str, Any], key: str, build: Callable[[Mapping[str, Any], str], Any]) -> list[Any]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(x, Mapping) for x in entries):
        raise InputError(key, f"must be a list of [[{key}]] tables")
    return [build(entry, f"{key}[{i}]") for i, entry in enumerate(entries)]


def _conditions(data: Mapping[str, Any]) -> Conditions:
    t = _table(data, "conditions", {"temperature", "current_density"}, "conditions")
    T = to_si(t.get("temperature", "0 K"), "temperature", "conditions.temperature")
    J = to_si(t.get("current_density", "0 A/m^2"), "current_density", "conditions.current_density")
    return Conditions(J, T)


def macrospin_from_dict(data: Mapping[str, Any], base: Path | str = ".",
                        source: str | None = None) -> MacrospinInput:
    """Build a :class:`MacrospinInput` from parsed TOML; stack paths are relative to ``base``."""
    try:
        extra = sorted(set(data) - _TOP_KEYS)
        if extra:
            raise InputError(extra[0], f"unknown section; allowed: {', '.join(sorted(_TOP_KEYS))}")
        if "magnet" not in data:
            raise InputError("magnet", "missing [magnet] table")
        energy = Energy(_terms(data, "energy", _energy_term))
        torques = Torques(_terms(data, "torque", lambda t, f: _torque_term(t, f, Path(base))))
        model = MacrospinModel(_magnet(data), energy, torques)
        return MacrospinInput(model, _conditions(data))
    except InputError as error:
        raise (error.in_file(source) if source and not error.source else error) from None


def load_macrospin(path: str | Path) -> MacrospinInput:
    """Read a macrospin TOML file (shape in ``docs/dynamics.md``).

    Examples
    --------
    >>> run = load_macrospin("examples/macrospin/perpendicular.toml")  # doctest: +SKIP
    >>> run.model.energy.names  # doctest: +SKIP
    ('uniaxial', 'demag', 'zeeman')
    """
    path = Path(path)
    data = read_toml(path)
    return macrospin_from_dict(data, path.parent, str(path))
