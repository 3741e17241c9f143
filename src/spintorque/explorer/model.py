"""What the explorer page shows for one stack, computed by the public API (no web code here).

:func:`view_of` is the page's update function: every number the page plots comes from it, so a
test can compare it with ``spintorque solve`` / ``efficiency`` / ``explain`` for the same stack.
The explorer works on the transparent stack (the seed paper's model, as ``spintorque hodograph``
and ``spintorque explain`` do).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spintorque.analogy import Hodograph, RingForces, explain, hodograph, ring_forces
from spintorque.errors import InputError
from spintorque.materials import Ferromagnet, Material, load_database, lookup
from spintorque.stack import Layer, Lead, Stack, spherical
from spintorque.transport import efficiency, solve
from spintorque.transport.magnetoresistance import resistance_area_at

FloatArray = NDArray[np.float64]

ANGLES = np.radians(np.linspace(0.0, 180.0, 91))
"""Polar angles of the second ferromagnet at which g1, g2 and RA are drawn [rad] (2° steps)."""


@dataclass(frozen=True)
class View:
    """Everything the page draws for one stack (SI units).

    Attributes
    ----------
    stack : the transparent stack shown.
    torques : dict ferromagnet name -> spin-transfer torque per area (3-vector) [J/m²], as
        ``TransportResult.torque`` of :func:`spintorque.solve`.
    hodo, rings : the folded hodograph and ring forces (:mod:`spintorque.analogy`).
    theta : polar angles of the rotated (second) ferromagnet [rad]; ``rotate`` its name.
    g1, g2 : efficiencies at ``theta`` (NaN where undefined, with ``undefined`` saying why).
    resistance_area : RA(θ) [Ω·m²] at ``theta``.
    explanation : the ``spintorque explain`` text, or the reason there is none.
    toml : the stack as a stack file.
    """

    stack: Stack
    torques: dict[str, FloatArray]
    hodo: Hodograph
    rings: list[RingForces]
    rotate: str | None
    theta: FloatArray
    g1: FloatArray
    g2: FloatArray
    undefined: dict[str, str]
    resistance_area: FloatArray
    explanation: str
    toml: str


def view_of(stack: Stack) -> View:
    """Solve ``stack`` (made transparent) and gather what the page shows.

    Two-ferromagnet stacks get g1(θ), g2(θ), RA(θ) and the ``explain`` text as the second
    ferromagnet's polar angle θ turns 0…180° (azimuth kept, the others fixed); other stacks get
    empty curves and the reason in ``explanation``.
    """
    stack = stack.transparent()
    result = solve(stack)
    torques = {layer.name: np.asarray(result.torque(layer.name)) for layer in stack.ferromagnets}
    ferro = [layer.name for layer in stack.ferromagnets]
    empty = np.empty(0)
    rotate, g1, g2, ra, theta = None, empty, empty, empty, empty
    undefined: dict[str, str] = {}
    if len(ferro) == 2:
        rotate, theta = ferro[1], ANGLES
        ds = efficiency(stack, rotate, theta)
        g1, g2 = ds.g1.values, ds.g2.values
        undefined = {
            key: str(ds.attrs[f"{key}_undefined"]) for key in ("g1", "g2") if f"{key}_undefined" in ds.attrs
        }
        ra = resistance_area_at(stack, rotate, theta)
    try:
        text = explain(stack).explanation
    except InputError as error:
        text = f"no explanation: {error}"
    return View(
        stack,
        torques,
        hodograph(result, points_per_layer=40),
        ring_forces(result),
        rotate,
        theta,
        g1,
        g2,
        undefined,
        ra,
        text,
        stack_toml(stack),
    )


def default_stack() -> Stack:
    """The page shown without a stack file: a five-layer Cu/Co/Cu/Py/Cu valve between spin sinks,
    Py at 30° from Co, 1e11 A/m² (database materials)."""
    co, cu, py = lookup("Co"), lookup("Cu"), lookup("Py")
    return Stack(
        (
            Layer("N0", cu, 5e-9),
            Layer("F1", co, 8e-9, (0.0, 0.0, 1.0)),
            Layer("N", cu, 10e-9),
            Layer("F2", py, 3e-9, spherical(np.radians(30.0), 0.0)),
            Layer("N3", cu, 5e-9),
        ),
        current_density=1e11,
    )


# --- export --------------------------------------------------------------------------------------
def _quantity(value: float, unit: str) -> str:
    """A quantity string with the shortest repr of the SI value, so it reads back exactly."""
    return f'"{value!r} {unit}"'


def _material_table(material: Material) -> list[str]:
    lines = [f"[materials.{material.name}]"]
    if isinstance(material, Ferromagnet):
        lines += [
            'type = "ferromagnet"',
            f"rho_star = {_quantity(material.rho_star, 'ohm*m')}",
            f"spin_asymmetry = {material.spin_asymmetry!r}",
        ]
    else:
        lines += ['type = "normal"', f"resistivity = {_quantity(material.resistivity, 'ohm*m')}"]
    lines.append(f"spin_diffusion_length = {_quantity(material.spin_diffusion_length, 'm')}")
    return lines


def _direction(m: tuple[float, float, float]) -> str:
    return "[" + ", ".join(repr(c) for c in m) + "]"


def _in_database(material: Material) -> bool:
    return load_database().get(material.name) == material


def _lead(lead: Lead) -> str:
    if lead.material is None:
        return '"sink"'
    if lead.magnetization is None:
        return f'"{lead.material.name}"'
    return f'{{ material = "{lead.material.name}", magnetization = {_direction(lead.magnetization)} }}'


def stack_toml(stack: Stack) -> str:
    """The stack as a stack file that :func:`spintorque.stack.load_stack` reads back.

    A database material is named; any other is written as a ``[materials.NAME]`` table. Values are
    the shortest reprs of the SI floats, so the file reads back to an equal stack. Interfaces are
    not written: the explorer shows the transparent stack.
    """
    lines = [
        "# written by spintorque explore (the transparent stack shown on the page)",
        "",
        "[current]",
        f"density = {_quantity(stack.current_density, 'A/m^2')}",
        "",
        "[leads]",
        f"left = {_lead(stack.left)}",
        f"right = {_lead(stack.right)}",
    ]
    materials: dict[str, Material] = {}
    for m in (stack.left.material, stack.right.material, *(ly.material for ly in stack.layers)):
        if m is not None and not _in_database(m):
            materials.setdefault(m.name, m)
    for material in materials.values():
        lines += ["", *_material_table(material)]
    for layer in stack.layers:
        lines += [
            "",
            "[[layers]]",
            f'name = "{layer.name}"',
            f'material = "{layer.material.name}"',
            f"thickness = {_quantity(layer.thickness, 'm')}",
        ]
        if layer.magnetization is not None:
            lines.append(f"magnetization = {_direction(layer.magnetization)}")
    return "\n".join(lines) + "\n"


def json_ready(view: View) -> dict[str, Any]:
    """The numbers of ``view`` as strict JSON (null where a value does not exist)."""

    def finite(a: FloatArray) -> list[float | None]:
        return [float(v) if np.isfinite(v) else None for v in np.ravel(a)]

    return {
        "rotated": view.rotate,
        "angles_deg": np.degrees(view.theta).tolist(),
        "g1": finite(view.g1),
        "g2": finite(view.g2),
        "undefined": view.undefined,
        "resistance_area_ohm_m2": finite(view.resistance_area),
        "torques": {k: finite(v) for k, v in view.torques.items()},
        "explanation": view.explanation,
    }


__all__ = ["ANGLES", "View", "default_stack", "json_ready", "stack_toml", "view_of"]
