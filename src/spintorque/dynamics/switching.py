r"""Switching judged by geometry: which side of the separatrix a trajectory has settled on.

The criterion (``docs/dynamics.md``, THERMAL.md §6)
-------------------------------------------------
*Axis.* The switching axis **u** is the easy axis of the energy terms — the eigenvector of the
largest eigenvalue of the (symmetrised) quadratic form Q of H_eff = Q m + h, i.e. the direction
of lowest anisotropy + demag energy (for an in-plane film the in-plane easy axis, not the normal)
— oriented so that the initial direction has m0·u > 0. Where there is no unique easy axis (the two
largest eigenvalues equal within 1e-9 of the largest |eigenvalue|: a pure Zeeman field, an
isotropic or easy-plane magnet) the initial direction is used. A start with m0·u = 0 lies on the
separatrix and is refused.

*Start.* By default (``start="thermal"`` at T > 0) trajectory i starts from a direction drawn
from the zero-current Boltzmann state of the start well restricted to m·u > 0, the start of the
write-error rate (THERMAL.md §6; :mod:`spintorque.dynamics.start`), so P(t) of a pulse at t = 0
is 1 − WER(t) up to the criterion's threshold and window. ``start="initial"`` starts every
trajectory at ``magnet.initial``: for an axial MTJ that is the pole, where the spin torque
vanishes, and the ensemble then switches later than from a thermal state. At T = 0 there is no
thermal state: the default is then ``"initial"`` (with a note) and ``"thermal"`` is refused.

*Switched.* With the projection p(t) = m(t)·u and a threshold c (default 0.5), a trajectory is on
the switched side when p < −c. Its switching time is the first time after which it stays there
to the end of the run T,

.. math:: t_s = \inf\{t : p(t') < -c \ \ \forall\, t' \in [t, T]\},

located by linear interpolation of p between the last stored sample with p ≥ −c and the next.
It has *switched* when it has also settled: T − t_s ≥ w, the settling window (default T/10). A
crossing that falls back is therefore not a switch, nor is a periodic orbit that dips below −c
(the window must be longer than its period), nor a trajectory that got there in the last w
("unsettled", counted apart). The separatrix of a uniaxial magnet under a field h (reduced) along
the axis lies at p = −h, so c > |h| keeps the switched side beyond it. The state is inspected at
stored samples (every ``sample_interval``, default min(w/10, T/1000) rounded to whole steps, at
most min(w, T/10): longer ones are refused): an excursion back above −c shorter than a sample
interval can be missed.

*Statistics.* The switched fraction P̂ = n/N has the binomial standard error √(P̂(1 − P̂)/N) and
Wilson's 95 % score interval. At n = 0 or n = N the standard-error formula gives 0, which is not
an uncertainty (the Wald estimate degenerates there): the JSON then reports it as null with the
reason, and adds the exact one-sided 95 % bound of Clopper–Pearson, 1 − 0.05^{1/N} above P̂ = 0
(≈ 3/N, the "rule of three") or 0.05^{1/N} below P̂ = 1; the Wilson interval is given always.
The q-quantile of the switching time is the empirical one over the
whole ensemble (unswitched trajectories count as later than T): t_(⌈qN⌉), the time by which a
fraction q has switched; it is null, with the reason, when fewer than ⌈qN⌉ switched or when
N < 1/min(q, 1 − q) (too few trajectories to resolve it). P(t), the fraction switched by t, is
given for 0 ≤ t ≤ T − w, where every switch before t has had the window to settle.
"""

from __future__ import annotations

import math
import secrets
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from spintorque.dynamics.start import mean_angle, resolve_start, start_states
from spintorque.dynamics.stochastic import (
    Seed,
    initial_directions,
    provenance_attrs,
    run_stochastic,
    seed_sequence,
)
from spintorque.dynamics.timestep import time_step_warning
from spintorque.errors import InputError
from spintorque.magnet.model import Conditions, MacrospinModel

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

DEFAULT_THRESHOLD = 0.5
"""c: the switched side is m·u < −c."""

DEFAULT_SETTLE_FRACTION = 0.1
"""Default settling window w as a fraction of the run."""

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
"""Levels of the reported switching-time quantiles."""


