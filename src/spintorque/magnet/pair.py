r"""Two free layers of one transport stack, each a macrospin, coupled through the spin current.

Where :class:`~spintorque.magnet.DiffusiveTorque` lets one ferromagnet of a stack move and keeps
the others fixed, :class:`CoupledMacrospins` lets two move. The stack is solved with **both**
directions replaced (batched over many states at once), so each layer feels the torque that the
other's current direction sets up:

.. math:: \mathbf T_k(\mathbf m_1, \mathbf m_2; J) = J\,\mathbf T_k^{(1)}(\mathbf m_1, \mathbf m_2),
          \qquad \boldsymbol\tau_k = \frac{\gamma_e\,\mathbf T_k}{M_{s,k}\,d_k},\quad k = 1, 2,

with :math:`\mathbf T_k^{(1)}` the solver's torque per area [J/m²] at 1 A/m². Any further
ferromagnets of the stack stay at their stack directions. The numerics live in
:mod:`spintorque.dynamics.coupled`; equations, units and signs in ``docs/dynamics.md``
("Two free layers").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.magnet.energy import Energy, EnergyTerm
from spintorque.magnet.macrospin import Macrospin
from spintorque.magnet.model import MacrospinModel
from spintorque.magnet.torque import DiffusiveTorque, Torques, TorqueTerm
from spintorque.stack import Stack, load_stack

FloatArray = NDArray[np.float64]
ROLES = ("first", "second")
"""Field names of the two free layers (used in error messages)."""


@dataclass(frozen=True)
class FreeLayer:
    """One free layer of a :class:`CoupledMacrospins`: which layer, its macrospin, its energy.

    Parameters
    ----------
    layer : str
        Name of a ferromagnetic layer of the stack.
    magnet : Macrospin
        Its Ms [A/m], thickness [m] (must equal the layer's thickness in the stack), area [m²],
        damping and initial direction.
    energy : Energy or EnergyTerm, optional
        Its energy terms (default none).
    torques : Torques or TorqueTerm, optional
        Extra spin-torque terms on this layer besides the stack's diffusive torque, e.g. a
        :class:`~spintorque.magnet.FieldLike` term (default none). A
        :class:`~spintorque.magnet.DiffusiveTorque` is refused: the stack's torque is already in.

    Examples
    --------
    >>> from spintorque.magnet import Uniaxial
    >>> free = FreeLayer("F2", Macrospin(1.4e6, 3e-9, 1e-15, 0.01), Uniaxial(3e5))
    >>> free.model.energy.names
    ('uniaxial',)
    """

    layer: str
    magnet: Macrospin
    energy: Energy = field(default_factory=Energy)
    torques: Torques = field(default_factory=Torques)

    def __post_init__(self) -> None:
        if not isinstance(self.layer, str):
            raise InputError("layer", f"must be a layer name, got {self.layer!r}")
        if not isinstance(self.magnet, Macrospin):
            raise TypeError(f"magnet must be a Macrospin, got {type(self.magnet).__name__}")
        if isinstance(self.energy, EnergyTerm):
            object.__setattr__(self, "energy", Energy((self.energy,)))
        if isinstance(self.torques, TorqueTerm):
            object.__setattr__(self, "torques", Torques((self.torques,)))
        diffusive = self.torques.of_type(DiffusiveTorque)
        if diffusive:
            raise InputError(f"torques.{diffusive[0].name}", "the stack's diffusive torque on this "
                             "layer is already included; give only extra terms (Slonczewski, FieldLike)")

    @cached_property
    def model(self) -> MacrospinModel:
        """The layer as a single :class:`MacrospinModel` (its energy and extra torques only)."""
        return MacrospinModel(self.magnet, self.energy, self.torques)

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (provenance)."""
        return {"layer": self.layer, **self.model.describe()}


@dataclass(frozen=True, repr=False)
class CoupledMacrospins:
    """Two ferromagnetic layers of one stack, both free macrospins (a frozen description).

    Parameters
    ----------
    stack : Stack or path
        The stack, or a TOML stack file to load. Its current density is ignored (the run's J is
        used; the torque is linear in J) and so are the two free layers' directions.
    first, second : FreeLayer
        The two free layers, in any order; results list them in this order.

    Raises
    ------
    InputError
        Naming the field: unknown layer (``second.layer``), a normal metal, the same layer twice,
        or a macrospin thinner or thicker than its layer (``first.magnet.thickness``).

    Examples
    --------
    >>> import spintorque as st
    >>> co = st.Ferromagnet("Co", 7.5e-8, 0.46, 59e-9)
    >>> cu = st.NormalMetal("Cu", 0.6e-8, 500e-9)
    >>> stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
    ...                   st.Layer("F2", co, 3e-9, (0, 0, 1))))
    >>> pair = CoupledMacrospins(stack, FreeLayer("F1", Macrospin(1.4e6, 8e-9, 1e-15, 0.01)),
    ...                          FreeLayer("F2", Macrospin(1.4e6, 3e-9, 1e-15, 0.01, (1, 0, 0))))
    >>> pair.names
    ('F1', 'F2')
    >>> pair.torque_per_area([[0, 0, 1], [1, 0, 0]], 1e11).shape   # J/m²
    (2, 3)
    """

    stack: Stack | str | Path
    first: FreeLayer
    second: FreeLayer

    def __post_init__(self) -> None:
        source = self.stack
        if not isinstance(source, Stack):
            object.__setattr__(self, "stack", load_stack(source))
        object.__setattr__(self, "_source", None if isinstance(source, Stack) else str(source))
        for role, free in zip(ROLES, self.layers, strict=True):
            self._check_layer(role, free)
        if self.first.layer == self.second.layer:
            raise InputError("second.layer", f"{self.second.layer!r} is already the first free "
                             "layer: give two different ferromagnetic layers")
        for role, free in zip(ROLES, self.layers, strict=True):
            self._check_thickness(role, free)

    def _check_layer(self, role: str, free: FreeLayer) -> None:
        if not isinstance(free, FreeLayer):
            raise TypeError(f"{role} must be a FreeLayer, got {type(free).__name__}")
        stack = self.unit_stack
        if free.layer not in stack.names:
            raise InputError(f"{role}.layer", f"no layer named {free.layer!r}; layers: "
                             f"{', '.join(stack.names)}")
        if not stack.layer(free.layer).is_ferromagnet:
            raise InputError(f"{role}.layer", f"{free.layer!r} is not a ferromagnet")

    def _check_thickness(self, role: str, free: FreeLayer) -> None:
        layer = self.unit_stack.layer(free.layer)
        if not math.isclose(layer.thickness, free.magnet.thickness, rel_tol=1e-9):
            raise InputError(f"{role}.magnet.thickness",
                             f"layer {free.layer!r} is {layer.thickness:.6g} m thick but its "
                             f"macrospin is {free.magnet.thickness:.6g} m: they must agree")

    def __repr__(self) -> str:
        source = self.__dict__.get("_source")
        stack = repr(source) if source else "<Stack>"
        return f"CoupledMacrospins(stack={stack}, first={self.first!r}, second={self.second!r})"

    @property
    def layers(self) -> tuple[FreeLayer, FreeLayer]:
        """(first, second)."""
        return (self.first, self.second)

    @property
    def names(self) -> tuple[str, str]:
        """The two free layers' names, in the order of results."""
        return (self.first.layer, self.second.layer)

    @cached_property
    def unit_stack(self) -> Stack:
        """The stack at J = 1 A/m²."""
        assert isinstance(self.stack, Stack)
        return self.stack.with_current_density(1.0)

    @cached_property
    def _slots(self) -> tuple[list[int], list[int], FloatArray]:
        """(positions among the ferromagnets, positions among all layers, stack directions (n_F, 3))."""
        stack = self.unit_stack
        ferro = [layer.name for layer in stack.ferromagnets]
        fixed = np.array([layer.magnetization for layer in stack.ferromagnets], dtype=float)
        return [ferro.index(n) for n in self.names], [stack.index(n) for n in self.names], fixed

    def initial(self) -> FloatArray:
        """The two macrospins' initial directions, shape (2, 3)."""
        return np.array([free.magnet.initial for free in self.layers])

    def torque_per_area(self, m: ArrayLike, J: float) -> FloatArray:
        """Torques per area T_1, T_2 [J/m²] on the two layers at current density J [A/m²].

        Parameters
        ----------
        m : array_like, shape (..., 2, 3)
            Directions of the first and second free layer (normalised by the solver).
        J : float
            Current density [A/m²], > 0 when electrons flow from the stack's first layer to its last.

        Returns
        -------
        ndarray, shape of m
            One transport solve per state, all states in one batched call.
        """
        from spintorque.transport import solve

        m = np.asarray(m, dtype=float)
        if m.ndim < 2 or m.shape[-2:] != (2, 3):
            raise InputError("m", f"must have shape (..., 2, 3), got {m.shape}")
        ferro, layers, fixed = self._slots
        flat = m.reshape(-1, 2, 3)
        mags = np.broadcast_to(fixed, (flat.shape[0], *fixed.shape)).copy()
        mags[:, ferro, :] = flat
        torques = solve(self.unit_stack, mags).torques[:, layers, :]
        return np.asarray(J * torques.reshape(m.shape))

    def describe(self) -> dict[str, Any]:
        """JSON-ready description (provenance): the stack in SI and both free layers."""
        assert isinstance(self.stack, Stack)
        source = self.__dict__.get("_source")
        return {"stack": self.stack.describe(), "stack_file": source,
                "free_layers": [free.describe() for free in self.layers]}
