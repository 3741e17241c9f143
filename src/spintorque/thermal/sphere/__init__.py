"""Brown's Fokker–Planck equation on the whole sphere, for any landscape (THERMAL.md §3).

:mod:`~spintorque.thermal.sphere.model` describes the problem, :mod:`~spintorque.thermal.sphere.grid`
and :mod:`~spintorque.thermal.sphere.chain` discretise it (exponentially fitted finite volumes),
:mod:`~spintorque.thermal.sphere.ring_elimination` factorises it, :mod:`~spintorque.thermal.sphere.solvers`
computes λ1, MFPT, integral time and the evolution on one grid, and
:mod:`~spintorque.thermal.sphere.escape2d` extrapolates over a grid family.
"""

from spintorque.thermal.sphere.escape2d import (
    Converged,
    Escape2D,
    EscapeOverflowError,
    axially_symmetric,
    escape_2d,
    well_direction,
)
from spintorque.thermal.sphere.grid import SphereGrid
from spintorque.thermal.sphere.model import SphereModel, sphere_reduction, uniaxial_model
from spintorque.thermal.sphere.solvers import (
    SlowestModeError,
    evolve,
    integral_relaxation_time,
    mean_first_passage_time,
    slowest_mode,
    smallest_eigenvalue,
    stationary_distribution,
    switching_probability,
)

__all__ = [
    "Converged",
    "Escape2D",
    "EscapeOverflowError",
    "SlowestModeError",
    "SphereGrid",
    "SphereModel",
    "axially_symmetric",
    "escape_2d",
    "evolve",
    "integral_relaxation_time",
    "mean_first_passage_time",
    "slowest_mode",
    "smallest_eigenvalue",
    "sphere_reduction",
    "stationary_distribution",
    "switching_probability",
    "uniaxial_model",
    "well_direction",
]
