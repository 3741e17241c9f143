r"""From a macrospin description to the reduced axially symmetric problem, in physical units.

A :class:`~spintorque.magnet.MacrospinModel` is axially symmetric when every energy term and the
polariser lie along z: uniaxial anisotropy along ±z, demagnetising factors with N_x = N_y, a field
along z, and Slonczewski torques with polariser ±z and constant efficiency (Λ = 1, ε' = 0). Then

* H_K,eff = 2K/(mu0 Ms) − Ms (N_z − N_x) and sigma = mu0 Ms H_K,eff V/(2 k_B T);
* h = H_z/H_K,eff along the starting well (the sign of the initial m_z);
* i = J/J_c0 with Sun's J_c0 (:func:`spintorque.analytic.critical_current`) for the Slonczewski
  efficiency at the starting well, the sign chosen so that i > 0 destabilises it (mumax3
  convention: J > 0 pulls m towards the polariser); for Λ ≠ 1 the angular dependence of the
  efficiency enters as :func:`~spintorque.thermal.slonczewski_efficiency`;
* tau_N = (1 + α²) mu0 Ms V/(2 α gamma0 k_B T) converts the reduced times to seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from spintorque.analytic import critical_current, tau_N
from spintorque.constants import k_B, mu0
from spintorque.errors import InputError
from spintorque.magnet.energy import Demag, Uniaxial, Zeeman
from spintorque.magnet.model import Conditions, MacrospinModel
from spintorque.magnet.torque import Slonczewski
from spintorque.thermal.axial.fokker_planck import AxialModel
from spintorque.thermal.torque_shapes import slonczewski_efficiency

_TOL = 1e-12


class NotAxialError(InputError):
    """The macrospin is not axially symmetric about z: use the 2D solver
    (:mod:`spintorque.thermal.sphere.escape2d`)."""


@dataclass(frozen=True)
class AxialReduction:
    """The reduced problem of an axially symmetric macrospin and its time unit.

    Attributes
    ----------
    model : AxialModel
        sigma, h, i (and nu) for the well the magnet starts in, mapped to m_z = +1.
    tau_N : float
        Free-diffusion time [s].
    anisotropy_field : float
        H_K,eff [A/m].
    critical_current_density : float or None
        Sun's J_c0 [A/m²] of the starting well, None without a spin torque.
    """

    model: AxialModel
    tau_N: float
    anisotropy_field: float
    critical_current_density: float | None


def _along_z(v: tuple[float, float, float], tol: float = _TOL) -> bool:
    return abs(v[0]) <= tol and abs(v[1]) <= tol


def axial_reduction(model: MacrospinModel, conditions: Conditions,
                    nu: float = 0.0) -> AxialReduction:
    """Map an axially symmetric macrospin at constant current onto :class:`AxialModel`.

    Raises :class:`NotAxialError` (an :class:`InputError`) naming the term that breaks the
    symmetry or an easy plane (H_K,eff <= 0), and :class:`InputError` for a non-positive
    temperature or a time-dependent current.
    """
    magnet = model.magnet
    Ms, V, alpha = magnet.saturation_magnetization, magnet.volume, magnet.damping
    if conditions.temperature <= 0:
        raise InputError("conditions.temperature", "escape rates need T > 0 K")
    if callable(conditions.current_density):
        raise InputError("conditions.current_density", "escape rates need a constant current")
    K, Nx, Nz, H = 0.0, 0.0, 0.0, 0.0
    for term in model.energy:
        if isinstance(term, Uniaxial) and _along_z(term.axis):
            K += term.K
        elif isinstance(term, Demag) and abs(term.factors[0] - term.factors[1]) <= _TOL:
            Nx, Nz = Nx + term.factors[0], Nz + term.factors[2]
        elif isinstance(term, Zeeman) and _along_z(term.field, _TOL * max(1.0, abs(term.field[2]))):
            H += term.field[2]
        else:
            raise NotAxialError(f"energy.{term.name}", "breaks the axial symmetry needed here (axis, "
                                "field along z; N_x = N_y): use the 2D solver")
    H_K = 2.0 * K / (mu0 * Ms) - Ms * (Nz - Nx)
    if H_K <= 0:
        raise NotAxialError("energy", f"no easy axis along z: H_K,eff = {H_K:.4g} A/m <= 0")
    well = 1.0 if magnet.initial[2] >= 0 else -1.0
    J = float(conditions.current_density)
    i, Jc = 0.0, None
    shape = None
    for torque in model.torques:
        if not (isinstance(torque, Slonczewski) and _along_z(torque.polarizer)
                and torque.epsilon_prime == 0.0):
            raise NotAxialError(f"torque.{torque.name}", "needs a Slonczewski torque with polarizer "
                             "along z and epsilon' = 0 here")
        if Jc is not None:
            raise NotAxialError(f"torque.{torque.name}", "only one spin torque is supported here")
        pointing = math.copysign(1.0, torque.polarizer[2]) * well  # m·p at the well
        L2 = torque.Lambda**2
        epsilon = torque.polarization * L2 / ((L2 + 1.0) + (L2 - 1.0) * pointing)
        Jc = critical_current(alpha, Ms, magnet.thickness, epsilon, well * H, H_K)
        i = -pointing * J / Jc
        if torque.Lambda != 1.0:
            shape = slonczewski_efficiency(torque.Lambda, pointing)
    sigma = mu0 * Ms * H_K * V / (2.0 * k_B * conditions.temperature)
    reduced = AxialModel(sigma, well * H / H_K, i, nu, shape)
    return AxialReduction(reduced, tau_N(Ms, V, alpha, conditions.temperature), H_K, Jc)


def lowest_temperature(model: MacrospinModel) -> float:
    """The lowest temperature [K] at which the reduced barrier sigma = mu0 Ms H_K,eff V/(2 k_B T)
    of an axially symmetric macrospin stays within the 1D solver's range, sigma <= SIGMA_MAX.

    sigma ∝ 1/T exactly, so it is read off the reduction at a temperature high enough for any
    magnet (1e15 K: sigma ~1e-8 for a barrier of 1e5 k_BT at 300 K); raises as :func:`axial_reduction`
    for a non-axial model.
    """
    from spintorque.thermal.axial.model import SIGMA_MAX

    probe = 1e15  # [K]; the current does not enter sigma
    return axial_reduction(model, Conditions(0.0, probe)).model.sigma * probe / SIGMA_MAX
