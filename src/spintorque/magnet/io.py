"""Reading a macrospin TOML file: ``[magnet]``, ``[[energy]]``, ``[[torque]]``, ``[conditions]``.

Units are strings parsed once here (:func:`spintorque.units.to_si`) and checked against their
physical range (:data:`spintorque.limits.RANGES`); every table is checked for unknown keys
(:data:`MACROSPIN_SCHEMA`). Every problem is an :class:`~spintorque.errors.InputError` naming the
file and the field. Format: ``docs/dynamics.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spintorque.constants import mu0
from spintorque.errors import InputError, shown
from spintorque.limits import RANGES, parse
from spintorque.magnet.energy import Demag, Energy, EnergyTerm, Uniaxial, Zeeman
from spintorque.magnet.macrospin import Macrospin
from spintorque.magnet.model import Conditions, MacrospinModel
from spintorque.magnet.torque import DiffusiveTorque, FieldLike, Slonczewski, Torques, TorqueTerm
from spintorque.stack import Vector, spherical, unit_vector
from spintorque.tomlfile import Schema, array_of_tables, check_keys, read_toml, suggestion, table
from spintorque.units import to_float

MACROSPIN_SCHEMA: Schema = {
    "top level": frozenset({"magnet", "energy", "torque", "conditions"}),
    "magnet": frozenset({"saturation_magnetization", "thickness", "diameter", "area", "damping",
                           "initial"}),
    "conditions": frozenset({"temperature", "current_density"}),
    "uniaxial": frozenset({"type", "name", "K", "axis"}),
    "demag": frozenset({"type", "name", "factors"}),
    "zeeman": frozenset({"type", "name", "field"}),
    "slonczewski": frozenset({"type", "name", "polarization", "Lambda", "epsilon_prime",
                              "polarizer"}),
    "fieldlike": frozenset({"type", "name", "efficiency", "polarizer"}),
    "diffusive": frozenset({"type", "name", "stack", "free_layer"}),
    "angles": frozenset({"theta", "phi"}),
}
"""Allowed keys of each table of a macrospin file; ``[[energy]]`` and ``[[torque]]`` entries by
their ``type``. Every value is checked against its range in :data:`spintorque.limits.RANGES`."""
_ENERGY_TYPES = ("uniaxial", "demag", "zeeman")
_TORQUE_TYPES = ("slonczewski", "fieldlike", "diffusive")


@dataclass(frozen=True)
class MacrospinInput:
    """The contents of a macrospin file: the model and its run conditions."""

    model: MacrospinModel
    conditions: Conditions


def direction(value: Any, field: str) -> Vector:
    """A unit vector from ``[x, y, z]`` or ``{theta = "30 deg", phi = "0 deg"}``."""
    if isinstance(value, Mapping):
        check_keys(value, MACROSPIN_SCHEMA["angles"], field)
        if "theta" not in value:
            raise InputError(f"{field}.theta", "missing: give {theta = '30 deg', phi = '0 deg'} "
                             "(phi optional)")
        return spherical(parse(value["theta"], "angle", f"{field}.theta"),
                         parse(value.get("phi", "0 deg"), "angle", f"{field}.phi"))
    if isinstance(value, list | tuple) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return unit_vector(value, field)
    raise InputError(field, f"must be [x, y, z] or {{theta, phi}}, got {shown(value)}")


def _require(table: Mapping[str, Any], key: str, field: str) -> Any:
    if key not in table:
        raise InputError(f"{field}.{key}", "missing")
    return table[key]


def _magnet(data: Mapping[str, Any]) -> Macrospin:
    t = table(data, "magnet", "magnet")
    check_keys(t, MACROSPIN_SCHEMA["magnet"], "magnet")
    Ms = parse(_require(t, "saturation_magnetization", "magnet"), "saturation_magnetization",
               "magnet.saturation_magnetization")
    d = parse(_require(t, "thickness", "magnet"), "thickness", "magnet.thickness")
    alpha = parse(_require(t, "damping", "magnet"), "damping", "magnet.damping")
    initial = direction(t.get("initial", [0, 0, 1]), "magnet.initial")
    if ("diameter" in t) == ("area" in t):
        raise InputError("magnet.diameter", "give exactly one of diameter or area")
    if "diameter" in t:
        return Macrospin.disk(Ms, d, parse(t["diameter"], "diameter", "magnet.diameter"), alpha,
                              initial)
    return Macrospin(Ms, d, parse(t["area"], "area", "magnet.area"), alpha, initial)


def _vector_si(value: Any, quantity: str, field: str) -> Vector:
    if not isinstance(value, list) or len(value) != 3:
        raise InputError(field, f"must be a list of 3 quantities with units, got {shown(value)}")
    x, y, z = (parse(v, quantity, f"{field}[{i}]") for i, v in enumerate(value))
    return (x, y, z)


def _factors(value: Any, field: str) -> Vector:
    if not isinstance(value, list) or len(value) != 3:
        raise InputError(field, f"must be a list of 3 numbers, got {shown(value)}")
    x, y, z = (to_float(v, f"{field}[{i}]") for i, v in enumerate(value))
    return (x, y, z)


def _kind(t: Mapping[str, Any], f: str, kinds: tuple[str, ...]) -> str:
    kind = t.get("type")
    if kind not in kinds:
        choices = ", ".join(repr(k) for k in kinds)
        raise InputError(f"{f}.type", f"must be one of {choices}, got {shown(kind)}"
                         f"{suggestion(kind, kinds)}")
    check_keys(t, MACROSPIN_SCHEMA[kind], f, f"for a {kind} term")
    return str(kind)


def _name(t: Mapping[str, Any], f: str) -> dict[str, str]:
    if "name" not in t:
        return {}
    if not isinstance(t["name"], str) or not t["name"]:
        raise InputError(f"{f}.name", f"must be a non-empty string, got {shown(t['name'])}")
    return {"name": t["name"]}


def _energy_term(t: Mapping[str, Any], f: str) -> EnergyTerm:
    kind, name = _kind(t, f, _ENERGY_TYPES), _name(t, f)
    if kind == "uniaxial":
        return Uniaxial(parse(_require(t, "K", f), "anisotropy", f"{f}.K"),
                        direction(t.get("axis", [0, 0, 1]), f"{f}.axis"), **name)
    if kind == "demag":
        return Demag(_factors(_require(t, "factors", f), f"{f}.factors"), **name)
    return Zeeman(_vector_si(_require(t, "field", f), "field", f"{f}.field"), **name)


def _torque_term(t: Mapping[str, Any], f: str, base: Path) -> TorqueTerm:
    kind, name = _kind(t, f, _TORQUE_TYPES), _name(t, f)
    if kind == "slonczewski":
        return Slonczewski(parse(_require(t, "polarization", f), "polarization", f"{f}.polarization"),
                           parse(t.get("Lambda", 1.0), "Lambda", f"{f}.Lambda"),
                           parse(t.get("epsilon_prime", 0.0), "epsilon_prime",
                                 f"{f}.epsilon_prime"),
                           direction(_require(t, "polarizer", f), f"{f}.polarizer"), **name)
    if kind == "fieldlike":
        return FieldLike(parse(_require(t, "efficiency", f), "fieldlike_efficiency",
                               f"{f}.efficiency"),
                         direction(_require(t, "polarizer", f), f"{f}.polarizer"), **name)
    path = _require(t, "stack", f)
    if not isinstance(path, str) or not path:
        raise InputError(f"{f}.stack", f"must be a path to a stack file, got {shown(path)}")
    layer = _require(t, "free_layer", f)
    if not isinstance(layer, str):
        raise InputError(f"{f}.free_layer", f"must be a layer name, got {shown(layer)}")
    return DiffusiveTorque(base / path, layer, **name)


def check_anisotropy_fields(energy: Energy, magnet: Macrospin) -> None:
    """Refuse a uniaxial term whose anisotropy field 2|K|/(mu0 Ms) exceeds its range: with the
    smallest Ms and the largest K it would reach 1.6e11 A/m and turn m in 1e-17 s."""
    allowed = RANGES["anisotropy_field"]
    Ms = magnet.saturation_magnetization
    for i, term in enumerate(energy):
        if isinstance(term, Uniaxial):
            field = 2.0 * abs(term.K) / (mu0 * Ms)
            if not allowed.contains(field):
                raise InputError(f"energy[{i}].K", f"the anisotropy field 2|K|/(mu0 Ms) = "
                                 f"{field:.3g} A/m (K = {term.K:g} J/m³, Ms = {Ms:g} A/m) exceeds "
                                 f"{allowed.high:g} A/m (1257 T): lower |K| or raise Ms")


def _terms(data: Mapping[str, Any], key: str,
           build: Callable[[Mapping[str, Any], str], Any]) -> list[Any]:
    return [build(entry, f"{key}[{i}]") for i, entry in enumerate(array_of_tables(data, key))]


def _conditions(data: Mapping[str, Any]) -> Conditions:
    t = table(data, "conditions", "conditions")
    check_keys(t, MACROSPIN_SCHEMA["conditions"], "conditions")
    T = parse(t.get("temperature", "0 K"), "temperature", "conditions.temperature")
    J = parse(t.get("current_density", "0 A/m^2"), "current_density", "conditions.current_density")
    return Conditions(J, T)


def macrospin_from_dict(data: Mapping[str, Any], base: Path | str = ".",
                        source: str | None = None) -> MacrospinInput:
    """Build a :class:`MacrospinInput` from parsed TOML; stack paths are relative to ``base``."""
    try:
        check_keys(data, MACROSPIN_SCHEMA["top level"])
        if "magnet" not in data:
            raise InputError("magnet", "missing [magnet] table")
        energy = Energy(_terms(data, "energy", _energy_term))
        torques = Torques(_terms(data, "torque", lambda t, f: _torque_term(t, f, Path(base))))
        magnet = _magnet(data)
        check_anisotropy_fields(energy, magnet)
        model = MacrospinModel(magnet, energy, torques)
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