def switching_axis(model: MacrospinModel, initial: ArrayLike | None = None) -> tuple[FloatArray, str]:
    """The switching axis u (unit, m0·u > 0) and where it comes from: ``"easy axis"`` or
    ``"initial direction"`` (module docstring).

    Examples
    --------
    >>> from spintorque.magnet import Macrospin, MacrospinModel, Uniaxial, Demag
    >>> model = MacrospinModel(Macrospin(1e6, 1e-9, 1e-16, 0.1, initial=(-1, 0.1, 0)),
    ...                        Uniaxial(4e4, (1, 0, 0)) + Demag((0, 0, 1)))
    >>> axis, source = switching_axis(model)
    >>> (axis.round(12) + 0.0).tolist(), source   # + 0.0 turns -0.0 into 0.0
    ([-1.0, 0.0, 0.0], 'easy axis')
    """
    m0 = np.asarray(model.magnet.initial if initial is None else initial, dtype=float)
    m0 = m0 / np.linalg.norm(m0)
    Q, _ = model.energy.quadratic_form(model.magnet)
    values, vectors = np.linalg.eigh(0.5 * (Q + Q.T))
    scale = float(np.max(np.abs(values)))
    if scale > 0.0 and values[-1] - values[-2] > 1e-9 * scale:
        axis, source = vectors[:, -1], "easy axis"
    else:
        axis, source = m0, "initial direction"
    along = float(m0 @ axis)
    if abs(along) < 1e-9:
        raise InputError("magnet.initial", f"{m0.round(6).tolist()} is perpendicular to the easy axis "
                         f"{axis.round(6).tolist()}: it lies on the separatrix, so there is no start "
                         "side to switch from; tilt it towards the easy axis")
    return np.asarray(axis * math.copysign(1.0, along)), source


@dataclass(frozen=True)
class SwitchingCriterion:
    """Settled beyond the separatrix: m·axis < −threshold from t_s to the end, T − t_s ≥ settle.

    Parameters
    ----------
    axis : tuple of 3 floats
        Unit switching axis u, pointing to the start side.
    threshold : float
        c in (0, 1): the switched side is m·u < −c.
    settle : float
        Settling window w [s], >= 0.
    source : str
        Where the axis comes from (``"easy axis"``, ``"initial direction"``, ``"given"``).
    """

    axis: tuple[float, float, float]
    threshold: float = DEFAULT_THRESHOLD
    settle: float = 0.0
    source: str = "given"

    def __post_init__(self) -> None:
        u = np.asarray(self.axis, dtype=float)
        if u.shape != (3,) or not np.all(np.isfinite(u)) or np.linalg.norm(u) == 0.0:
            raise InputError("axis", f"must be 3 finite numbers, not all 0, got {self.axis!r}")
        object.__setattr__(self, "axis", tuple(float(x) for x in u / np.linalg.norm(u)))
        if not (isinstance(self.threshold, int | float) and 0.0 < self.threshold < 1.0):
            raise InputError("--threshold", f"must lie in (0, 1), got {self.threshold!r}")
        if not (math.isfinite(self.settle) and self.settle >= 0.0):
            raise InputError("--settle", f"must be a time >= 0 s, got {self.settle!r}")

    def describe(self) -> dict[str, Any]:
        return {"axis": list(self.axis), "axis_source": self.source, "threshold": self.threshold,
                "settle_s": self.settle}


def vector3(axis: ArrayLike) -> tuple[float, float, float]:
    """Three floats from an array-like (validated by :class:`SwitchingCriterion`)."""
    u = np.asarray(axis, dtype=float).ravel()
    if u.size != 3:
        raise InputError("axis", f"must be 3 numbers, got {axis!r}")
    return float(u[0]), float(u[1]), float(u[2])


