"""Stack description: layers, leads, current, and loading from a TOML stack file.

Geometry is 1D along x. Layer 0 starts at x = 0 and layers follow in file order. A positive
``current_density`` means electrons flow from the first layer towards the last (+x); it is the
charge-equivalent particle flux |e|·j0 of the seed paper [A/m²].

Touching ferromagnets are allowed: a collinear pair (parallel or antiparallel) shares one scalar
spin-accumulation node; a non-collinear pair pins mu_s = 0 at their contact, the limit of a
vanishing normal spacer (TRANSPORT.md §7). A ferromagnetic lead touching a ferromagnetic layer
follows the same rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from spintorque.errors import InputError, shown
from spintorque.interfaces import (
    LEFT_LEAD,
    RIGHT_LEAD,
    Interface,
    interfaces_from_data,
    place_interfaces,
)
from spintorque.limits import parse
from spintorque.materials import Ferromagnet, Material, NormalMetal, lookup, material_from_table
from spintorque.tomlfile import Schema, array_of_tables, check_keys, read_toml, table

Vector = tuple[float, float, float]

COLLINEAR_TOLERANCE = 1e-12
"""|m_a × m_b| below which two touching ferromagnets count as collinear."""

MAX_CURRENT_DENSITY = 1e20
"""Largest |J| accepted [A/m²]: 1e7 times the densities at which thin films melt (~1e13 A/m²),
and far below where J² overflows in the functional S [W/m²]."""


def unit_vector(value: Sequence[float] | np.ndarray, field: str) -> Vector:
    """Normalise a 3-vector; zero, non-finite or wrong-length input is an :class:`InputError`.

    The vector is scaled by its largest component first, so that components near the ends of
    the double range (1e300, 1e-310) normalise without overflow or underflow.
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond the float range
        raise InputError(field, f"must be 3 numbers, got {shown(value)}") from None
    if array.shape != (3,) or not np.all(np.isfinite(array)):
        raise InputError(field, f"must be 3 finite numbers, got {shown(value)}")
    largest = float(np.max(np.abs(array)))
    if largest == 0.0:
        raise InputError(field, "magnetization vector must be non-zero")
    scaled = array / largest
    unit = scaled / float(np.linalg.norm(scaled))
    return (float(unit[0]), float(unit[1]), float(unit[2]))


def spherical(theta: float, phi: float) -> Vector:
    """Unit vector with polar angle theta from +z and azimuth phi from +x [rad]."""
    return (math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi), math.cos(theta))


@dataclass(frozen=True)
class Layer:
    """One layer of a stack.

    Parameters
    ----------
    name : str
        Unique label (used by the CLI and in results).
    material : Ferromagnet or NormalMetal
    thickness : float
        Thickness [m], > 0.
    magnetization : tuple of 3 floats, optional
        Unit vector along the magnetization; required for ferromagnets, forbidden for normal metals.
        Any non-zero vector is normalised.
    """

    name: str
    material: Material
    thickness: float
    magnetization: Vector | None = None

    def __post_init__(self) -> None:
        where = f"layers[{self.name}]"
        if not (math.isfinite(self.thickness) and self.thickness > 0.0):
            raise InputError(f"{where}.thickness",
                             f"must be a positive length, got {self.thickness!r} m")
        if self.material.is_ferromagnet:
            if self.magnetization is None:
                raise InputError(f"{where}.magnetization", "required for a ferromagnetic layer")
            object.__setattr__(self, "magnetization",
                               unit_vector(self.magnetization, f"{where}.magnetization"))
        elif self.magnetization is not None:
            raise InputError(f"{where}.magnetization",
                             f"not allowed: {self.material.name} is a normal metal")

    @property
    def is_ferromagnet(self) -> bool:
        return self.material.is_ferromagnet


@dataclass(frozen=True)
class Lead:
    """An outer electrode: an ideal spin sink (``material=None``) or a semi-infinite lead.

    Parameters
    ----------
    material : Ferromagnet, NormalMetal or None
        ``None`` means an ideal spin sink, mu_s = 0 at the boundary (seed, Appendix I).
    magnetization : tuple of 3 floats, optional
        Direction of a ferromagnetic lead (default +z).
    """

    material: Material | None = None
    magnetization: Vector | None = None

    def __post_init__(self) -> None:
        if self.material is not None and self.material.is_ferromagnet:
            m = (0.0, 0.0, 1.0) if self.magnetization is None else self.magnetization
            object.__setattr__(self, "magnetization", unit_vector(m, "leads.magnetization"))
        elif self.magnetization is not None:
            raise InputError("leads.magnetization", "only a ferromagnetic lead has a magnetization")

    @property
    def is_sink(self) -> bool:
        return self.material is None

    @property
    def label(self) -> str:
        return "sink" if self.material is None else self.material.name


