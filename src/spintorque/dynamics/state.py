r"""Final states of the zero-temperature dynamics from the parallel and antiparallel states.

:func:`final_states` integrates the deterministic LLG(S) equation (:func:`spintorque.dynamics.
integrate`) at one current density J [A/m²] and applied field H [A/m] from two starts and
classifies where each run ends: ``"P"``, ``"AP"``, ``"precession"`` (a steady orbit, with its
frequency [Hz]) or ``"other"``. Swept over J × H (``spintorque sweep``, command ``state``) it
gives the current–field state diagram (``docs/sweep.md``).

**Reference axis u.** The easy axis of the energy (eigenvector of the largest eigenvalue of the
symmetrised Q, as :func:`spintorque.dynamics.switching.switching_axis`), oriented along the fixed
layer p (u·p > 0): p is the ``polarizer`` of the first Slonczewski or field-like term, or, for a
diffusive term, the direction of the stack's first other ferromagnet. Where the energy has no
single easy axis, u = p; where there is no fixed layer, or p ⊥ the easy axis, the easy axis is
oriented along the magnet's initial direction. P is m ∥ +u, AP is m ∥ −u.

**Starts.** m0 = cos δ (±u) + sin δ w, δ the ``tilt`` (default 1°; an exact equilibrium would
never move at T = 0), w the unit vector ⊥ u towards the Cartesian axis least aligned with u.

**Field.** ``field`` = H replaces the magnet's Zeeman terms by one field H u: H > 0 points along
the P direction (it stabilises P, so it raises the current that switches P → AP: for a uniaxial
macrospin with a collinear polarizer Sun's J_c(P→AP) = −J_c0 (1 + h) and J_c(AP→P) = J_c0 (1 − h),
h = H/H_K,eff; :func:`spintorque.analytic.dynamics.critical_current`). ``field=None`` keeps the
file's fields.

**Classification** over the last ``window`` of the run (default a quarter), p(t) = m·u:
the orbit is *static* if every component of m spans less than 1e-4, *steady* if over both
halves of the window its span along each axis of the frame (w, u×w, u) agrees within 1 % of
its largest span (each half must hold a period or more). A non-static steady orbit is
``"precession"``, its frequency the FFT peak of the motion about u
(:func:`spintorque.dynamics.analysis.precession`). Otherwise (static, or still changing) the run
is ``"P"`` if p > c over the whole window, ``"AP"`` if p < −c, else ``"other"`` (a canted static
state or an unsettled transient); c = ``threshold`` (default 0.5). A state is the state reached at
the end of ``duration``: close to a boundary the instability grows as e^{(i−1)t/τ_D}, so a run
just above the critical current needs a few tens of τ_D to leave its well.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from spintorque.errors import InputError
from spintorque.magnet.energy import Energy, Zeeman
from spintorque.magnet.model import Conditions, MacrospinModel

FloatArray = NDArray[np.float64]

STATES = ("P", "AP", "precession", "other")
"""State names; the integer code of a state is its position (``flag_values`` 0 … 3)."""
STARTS = ("P", "AP")
DEFAULT_TILT = math.radians(1.0)
DEFAULT_THRESHOLD = 0.5
DEFAULT_WINDOW = 0.25
STATIC_SPAN = 1e-4
STEADY_RTOL = 1e-2
MAX_SAMPLES = 2_000_001


def fixed_layer_direction(model: MacrospinModel) -> FloatArray | None:
    """p: the first torque term's polarizer, or a diffusive term's first other ferromagnet."""
    for term in model.torques:
        polarizer = getattr(term, "polarizer", None)
        if polarizer is not None:
            return np.asarray(polarizer, dtype=float)
        stack = getattr(term, "stack", None)
        free = getattr(term, "free_layer", None)
        if stack is not None and free is not None:
            for layer in stack.ferromagnets:
                if layer.name != free and layer.magnetization is not None:
                    return np.asarray(layer.magnetization, dtype=float)
    return None


def reference_axis(model: MacrospinModel) -> tuple[FloatArray, str]:
    """The unit axis u (module docstring) and how it was found."""
    Q, _ = model.energy.quadratic_form(model.magnet)
    values, vectors = np.linalg.eigh(0.5 * (Q + Q.T))
    scale = float(np.max(np.abs(values)))
    easy = vectors[:, -1] if scale > 0.0 and values[-1] - values[-2] > 1e-9 * scale else None
    p = fixed_layer_direction(model)
    m0 = np.asarray(model.magnet.initial, dtype=float)
    if easy is None:
        if p is None:
            raise InputError("energy", "no easy axis and no fixed layer: P and AP are undefined")
        return p / np.linalg.norm(p), "fixed layer (no single easy axis)"
    if p is not None and abs(float(easy @ p)) > 1e-9:
        return easy * math.copysign(1.0, float(easy @ p)), "easy axis, towards the fixed layer"
    along = float(easy @ m0)
    if abs(along) < 1e-9:
        raise InputError(
            "magnet.initial",
            "is perpendicular to the easy axis and there is no fixed layer along it: P and AP are undefined",
        )
    return easy * math.copysign(1.0, along), "easy axis, towards the initial direction"


def _frame(u: FloatArray) -> FloatArray:
    """Rows (w, u×w, u): a right-handed frame whose third axis is u."""
    a = np.zeros(3)
    a[int(np.argmin(np.abs(u)))] = 1.0
    w = a - (a @ u) * u
    w = w / np.linalg.norm(w)
    return np.array([w, np.cross(u, w), u])


def with_axial_field(model: MacrospinModel, field: float, u: FloatArray) -> MacrospinModel:
    """The model with its Zeeman terms replaced by one field ``field`` u [A/m]."""
    terms = [term for term in model.energy if not isinstance(term, Zeeman)]
    return replace(model, energy=Energy((*terms, Zeeman(tuple(field * u)))))


@dataclass(frozen=True)
class StateResult:
    """Final states from the P and the AP start (``states``, ``frequencies`` in Hz or None)."""

    current_density: float
    field: float | None
    duration: float
    axis: tuple[float, float, float]
    axis_source: str
    tilt: float
    threshold: float
    window: float
    sample_step: float
    states: tuple[str, str]
    frequencies: tuple[float | None, float | None]
    final_m: tuple[tuple[float, float, float], tuple[float, float, float]]
    torque_tables: tuple[str, ...] = ()

    def to_dataset(self) -> xr.Dataset:
        """``state`` (start) integer codes with ``flag_values``/``flag_meanings``, ``frequency``
        (start) [Hz] (NaN where not precessing), ``final_m`` (start, component)."""
        codes = np.array([STATES.index(s) for s in self.states], dtype=np.int8)
        freq = np.array([math.nan if f is None else f for f in self.frequencies])
        return xr.Dataset(
            {
                "state": ("start", codes, state_attrs("final state")),
                "frequency": (
                    "start",
                    freq,
                    {"units": "Hz", "long_name": "precession frequency (NaN where not precessing)"},
                ),
                "final_m": (
                    ("start", "component"),
                    np.array(self.final_m),
                    {"units": "1", "long_name": "m at the end of the run"},
                ),
            },
            coords={"start": list(STARTS), "component": ["x", "y", "z"]},
            attrs={
                "current_density_A_per_m2": self.current_density,
                "field_A_per_m": "file" if self.field is None else self.field,
                "duration_s": self.duration,
                "axis": list(self.axis),
                "axis_source": self.axis_source,
                "tilt_rad": self.tilt,
                "threshold": self.threshold,
                "window": self.window,
                "sample_step_s": self.sample_step,
                "torque_tables": json.dumps(list(self.torque_tables), allow_nan=False),
            },
        )

    def to_json_dict(self) -> dict[str, Any]:
        """Strict-JSON summary (frequency null with a reason where there is none)."""
        out: dict[str, Any] = {}
        for k, start in enumerate(STARTS):
            f = self.frequencies[k]
            out[f"from_{start.lower()}"] = {
                "state": self.states[k],
                "frequency_hz": f,
                **({} if f is not None else {"frequency_reason": "not a steady precession"}),
                "final_m": list(self.final_m[k]),
            }
        return {
            "current_density": self.current_density,
            "field": self.field,
            "duration": self.duration,
            "axis": list(self.axis),
            "axis_source": self.axis_source,
            "tilt": self.tilt,
            "threshold": self.threshold,
            "window": self.window,
            "sample_step": self.sample_step,
            "torque_tables": list(self.torque_tables),
            **out,
            "units": {
                "current_density": "A/m^2",
                "field": "A/m",
                "duration": "s",
                "tilt": "rad",
                "sample_step": "s",
                "frequency_hz": "Hz",
            },
        }


def state_attrs(long_name: str) -> dict[str, Any]:
    """CF flag attributes of a state-code variable."""
    return {
        "units": "1",
        "long_name": long_name,
        "flag_values": list(range(len(STATES))),
        "flag_meanings": " ".join(STATES),
    }


def final_states(
    model: MacrospinModel,
    current_density: float,
    *,
    duration: float,
    field: float | None = None,
    tilt: float = DEFAULT_TILT,
    threshold: float = DEFAULT_THRESHOLD,
    window: float = DEFAULT_WINDOW,
    sample_step: float | None = None,
    torque: str = "tabulated",
) -> StateResult:
    r"""Final states of the T = 0 dynamics from the P and the AP start (module docstring).

    Parameters
    ----------
    model : MacrospinModel
    current_density : float
        J [A/m²], constant; J > 0: electrons from the fixed layer into the free layer.
    duration : float
        Run length [s] > 0.
    field : float, optional
        Applied field H [A/m] along u, replacing the file's Zeeman terms; None keeps them.
    tilt : float
        Start angle δ [rad] from ±u, in (0, π/4].
    threshold : float
        c in (0, 1) of the P/AP decision p = m·u ≷ ±c.
    window : float
        Fraction in (0, 1) of the run, at its end, that is classified.
    sample_step : float, optional
        Stored-sample step [s]; default 20 samples per period 2π/ω_max
        (:func:`spintorque.dynamics.timestep.precession_sample_step`).
    torque : {"tabulated", "exact"}
        Diffusive torques tabulated versus angle (:mod:`spintorque.dynamics.tabulated`) or exact.

    Returns
    -------
    StateResult
    """
    from spintorque.dynamics.deterministic import integrate
    from spintorque.dynamics.timestep import precession_sample_step

    J = float(current_density)
    if not math.isfinite(J):
        raise InputError("--current", f"must be a finite current density [A/m²], got {J!r}")
    if not (math.isfinite(duration) and duration > 0.0):
        raise InputError("--duration", f"must be a time > 0 s, got {duration!r}")
    if field is not None and not (math.isfinite(field) and abs(field) <= 1e9):
        raise InputError("--field", f"must be a field with |H| <= 1e9 A/m, got {field!r}")
    if not 0.0 < tilt <= math.pi / 4:
        raise InputError("tilt", f"must lie in (0, pi/4] rad, got {tilt!r}")
    if not 0.0 < threshold < 1.0:
        raise InputError("threshold", f"must lie in (0, 1), got {threshold!r}")
    if not 0.0 < window < 1.0:
        raise InputError("window", f"must lie in (0, 1), got {window!r}")
    if torque not in ("tabulated", "exact"):
        raise InputError("torque", f"must be 'tabulated' or 'exact', got {torque!r}")
    u, source = reference_axis(model)
    if field is not None:
        model = with_axial_field(model, float(field), u)
    step = precession_sample_step(model, abs(J)) if sample_step is None else float(sample_step)
    samples = math.ceil(duration / step - 1e-9) + 1
    if samples > MAX_SAMPLES:
        raise InputError(
            "--duration",
            f"{duration:.3g} s sampled every {step:.3g} s needs "
            f"{samples} samples (at most {MAX_SAMPLES - 1}): shorten the run",
        )
    samples = max(samples, 65)
    tables: list[str] = []
    if torque == "tabulated":
        from spintorque.dynamics.tabulated import tabulate_torques

        model, tables = tabulate_torques(model)
    frame = _frame(u)
    starts = [math.cos(tilt) * sign * u + math.sin(tilt) * frame[0] for sign in (1.0, -1.0)]
    ds = integrate(
        model,
        Conditions(J, 0.0),
        duration=duration,
        samples=samples,
        initial=np.array(starts),
        rtol=1e-8,
        atol=1e-10,
    )
    t = ds["time"].values
    keep = t >= t[-1] - window * (t[-1] - t[0])
    states: list[str] = []
    freqs: list[float | None] = []
    for b in range(2):
        state, freq = classify_window(t[keep], ds["m"].values[b, keep], u, threshold)
        states.append(state)
        freqs.append(freq)
    last = ds["m"].values[:, -1]
    return StateResult(
        J,
        None if field is None else float(field),
        float(duration),
        (float(u[0]), float(u[1]), float(u[2])),
        source,
        float(tilt),
        float(threshold),
        float(window),
        float(t[1] - t[0]),
        (states[0], states[1]),
        (freqs[0], freqs[1]),
        (_vector(last[0]), _vector(last[1])),
        tuple(tables),
    )


def classify_window(
    t: FloatArray, m: FloatArray, u: FloatArray, threshold: float = DEFAULT_THRESHOLD
) -> tuple[str, float | None]:
    """State and frequency [Hz] (None unless precessing) of samples m (n, 3) at equally spaced
    times t [s] (the analysed window), u the unit P direction (module docstring)."""
    from spintorque.dynamics.analysis import precession

    state, rotated = _classify(m, _frame(u), threshold)
    if state != "precession":
        return state, None
    local = xr.Dataset({"m": (("trajectory", "time", "component"), rotated[None])}, coords={"time": t})
    return state, abs(precession(local, skip=0.0).frequency)


def _vector(x: FloatArray) -> tuple[float, float, float]:
    return (float(x[0]), float(x[1]), float(x[2]))


def _classify(m: FloatArray, frame: FloatArray, threshold: float) -> tuple[str, FloatArray]:
    """State of one trajectory's window of samples m (n, 3); also m in the frame (u last)."""
    rotated = m @ frame.T
    p = rotated[:, 2]
    static = float(np.max(np.ptp(m, axis=0))) < STATIC_SPAN
    half = p.size // 2
    # the orbit's extent along each axis of the frame, over each half of the window (a mean
    # would depend on where the halves cut the period)
    early, late = np.ptp(rotated[:half], axis=0), np.ptp(rotated[half:], axis=0)
    scale = float(np.max(np.maximum(early, late)))
    steady = float(np.max(np.abs(late - early))) <= STEADY_RTOL * scale
    if not static and steady:
        return "precession", rotated
    if float(np.min(p)) > threshold:
        return "P", rotated
    if float(np.max(p)) < -threshold:
        return "AP", rotated
    return "other", rotated


