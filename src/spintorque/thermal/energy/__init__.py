"""Low-damping limit: Brown's equation averaged over precession orbits (energy diffusion).

:mod:`~spintorque.thermal.energy.orbits` finds the critical points and traces the orbits;
:mod:`~spintorque.thermal.energy.diffusion` solves the 1D energy diffusion on the star graph of
branches (MFPT, λ1, integral time, effective barrier).
"""

from spintorque.thermal.energy.diffusion import (
    EnergyDiffusion,
    NoSeparatrixError,
    NotConvergedError,
    UnstableWellError,
    effective_barrier,
    energy_diffusion,
    integral_relaxation_time,
    mean_first_passage_time,
    mean_first_passage_time_with_error,
    smallest_eigenvalue,
)

__all__ = [
    "EnergyDiffusion",
    "NoSeparatrixError",
    "NotConvergedError",
    "UnstableWellError",
    "effective_barrier",
    "energy_diffusion",
    "integral_relaxation_time",
    "mean_first_passage_time",
    "mean_first_passage_time_with_error",
    "smallest_eigenvalue",
]
