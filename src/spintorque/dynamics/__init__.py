"""Macrospin dynamics: the explicit LLG(S) equation, deterministic and stochastic integrators.

* :func:`llg_rate` — dm/dt of the explicit Landau–Lifshitz–Gilbert–Slonczewski equation.
* :func:`integrate` — deterministic adaptive integration (scipy ``solve_ivp``) with switching events.
* :func:`run_stochastic` — Heun/Stratonovich stochastic LLG for an ensemble (compiled, parallel).
* :func:`run_switching` — an ensemble judged by geometry: settled beyond the separatrix along the
  easy axis (:mod:`spintorque.dynamics.switching`), with its statistics and seed.
* :func:`thermal_start` — exact draws from the zero-current Boltzmann state of the start well
  (m·u > 0), the start of the write-error rate and of ``run_switching`` at T > 0
  (:mod:`spintorque.dynamics.start`).
* :func:`time_step_warning`, :func:`suggested_time_step` — is dt fine enough for the fields
  (:mod:`spintorque.dynamics.timestep`)?
* :func:`integrate_coupled`, :func:`run_coupled_stochastic` — two free layers of one stack moving
  together, each feeling the other's spin current (:class:`spintorque.magnet.CoupledMacrospins`).
* :mod:`spintorque.analytic.dynamics` — closed forms used by the tests and the docs.

Equations, units and signs: ``docs/dynamics.md``.
"""

from spintorque.dynamics.coupled import (
    coupled_heun_step,
    coupled_rate,
    integrate_coupled,
    relative_angle,
    run_coupled_stochastic,
)
from spintorque.dynamics.deterministic import integrate
from spintorque.dynamics.llg import llg_rate
from spintorque.dynamics.start import ThermalStart, thermal_start
from spintorque.dynamics.state import StateResult, final_states
from spintorque.dynamics.stochastic import (
    heun_step,
    run_stochastic,
    seed_sequence,
    seed_states,
    thermal_sigma,
)
from spintorque.dynamics.switching import (
    SwitchingCriterion,
    SwitchingResult,
    run_switching,
    switching_axis,
)
from spintorque.dynamics.timestep import suggested_time_step, time_step_warning

__all__ = [
    "StateResult",
    "SwitchingCriterion",
    "SwitchingResult",
    "ThermalStart",
    "coupled_heun_step",
    "coupled_rate",
    "final_states",
    "heun_step",
    "integrate",
    "integrate_coupled",
    "llg_rate",
    "relative_angle",
    "run_coupled_stochastic",
    "run_stochastic",
    "run_switching",
    "seed_sequence",
    "seed_states",
    "suggested_time_step",
    "switching_axis",
    "thermal_sigma",
    "thermal_start",
    "time_step_warning",
]
