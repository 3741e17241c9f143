"""The commands a sweep can run at each point, registered in :data:`COMMANDS`.

A :class:`Command` reads its input from the base file's parsed data (``load``), says which
result variables it produces for that input (``layout``: extra dimensions, units) and computes
them for one point (``compute``). Adding a command to sweeps is one :class:`Command` and one
entry in :data:`COMMANDS`; every other part of the sweep (store, runner, CLI) is generic.

Each ``compute`` calls only the public API of its package and returns plain numbers or arrays
in SI units. A value that does not exist at a point (an efficiency at a collinear
configuration without a limit, an escape time beyond double range) is NaN in the store, as in
``TransportResult.to_dataset``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

COMPONENTS = ("x", "y", "z")


@dataclass(frozen=True)
class Output:
    """One result variable: its dimensions beyond the sweep axes, unit and description."""

    dims: tuple[str, ...] = ()
    units: str = "1"
    long_name: str = ""
    dtype: str = "float64"


Layout = tuple[dict[str, Output], dict[str, list[str]]]
"""Result variables by name, and the labels of their extra dimensions (e.g. ``layer``)."""


@dataclass(frozen=True)
class Command:
    """A sweepable command (see the module docstring).

    Attributes
    ----------
    name : str
        As in the sweep file's ``command`` and on the command line.
    load : callable
        ``load(data, base_path)``: the command's input from the parsed base file; bad input is
        an :class:`~spintorque.errors.InputError`.
    layout : callable
        ``layout(input)``: the :data:`Layout` of the results for that input.
    compute : callable
        ``compute(input, seed)``: ``{name: value}`` for one point; ``seed`` is the point's
        :class:`numpy.random.SeedSequence` for a stochastic command, else None.
    stochastic : bool
        Whether ``compute`` uses its seed.
    """

    name: str
    load: Callable[[dict[str, Any], Path], Any]
    layout: Callable[[Any], Layout]
    compute: Callable[[Any, np.random.SeedSequence | None], Mapping[str, Any]]
    stochastic: bool = False
    base_kind: str = field(default="stack file")


# --- transport: solve, efficiency ---------------------------------------------------------------
def _load_stack(data: dict[str, Any], base: Path) -> Any:
    from spintorque.stack import stack_from_dict

    return stack_from_dict(data)


def _solve_layout(stack: Any) -> Layout:
    outputs = {
        "resistance_area": Output((), "ohm*m^2", "resistance-area product"),
        "spin_resistance_area": Output((), "ohm*m^2", "spin-coupled resistance-area product"),
        "torque": Output(("layer", "component"), "J/m^2", "spin-transfer torque"),
    }
    if len(stack.ferromagnets) == 2:
        outputs["g1"] = Output((), "1", "efficiency g1 (NaN where it does not exist)")
        outputs["g2"] = Output((), "1", "efficiency g2 (NaN where it does not exist)")
    return outputs, {"layer": list(stack.names), "component": list(COMPONENTS)}


def _solve(stack: Any, seed: np.random.SeedSequence | None) -> dict[str, Any]:
    from spintorque.transport import solve

    result = solve(stack)
    out: dict[str, Any] = {
        "resistance_area": float(result.resistance_area),
        "spin_resistance_area": float(result.spin_resistance_area),
        "torque": result.torques,
    }
    if len(stack.ferromagnets) == 2:
        out.update({key: float(value) for key, value in result.efficiency.items()})
    return out


def _efficiency_layout(stack: Any) -> Layout:
    from spintorque.errors import InputError

    if len(stack.ferromagnets) != 2:
        raise InputError(
            "command",
            f"'efficiency' needs exactly two ferromagnetic layers, the "
            f"base stack has {len(stack.ferromagnets)}",
        )
    return {
        "g1": Output((), "1", "efficiency g1 (NaN where it does not exist)"),
        "g2": Output((), "1", "efficiency g2 (NaN where it does not exist)"),
        "angle_between": Output((), "rad", "angle between m1 and m2"),
    }, {}


def _efficiency(stack: Any, seed: np.random.SeedSequence | None) -> dict[str, Any]:
    from spintorque.transport import solve

    result = solve(stack)
    m1, m2 = (np.asarray(layer.magnetization) for layer in stack.ferromagnets)
    angle = math.atan2(float(np.linalg.norm(np.cross(m1, m2))), float(np.dot(m1, m2)))
    return {**{key: float(value) for key, value in result.efficiency.items()}, "angle_between": angle}


# --- thermal: escape -----------------------------------------------------------------------------
def _load_macrospin(data: dict[str, Any], base: Path) -> Any:
    from spintorque.magnet.io import macrospin_from_dict

    return macrospin_from_dict(data, base.parent)


def _escape_layout(run: Any) -> Layout:
    return {
        "lambda1": Output((), "1/s", "escape rate λ1 (NaN where it has no value)"),
        "integral_relaxation_time": Output((), "s", "integral relaxation time"),
        "mfpt": Output((), "s", "mean first-passage time to the barrier"),
        "effective_barrier": Output((), "k_B T", "effective barrier ΔE_eff / k_B T"),
        "converged": Output((), "1", "every error estimate below the target", "bool"),
    }, {}


def _escape(run: Any, seed: np.random.SeedSequence | None) -> dict[str, Any]:
    from spintorque.thermal import escape

    result = escape(run)

    def number(value: float | None) -> float:
        return math.nan if value is None else float(value)

    return {
        "lambda1": number(result.lambda1),
        "integral_relaxation_time": number(result.integral_relaxation_time),
        "mfpt": number(result.mfpt),
        "effective_barrier": number(result.effective_barrier_kT),
        "converged": bool(result.converged),
    }


SOLVE = Command("solve", _load_stack, _solve_layout, _solve)
EFFICIENCY = Command("efficiency", _load_stack, _efficiency_layout, _efficiency)
ESCAPE = Command("escape", _load_macrospin, _escape_layout, _escape, base_kind="macrospin file")

COMMANDS: dict[str, Command] = {command.name: command for command in (SOLVE, EFFICIENCY, ESCAPE)}
"""Sweepable commands by name; adding a command is one entry here."""
