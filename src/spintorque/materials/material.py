"""Frozen, validated material descriptions (SI units).

Source of the parametrisation: Valet & Fert, Phys. Rev. B 48, 7099 (1993); mapping to the
diffusion model of the seed paper in TRANSPORT.md §2.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from spintorque.errors import InputError, shown
from spintorque.limits import parse
from spintorque.tomlfile import check_keys, suggestion


def _positive(value: float, field: str, what: str) -> float:
    if not (math.isfinite(value) and value > 0.0):
        raise InputError(field, f"{what} must be a finite positive number, got {value!r}")
    return value


@dataclass(frozen=True)
class Ferromagnet:
    """A strong ferromagnet in the Valet–Fert description.

    Parameters
    ----------
    name : str
        Material name (database key or user label).
    rho_star : float
        Valet–Fert rho* [Ω·m]; spin channels have rho_up/down = 2 rho*(1 ∓ beta).
    spin_asymmetry : float
        Bulk spin asymmetry beta, −1 < beta < 1 (dimensionless). Equals the current polarization p.
    spin_diffusion_length : float
        Spin-diffusion length l_F [m], > 0.
    source : str
        Citation of the values (or "user input").
    status : str
        ``"sourced"``, ``"illustrative"`` or ``"user"``.

    Examples
    --------
    >>> co = Ferromagnet("Co", rho_star=7.5e-8, spin_asymmetry=0.46, spin_diffusion_length=59e-9)
    >>> round(co.resistivity * 1e8, 4)   # rho_F = rho*(1 - beta²) in µΩ·cm
    5.913
    """

    name: str
    rho_star: float
    spin_asymmetry: float
    spin_diffusion_length: float
    source: str = "user input"
    status: str = "user"

    def __post_init__(self) -> None:
        _positive(self.rho_star, f"materials.{self.name}.rho_star", "rho_star [Ω·m]")
        beta = self.spin_asymmetry
        if not (math.isfinite(beta) and -1.0 < beta < 1.0):
            raise InputError(
                f"materials.{self.name}.spin_asymmetry",
                f"must satisfy -1 < beta < 1, got {beta!r}",
            )
        _positive(
            self.spin_diffusion_length,
            f"materials.{self.name}.spin_diffusion_length",
            "spin-diffusion length [m]",
        )

    @classmethod
    def from_resistivity(
        cls,
        name: str,
        resistivity: float,
        spin_asymmetry: float,
        spin_diffusion_length: float,
        source: str = "user input",
        status: str = "user",
    ) -> Ferromagnet:
        """Build from the measured resistivity rho_F [Ω·m]: rho* = rho_F/(1 − beta²)."""
        beta = spin_asymmetry
        if not (math.isfinite(beta) and -1.0 < beta < 1.0):
            raise InputError(
                f"materials.{name}.spin_asymmetry", f"must satisfy -1 < beta < 1, got {beta!r}"
            )
        _positive(resistivity, f"materials.{name}.resistivity", "resistivity [Ω·m]")
        return cls(name, resistivity / (1.0 - beta * beta), beta, spin_diffusion_length,
                   source, status)

    @property
    def is_ferromagnet(self) -> bool:
        return True

    @property
    def polarization(self) -> float:
        """Current polarization p = beta (TRANSPORT.md §2)."""
        return self.spin_asymmetry

    @property
    def resistivity(self) -> float:
        """Measured resistivity rho_F = rho*(1 − beta²) [Ω·m]."""
        return self.rho_star * (1.0 - self.spin_asymmetry**2)

    @property
    def spin_resistivity(self) -> float:
        """Resistivity entering the spin diffusion equation, rho* [Ω·m] (D_F ↔ 1/rho*)."""
        return self.rho_star

    @property
    def spin_conductance(self) -> float:
        """Cord stiffness G = 1/(2 rho* l_F) [S/m²] (the seed's G = D_F/(2l))."""
        return 1.0 / (2.0 * self.rho_star * self.spin_diffusion_length)


@dataclass(frozen=True)
class NormalMetal:
    """A non-magnetic metal.

    Parameters
    ----------
    name : str
        Material name.
    resistivity : float
        rho_N [Ω·m], > 0.
    spin_diffusion_length : float
        l_N [m], > 0.
    source, status : str
        As for :class:`Ferromagnet`.

    Examples
    --------
    >>> cu = NormalMetal("Cu", resistivity=0.6e-8, spin_diffusion_length=500e-9)
    >>> cu.spin_conductance   # 1/(2 rho_N l_N) in S/m²
    1.6666666666666666e+14
    """

    name: str
    resistivity: float
    spin_diffusion_length: float
    source: str = "user input"
    status: str = "user"

    def __post_init__(self) -> None:
        _positive(self.resistivity, f"materials.{self.name}.resistivity", "resistivity [Ω·m]")
        _positive(
            self.spin_diffusion_length,
            f"materials.{self.name}.spin_diffusion_length",
            "spin-diffusion length [m]",
        )

    @property
    def is_ferromagnet(self) -> bool:
        return False

    @property
    def polarization(self) -> float:
        """Current polarization: 0 in a normal metal."""
        return 0.0

    @property
    def spin_asymmetry(self) -> float:
        return 0.0

    @property
    def spin_resistivity(self) -> float:
        """Resistivity entering the spin diffusion equation, rho_N [Ω·m]."""
        return self.resistivity

    @property
    def spin_conductance(self) -> float:
        """Cord stiffness G = 1/(2 rho_N l_N) [S/m²]."""
        return 1.0 / (2.0 * self.resistivity * self.spin_diffusion_length)


Material = Ferromagnet | NormalMetal

_FERRO_KEYS = {"type", "rho_star", "resistivity", "spin_asymmetry", "spin_diffusion_length"}
_NORMAL_KEYS = {"type", "resistivity", "spin_diffusion_length"}
_META_KEYS = {"description", "temperature", "status", "source", "sources", "notes"}


def material_from_table(name: str, table: Mapping[str, Any], field: str) -> Material:
    """Build a material from a TOML table whose values carry units as strings.

    Parameters
    ----------
    name : str
        Material name.
    table : mapping
        Keys: ``type`` (``"ferromagnet"`` or ``"normal"``); ``rho_star`` or ``resistivity``;
        ``spin_asymmetry`` (ferromagnets); ``spin_diffusion_length``; optional metadata
        ``description``, ``temperature``, ``status``, ``source``, ``sources``, ``notes``.
    field : str
        Dotted path of the table for error messages, e.g. ``"materials.MyCo"``.
    """
    if not isinstance(table, Mapping):
        raise InputError(field, f"must be a table of material parameters, got {shown(table)}")
    kind = table.get("type")
    if kind not in ("ferromagnet", "normal"):
        raise InputError(f"{field}.type", f"must be 'ferromagnet' or 'normal', got "
                         f"{shown(kind)}{suggestion(kind, ('ferromagnet', 'normal'))}")
    check_keys(table, (_FERRO_KEYS if kind == "ferromagnet" else _NORMAL_KEYS) | _META_KEYS,
               field, f"for a {kind} material")
    for key in ("spin_diffusion_length",):
        if key not in table:
            raise InputError(f"{field}.{key}", "missing (a length, e.g. '59 nm')")
    length = parse(table["spin_diffusion_length"], "spin_diffusion_length",
                   f"{field}.spin_diffusion_length")
    source = str(table.get("source", "user input"))
    status = str(table.get("status", "user"))
    if kind == "normal":
        if "resistivity" not in table:
            raise InputError(f"{field}.resistivity", "missing (e.g. '0.6 uOhm*cm')")
        rho = parse(table["resistivity"], "resistivity", f"{field}.resistivity")
        return NormalMetal(name, rho, length, source, status)
    if "spin_asymmetry" not in table:
        raise InputError(f"{field}.spin_asymmetry", "missing (a number with -1 < beta < 1)")
    beta = parse(table["spin_asymmetry"], "spin_asymmetry", f"{field}.spin_asymmetry")
    has_star, has_rho = "rho_star" in table, "resistivity" in table
    if has_star == has_rho:
        raise InputError(f"{field}.rho_star", "give exactly one of rho_star or resistivity")
    if has_star:
        rho_star = parse(table["rho_star"], "resistivity", f"{field}.rho_star")
        return Ferromagnet(name, rho_star, beta, length, source, status)
    rho = parse(table["resistivity"], "resistivity", f"{field}.resistivity")
    return Ferromagnet.from_resistivity(name, rho, beta, length, source, status)
