"""Physical constants (SI).

``gamma_e`` is the electron gyromagnetic ratio magnitude in rad/(s·T); ``gamma0 = mu0·gamma_e``
in m/(A·s) is the one that multiplies H in A/m. They are named apart on purpose.

The constants that define the SI since 2019 (h, e, k_B) are exact numbers and are written here,
as :mod:`scipy.constants` gives them; the measured ones (``mu0``, ``mu_B``, ``gamma_e`` and
``gamma0``) are read from :mod:`scipy.constants` (CODATA) on first use, so that a transport solve,
which needs only ħ/2e, starts without importing scipy. A test checks every value against
:mod:`scipy.constants`.
"""

from __future__ import annotations

import math

_h = 6.62607015e-34  # Planck constant [J·s], exact (SI 2019)
hbar: float = _h / (2 * math.pi)
"""Reduced Planck constant [J·s]."""
e: float = 1.602176634e-19
"""Elementary charge, positive [C], exact (SI 2019). The electron charge is ``-e``."""
k_B: float = 1.380649e-23
"""Boltzmann constant [J/K], exact (SI 2019)."""
hbar_over_2e: float = hbar / (2.0 * e)
"""Converts a charge-equivalent spin current [A/m²] into angular-momentum flux [J/m²]."""

_MEASURED = ("mu0", "mu_B", "gamma_e", "gamma0")


def __getattr__(name: str) -> float:
    """The measured constants, from :mod:`scipy.constants` (CODATA):

    ``mu0`` vacuum permeability [T·m/A]; ``mu_B`` Bohr magneton [J/T]; ``gamma_e`` electron
    gyromagnetic ratio magnitude [rad/(s·T)]; ``gamma0 = mu0·gamma_e`` [m/(A·s)], the
    precession rate per unit H in A/m.
    """
    if name not in _MEASURED:
        raise AttributeError(f"module 'spintorque.constants' has no attribute {name!r}")
    from scipy import constants as _c

    values = {"mu0": _c.mu_0, "mu_B": _c.physical_constants["Bohr magneton"][0],
              "gamma_e": abs(_c.physical_constants["electron gyromag. ratio"][0])}
    values["gamma0"] = values["mu0"] * values["gamma_e"]
    globals().update(values)
    return float(values[name])

