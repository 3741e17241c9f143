"""Thermally activated magnetization reversal under spin injection (THERMAL.md §3–5).

:mod:`spintorque.thermal.axial` solves the axially symmetric Fokker–Planck equation in reduced
units (sigma = KV/k_BT, h = H/H_K, i = I/I_c0; times in tau_N). Any geometry:
:mod:`~spintorque.thermal.escape2d` (the 2D problem on the sphere) and, for low damping,
:mod:`~spintorque.thermal.energy_diffusion` (the problem averaged over precession orbits).
"""

from spintorque.thermal.axial import (
    AxialModel,
    galerkin_matrix,
    integral_relaxation_time,
    mean_first_passage_time,
    smallest_eigenvalue,
    spectrum,
    stationary_density,
    switching_probability,
)
from spintorque.thermal.torque_shapes import slonczewski_efficiency, transport_efficiency

__all__ = [
    "AxialModel",
    "galerkin_matrix",
    "integral_relaxation_time",
    "mean_first_passage_time",
    "slonczewski_efficiency",
    "smallest_eigenvalue",
    "spectrum",
    "stationary_density",
    "switching_probability",
    "transport_efficiency",
]
