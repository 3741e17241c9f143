"""What the explorer page shows for one stack, computed by the public API (no web code here).

:func:`view_of` is the page's update function: every number the page plots comes from it, so a
test can compare it with ``spintorque solve`` / ``efficiency`` / ``magnetoresistance`` /
``explain`` for the same stack.

Finite interfaces (:mod:`spintorque.interfaces`: the stack file's ``[[interfaces]]`` and, on
request, the database's) enter the torques, g1(θ), g2(θ) and RA(θ), as in ``spintorque solve``,
``efficiency`` and ``magnetoresistance``. The mechanical analogy (hodographs, rings, forces) and
the ``explain`` text are the seed paper's transparent model, drawn for ``stack.transparent()``, as
``spintorque hodograph`` and ``spintorque explain`` do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from spintorque.analogy import Hodograph, RingForces, explain, hodograph, ring_forces
from spintorque.errors import InputError
from spintorque.interfaces import LEFT_LEAD, RIGHT_LEAD, Interface, interfaces_from_data
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
    stack : the stack shown, with its finite interfaces (``stack.interface_elements``).
    torques : dict ferromagnet name -> spin-transfer torque per area (3-vector) [J/m²], as
        ``TransportResult.torque`` of :func:`spintorque.solve` (interfaces included).
    hodo, rings : the folded hodograph and ring forces (:mod:`spintorque.analogy`) of the
        transparent stack (the seed's model).
    theta : polar angles of the rotated (second) ferromagnet [rad]; ``rotate`` its name.
    g1, g2 : efficiencies at ``theta`` (NaN where undefined, with ``undefined`` saying why).
    resistance_area : RA(θ) [Ω·m²] at ``theta`` (interfaces included).
    explanation : the ``spintorque explain`` text of the transparent stack, or the reason there
        is none ("" when :func:`view_of` was asked not to compute it).
    toml : the stack as a stack file (:func:`stack_toml`).
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


def view_of(stack: Stack, *, database_interfaces: bool = False, explanation: bool = True) -> View:
    """Solve ``stack`` and gather what the page shows.

    Two-ferromagnet stacks get g1(θ), g2(θ), RA(θ) and the ``explain`` text as the second
    ferromagnet's polar angle θ turns 0…180° (azimuth kept, the others fixed); other stacks get
    empty curves and the reason in ``explanation``. ``database_interfaces`` is only passed on to
    :func:`stack_toml` (the stack already holds its interfaces); ``explanation=False`` leaves
    the text empty (the page computes it after drawing the rest: :func:`explanation_of`).
    """
    result = solve(stack)
    seed = result if not stack.interface_elements else solve(stack.transparent())
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
    return View(
        stack,
        torques,
        hodograph(seed, points_per_layer=40),
        ring_forces(seed),
        rotate,
        theta,
        g1,
        g2,
        undefined,
        ra,
        explanation_of(stack) if explanation else "",
        stack_toml(stack, database_interfaces=database_interfaces),
    )


def explanation_of(stack: Stack) -> str:
    """The ``spintorque explain`` text of the transparent ``stack``, or why there is none."""
    try:
        return explain(stack.transparent()).explanation
    except InputError as error:
        return f"no explanation: {error}"


# --- interfaces ----------------------------------------------------------------------------------
DATABASE_LABEL = "database.interfaces."
"""How :func:`spintorque.interfaces.interfaces_from_data` labels an interface of the database."""


def from_database(interface: Interface) -> bool:
    """Whether ``interface`` came from the shipped database (``database_interfaces = true``)."""
    return interface.label.startswith(DATABASE_LABEL)


def database_interfaces(stack: Stack) -> tuple[Interface, ...]:
    """The database interfaces of every adjacent pair of ``stack`` it does not describe itself.

    The pairs and values ``database_interfaces = true`` gives a stack file with the same layers,
    leads and ``[[interfaces]]`` (:func:`spintorque.interfaces.interfaces_from_data`).
    """
    members = [LEFT_LEAD, *stack.names, RIGHT_LEAD]
    materials = [
        None if stack.left.material is None else stack.left.material.name,
        *(layer.material.name for layer in stack.layers),
        None if stack.right.material is None else stack.right.material.name,
    ]
    given = {frozenset(i.between) for i in stack.interface_elements}
    return tuple(
        i for i in interfaces_from_data([], True, members, materials) if frozenset(i.between) not in given
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


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string: backslash, quote and control characters escaped
    (TOML 1.0 forbids U+0000-U+001F and U+007F unescaped; JSON lets U+007F through)."""
    out = []
    for c in text:
        if c in '"\\':
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def _interface_table(interface: Interface) -> list[str]:
    lines = [
        "[[interfaces]]",
        f"between = [{_toml_string(interface.between[0])}, {_toml_string(interface.between[1])}]",
        f"resistance_area = {_quantity(interface.resistance_area, 'ohm*m^2')}",
        f"spin_asymmetry = {interface.spin_asymmetry!r}",
        f"spin_memory_loss = {interface.spin_memory_loss!r}",
    ]
    g = interface.mixing_conductance
    if g is not None:
        lines.append(f"mixing_conductance = [{_quantity(g.real, 'S/m^2')}, {_quantity(g.imag, 'S/m^2')}]")
    lines += [f"status = {_toml_string(interface.status)}", f"source = {_toml_string(interface.source)}"]
    return lines


def stack_toml(stack: Stack, *, database_interfaces: bool = False) -> str:
    """The stack as a stack file that :func:`spintorque.stack.load_stack` reads back.

    A database material is named; any other is written as a ``[materials.NAME]`` table. Values are
    the shortest reprs of the SI floats, so the file reads back to an equal stack. The stack's
    interfaces are written as ``[[interfaces]]`` tables, except, with ``database_interfaces``,
    those that came from the database (:func:`from_database`): the file then says
    ``database_interfaces = true``, which gives them back on reading.
    """
    written = [i for i in stack.interface_elements if not (database_interfaces and from_database(i))]
    lines = ["# written by spintorque explore (the stack shown on the page)", ""]
    if database_interfaces:
        lines += ["database_interfaces = true", ""]
    lines += [
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
    for interface in written:
        lines += ["", *_interface_table(interface)]
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
        "interfaces": [i.describe() for i in view.stack.interface_elements],
        "explanation": view.explanation,
    }


__all__ = [
    "ANGLES",
    "View",
    "database_interfaces",
    "default_stack",
    "explanation_of",
    "from_database",
    "json_ready",
    "stack_toml",
    "view_of",
]
