"""spintorque: spin-transfer physics in magnetic multilayers.

Describe a stack (:class:`Stack`, :class:`Layer`, :class:`Ferromagnet`, :class:`NormalMetal`),
solve the exact diffusive spin-transport problem (:func:`solve`), and read spin accumulation,
spin currents, torques, efficiencies and resistance from the result. All quantities are SI at
the public boundary; see ``docs/conventions.md`` for units and signs.

The names below are imported on first use (PEP 562), so that ``import spintorque`` and the
command line start without loading numpy, xarray or numba until a command needs them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spintorque.errors import InputError
    from spintorque.materials import Ferromagnet, NormalMetal, load_database
    from spintorque.stack import Layer, Lead, Stack, load_stack, stack_from_dict
    from spintorque.transport import TransportResult
    from spintorque.transport.efficiency import efficiency
    from spintorque.transport.solver import solve

_LAZY = {
    "InputError": "spintorque.errors",
    "Ferromagnet": "spintorque.materials", "NormalMetal": "spintorque.materials",
    "load_database": "spintorque.materials",
    "Layer": "spintorque.stack", "Lead": "spintorque.stack", "Stack": "spintorque.stack",
    "load_stack": "spintorque.stack", "stack_from_dict": "spintorque.stack",
    "TransportResult": "spintorque.transport", "efficiency": "spintorque.transport",
    "solve": "spintorque.transport",
}


def _installed_version() -> str:
    """The version of the installed distribution (its metadata), not a copy kept in the code."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spintorque")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _installed_version()
    elif name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'spintorque' has no attribute {name!r}")
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


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
