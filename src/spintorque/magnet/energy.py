r"""Energy terms of a macrospin, joined with ``+`` into an :class:`Energy`.

Each term gives its energy density w(m) [J/m³] and its effective field

.. math:: \mathbf H_{eff}(\mathbf m) = -\frac{1}{\mu_0 M_s}\,\frac{\partial w}{\partial \mathbf m}
          \quad [\mathrm{A/m}],

both vectorised over m of shape (..., 3). All three built-in terms are at most quadratic in m,
so each also gives the pair (Q, h) with :math:`\mathbf H_{eff} = Q\mathbf m + \mathbf h`; the
compiled stochastic kernel uses only that pair (``spintorque.dynamics.kernel``).

Examples
--------
>>> energy = Uniaxial(5e5, (0, 0, 1)) + Demag((0, 0, 1)) + Zeeman((0, 0, 1e4))
>>> energy.names
('uniaxial', 'demag', 'zeeman')
"""

from __future__ import annotations

import dataclasses
import math
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.constants import mu0
from spintorque.errors import InputError
from spintorque.magnet.terms import Term, TermSum
from spintorque.stack import Vector, unit_vector

if TYPE_CHECKING:
    from spintorque.magnet.macrospin import Macrospin

FloatArray = NDArray[np.float64]


def vector3(value: ArrayLike, field: str) -> Vector:
    """Three finite floats (not normalised), else an :class:`InputError` naming ``field``."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(field, f"must be 3 numbers, got {value!r}") from None
    if array.shape != (3,) or not np.all(np.isfinite(array)):
        raise InputError(field, f"must be 3 finite numbers, got {value!r}")
    return (float(array[0]), float(array[1]), float(array[2]))


class EnergyTerm(Term):
    """An energy term: ``quadratic_form`` defines it; field and energy density follow."""

    @abstractmethod
    def quadratic_form(self, magnet: Macrospin) -> tuple[FloatArray, FloatArray]:
        """(Q [1], h [A/m]) such that H_eff(m) = Q m + h."""

    def effective_field(self, m: ArrayLike, magnet: Macrospin) -> FloatArray:
        """Effective field H_eff(m) [A/m], shape of m (..., 3)."""
        Q, h = self.quadratic_form(magnet)
        return np.asarray(np.asarray(m, dtype=float) @ Q.T + h)

    def energy_density(self, m: ArrayLike, magnet: Macrospin) -> FloatArray:
        r"""w(m) [J/m³] = −(μ0 Ms/2) m·Q m − μ0 Ms h·m, shape m.shape[:-1]."""
        m = np.asarray(m, dtype=float)
        Q, h = self.quadratic_form(magnet)
        Ms = magnet.saturation_magnetization
        return np.asarray(-mu0 * Ms * (0.5 * np.einsum("...i,ij,...j->...", m, Q, m) + m @ h))


@dataclass(frozen=True)
class Uniaxial(EnergyTerm):
    r"""Uniaxial anisotropy, :math:`w = -K (\mathbf m\cdot\mathbf u)^2`.

    :math:`\mathbf H = H_K (\mathbf m\cdot\mathbf u)\,\mathbf u` with :math:`H_K = 2K/(\mu_0 M_s)`.

    Parameters
    ----------
    K : float
        Anisotropy constant [J/m³]; > 0 makes u an easy axis, < 0 a hard axis.
    axis : 3 floats
        The axis u (normalised).
    name : str
        Term name (default ``"uniaxial"``).
    """

    K: float
    axis: Vector = (0.0, 0.0, 1.0)
    name: str = field(default="uniaxial", kw_only=True)

    def __post_init__(self) -> None:
        if not math.isfinite(self.K):
            raise InputError(f"energy.{self.name}.K", f"must be finite [J/m³], got {self.K!r}")
        object.__setattr__(self, "K", float(self.K))
        object.__setattr__(self, "axis", unit_vector(self.axis, f"energy.{self.name}.axis"))

    def quadratic_form(self, magnet: Macrospin) -> tuple[FloatArray, FloatArray]:
        u = np.array(self.axis)
        H_K = 2.0 * self.K / (mu0 * magnet.saturation_magnetization)
        return H_K * np.outer(u, u), np.zeros(3)


@dataclass(frozen=True)
class Demag(EnergyTerm):
    r"""Shape anisotropy with demagnetizing factors, :math:`w = (\mu_0 M_s^2/2)\sum_i N_i m_i^2`.

    :math:`H_i = -N_i M_s m_i`. A thin film normal to z has factors (0, 0, 1).

    Parameters
    ----------
    factors : 3 floats
        (Nx, Ny, Nz), each in [0, 1]; their sum should be 1 (not enforced: only differences
        matter for a macrospin of fixed length).
    name : str
        Term name (default ``"demag"``).
    """

    factors: Vector = (0.0, 0.0, 1.0)
    name: str = field(default="demag", kw_only=True)

    def __post_init__(self) -> None:
        factors = vector3(self.factors, f"energy.{self.name}.factors")
        if any(not 0.0 <= n <= 1.0 for n in factors):
            raise InputError(f"energy.{self.name}.factors", f"each must be in [0, 1], got {factors}")
        object.__setattr__(self, "factors", factors)

    def quadratic_form(self, magnet: Macrospin) -> tuple[FloatArray, FloatArray]:
        return -magnet.saturation_magnetization * np.diag(self.factors), np.zeros(3)


@dataclass(frozen=True)
class Zeeman(EnergyTerm):
    r"""Applied field, :math:`w = -\mu_0 M_s \mathbf H\cdot\mathbf m`; :math:`\mathbf H_{eff} = \mathbf H`.

    Parameters
    ----------
    field : 3 floats
        H [A/m].
    name : str
        Term name (default ``"zeeman"``).
    """

    field: Vector
    name: str = dataclasses.field(default="zeeman", kw_only=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", vector3(self.field, f"energy.{self.name}.field"))

    def quadratic_form(self, magnet: Macrospin) -> tuple[FloatArray, FloatArray]:
        return np.zeros((3, 3)), np.array(self.field)


class Energy(TermSum[EnergyTerm]):
    """A sum of energy terms; its field and energy density are the sums of the terms'."""

    kind = EnergyTerm

    def quadratic_form(self, magnet: Macrospin) -> tuple[FloatArray, FloatArray]:
        """(Q, h) of the whole sum: H_eff = Q m + h."""
        Q, h = np.zeros((3, 3)), np.zeros(3)
        for term in self:
            q_i, h_i = term.quadratic_form(magnet)
            Q, h = Q + q_i, h + h_i
        return Q, h

    def effective_field(self, m: ArrayLike, magnet: Macrospin) -> FloatArray:
        """Total effective field [A/m], shape of m (..., 3)."""
        Q, h = self.quadratic_form(magnet)
        return np.asarray(np.asarray(m, dtype=float) @ Q.T + h)

    def energy_density(self, m: ArrayLike, magnet: Macrospin) -> FloatArray:
        """Total energy density [J/m³], shape m.shape[:-1]."""
        m = np.asarray(m, dtype=float)
        return np.asarray(sum((term.energy_density(m, magnet) for term in self),
                              np.zeros(m.shape[:-1])))


EnergyTerm.container = Energy
