"""Closed forms shared by tests, docs and users: transport (seed 1), macrospin dynamics and
thermal activation (seed 2). Submodules: ``transport``, ``dynamics``, ``thermal``."""

from spintorque.analytic.dynamics import anisotropy_field, critical_current, switching_time
from spintorque.analytic.thermal import (
    brown_high_barrier_rate,
    effective_barrier,
    effective_field,
    fmr_linewidth,
    free_diffusion_rate,
    low_barrier_rate,
    sun_critical_current,
    tau_N,
    transverse_variance,
)
from spintorque.analytic.transport import (
    Valve,
    contact_spin_accumulation,
    contact_spin_resistance_area,
    coth,
    csch,
)

__all__ = [
    "Valve",
    "anisotropy_field",
    "brown_high_barrier_rate",
    "contact_spin_accumulation",
    "contact_spin_resistance_area",
    "coth",
    "critical_current",
    "csch",
    "effective_barrier",
    "effective_field",
    "fmr_linewidth",
    "free_diffusion_rate",
    "low_barrier_rate",
    "sun_critical_current",
    "switching_time",
    "tau_N",
    "transverse_variance",
]
