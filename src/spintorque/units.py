"""Unit parsing at the input edge.

User input may carry units as strings (``"5 nm"``, ``"2.1 uOhm*cm"``, ``"30 deg"``). Each is
parsed once, here, with :mod:`pint`, checked for dimension, and converted to a plain SI float.
Everything below this module works with SI floats only.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from spintorque.errors import InputError

# SI unit each dimension kind is converted to, and how to name it in messages.
_KINDS: dict[str, tuple[str, str]] = {
    "length": ("m", "a length, e.g. '5 nm'"),
    "resistivity": ("ohm * m", "a resistivity, e.g. '2.1 uOhm*cm'"),
    "resistance_area": ("ohm * m**2", "a resistance-area product, e.g. '0.5 fOhm*m^2'"),
    "current_density": ("A / m**2", "a current density, e.g. '1e11 A/m^2'"),
    "angle": ("rad", "an angle, e.g. '30 deg'"),
    "temperature": ("K", "a temperature, e.g. '4.2 K'"),
    "field": ("A / m", "a magnetic field H, e.g. '1e4 A/m'"),
    "magnetization": ("A / m", "a magnetization, e.g. '1.1e6 A/m'"),
    "energy_density": ("J / m**3", "an energy density, e.g. '5e5 J/m^3'"),
    "area": ("m**2", "an area, e.g. '1200 nm^2'"),
    "time": ("s", "a time, e.g. '10 ns'"),
}


@cache
def registry() -> Any:
    """The package's single :class:`pint.UnitRegistry` (created on first use)."""
    import pint

    ureg: Any = pint.UnitRegistry()
    ureg.define("Ohm = ohm")
    return ureg


def to_si(value: object, kind: str, field: str) -> float:
    """Convert a user value with units to an SI float.

    Parameters
    ----------
    value : str or pint.Quantity or float
        A string such as ``"5 nm"`` or a :class:`pint.Quantity`. Bare numbers are rejected,
        because a missing unit is the commonest input mistake.
    kind : str
        One of the keys of ``_KINDS`` (``"length"``, ``"resistivity"``, ...).
    field : str
        Name of the input field, used in error messages.

    Returns
    -------
    float
        The value in SI units (m, Ω·m, A/m², rad, K, ...).

    Raises
    ------
    InputError
        Missing unit, unparsable string, wrong dimension, or non-finite value.
    """
    si_unit, example = _KINDS[kind]
    ureg = registry()
    if isinstance(value, bool) or value is None:
        raise InputError(field, f"expected {example}, got {value!r}")
    if isinstance(value, int | float):
        raise InputError(field, f"missing unit: got {value!r}, expected {example}")
    if isinstance(value, str):
        try:
            quantity = ureg.Quantity(value.replace("^", "**"))
        except Exception as exc:  # pint raises several unrelated types for bad strings
            raise InputError(field, f"cannot parse {value!r} as {example} ({exc})") from None
    elif hasattr(value, "to") and hasattr(value, "magnitude"):
        quantity = value
    else:
        raise InputError(field, f"expected {example}, got {value!r}")
    if not hasattr(quantity, "units") or quantity.units == ureg.dimensionless:
        raise InputError(field, f"missing unit: got {value!r}, expected {example}")
    try:
        magnitude = float(quantity.to(si_unit).magnitude)
    except Exception:
        raise InputError(field, f"wrong unit in {value!r}: expected {example}") from None
    if not math.isfinite(magnitude):
        raise InputError(field, f"value must be finite, got {value!r}")
    return magnitude


def to_float(value: object, field: str) -> float:
    """A dimensionless finite number; strings are parsed, booleans rejected."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(field, f"expected a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise InputError(field, f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(field, f"value must be finite, got {value!r}")
    return number