class SwitchingTracker:
    """Follows p = m·u sample by sample (O(B) memory) and classifies at the end.

    Feed every stored sample, the initial one first, with :meth:`update`; :meth:`result` applies
    the criterion at the last time fed.
    """

    def __init__(self, criterion: SwitchingCriterion, trajectories: int) -> None:
        self.criterion = criterion
        self.axis = np.asarray(criterion.axis)
        self.t_out = np.full(trajectories, np.nan)   # last sample on the start side of −c
        self.p_out = np.full(trajectories, np.nan)
        self.t_in = np.full(trajectories, np.nan)    # the sample after it (NaN: not beyond −c)
        self.p_in = np.full(trajectories, np.nan)
        self.last = -math.inf

    def update(self, t: float, m: FloatArray) -> None:
        """Take the sample m (B, 3) at time t [s] (times increasing)."""
        if not t > self.last:
            raise InputError("time", "samples must be fed in increasing time")
        self.last = t
        p = np.asarray(m, dtype=float) @ self.axis
        out = p >= -self.criterion.threshold
        self.t_out[out], self.p_out[out] = t, p[out]
        self.t_in[out] = np.nan
        first_in = ~out & np.isnan(self.t_in)
        self.t_in[first_in], self.p_in[first_in] = t, p[first_in]

    def result(self) -> tuple[BoolArray, FloatArray, BoolArray]:
        """(switched, switching time t_s [s] (NaN unless switched), unsettled) per trajectory."""
        beyond = np.isfinite(self.t_in)
        c = self.criterion.threshold
        t_s = np.where(beyond, self.t_in, np.nan)
        crossed = beyond & np.isfinite(self.t_out)
        # linear interpolation of p between the last sample above −c and the first one below
        frac = (self.p_out[crossed] + c) / (self.p_out[crossed] - self.p_in[crossed])
        t_s[crossed] = self.t_out[crossed] + frac * (self.t_in[crossed] - self.t_out[crossed])
        settled = beyond & (self.last - t_s >= self.criterion.settle * (1.0 - 1e-12))
        return settled, np.where(settled, t_s, np.nan), beyond & ~settled


def classify(time: ArrayLike, m: ArrayLike, criterion: SwitchingCriterion
             ) -> tuple[BoolArray, FloatArray, BoolArray]:
    """Apply the criterion to stored trajectories m (B, N, 3) at times (N,) [s].

    Returns (switched, switching time [s] (NaN unless switched), unsettled), each (B,).
    """
    t = np.asarray(time, dtype=float)
    traj = np.asarray(m, dtype=float)
    if traj.ndim != 3 or traj.shape[1:] != (t.size, 3) or t.ndim != 1:
        raise InputError("m", f"must have shape (B, {t.size}, 3) for {t.size} times, got {traj.shape}")
    tracker = SwitchingTracker(criterion, traj.shape[0])
    for k in range(t.size):
        tracker.update(float(t[k]), traj[:, k, :])
    return tracker.result()


def binomial_standard_error(successes: int, trials: int) -> float:
    r"""√(P̂(1 − P̂)/N) of a fraction P̂ = successes/trials (trials >= 1)."""
    p = successes / trials
    return math.sqrt(p * (1.0 - p) / trials)


def one_sided_bound(successes: int, trials: int, confidence: float = 0.95) -> float | None:
    r"""Exact (Clopper–Pearson) one-sided bound of a binomial fraction whose estimate sits at an
    end: the upper bound 1 − (1 − c)^{1/N} for 0 successes, the lower bound (1 − c)^{1/N} for N
    of N (the fraction p at which the observed extreme outcome has probability 1 − c); None
    between the ends (the Wilson interval describes those)."""
    if successes == 0:
        return float(-math.expm1(math.log1p(-confidence) / trials))
    if successes == trials:
        return float(math.exp(math.log1p(-confidence) / trials))
    return None


