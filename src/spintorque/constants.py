"""Physical constants (SI), taken from :mod:`scipy.constants` (CODATA).

``gamma_e`` is the electron gyromagnetic ratio magnitude in rad/(s·T); ``gamma0 = mu0·gamma_e``
in m/(A·s) is the one that multiplies H in A/m. They are named apart on purpose.
"""

from __future__ import annotations

from scipy import constants as _c

hbar: float = _c.hbar
"""Reduced Planck constant [J·s]."""
e: float = _c.e
"""Elementary charge, positive [C]. The electron charge is ``-e``."""
mu0: float = _c.mu_0
"""Vacuum permeability [T·m/A]."""
k_B: float = _c.k
"""Boltzmann constant [J/K]."""
mu_B: float = _c.physical_constants["Bohr magneton"][0]
"""Bohr magneton [J/T]."""
gamma_e: float = abs(_c.physical_constants["electron gyromag. ratio"][0])
"""Electron gyromagnetic ratio magnitude [rad/(s·T)]."""
gamma0: float = mu0 * gamma_e
"""mu0·gamma_e [m/(A·s)]: precession rate per unit H in A/m."""
hbar_over_2e: float = hbar / (2.0 * e)
"""Converts a charge-equivalent spin current [A/m²] into angular-momentum flux [J/m²]."""
