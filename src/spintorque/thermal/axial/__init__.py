"""Axially symmetric escape problem: the 1D Fokker–Planck equation in z = cos θ (THERMAL.md §3).

:mod:`~spintorque.thermal.axial.fokker_planck` holds the reduced model and its exact solvers
(log-space quadrature in :mod:`~spintorque.thermal.axial.integrals`, the reversible chain for λ1
in :mod:`~spintorque.thermal.axial.chain`);
:mod:`~spintorque.thermal.axial.physical` reduces a macrospin file with an axial landscape to it.
"""

from spintorque.thermal.axial.fokker_planck import (
    AxialModel,
    LogResult,
    galerkin_matrix,
    integral_relaxation_time,
    log_integral_relaxation_time,
    log_mean_first_passage_time,
    log_smallest_eigenvalue,
    mean_first_passage_time,
    smallest_eigenvalue,
    spectrum,
    stationary_density,
    switching_probability,
)
from spintorque.thermal.axial.physical import AxialReduction, NotAxialError, axial_reduction

__all__ = [
    "AxialModel",
    "AxialReduction",
    "LogResult",
    "NotAxialError",
    "axial_reduction",
    "galerkin_matrix",
    "integral_relaxation_time",
    "log_integral_relaxation_time",
    "log_mean_first_passage_time",
    "log_smallest_eigenvalue",
    "mean_first_passage_time",
    "smallest_eigenvalue",
    "spectrum",
    "stationary_density",
    "switching_probability",
]