def wilson_interval(successes: int, trials: int, z: float = 1.959963984540054) -> tuple[float, float]:
    r"""Wilson's score interval of a binomial fraction (default 95 %; Wilson, JASA 22, 209 (1927)).

    (P̂ + z²/2N ± z √(P̂(1−P̂)/N + z²/4N²)) / (1 + z²/N); it stays inside [0, 1] and is not empty
    at P̂ = 0 or 1, where the standard error is 0.
    """
    p, n = successes / trials, trials
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact ends, not rounding residues
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class SwitchingResult:
    """An ensemble judged by :class:`SwitchingCriterion` (times in s)."""

    criterion: SwitchingCriterion
    switched: BoolArray
    switching_time: FloatArray
    unsettled: BoolArray
    final_m: FloatArray
    duration: float
    dt: float
    sample_interval: float
    seed: int | None
    seed_entropy: int | None
    steps_per_second: float
    warnings: tuple[str, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)
    start: str = "initial"
    start_mean_angle: float = 0.0
    start_note: str | None = None

    @property
    def trajectories(self) -> int:
        return int(self.switched.size)

    @property
    def probability(self) -> float:
        """Switched fraction P̂."""
        return float(self.switched.mean())

    @property
    def standard_error(self) -> float:
        """Binomial standard error of P̂."""
        return binomial_standard_error(int(self.switched.sum()), self.trajectories)

    def quantiles(self, levels: tuple[float, ...] = QUANTILES
                  ) -> dict[float, tuple[float | None, str | None]]:
        """Empirical q-quantiles of t_s over the ensemble [s], or (None, reason) (module docstring)."""
        n = self.trajectories
        ordered = np.sort(self.switching_time[self.switched])
        out: dict[float, tuple[float | None, str | None]] = {}
        for q in levels:
            rank = math.ceil(q * n - 1e-9)
            if n < 1.0 / min(q, 1.0 - q) - 1e-9:
                out[q] = (None, f"needs at least {math.ceil(1 / min(q, 1 - q) - 1e-9)} trajectories, "
                                f"got {n}")
            elif rank > ordered.size:
                out[q] = (None, f"only {ordered.size} of {n} trajectories switched within the run")
            else:
                out[q] = (float(ordered[max(rank, 1) - 1]), None)
        return out

    def probability_curve(self, points: int = 101) -> tuple[FloatArray, FloatArray]:
        """P(t) on ``points`` equally spaced times over [0, T − settle], in s."""
        end = max(self.duration - self.criterion.settle, 0.0)
        times = np.linspace(0.0, end, points)
        t_s = np.where(self.switched, self.switching_time, np.inf)
        return times, np.asarray((t_s[None, :] <= times[:, None]).mean(axis=1))

    def to_dataset(self) -> xr.Dataset:
        """``switched``, ``switching_time`` [s], ``unsettled`` (trajectory) and ``m_final``."""
        ds = xr.Dataset(
            {"switched": ("trajectory", self.switched),
             "switching_time": ("trajectory", self.switching_time,
                                {"units": "s", "long_name": "time after which m·u < −c to the end"}),
             "unsettled": ("trajectory", self.unsettled),
             "m_final": (("trajectory", "component"), self.final_m, {"units": "1"})},
            coords={"trajectory": np.arange(self.trajectories), "component": ["x", "y", "z"]})
        ds.attrs.update(self.attrs)
        return ds

    def _bound_reasons(self, n_sw: int) -> dict[str, str]:
        out = {}
        if n_sw != 0:
            out["switched_fraction_upper_bound_95"] = ("given only when none switched (then the "
                                                       "standard error is null)")
        if n_sw != self.trajectories:
            out["switched_fraction_lower_bound_95"] = ("given only when all switched (then the "
                                                       "standard error is null)")
        return out

    def to_json_dict(self, points: int = 101) -> dict[str, Any]:
        """Strict-JSON summary (null plus a reason where a number does not exist)."""
        n_sw = int(self.switched.sum())
        quantiles = self.quantiles()
        times, curve = self.probability_curve(points)
        edge = n_sw in (0, self.trajectories)
        reasons: dict[str, str] = {}
        if edge:
            which = "none" if n_sw == 0 else "all"
            reasons["switched_fraction_standard_error"] = (
                f"{which} of the {self.trajectories} trajectories switched: √(P̂(1 − P̂)/N) is 0 "
                "there and says nothing about the uncertainty; see switched_fraction_interval_95 "
                "(Wilson) and switched_fraction_" + ("upper" if n_sw == 0 else "lower")
                + "_bound_95 (exact one-sided Clopper–Pearson)")
        if n_sw == 0:
            reasons["mean_switching_time"] = (f"none of the {self.trajectories} trajectories "
                                              "switched: there is no switching time to average")
        bound = one_sided_bound(n_sw, self.trajectories)
        return {
            "switched_fraction": self.probability,
            "switched_fraction_standard_error": None if edge else self.standard_error,
            "switched_fraction_interval_95": list(wilson_interval(n_sw, self.trajectories)),
            "switched_fraction_upper_bound_95": bound if n_sw == 0 else None,
            "switched_fraction_lower_bound_95": bound if n_sw == self.trajectories else None,
            "null_reasons": {**reasons, **self._bound_reasons(n_sw)},
            "switched_count": n_sw, "unsettled_count": int(self.unsettled.sum()),
            "mean_switching_time": float(self.switching_time[self.switched].mean()) if n_sw else None,
            "switching_time_quantiles": {f"{q:g}": v for q, (v, _) in quantiles.items()},
            "switching_time_quantile_reasons": {f"{q:g}": r for q, (_, r) in quantiles.items() if r},
            "switching_probability_versus_time": {"time": times.tolist(),
                                                  "switched_fraction": curve.tolist()},
            "criterion": {**self.criterion.describe(), "sample_interval_s": self.sample_interval},
            "seed": self.seed_entropy, "seed_given": self.seed is not None,
            "trajectories": self.trajectories, "duration": self.duration, "dt": self.dt,
            "start": self.start, "start_mean_angle_rad": self.start_mean_angle,
            **({"start_note": self.start_note} if self.start_note is not None else {}),
            "macrospin_steps_per_second": self.steps_per_second,
            "warnings": list(self.warnings),
            "units": {"mean_switching_time": "s", "switching_time_quantiles": "s", "duration": "s",
                      "dt": "s", "switching_probability_versus_time.time": "s",
                      "start_mean_angle_rad": "rad"},
        }