@dataclass(frozen=True)
class StateInput:
    """A macrospin file read for the ``state`` command: the model, its conditions and the
    optional ``[state]`` table's ``field`` [A/m] along u (None: the file's Zeeman terms)."""

    model: MacrospinModel
    conditions: Conditions
    field: float | None = None


def state_input_from_dict(data: dict[str, Any], base: Any = ".", source: str | None = None) -> StateInput:
    """A :class:`StateInput` from a parsed macrospin file with an optional ``[state]`` table.

    ``[state] field = "2e4 A/m"`` is the applied field along u (H > 0 towards P) that replaces
    the file's Zeeman terms, as ``--field`` does; it is what ``spintorque sweep`` varies
    (``"state.field"``) for a current–field state diagram. Other tables are the macrospin file's.
    """
    from spintorque.limits import parse
    from spintorque.magnet.io import macrospin_from_dict

    rest = {key: value for key, value in data.items() if key != "state"}
    field = None
    if "state" in data:
        table = data["state"]
        try:
            if not isinstance(table, dict):
                raise InputError("state", "must be a table: [state] with field = '... A/m'")
            unknown = sorted(set(table) - {"field"})
            if unknown:
                raise InputError(f"state.{unknown[0]}", "unknown key; allowed: field")
            if "field" in table:
                field = parse(table["field"], "field", "state.field")
        except InputError as error:
            raise (error.in_file(source) if source else error) from None
    run = macrospin_from_dict(rest, base, source)
    return StateInput(run.model, run.conditions, field)
