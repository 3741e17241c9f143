"""Axially symmetric escape problem: the 1D Fokker–Planck equation in z = cos θ (THERMAL.md §3).

:mod:`~spintorque.thermal.axial.fokker_planck` holds the reduced model and its exact solvers;
:mod:`~spintorque.thermal.axial.physical` reduces a macrospin file with an axial landscape to it.
"""

from spintorque.thermal.axial.fokker_planck import (
    AxialModel,
    galerkin_matrix,
    integral_relaxation_time,
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
    "NotAxialError",
    "axial_reduction",
    "galerkin_matrix",
    "integral_relaxation_time",
    "mean_first_passage_time",
    "smallest_eigenvalue",
    "spectrum",
    "stationary_density",
    "switching_probability",
]
