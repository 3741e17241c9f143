"""Write-error rate and read disturb from the axial Fokker–Planck time evolution (THERMAL.md §6).

:mod:`~spintorque.thermal.wer.chain` discretises the equation (exact detailed balance),
:mod:`~spintorque.thermal.wer.propagator` evolves it without cancellation,
:mod:`~spintorque.thermal.wer.rates` extrapolates over grids (:func:`write_error_rate`,
:func:`read_disturb`), :mod:`~spintorque.thermal.wer.target` finds the current for a target WER and
reads macrospin files; :mod:`~spintorque.thermal.wer.sphere` is the 2D path for any geometry
(:mod:`spintorque.thermal.sphere.evolution`), :mod:`~spintorque.thermal.wer.sphere_target` its
target current and read disturb.
"""

from spintorque.thermal.wer.rates import WERProblem, WERResult, read_disturb, write_error_rate
from spintorque.thermal.wer.sphere import SphereWERProblem
from spintorque.thermal.wer.sphere_target import SphereTargetCurrent, sphere_current_for_target
from spintorque.thermal.wer.target import (
    TargetCurrent,
    current_for_target,
    problem_from_file,
    problem_from_run,
)

TWO_D_METHODS = ("auto", "sphere", "energy", "harmonics")
"""Methods for a non-axial magnet (:class:`SphereWERProblem`)."""

__all__ = [
    "TWO_D_METHODS",
    "SphereTargetCurrent",
    "SphereWERProblem",
    "TargetCurrent",
    "WERProblem",
    "WERResult",
    "current_for_target",
    "problem_from_file",
    "problem_from_run",
    "read_disturb",
    "sphere_current_for_target",
    "write_error_rate",
]
