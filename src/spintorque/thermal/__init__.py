"""Thermally activated magnetization reversal under spin injection (THERMAL.md §3–5).

Three solver families, one subpackage each:

* :mod:`~spintorque.thermal.axial`: the axially symmetric Fokker–Planck equation in reduced
  units (sigma = KV/k_BT, h = H/H_K, i = I/I_c0; times in tau_N), solved exactly in 1D;
* :mod:`~spintorque.thermal.sphere`: the 2D problem on the sphere, any geometry;
* :mod:`~spintorque.thermal.energy`: the low-damping limit, averaged over precession orbits;

and :mod:`~spintorque.thermal.fits`, Néel–Brown activation fits of measured lifetimes.

One entry point over the three families: :func:`~spintorque.thermal.escape.escape` (``method=``
"auto", "axial", "sphere" or "energy") returns an :class:`EscapeResult` with the regime of the
start well (:mod:`~spintorque.thermal.regime`) and the closed forms inside their domain.
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
from spintorque.thermal.escape import METHODS, escape
from spintorque.thermal.escape_result import ClosedForm, EscapeResult
from spintorque.thermal.problems import PhysicalProblem, ReducedProblem
from spintorque.thermal.regime import ACTIVATED_BARRIER_KT, REGIMES
from spintorque.thermal.torque_shapes import slonczewski_efficiency, transport_efficiency

__all__ = [
    "ACTIVATED_BARRIER_KT",
    "METHODS",
    "REGIMES",
    "AxialModel",
    "ClosedForm",
    "EscapeResult",
    "PhysicalProblem",
    "ReducedProblem",
    "escape",
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
