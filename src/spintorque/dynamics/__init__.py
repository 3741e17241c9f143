"""Macrospin dynamics: the explicit LLG(S) equation, deterministic and stochastic integrators.

* :func:`llg_rate` — dm/dt of the explicit Landau–Lifshitz–Gilbert–Slonczewski equation.
* :func:`integrate` — deterministic adaptive integration (scipy ``solve_ivp``) with switching events.
* :func:`run_stochastic` — Heun/Stratonovich stochastic LLG for an ensemble (compiled, parallel).
* :mod:`spintorque.analytic.dynamics` — closed forms used by the tests and the docs.

Equations, units and signs: ``docs/dynamics.md``.
"""

from spintorque.dynamics.deterministic import integrate
from spintorque.dynamics.llg import llg_rate
from spintorque.dynamics.stochastic import (
    heun_step,
    run_stochastic,
    seed_sequence,
    seed_states,
    thermal_sigma,
)

__all__ = [
    "heun_step",
    "integrate",
    "llg_rate",
    "run_stochastic",
    "seed_sequence",
    "seed_states",
    "thermal_sigma",
]
