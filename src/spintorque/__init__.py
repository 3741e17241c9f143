"""spintorque: spin-transfer physics in magnetic multilayers.

Describe a stack (:class:`Stack`, :class:`Layer`, :class:`Ferromagnet`, :class:`NormalMetal`),
solve the exact diffusive spin-transport problem (:func:`solve`), and read spin accumulation,
spin currents, torques, efficiencies and resistance from the result. All quantities are SI at
the public boundary; see ``docs/conventions.md`` for units and signs.
"""

from spintorque.errors import InputError
from spintorque.materials import Ferromagnet, NormalMetal, load_database
from spintorque.stack import Layer, Lead, Stack, load_stack, stack_from_dict
from spintorque.transport import TransportResult, efficiency, solve

__version__ = "0.1.0"

__all__ = [
    "Ferromagnet",
    "InputError",
    "Layer",
    "Lead",
    "NormalMetal",
    "Stack",
    "TransportResult",
    "__version__",
    "efficiency",
    "load_database",
    "load_stack",
    "solve",
    "stack_from_dict",
]