def default_criterion(model: MacrospinModel, duration: float, *, threshold: float = DEFAULT_THRESHOLD,
                      settle: float | None = None, axis: ArrayLike | None = None) -> SwitchingCriterion:
    """The criterion for ``model``: its switching axis, c, and w (default T/10) [s]."""
    window = DEFAULT_SETTLE_FRACTION * duration if settle is None else settle
    if not (math.isfinite(window) and 0.0 <= window < duration):
        raise InputError("--settle", f"must be >= 0 s and shorter than the run ({duration:.4g} s), "
                         f"got {window!r}")
    if axis is None:
        u, source = switching_axis(model)
        return SwitchingCriterion(vector3(u), threshold, window, source)
    return SwitchingCriterion(vector3(axis), threshold, window, "given")


def _sample_steps(criterion: SwitchingCriterion, duration: float, dt: float,
                  sample_interval: float | None) -> int:
    wanted = min(criterion.settle / 10.0 or duration, duration / 1000.0) if sample_interval is None \
        else sample_interval
    if not (math.isfinite(wanted) and wanted > 0.0):
        raise InputError("--sample-every", f"must be a time > 0 s, got {sample_interval!r}")
    longest = max_sample_interval(criterion.settle, duration)
    if wanted > longest * (1.0 + 1e-12):
        raise InputError("--sample-every", f"must be in (0, {longest:.4g} s]: at most the settling "
                         f"window ({criterion.settle:.4g} s), so that a sample inside it checks the "
                         f"settling, and a tenth of the run (T = {duration:.4g} s), so that the "
                         f"switching times are resolved; got {wanted:.4g} s")
    return max(1, int(wanted / dt + 1e-9))


def max_sample_interval(settle: float, duration: float) -> float:
    """Longest sample interval the criterion can judge [s]: min(w, T/10) (T/10 where w = 0).

    A switch counts when p < −c from t_s to T with T − t_s ≥ w; with samples further apart than
    w a trajectory can be called settled from the one sample after its crossing (an excursion back
    above −c inside the window unseen), and t_s, interpolated between samples, is only known to
    a sample interval: beyond T/10 the quantiles and P(t) (on [0, T − w]) are not resolved (at
    T = 3 ns, w = 0.3 ns a 5 ns interval moved the 5 % quantile from 1.56 to 2.25 ns)."""
    tenth = duration / 10.0
    return min(settle, tenth) if settle > 0.0 else tenth


