"""Macrospin descriptions: the magnet, its energy terms and its spin-torque terms.

Terms are small frozen dataclasses joined with ``+``::

    energy = Uniaxial(5e5, (0, 0, 1)) + Demag((0, 0, 1)) + Zeeman((0, 0, 1e4))
    torques = Slonczewski(0.6, polarizer=(0, 0, 1))
    model = MacrospinModel(Macrospin.disk(1.1e6, 1.5e-9, 40e-9, damping=0.01), energy, torques)

The numerics live in :mod:`spintorque.dynamics`. SI units throughout (``docs/dynamics.md``).
"""

from spintorque.magnet.energy import Demag, Energy, EnergyTerm, Uniaxial, Zeeman
from spintorque.magnet.io import MacrospinInput, load_macrospin, macrospin_from_dict
from spintorque.magnet.macrospin import Macrospin
from spintorque.magnet.model import Conditions, MacrospinModel
from spintorque.magnet.pair import CoupledMacrospins, FreeLayer
from spintorque.magnet.pair_io import CoupledInput, coupled_from_dict, load_coupled
from spintorque.magnet.torque import (
    DiffusiveTorque,
    FieldLike,
    Slonczewski,
    Torques,
    TorqueTerm,
    field_rate,
    gilbert_to_landau,
)

__all__ = [
    "Conditions",
    "CoupledInput",
    "CoupledMacrospins",
    "Demag",
    "DiffusiveTorque",
    "Energy",
    "EnergyTerm",
    "FieldLike",
    "FreeLayer",
    "Macrospin",
    "MacrospinInput",
    "MacrospinModel",
    "Slonczewski",
    "TorqueTerm",
    "Torques",
    "Uniaxial",
    "Zeeman",
    "coupled_from_dict",
    "field_rate",
    "gilbert_to_landau",
    "load_coupled",
    "load_macrospin",
    "macrospin_from_dict",
]
