"""The free layer as a single macrospin: saturation magnetization, size, damping, start direction."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spintorque.errors import InputError
from spintorque.stack import Vector, unit_vector


def positive(value: float, field: str, unit: str) -> float:
    """``value`` as a float if finite and > 0, else an :class:`InputError` naming ``field``."""
    number = float(value)
    if not (math.isfinite(number) and number > 0.0):
        raise InputError(field, f"must be a positive finite value [{unit}], got {value!r}")
    return number


@dataclass(frozen=True)
class Macrospin:
    r"""A uniformly magnetized free layer (macrospin, unit vector m).

    Parameters
    ----------
    saturation_magnetization : float
        Ms [A/m], > 0.
    thickness : float
        d [m], > 0 (the thickness the spin-transfer torque per area acts on).
    area : float
        Lateral area A [m²], > 0. Use :meth:`disk` for a circular pillar of given diameter.
    damping : float
        Gilbert damping alpha (dimensionless), >= 0.
    initial : tuple of 3 floats
        Initial direction of m; any non-zero vector, normalised.

    Notes
    -----
    The volume is :math:`V = A d` and the magnetic moment :math:`\mu_0 M_s V` sets both the
    energy scale of the effective field, :math:`H_{eff} = -(1/\mu_0 M_s V)\,\partial E/\partial m`,
    and the strength of the thermal field (``docs/dynamics.md``).

    Examples
    --------
    >>> magnet = Macrospin.disk(1.1e6, 1.5e-9, 40e-9, damping=0.01)
    >>> round(magnet.volume * 1e24, 3)   # V in units of 1e-24 m³
    1.885
    """

    saturation_magnetization: float
    thickness: float
    area: float
    damping: float
    initial: Vector = (0.0, 0.0, 1.0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "saturation_magnetization",
                           positive(self.saturation_magnetization, "magnet.saturation_magnetization",
                                    "A/m"))
        object.__setattr__(self, "thickness", positive(self.thickness, "magnet.thickness", "m"))
        object.__setattr__(self, "area", positive(self.area, "magnet.area", "m²"))
        alpha = float(self.damping)
        if not (math.isfinite(alpha) and alpha >= 0.0):
            raise InputError("magnet.damping", f"must be a finite number >= 0, got {self.damping!r}")
        object.__setattr__(self, "damping", alpha)
        object.__setattr__(self, "initial", unit_vector(self.initial, "magnet.initial"))

    @classmethod
    def disk(cls, saturation_magnetization: float, thickness: float, diameter: float,
             damping: float, initial: Vector = (0.0, 0.0, 1.0)) -> Macrospin:
        """A circular pillar of the given diameter [m]: area = π D²/4."""
        diameter = positive(diameter, "magnet.diameter", "m")
        return cls(saturation_magnetization, thickness, math.pi * diameter**2 / 4.0, damping, initial)

    @property
    def volume(self) -> float:
        """V = A·d [m³]."""
        return self.area * self.thickness

    def describe(self) -> dict[str, Any]:
        """JSON-ready description in SI units (provenance)."""
        return {"saturation_magnetization_A_per_m": self.saturation_magnetization,
                "thickness_m": self.thickness, "area_m2": self.area, "damping": self.damping,
                "initial": list(self.initial)}
