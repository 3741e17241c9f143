"""Physical ranges of the input quantities, checked at the input edge (files and flags).

Each range is generous (it holds every real material and device, with decades to spare) but
finite, so that no input can push a formula beyond double precision: K = 1e200 J/m³ or a layer
of 1e299 m is refused with the range before any work, instead of giving NaN. The library's
constructors keep checking only the mathematical domain (finite, positive, ...); the ranges are
applied where user input is read: stack files, macrospin files and command-line flags. The table
is printed in ``docs/stack-files.md`` ("Allowed ranges").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from spintorque.errors import InputError, shown
from spintorque.units import to_float, to_si


@dataclass(frozen=True)
class Range:
    """An allowed interval ``low <= x <= high`` (``open_low``: ``low < x``) in SI units.

    ``symbol`` names the quantity in messages (``"d"``: ``1e-12 m <= d <= 0.01 m``).

    ``kind`` is the :func:`~spintorque.units.to_si` kind of a value with units, ``None`` for a
    plain number. ``zero`` also allows exactly 0 below a positive ``low`` (a temperature of 0 K
    means no thermal noise; 1e-300 K would overflow K V / k_B T).
    """

    kind: str | None
    symbol: str
    low: float
    high: float
    unit: str
    why: str
    open_low: bool = False
    open_high: bool = False
    zero: bool = False

    def contains(self, x: float) -> bool:
        if not math.isfinite(x):
            return False
        if self.zero and x == 0.0:
            return True
        above = x > self.low if self.open_low else x >= self.low
        below = x < self.high if self.open_high else x <= self.high
        return above and below

    def describe(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        lower = "<" if self.open_low else "<="
        upper = "<" if self.open_high else "<="
        text = f"{self.low:g}{unit} {lower} {self.symbol} {upper} {self.high:g}{unit}"
        return f"0{unit} or {text}" if self.zero else text


_LENGTH = "a picometre (below one atomic layer) to a centimetre"
RANGES: dict[str, Range] = {
    "thickness": Range("length", "d", 1e-12, 1e-2, "m", _LENGTH),
    "spin_diffusion_length": Range("length", "l_sf", 1e-12, 1e-2, "m", _LENGTH),
    "resistivity": Range("resistivity", "rho", 1e-12, 1.0, "Ω·m",
                         "below the cleanest metals (~1e-11 Ω·m) to doped semiconductors"),
    "spin_asymmetry": Range(None, "beta", -1.0, 1.0, "", "a spin asymmetry", open_low=True, open_high=True),
    "current_density": Range("current_density", "J", -1e20, 1e20, "A/m²",
                             "1e7 times the densities that melt thin films (~1e13 A/m²)"),
    "temperature": Range("temperature", "T", 1e-6, 1e4, "K",
                         "0 K (no noise), or a microkelvin to above every melting point",
                         zero=True),
    "saturation_magnetization": Range("magnetization", "Ms", 1e3, 1e7, "A/m",
                                      "from dilute magnetic semiconductors (~1e4 A/m) to 5 "
                                      "times the largest known (FeCo, 1.95e6 A/m)"),
    "damping": Range(None, "alpha", 0.0, 10.0, "", "Gilbert damping; real films have 1e-4 to 1"),
    "anisotropy": Range("energy_density", "K", -1e8, 1e8, "J/m³",
                        "5 times the hardest magnets (SmCo5, 1.7e7 J/m³)"),
    "field": Range("field", "H", -1e9, 1e9, "A/m", "1e9 A/m is 1257 T, 10 times any lab field"),
    "anisotropy_field": Range("field", "2|K|/(mu0 Ms)", 0.0, 1e9, "A/m",
                              "the anisotropy field, at most the largest field H (1257 T)"),
    "diameter": Range("length", "D", 1e-10, 1e-2, "m", "an atom to a centimetre"),
    "area": Range("area", "A", 1e-20, 1e-4, "m²", "an atom's cross-section to a square centimetre"),
    "polarization": Range(None, "P", -1.0, 1.0, "", "a spin polarization"),
    "Lambda": Range(None, "Lambda", 1e-3, 1e3, "", "Slonczewski's asymmetry Λ (1: symmetric)"),
    "epsilon_prime": Range(None, "epsilon'", -100.0, 100.0, "", "secondary torque ε' (typically 0 to 0.5)"),
    "fieldlike_efficiency": Range(None, "eta", -100.0, 100.0, "", "field-like η (typically < 1)"),
    "angle": Range("angle", "angle", -4 * math.pi, 4 * math.pi, "rad", "two turns either way (±720 deg)"),
    "duration": Range("time", "t", 0.0, 1.0, "s", "a macrospin run up to a second (1e10 precessions)",
                      open_low=True),
    "time_step": Range("time", "dt", 1e-18, 1e-9, "s", "an attosecond to a nanosecond"),
}
"""The allowed range of each input quantity, by name (see the module docstring)."""


def check(value: float, quantity: str, field: str, given: object = None) -> float:
    """``value`` if inside ``RANGES[quantity]``, else an :class:`InputError` naming ``field``.

    ``given`` is the input as written (``"1e299 m"``), shown in the message (default ``value``).
    """
    allowed = RANGES[quantity]
    if not allowed.contains(value):
        written = shown(value if given is None else given)
        raise InputError(field, f"must be {allowed.describe()} ({allowed.why}), got {written}")
    return value


def parse(value: object, quantity: str, field: str) -> float:
    """The SI value of a user input (a string with units, or a number where it has none),
    checked against ``RANGES[quantity]``."""
    allowed = RANGES[quantity]
    number = to_float(value, field) if allowed.kind is None else to_si(value, allowed.kind, field)
    return check(number, quantity, field, value)