@dataclass(frozen=True)
class Stack:
    """A 1D multilayer between two leads, carrying a uniform current.

    Parameters
    ----------
    layers : tuple of Layer
        In order along +x; names must be unique; at least one layer.
    left, right : Lead
        Outer electrodes (default: ideal spin sinks).
    current_density : float
        Charge-equivalent electron particle flux [A/m²]; > 0 when electrons flow towards +x
        (from the first layer to the last); |J| <= :data:`MAX_CURRENT_DENSITY` = 1e20 A/m².
    interface_elements : tuple of Interface
        Finite interfaces (:mod:`spintorque.interfaces`), at most one per pair of adjacent
        members; stored in stack order, sorted by node. Every other interface is transparent.
    """

    layers: tuple[Layer, ...]
    left: Lead = field(default_factory=Lead)
    right: Lead = field(default_factory=Lead)
    current_density: float = 1e11
    interface_elements: tuple[Interface, ...] = ()
    _positions: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)
    _interface_nodes: tuple[int, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", tuple(self.layers))
        if not self.layers:
            raise InputError("layers", "the stack is empty: give at least one [[layers]] entry")
        # one pass with a dict: a scan of the earlier names per layer made this O(L²)
        # (167 s for 1e5 layers)
        positions: dict[str, int] = {}
        for i, layer in enumerate(self.layers):
            if positions.setdefault(layer.name, i) != i:
                raise InputError(f"layers[{i}].name", f"duplicate layer name {layer.name!r}")
        object.__setattr__(self, "_positions", positions)
        J = self.current_density
        if not (math.isfinite(J) and abs(J) <= MAX_CURRENT_DENSITY):
            raise InputError("current.density",
                             f"must be a current density within ±{MAX_CURRENT_DENSITY:.0e} A/m² "
                             f"(metals melt far below), got {J!r} A/m²")
        placed = place_interfaces(
            tuple(self.interface_elements), [LEFT_LEAD, *positions, RIGHT_LEAD],
            [self.left.magnetization is not None, *(ly.is_ferromagnet for ly in self.layers),
             self.right.magnetization is not None])
        object.__setattr__(self, "interface_elements", tuple(i for _, i in placed))
        object.__setattr__(self, "_interface_nodes", tuple(node for node, _ in placed))

    # --- queries -------------------------------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._positions)

    @property
    def ferromagnets(self) -> tuple[Layer, ...]:
        """The ferromagnetic layers, in stack order."""
        return tuple(layer for layer in self.layers if layer.is_ferromagnet)

    def index(self, name: str) -> int:
        """Position of the layer called ``name``; an unknown name is an :class:`InputError`."""
        try:
            return self._positions[name]
        except (KeyError, TypeError):
            shown = ", ".join(self.names[:20]) + (", ..." if len(self.layers) > 20 else "")
            raise InputError("layer", f"no layer named {name!r}; layers: {shown}") from None

    def layer(self, name: str) -> Layer:
        return self.layers[self.index(name)]

    @property
    def interfaces(self) -> np.ndarray:
        """x positions of the L+1 nodes: 0, the internal interfaces, and the total thickness [m]."""
        return np.concatenate([[0.0], np.cumsum([layer.thickness for layer in self.layers])])

    @property
    def interface_nodes(self) -> tuple[int, ...]:
        """Node (0 … L) of each of :attr:`interface_elements`: node i lies left of layer i."""
        return self._interface_nodes

    # --- derived stacks ------------------------------------------------------------------------
    def transparent(self) -> Stack:
        """A copy with every interface transparent (the seed paper's model)."""
        return replace(self, interface_elements=())

    def with_interfaces(self, interfaces: Sequence[Interface]) -> Stack:
        """A copy with ``interfaces`` added (a pair described twice is an error)."""
        return replace(self, interface_elements=(*self.interface_elements, *interfaces))

    def with_magnetization(self, name: str, magnetization: Sequence[float]) -> Stack:
        """A copy with layer ``name`` magnetized along ``magnetization`` (normalised)."""
        i = self.index(name)
        if not self.layers[i].is_ferromagnet:
            raise InputError("layer", f"{name!r} is not a ferromagnet")
        layers = list(self.layers)
        layers[i] = replace(layers[i], magnetization=unit_vector(magnetization, name))
        return replace(self, layers=tuple(layers))

    def with_current_density(self, current_density: float) -> Stack:
        """A copy carrying ``current_density`` [A/m²]."""
        return replace(self, current_density=float(current_density))

    def with_thickness(self, name: str, thickness: float) -> Stack:
        """A copy with layer ``name`` of the given thickness [m]."""
        i = self.index(name)
        layers = list(self.layers)
        layers[i] = replace(layers[i], thickness=float(thickness))
        return replace(self, layers=tuple(layers))

    def describe(self) -> dict[str, Any]:
        """A JSON-ready description in SI units (used for provenance in results)."""
        def material(m: Material | None) -> dict[str, Any] | str:
            if m is None:
                return "sink"
            out: dict[str, Any] = {"name": m.name, "type": "ferromagnet" if m.is_ferromagnet
                                   else "normal", "spin_resistivity_ohm_m": m.spin_resistivity,
                                   "spin_diffusion_length_m": m.spin_diffusion_length,
                                   "source": m.source, "status": m.status}
            if isinstance(m, Ferromagnet):
                out["spin_asymmetry"] = m.spin_asymmetry
            return out
        out: dict[str, Any] = {
            "current_density_A_per_m2": self.current_density,
            "leads": {
                "left": material(self.left.material), "right": material(self.right.material),
                "left_magnetization": self.left.magnetization,
                "right_magnetization": self.right.magnetization,
            },
            "layers": [{"name": layer.name, "material": material(layer.material),
                        "thickness_m": layer.thickness, "magnetization": layer.magnetization}
                       for layer in self.layers],
        }
        if self.interface_elements:
            out["interfaces"] = [i.describe() for i in self.interface_elements]
        return out


# --- stack files ---------------------------------------------------------------------------------
STACK_SCHEMA: Schema = {
    "top level": frozenset({"current", "leads", "materials", "layers", "interfaces",
                            "database_interfaces"}),
    "current": frozenset({"density"}),
    "leads": frozenset({"left", "right"}),
    "lead": frozenset({"material", "magnetization"}),
    "layer": frozenset({"name", "material", "thickness", "magnetization"}),
    "angles": frozenset({"theta", "phi"}),
}
"""Allowed keys of each table of a stack file (``materials.NAME``: :func:`material_from_table`;
``[[interfaces]]``: read by the interface loader, accepted here as it is)."""


def _magnetization(value: Any, field: str) -> Vector:
    """A direction from ``[mx, my, mz]`` or ``{theta = "30 deg", phi = "0 deg"}``."""
    if isinstance(value, Mapping):
        check_keys(value, STACK_SCHEMA["angles"], field)
        if "theta" not in value:
            raise InputError(f"{field}.theta", "missing: give {theta = '30 deg', phi = '0 deg'} "
                             "(phi optional)")
        theta = parse(value["theta"], "angle", f"{field}.theta")
        phi = parse(value.get("phi", "0 deg"), "angle", f"{field}.phi")
        return spherical(theta, phi)
    if isinstance(value, list | tuple) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        return unit_vector(value, field)
    raise InputError(field, f"must be [mx, my, mz] or {{theta, phi}}, got {shown(value)}")


def _material(name: Any, inline: Mapping[str, Material], field: str) -> Material:
    if not isinstance(name, str):
        raise InputError(field, f"must be a material name, got {shown(name)}")
    if name in inline:
        return inline[name]
    return lookup(name, field)


def _lead(value: Any, inline: Mapping[str, Material], field: str) -> Lead:
    if value == "sink":
        return Lead()
    if isinstance(value, str):
        return Lead(_material(value, inline, field))
    if isinstance(value, Mapping):
        check_keys(value, STACK_SCHEMA["lead"], field)
        if "material" not in value:
            raise InputError(f"{field}.material", "missing: {material = 'Co', magnetization = "
                             "[0, 0, 1]}")
        material = _material(value["material"], inline, f"{field}.material")
        m = value.get("magnetization")
        if m is not None and not material.is_ferromagnet:
            raise InputError(f"{field}.magnetization",
                             f"not allowed: {material.name} is a normal metal")
        return Lead(material, None if m is None else _magnetization(m, f"{field}.magnetization"))
    raise InputError(field, f"must be 'sink', a material name or {{material = ...}}, "
                     f"got {shown(value)}")


def stack_from_dict(data: Mapping[str, Any], source: str | None = None) -> Stack:
    """Build a :class:`Stack` from the parsed contents of a stack file.

    Units are parsed here, once, and every value is checked against its physical range
    (:data:`spintorque.limits.RANGES`); every table is checked for unknown keys
    (:data:`STACK_SCHEMA`). See ``docs/stack-files.md`` for the format. ``source`` (a path) is
    attached to any :class:`InputError`.
    """
    try:
        return _stack_from_dict(data)
    except InputError as error:
        raise error.in_file(source) if source and not error.source else error from None


def _stack_from_dict(data: Mapping[str, Any]) -> Stack:
    check_keys(data, STACK_SCHEMA["top level"])
    materials = table(data, "materials", "materials")
    inline = {name: material_from_table(name, entry, f"materials.{name}")
              for name, entry in materials.items()}
    current = table(data, "current", "current")
    check_keys(current, STACK_SCHEMA["current"], "current")
    if "density" not in current:
        raise InputError("current.density", "missing: e.g. [current] density = '1e11 A/m^2'")
    density = parse(current["density"], "current_density", "current.density")
    leads = table(data, "leads", "leads")
    check_keys(leads, STACK_SCHEMA["leads"], "leads")
    left = _lead(leads.get("left", "sink"), inline, "leads.left")
    right = _lead(leads.get("right", "sink"), inline, "leads.right")
    raw_layers = array_of_tables(data, "layers")
    if not raw_layers:
        raise InputError("layers", "the stack is empty: give at least one [[layers]] entry")
    if "interfaces" in data and not isinstance(data["interfaces"], list):
        raise InputError("interfaces", "must be an array of [[interfaces]] tables")
    layers = []
    parsed: dict[str, float] = {}  # pint takes ~1 ms a string; big stacks repeat a few
    for i, entry in enumerate(raw_layers):
        field = f"layers[{i}]"
        check_keys(entry, STACK_SCHEMA["layer"], field)
        for key in ("material", "thickness"):
            if key not in entry:
                raise InputError(f"{field}.{key}", "missing")
        name = entry.get("name", f"L{i}")
        if not isinstance(name, str) or not name:
            raise InputError(f"{field}.name", f"must be a non-empty string, got {shown(name)}")
        material = _material(entry["material"], inline, f"{field}.material")
        raw = entry["thickness"]
        if isinstance(raw, str) and raw in parsed:
            thickness = parsed[raw]
        else:
            thickness = parse(raw, "thickness", f"{field}.thickness")
            if isinstance(raw, str):
                parsed[raw] = thickness
        m = entry.get("magnetization")
        if isinstance(material, NormalMetal) and m is not None:
            raise InputError(f"{field}.magnetization",
                             f"not allowed: {material.name} is a normal metal")
        if material.is_ferromagnet and m is None:
            raise InputError(f"{field}.magnetization",
                             "required for a ferromagnet: [mx, my, mz] or {theta, phi}")
        vector = None if m is None else _magnetization(m, f"{field}.magnetization")
        layers.append(Layer(name, material, thickness, vector))
    members = [LEFT_LEAD, *(layer.name for layer in layers), RIGHT_LEAD]
    kinds = [None if left.material is None else left.material.name,
             *(layer.material.name for layer in layers),
             None if right.material is None else right.material.name]
    interfaces = interfaces_from_data(data.get("interfaces", []),
                                      data.get("database_interfaces", False), members, kinds)
    return Stack(tuple(layers), left, right, density, tuple(interfaces))


def load_stack(path: str | Path) -> Stack:
    """Read a TOML stack file; any problem is an :class:`InputError` naming the file and field."""
    path = Path(path)
    data = read_toml(path)
    return stack_from_dict(data, str(path))
