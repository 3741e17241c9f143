"""A macrospin with its energy and torque terms, and the run conditions (current, temperature)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from spintorque.errors import InputError
from spintorque.magnet.energy import Energy, EnergyTerm
from spintorque.magnet.macrospin import Macrospin
from spintorque.magnet.torque import DiffusiveTorque, Torques, TorqueTerm

CurrentDensity = float | Callable[[float], float]
"""A constant J [A/m²] or a function of time t [s] returning J [A/m²] (pulses)."""


@dataclass(frozen=True)
class MacrospinModel:
    """The description of a macrospin problem: the magnet, its energy and its spin torques.

    Parameters
    ----------
    magnet : Macrospin
    energy : Energy or EnergyTerm
        Energy terms (a single term is wrapped into a sum).
    torques : Torques or TorqueTerm, optional
        Spin-torque terms (default none).

    Raises
    ------
    InputError
        If a :class:`DiffusiveTorque`'s free layer is not as thick as the macrospin.
    """

    magnet: Macrospin
    energy: Energy = field(default_factory=Energy)
    torques: Torques = field(default_factory=Torques)

    def __post_init__(self) -> None:
        if isinstance(self.energy, EnergyTerm):
            object.__setattr__(self, "energy", Energy((self.energy,)))
        if isinstance(self.torques, TorqueTerm):
            object.__setattr__(self, "torques", Torques((self.torques,)))
        if not isinstance(self.energy, Energy):
            raise TypeError(f"energy must be an Energy sum, got {type(self.energy).__name__}")
        if not isinstance(self.torques, Torques):
            raise TypeError(f"torques must be a Torques sum, got {type(self.torques).__name__}")
        for term in self.torques.of_type(DiffusiveTorque):
            if not math.isclose(term.thickness, self.magnet.thickness, rel_tol=1e-9):
                raise InputError(f"torque.{term.name}.free_layer",
                                 f"layer {term.free_layer!r} is {term.thickness:.6g} m thick but the "
                                 f"magnet is {self.magnet.thickness:.6g} m: they must agree")

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (provenance): the magnet in SI and the terms' reprs."""
        return {"magnet": self.magnet.describe(), "energy": repr(self.energy),
                "torques": repr(self.torques)}


@dataclass(frozen=True)
class Conditions:
    """Run conditions: current density and temperature.

    Parameters
    ----------
    current_density : float or callable
        J [A/m²], constant or a function of time t [s] (e.g. a pulse). J > 0: electrons flow from
        the fixed layer/polarizer side into the free layer (``docs/conventions.md``).
    temperature : float
        T [K], >= 0.
    """

    current_density: CurrentDensity = 0.0
    temperature: float = 0.0

    def __post_init__(self) -> None:
        if not callable(self.current_density):
            J = float(self.current_density)
            if not math.isfinite(J):
                raise InputError("conditions.current_density", f"must be finite [A/m²], got {J!r}")
            object.__setattr__(self, "current_density", J)
        T = float(self.temperature)
        if not (math.isfinite(T) and T >= 0.0):
            raise InputError("conditions.temperature", f"must be a finite value >= 0 K, got {T!r}")
        object.__setattr__(self, "temperature", T)

    @property
    def constant_current(self) -> bool:
        return not callable(self.current_density)

    def current_at(self, t: float) -> float:
        """J(t) [A/m²]."""
        J = self.current_density
        return float(J(t)) if callable(J) else float(J)

    def current_on(self, times: np.ndarray) -> np.ndarray:
        """J on an array of times [s] (one call of the function per time)."""
        J = self.current_density
        if callable(J):
            return np.array([float(J(float(t))) for t in times])
        return np.full(np.shape(times), float(J))

    def describe(self) -> dict[str, Any]:
        J = self.current_density
        return {"current_density_A_per_m2": repr(J) if callable(J) else J,
                "temperature_K": self.temperature}
