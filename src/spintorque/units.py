"""Unit parsing at the input edge.

User input may carry units as strings (``"5 nm"``, ``"2.1 uOhm*cm"``, ``"30 deg"``). Each is
parsed once, here, checked for dimension, and converted to a plain SI float. Everything below
this module works with SI floats only.

Two parsers give the same numbers. The common form, a decimal number and a product of prefixed
SI symbols with integer powers (``"1e11 A/m^2"``, ``"0.5 fOhm*m^2"``), is read by a small parser
of this module with no import; everything else goes to :mod:`pint` (one registry, built on the
first string the small parser does not read), whose verdict on any such string is unchanged.
The small parser answers only when the dimension matches the requested kind, and agrees with
pint to rounding on every unit it knows (tested unit by unit).
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

from spintorque.errors import InputError, shown

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
    "conductance_area": ("S / m**2", "a conductance per area, e.g. '0.55e15 S/m^2'"),
}

# Dimension exponents over (m, kg, s, A, K, angle) of each kind's SI unit.
_KIND_DIMS: dict[str, tuple[int, ...]] = {
    "length": (1, 0, 0, 0, 0, 0), "resistivity": (3, 1, -3, -2, 0, 0),
    "resistance_area": (4, 1, -3, -2, 0, 0), "current_density": (-2, 0, 0, 1, 0, 0),
    "angle": (0, 0, 0, 0, 0, 1), "temperature": (0, 0, 0, 0, 1, 0),
    "field": (-1, 0, 0, 1, 0, 0), "magnetization": (-1, 0, 0, 1, 0, 0),
    "energy_density": (-1, 1, -2, 0, 0, 0), "area": (2, 0, 0, 0, 0, 0), "time": (0, 0, 1, 0, 0, 0),
    "conductance_area": (-4, -1, 3, 2, 0, 0),
}

# Symbols the small parser knows: (power of ten, other factor, dimension exponents) to SI.
_OHM = (0, 1.0, (2, 1, -3, -2, 0, 0))
_SYMBOLS: dict[str, tuple[int, float, tuple[int, ...]]] = {
    "m": (0, 1.0, (1, 0, 0, 0, 0, 0)), "g": (-3, 1.0, (0, 1, 0, 0, 0, 0)),
    "s": (0, 1.0, (0, 0, 1, 0, 0, 0)), "A": (0, 1.0, (0, 0, 0, 1, 0, 0)),
    "K": (0, 1.0, (0, 0, 0, 0, 1, 0)), "rad": (0, 1.0, (0, 0, 0, 0, 0, 1)),
    "deg": (0, math.pi / 180, (0, 0, 0, 0, 0, 1)), "J": (0, 1.0, (2, 1, -2, 0, 0, 0)),
    "V": (0, 1.0, (2, 1, -3, -1, 0, 0)), "T": (0, 1.0, (0, 1, -2, -1, 0, 0)),
    "Ohm": _OHM, "ohm": _OHM, "Ω": _OHM, "S": (0, 1.0, (-2, -1, 3, 2, 0, 0)),
}
_PREFIXES = {"Y": 24, "Z": 21, "E": 18, "P": 15, "T": 12, "G": 9, "M": 6, "k": 3, "h": 2,
             "d": -1, "c": -2, "m": -3, "u": -6, "µ": -6, "μ": -6, "n": -9, "p": -12, "f": -15,
             "a": -18, "z": -21, "y": -24}
_NUMBER = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?\s*")
_FACTOR = re.compile(r"\s*([*/]?)\s*([^\W\d_]+)(?:(?:\^|\*\*)([+-]?\d+))?")
_POWER = re.compile(r"(?:\*\*|\^)\s*([^\s*/^]*)")
_MAX_LENGTH = 200


def _symbol(name: str) -> tuple[int, float, tuple[int, ...]] | None:
    """A known symbol, or a one-character prefix and a known symbol (pint reads them alike)."""
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    prefix, base = name[:1], name[1:]
    if prefix in _PREFIXES and base in _SYMBOLS:
        e10, factor, dims = _SYMBOLS[base]
        return e10 + _PREFIXES[prefix], factor, dims
    return None


def _quick_si(text: str, kind: str) -> float | None:
    """The SI value of ``"<decimal> <prefixed symbols with powers>"``, or None if not that form.

    The decimal exponents of the number and of every prefix are added before one correctly
    rounded decimal-to-binary conversion, so ``"2.1 uOhm*cm"`` gives exactly ``2.1e-8``.
    """
    number = _NUMBER.match(text)
    if number is None:
        return None
    e10, factor, dims = int(number.group(2) or 0), 1.0, [0] * 6
    position = number.end()
    while position < len(text):
        match = _FACTOR.match(text, position)
        if match is None or (position > number.end() and not match.group(1)):
            return None
        unit = _symbol(match.group(2))
        if unit is None:
            return None
        power = int(match.group(3) or 1) * (-1 if match.group(1) == "/" else 1)
        if abs(power) > 12:
            return None
        e10 += unit[0] * power
        factor *= unit[1] ** power
        dims = [d + power * u for d, u in zip(dims, unit[2], strict=True)]
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    if position == number.end() or tuple(dims) != _KIND_DIMS[kind]:
        return None
    return float(f"{number.group(1)}e{e10}") * factor


def _guard(text: str, field: str, example: str) -> None:
    """Refuse strings whose evaluation by pint would not end (``"10**10**10 nm"``)."""
    if len(text) > _MAX_LENGTH:
        raise InputError(field, f"expected {example}, got a string of {len(text)} characters")
    powers = _POWER.findall(text)
    for exponent in powers:
        try:
            small = abs(float(exponent)) <= 100
        except ValueError:
            small = False
        if not small:
            raise InputError(field, f"cannot parse {shown(text)} as {example}: exponents must be "
                             f"plain numbers between -100 and 100, got {shown(exponent)}")
    if re.search(r"(?:\*\*|\^)\s*[^\s*/^]*\s*(?:\*\*|\^)", text):
        raise InputError(field, f"cannot parse {shown(text)} as {example}: repeated powers "
                         "(a**b**c) are not allowed")


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
    if isinstance(value, bool) or value is None:
        raise InputError(field, f"expected {example}, got {shown(value)}")
    if isinstance(value, int | float):
        raise InputError(field, f"missing unit: got {shown(value)}, expected {example}")
    if isinstance(value, str):
        _guard(value, field, example)
        quick = _quick_si(value, kind)
        if quick is not None:
            if not math.isfinite(quick):
                raise InputError(field, f"value must be finite, got {shown(value)}")
            return quick
    ureg = registry()
    if isinstance(value, str):
        try:
            quantity = ureg.Quantity(value.replace("^", "**"))
        except Exception as exc:  # pint raises several unrelated types for bad strings
            raise InputError(field, f"cannot parse {shown(value)} as {example} ({exc})") from None
    elif hasattr(value, "to") and hasattr(value, "magnitude"):
        quantity = value
    else:
        raise InputError(field, f"expected {example}, got {shown(value)}")
    if not hasattr(quantity, "units") or quantity.units == ureg.dimensionless:
        raise InputError(field, f"missing unit: got {shown(value)}, expected {example}")
    try:
        magnitude = float(quantity.to(si_unit).magnitude)
    except OverflowError:  # an integer power beyond the float range: 99999999999999999999**100
        raise InputError(field, f"value out of the float range in {shown(value)}: expected "
                         f"{example}") from None
    except Exception:
        raise InputError(field, f"wrong unit in {shown(value)}: expected {example}") from None
    if not math.isfinite(magnitude):
        raise InputError(field, f"value must be finite, got {shown(value)}")
    return magnitude


def to_float(value: object, field: str) -> float:
    """A dimensionless finite number; strings are parsed, booleans rejected."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(field, f"expected a number, got {shown(value)}")
    try:
        number = float(value)
    except (ValueError, OverflowError):  # OverflowError: an integer beyond the float range
        raise InputError(field, f"expected a number, got {shown(value)}") from None
    if not math.isfinite(number):
        raise InputError(field, f"value must be finite, got {shown(value)}")
    return number
