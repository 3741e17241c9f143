r"""Finite interfaces between adjacent layers: description objects and stack-file parsing.

An :class:`Interface` sits between two adjacent members of a stack (layers, or a layer and a
lead) and replaces the transparent boundary conditions of TRANSPORT.md §3 by a two-node element
(TRANSPORT.md §4, §7; ``docs/physics.md``, "Finite interfaces"):

* **Valet–Fert spin-dependent resistance.** The two spin channels (majority along the adjacent
  ferromagnet's m) see ``AR↑/↓ = 2 AR* (1 ∓ γ)``; at an N/N interface (γ = 0) the resistance is
  spin-independent, ``AR = AR*``. Valet & Fert, Phys. Rev. B 48, 7099 (1993).
* **Spin-memory loss δ** (spin-flip probability 1 − e^{−δ} per crossing, Bass & Pratt): the
  interface is a fictitious layer of ``rho* t = AR*`` and ``t/l_sf = δ``, the standard Bass–Pratt
  model (J. Bass and W. P. Pratt Jr., J. Phys.: Condens. Matter 19, 183201 (2007)).
* **Mixing conductance** per area G↑↓ = Re + i Im [S/m²] at an F/N interface
  (Brataas, Nazarov & Bauer, Phys. Rev. Lett. 84, 2481 (2000); Brataas, Bauer & Kelly, Phys.
  Rep. 427, 157 (2006)): the transverse spin current into the ferromagnet is
  ``j⊥ = Re G↑↓ mu_N⊥ + Im G↑↓ mu_N × m``. ``None`` means G↑↓ → ∞ (transverse mu_s pinned to 0).

The transparent model is the limit AR* → 0, δ → 0, G↑↓ → ∞; an interface that is not described
is transparent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spintorque.errors import InputError
from spintorque.tomlfile import check_keys
from spintorque.units import to_float, to_si

LEFT_LEAD, RIGHT_LEAD = "left_lead", "right_lead"

MIN_RESISTANCE_AREA, MAX_RESISTANCE_AREA = 1e-22, 1e-9
"""Range of AR* [Ω·m²]: 1e-7 to 1e6 fΩ·m² (metallic interfaces are 0.1–10 fΩ·m²)."""

MAX_SPIN_MEMORY_LOSS = 1e3
"""Largest δ (as the largest d/l of a layer): e^{−δ} is then far below double precision."""

MIN_MIXING, MAX_MIXING = 1e9, 1e24
"""Range of Re G↑↓ [S/m²] (|Im G↑↓| <= MAX_MIXING); metals are near 1e15 S/m²."""


@dataclass(frozen=True)
class Interface:
    """A finite interface between two adjacent members of a stack (SI units).

    Parameters
    ----------
    between : (str, str)
        Names of the two neighbours, layer names or ``"left_lead"`` / ``"right_lead"``, in
        either order (stored in stack order by :class:`spintorque.Stack`).
    resistance_area : float
        AR* [Ω·m²], 1e-22 … 1e-9. At N/N it is the spin-independent AR.
    spin_asymmetry : float
        Interface spin asymmetry γ, −1 < γ < 1; majority along the adjacent ferromagnet's m.
        Must be 0 between two non-magnetic members.
    spin_memory_loss : float
        δ >= 0 (spin-flip probability 1 − e^{−δ}), at most 1e3.
    mixing_conductance : complex or None
        G↑↓ per area [S/m²], Re in [1e9, 1e24], |Im| <= 1e24; F/N interfaces only.
        ``None``: transparent to the transverse spin current (G↑↓ → ∞).
    source, status : str
        Citation of the values and ``"sourced"``, ``"illustrative"`` or ``"user"``.
    label : str
        How error messages name it (e.g. ``"interfaces[0]"`` from a stack file); default
        ``interfaces[A/B]``.

    Examples
    --------
    >>> i = Interface(("F1", "N"), 0.51e-15, 0.77, 0.33, complex(0.55e15, 0.02e15))
    >>> round(i.spin_resistances[0] * 1e15, 4), round(i.spin_resistances[1] * 1e15, 4)
    (0.2346, 1.8054)
    """

    between: tuple[str, str]
    resistance_area: float
    spin_asymmetry: float = 0.0
    spin_memory_loss: float = 0.0
    mixing_conductance: complex | None = None
    source: str = "user input"
    status: str = "user"
    label: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        where = self.field
        if (
            not isinstance(self.between, tuple | list)
            or len(self.between) != 2
            or not all(isinstance(n, str) for n in self.between)
            or self.between[0] == self.between[1]
        ):
            raise InputError(
                f"{where}.between", f"must be two different layer or lead names, got {self.between!r}"
            )
        object.__setattr__(self, "between", (self.between[0], self.between[1]))
        ar = self.resistance_area
        if not (math.isfinite(ar) and MIN_RESISTANCE_AREA <= ar <= MAX_RESISTANCE_AREA):
            raise InputError(
                f"{where}.resistance_area",
                f"must be between {MIN_RESISTANCE_AREA:g} and "
                f"{MAX_RESISTANCE_AREA:g} ohm*m^2 (omit the interface for a "
                f"transparent one), got {ar!r}",
            )
        gamma = self.spin_asymmetry
        if not (math.isfinite(gamma) and -1.0 < gamma < 1.0):
            raise InputError(f"{where}.spin_asymmetry", f"must satisfy -1 < gamma < 1, got {gamma!r}")
        delta = self.spin_memory_loss
        if not (math.isfinite(delta) and 0.0 <= delta <= MAX_SPIN_MEMORY_LOSS):
            raise InputError(
                f"{where}.spin_memory_loss", f"must be between 0 and {MAX_SPIN_MEMORY_LOSS:g}, got {delta!r}"
            )
        g = self.mixing_conductance
        if g is not None:
            g = complex(g)
            if not (
                math.isfinite(g.real)
                and math.isfinite(g.imag)
                and MIN_MIXING <= g.real <= MAX_MIXING
                and abs(g.imag) <= MAX_MIXING
            ):
                raise InputError(
                    f"{where}.mixing_conductance",
                    f"Re must be between {MIN_MIXING:g} and {MAX_MIXING:g} S/m^2 and "
                    f"|Im| at most {MAX_MIXING:g} S/m^2 (omit it for a transparent "
                    f"interface), got {g!r}",
                )
            object.__setattr__(self, "mixing_conductance", g)

    @property
    def field(self) -> str:
        """How the interface is named in error messages: its label, or ``interfaces[A/B]``."""
        if self.label:
            return self.label
        names = self.between if isinstance(self.between, tuple | list) else (self.between,)
        return f"interfaces[{'/'.join(str(n) for n in names)}]"

    @property
    def name(self) -> str:
        """``"A|B"``: the label of the interface element (neighbours in stack order)."""
        return f"{self.between[0]}|{self.between[1]}"

    @property
    def spin_resistances(self) -> tuple[float, float]:
        """AR↑, AR↓ = 2 AR*(1 ∓ γ) [Ω·m²] (majority, minority)."""
        ar, gamma = self.resistance_area, self.spin_asymmetry
        return 2.0 * ar * (1.0 - gamma), 2.0 * ar * (1.0 + gamma)

    @property
    def charge_resistance_area(self) -> float:
        """AR*(1 − γ²) [Ω·m²]: the two channels in parallel, without spin accumulation."""
        return self.resistance_area * (1.0 - self.spin_asymmetry**2)

    def flipped(self) -> Interface:
        """The same interface with ``between`` in the other order."""
        return Interface(
            (self.between[1], self.between[0]),
            self.resistance_area,
            self.spin_asymmetry,
            self.spin_memory_loss,
            self.mixing_conductance,
            self.source,
            self.status,
            self.label,
        )

    def describe(self) -> dict[str, Any]:
        """JSON-ready parameters in SI units (``mixing_conductance`` null when transparent)."""
        g = self.mixing_conductance
        return {
            "between": list(self.between),
            "resistance_area_ohm_m2": self.resistance_area,
            "spin_asymmetry": self.spin_asymmetry,
            "spin_memory_loss": self.spin_memory_loss,
            "mixing_conductance_S_per_m2": None if g is None else [g.real, g.imag],
            "source": self.source,
            "status": self.status,
        }


_KEYS = {
    "between",
    "resistance_area",
    "spin_asymmetry",
    "spin_memory_loss",
    "mixing_conductance",
    "source",
    "status",
    "description",
    "notes",
}


def interface_from_table(
    table: Mapping[str, Any], field: str, between: Sequence[str] | None = None
) -> Interface:
    """Build an :class:`Interface` from a stack-file ``[[interfaces]]`` (or database) table.

    Parameters
    ----------
    table : mapping
        ``between`` (unless given), ``resistance_area`` (a string with units, e.g.
        ``"0.51 fOhm*m^2"``), optional ``spin_asymmetry``, ``spin_memory_loss`` (numbers) and
        ``mixing_conductance = ["0.55e15 S/m^2", "0.02e15 S/m^2"]`` (Re, Im).
    field : str
        Dotted path for error messages, e.g. ``"interfaces[0]"``.
    between : sequence of two str, optional
        The neighbours, for database entries (which name materials, not layers).
    """
    if not isinstance(table, Mapping):
        raise InputError(field, "must be a table")
    check_keys(table, _KEYS, field)
    if between is None:
        raw = table.get("between")
        if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(name, str) for name in raw):
            raise InputError(
                f"{field}.between",
                'give the two adjacent names, e.g. between = ["F1", "N"] '
                "('left_lead'/'right_lead' name the leads)",
            )
        between = raw
    if "resistance_area" not in table:
        raise InputError(f"{field}.resistance_area", "missing (e.g. '0.51 fOhm*m^2')")
    ar = to_si(table["resistance_area"], "resistance_area", f"{field}.resistance_area")
    gamma = to_float(table.get("spin_asymmetry", 0.0), f"{field}.spin_asymmetry")
    delta = to_float(table.get("spin_memory_loss", 0.0), f"{field}.spin_memory_loss")
    mixing = None
    if "mixing_conductance" in table:
        raw_g = table["mixing_conductance"]
        if not isinstance(raw_g, list) or len(raw_g) != 2:
            raise InputError(
                f"{field}.mixing_conductance", 'give [Re, Im], e.g. ["0.55e15 S/m^2", "0.02e15 S/m^2"]'
            )
        re_g = to_si(raw_g[0], "conductance_area", f"{field}.mixing_conductance[0]")
        im_g = to_si(raw_g[1], "conductance_area", f"{field}.mixing_conductance[1]")
        mixing = complex(re_g, im_g)
    return Interface(
        (str(between[0]), str(between[1])),
        ar,
        gamma,
        delta,
        mixing,
        str(table.get("source", "user input")),
        str(table.get("status", "user")),
        field,
    )


def place_interfaces(
    interfaces: Sequence[Interface], members: Sequence[str], magnetic: Sequence[bool]
) -> tuple[tuple[int, Interface], ...]:
    """Check interfaces against a stack and give each its node, in stack order.

    Parameters
    ----------
    interfaces : sequence of Interface
    members : sequence of str
        ``["left_lead", *layer names, "right_lead"]``.
    magnetic : sequence of bool
        Whether each member is a ferromagnet (layer or lead).

    Returns
    -------
    tuple of (node, Interface)
        Node i lies between members i and i+1; ``between`` is put in stack order. Sorted by node.
    """
    where = {name: k for k, name in enumerate(members)}
    placed: dict[int, Interface] = {}
    for interface in interfaces:
        if not isinstance(interface, Interface):
            raise InputError("interfaces", f"expected Interface objects, got {interface!r}")
        a, b = interface.between
        for name in (a, b):
            if name not in where:
                raise InputError(f"{interface.field}.between", f"no layer or lead named {name!r}")
        if abs(where[a] - where[b]) != 1:
            raise InputError(f"{interface.field}.between", f"{a!r} and {b!r} are not adjacent in the stack")
        if where[a] > where[b]:
            interface = interface.flipped()
            a, b = b, a
        node = where[a]
        if node in placed:
            raise InputError(f"{interface.field}.between", f"the interface {a}/{b} is described twice")
        ferro = magnetic[node], magnetic[node + 1]
        if all(ferro):
            raise InputError(
                f"{interface.field}.between",
                f"{a!r} and {b!r} are both ferromagnets: an interface between two "
                "ferromagnets is not modelled (give a normal spacer)",
            )
        if not any(ferro):
            if interface.spin_asymmetry != 0.0:
                raise InputError(
                    f"{interface.field}.spin_asymmetry",
                    f"must be 0 between two non-magnetic members ({a}/{b}): "
                    "there is no magnetization to be spin-asymmetric along",
                )
            if interface.mixing_conductance is not None:
                raise InputError(
                    f"{interface.field}.mixing_conductance",
                    f"only at an F/N interface; {a}/{b} has no ferromagnet",
                )
        placed[node] = interface
    return tuple(sorted(placed.items()))


def interfaces_from_data(
    raw: Any, use_database: Any, members: Sequence[str], materials: Sequence[str | None]
) -> list[Interface]:
    """The interfaces of a stack file: its ``[[interfaces]]`` tables, plus database pairs.

    Parameters
    ----------
    raw : list of tables
        The file's ``[[interfaces]]`` entries (an empty list if none).
    use_database : bool
        The file's ``database_interfaces`` flag: if true, every adjacent pair of members whose
        materials have an ``[interfaces."A/B"]`` entry in the shipped database (in either order)
        gets that interface, unless the file describes the pair itself.
    members : sequence of str
        ``["left_lead", *layer names, "right_lead"]``.
    materials : sequence of str or None
        Material name of each member (None for an ideal sink).
    """
    from spintorque.materials.database import interface_entry

    if not isinstance(raw, list):
        raise InputError("interfaces", "must be an array of [[interfaces]] tables")
    if not isinstance(use_database, bool):
        raise InputError("database_interfaces", f"must be true or false, got {use_database!r}")
    out = [interface_from_table(table, f"interfaces[{k}]") for k, table in enumerate(raw)]
    if use_database:
        given = {frozenset(i.between) for i in out}
        for k in range(len(members) - 1):
            pair = (members[k], members[k + 1])
            a, b = materials[k], materials[k + 1]
            if a is None or b is None or frozenset(pair) in given:
                continue
            entry = interface_entry(a, b)
            if entry is None:
                continue
            key, table = entry  # the parameters do not depend on the order of the pair
            out.append(interface_from_table(table, f"database.interfaces.{key}", pair))
    return out