def run_switching(model: MacrospinModel, conditions: Conditions, *, duration: float, dt: float,
                  trajectories: int = 100, seed: Seed = None, threshold: float = DEFAULT_THRESHOLD,
                  settle: float | None = None, sample_interval: float | None = None,
                  axis: ArrayLike | None = None, backend: str = "auto",
                  progress: Callable[[float], None] | None = None,
                  start: str | None = None, start_field: str = "start") -> SwitchingResult:
    r"""Run a stochastic LLG ensemble from its start state and judge it by geometry.

    Parameters
    ----------
    model, conditions : MacrospinModel, Conditions
        The magnet; J [A/m²] (constant or J(t)) and T [K].
    duration, dt : float
        Run length and Heun step [s] (a whole number of steps).
    trajectories : int
        Ensemble size N.
    seed : int, SeedSequence, Generator or None
        None draws a 52-bit seed, reported as ``seed_entropy``; the same seed gives the same numbers.
        (A SeedSequence with a list entropy or a spawn key is used as given; ``seed_entropy`` is
        then its int entropy, or None.)
    threshold, settle, axis
        The criterion (module docstring): c, the window w [s] (default T/10), the axis (default
        the magnet's switching axis).
    sample_interval : float, optional
        How often p is inspected [s] (default min(w/10, T/1000), whole steps); at most
        min(w, T/10) (:func:`max_sample_interval`), else InputError("--sample-every").
    backend : str
        As :func:`spintorque.dynamics.run_stochastic`.
    progress : callable, optional
        ``progress(t)`` after each inspected sample.
    start : {"thermal", "initial"} or None
        ``"thermal"``: each trajectory starts from the zero-current Boltzmann state of the start
        well restricted to m·u > 0, the write-error rate's start (THERMAL.md §6;
        :func:`spintorque.dynamics.start.thermal_start`, drawn from the seed's start stream);
        ``"initial"``: every trajectory at ``magnet.initial``. None (default): ``"thermal"`` when
        T > 0, else ``"initial"`` with a note (``start_note``); ``"thermal"`` at T = 0 is refused.
    start_field : str
        The caller's name of the start option, named by a refusal (``"--start"`` from the CLI,
        ``"options.start"`` from a sweep).

    Returns
    -------
    SwitchingResult
        Per trajectory: switched, t_s, unsettled, final m; the run's options, seed and warnings
        (a too coarse dt, :func:`spintorque.dynamics.timestep.time_step_warning`).
    """
    if not (isinstance(trajectories, int | np.integer) and trajectories >= 1):
        raise InputError("--trajectories", f"must be an integer >= 1, got {trajectories!r}")
    criterion = default_criterion(model, duration, threshold=threshold, settle=settle, axis=axis)
    every = _sample_steps(criterion, duration, dt, sample_interval)
    given = seed
    if seed is None:
        seed = secrets.randbits(52)
    seq = seed_sequence(seed)
    mode, note = resolve_start(start, conditions.temperature, start_field)
    initial = start_states(model, conditions.temperature, seq, int(trajectories), mode, start_field)
    m0 = initial_directions(model, initial, int(trajectories))
    # the thermal start's u is the magnet's own (the WER's); a fixed start is measured against the
    # criterion's axis (a given one need not be the magnet's)
    u_start = switching_axis(model)[0] if mode == "thermal" else np.asarray(criterion.axis)
    tracker = SwitchingTracker(criterion, int(trajectories))
    tracker.update(0.0, m0)

    def watch(t: float, m: FloatArray) -> bool:
        tracker.update(t, m)
        if progress is not None:
            progress(t)
        return False
    began = _time.perf_counter()
    ds = run_stochastic(model, conditions, duration=duration, dt=dt, trajectories=trajectories,
                        seed=seq, save_every=every, callback=watch, backend=backend, keep=False,
                        initial=m0)
    elapsed = max(_time.perf_counter() - began, 1e-12)
    switched, t_s, unsettled = tracker.result()
    warning = time_step_warning(model, conditions, dt, duration)
    attrs = provenance_attrs(model.describe(), conditions,
                             {**criterion.describe(), "sample_interval_s": every * dt, "dt_s": dt,
                              "duration_s": duration, "seed_entropy": str(seq.entropy), "start": mode,
                              "method": "heun", "backend": ds.attrs.get("option_backend", backend)})
    return SwitchingResult(criterion, switched, t_s, unsettled, ds["m"].values[:, -1, :], duration,
                           dt, every * dt, None if given is None else _seed_int(given),
                           int(seq.entropy) if isinstance(seq.entropy, int) else None,
                           trajectories * round(duration / dt) / elapsed,
                           () if warning is None else (warning,), attrs, mode,
                           mean_angle(m0, u_start), note)


def _seed_int(seed: Seed) -> int | None:
    return int(seed) if isinstance(seed, int | np.integer) else None
