"""The two descriptions of an escape problem accepted by :func:`spintorque.thermal.escape`.

* :class:`ReducedProblem`: a uniaxial macrospin in reduced units (sigma, h, i; times in tau_N);
* :class:`PhysicalProblem`: a macrospin model and its run conditions in SI (times in s), usually
  read from a file with :meth:`PhysicalProblem.from_file`, with optional current and temperature
  overrides.

Both are frozen and validated on construction: an :class:`~spintorque.errors.InputError` names
the field (as the user wrote it: a dataclass field, or ``conditions.temperature`` of the file).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spintorque.errors import InputError
from spintorque.magnet.model import Conditions, MacrospinModel
from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.axial.model import STEEPNESS_MAX, check_current_defined, check_steepness
from spintorque.thermal.sphere.model import SphereModel, uniaxial_model


@dataclass(frozen=True)
class ReducedProblem:
    """A uniaxial macrospin in reduced units (THERMAL.md §3): easy axis z, hard axis x.

    U(m) = −sigma m_z² + sigma·hard_ratio·m_x² − 2 sigma h m_z, with a damping-like spin torque
    from a polariser tilted by ``polarizer_angle`` from z towards x, of reduced current
    i = I/I_c0(h) (I_c0(h) ∝ 1 + h, so the torque is i(1 + h): i > 0 destabilises m_z = +1 for
    h > −1 and stabilises it for h < −1, where the field alone reverses it; i = 1 is Sun's critical
    current of the collinear case). The magnet starts at m_z = +1; times are in tau_N.

    Parameters
    ----------
    sigma : float
        K V / (k_B T) >= 0.
    h : float
        H / H_K along the easy axis.
    i : float
        I / I_c0(h).
    nu : float
        Spin-injection diffusion (after Wegrowe et al.): D_T → D_T (1 + nu i), 1 + nu i > 0.
    alpha : float or None
        Gilbert damping (> 0). The axial solver does not need it (tau_N absorbs it); the 2D
        solver uses 1 when None; the energy solver (α → 0) uses it only to report the energy lost
        per turn on the separatrix.
    hard_ratio : float
        Easy-plane strength (>= 0 for an easy plane): mu0 Ms²(N_x − N_z)/(2K).
    polarizer_angle : float
        Tilt of the polariser from z towards x [rad].
    """

    sigma: float
    h: float = 0.0
    i: float = 0.0
    nu: float = 0.0
    alpha: float | None = None
    hard_ratio: float = 0.0
    polarizer_angle: float = 0.0

    def __post_init__(self) -> None:
        for name in ("sigma", "h", "i", "nu", "hard_ratio", "polarizer_angle"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not math.isfinite(value):
                raise InputError(name, f"must be a finite number, got {value!r}")
            object.__setattr__(self, name, float(value))
        if self.sigma < 0:
            raise InputError("sigma", f"must be >= 0 (K V / k_B T), got {self.sigma:g}")
        if self.sigma * abs(self.hard_ratio) > STEEPNESS_MAX:  # same bound as the axial terms
            raise InputError("hard_ratio", f"sigma·|hard_ratio| = {self.sigma * abs(self.hard_ratio):.4g} "
                             f"must be <= {STEEPNESS_MAX:g} (sigma = {self.sigma:g}), so |hard_ratio| "
                             f"<= {STEEPNESS_MAX / max(self.sigma, 1e-300):.4g}: steeper landscapes "
                             "exceed double precision")
        if abs(self.polarizer_angle) > 2.0 * math.pi:  # beyond, the angle carries no digits mod 2π
            raise InputError("polarizer_angle", f"must be in [−2π, 2π] rad ([−360, 360] deg), got "
                             f"{self.polarizer_angle:.6g} rad ({math.degrees(self.polarizer_angle):.6g} deg)")
        if self.alpha is not None and not (math.isfinite(self.alpha) and self.alpha > 0):
            raise InputError("alpha", f"must be > 0, got {self.alpha!r}")
        if self.h == -1.0 and self.i != 0.0:
            # i = I/I_c0(h) with I_c0(h) ∝ 1 + h: both models carry the torque as i(1 + h)
            raise InputError("i", f"at h = −1 the field cancels the anisotropy at the pole, so the "
                             "critical current I_c0(h) ∝ (1 + h) is zero and a current ratio "
                             f"i = I/I_c0(h) means nothing (the torque i(1 + h) vanishes for "
                             f"every finite i, got i = {self.i:g}): give i = 0, or h > −1")
        if 1.0 + self.nu * self.i <= 0:
            raise InputError("nu", f"need 1 + nu·i > 0 (a positive diffusion), got "
                             f"1 + {self.nu:g}·{self.i:g} = {1.0 + self.nu * self.i:.4g}")
        check_current_defined(self.sigma, self.i)  # 2D problems too (as h = −1 above)
        check_steepness(self.sigma, self.h, self.i, 1.0 + self.nu * self.i)  # 2D problems too

    @property
    def axial(self) -> bool:
        """Axially symmetric: no easy plane and a collinear polariser."""
        return self.hard_ratio == 0.0 and self.polarizer_angle == 0.0

    def axial_model(self) -> AxialModel:
        """The 1D problem (AxialModel's own errors name sigma, h, i, nu and their ranges)."""
        return AxialModel(self.sigma, self.h, self.i, self.nu)

    def sphere_model(self, alpha: float | None = None) -> SphereModel:
        """The 2D problem with damping ``alpha`` (default: the problem's, else 1)."""
        a = alpha if alpha is not None else (self.alpha if self.alpha is not None else 1.0)
        t = self.polarizer_angle
        return uniaxial_model(self.sigma, alpha=a, easy_axis=(0, 0, 1), hard_axis=(1, 0, 0),
                              hard_ratio=self.hard_ratio, field=(0.0, 0.0, self.h),
                              current_ratio=self.i, polarizer=(math.sin(t), 0.0, math.cos(t)),
                              nu=self.nu)

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (the keys of ``escape --json``)."""
        return {"sigma": self.sigma, "reduced_field": self.h, "current_ratio": self.i,
                "nu": self.nu, "alpha": self.alpha, "hard_ratio": self.hard_ratio,
                "polarizer_angle_deg": math.degrees(self.polarizer_angle)}


@dataclass(frozen=True)
class PhysicalProblem:
    """A macrospin model at constant current and T > 0, in SI (times in s, rates in 1/s).

    Parameters
    ----------
    model : MacrospinModel
    conditions : Conditions
        Constant current density J [A/m²] and temperature T [K] > 0.
    nu : float
        Spin-injection diffusion (axially symmetric magnets only): D_T → D_T (1 + nu i).
    source : str or None
        The file the model came from (named in error messages).
    """

    model: MacrospinModel
    conditions: Conditions
    nu: float = 0.0
    source: str | None = None

    def __post_init__(self) -> None:
        T = self.conditions.temperature
        if not T > 0:
            raise InputError("conditions.temperature", f"escape rates need T > 0 K, got {T:g} K",
                             self.source)
        if callable(self.conditions.current_density):
            raise InputError("conditions.current_density", "escape rates need a constant current "
                             "density (not a pulse)", self.source)
        if not math.isfinite(self.nu):
            raise InputError("nu", f"must be finite, got {self.nu!r}", self.source)

    @classmethod
    def from_file(cls, path: str | Path, current_density: float | None = None,
                  temperature: float | None = None, nu: float = 0.0) -> PhysicalProblem:
        """Read a macrospin TOML file; ``current_density`` [A/m²] and ``temperature`` [K]
        replace the file's ``[conditions]`` when given."""
        from spintorque.magnet.io import load_macrospin

        run = load_macrospin(path)
        conditions = run.conditions
        if current_density is not None:
            conditions = replace(conditions, current_density=current_density)
        if temperature is not None:
            conditions = replace(conditions, temperature=temperature)
        return cls(run.model, conditions, nu, str(path))

    @property
    def current_density(self) -> float:
        """J [A/m²]."""
        return float(self.conditions.current_at(0.0))

    @property
    def temperature(self) -> float:
        """T [K]."""
        return float(self.conditions.temperature)

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (provenance)."""
        return {"source": self.source, "current_density": self.current_density,
                "temperature": self.temperature, "nu": self.nu, **self.model.describe()}
