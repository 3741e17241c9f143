"""Analysis of magnetization trajectories: switching statistics, telegraph dwell times,
precession frequency and amplitude, steady-state angle. Inputs are the Datasets of
:func:`spintorque.dynamics.run_stochastic` / :func:`spintorque.dynamics.integrate` (time in s)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from spintorque.dynamics.switching import (
    DEFAULT_THRESHOLD,
    SwitchingCriterion,
    SwitchingTracker,
    classify,
    switching_axis,
    vector3,
)
from spintorque.errors import InputError
from spintorque.magnet.model import Conditions, MacrospinModel

FloatArray = NDArray[np.float64]


def first_passage_probability(ds: xr.Dataset) -> xr.DataArray:
    """Fraction of the ensemble whose m_z has changed sign at least once by each stored time.

    This is the first-passage distribution through the plane m_z = 0 (``switching_time`` of
    :func:`spintorque.dynamics.run_stochastic`), the quantity the mean first-passage time of the
    axial Fokker–Planck solver describes; a crossing that falls back counts. For switching judged
    by geometry use :func:`switching_probability`.
    """
    times = ds["switching_time"].values
    t = ds["time"].values
    crossed = np.isfinite(times)[:, None] & (times[:, None] <= t[None, :])
    return xr.DataArray(crossed.mean(axis=0), coords={"time": ds["time"]}, dims="time",
                        attrs={"units": "1", "long_name": "first-passage probability (m_z = 0)"})


def switching_probability(ds: xr.Dataset, axis: ArrayLike = (0.0, 0.0, 1.0), *,
                          threshold: float = DEFAULT_THRESHOLD, settle: float = 0.0) -> xr.DataArray:
    """P(t): fraction of the ensemble switched by each stored time t ≤ T − settle.

    The criterion of :mod:`spintorque.dynamics.switching` on the stored samples: settled at
    m·axis < −threshold from t_s to the end T of the run, with T − t_s ≥ settle [s]. ``axis``
    points to the start side (:func:`spintorque.dynamics.switching.switching_axis` gives the
    magnet's).
    """
    t = ds["time"].values
    switched, t_s, _ = classify(t, ds["m"].values, SwitchingCriterion(vector3(axis), threshold, settle))
    keep = t <= t[-1] - settle * (1.0 - 1e-12)
    when = np.where(switched, t_s, np.inf)
    fraction = (when[:, None] <= t[None, keep]).mean(axis=0)
    return xr.DataArray(fraction, coords={"time": ds["time"].values[keep]}, dims="time",
                        attrs={"units": "1", "long_name": "switching probability",
                               "threshold": threshold, "settle_s": settle})


def dwell_times(signal: ArrayLike, time: ArrayLike, threshold: float = 0.5) -> dict[str, FloatArray]:
    """Dwell times [s] of a two-level (telegraph) signal, with hysteresis (a Schmitt trigger).

    A state ``up`` starts when the signal first rises above +threshold and ends when it next
    falls below −threshold (and conversely for ``down``), so noise near zero is not counted as
    switching. The first, incomplete dwell is discarded; so is the last.

    Returns
    -------
    dict with arrays ``up`` and ``down`` of completed dwell times [s].
    """
    x = np.asarray(signal, dtype=float)
    t = np.asarray(time, dtype=float)
    if x.shape != t.shape or x.ndim != 1:
        raise InputError("signal", "signal and time must be 1D arrays of the same length")
    if not 0 < threshold < 1:
        raise InputError("threshold", f"must lie in (0, 1), got {threshold!r}")
    state, since = 0, None
    out: dict[str, list[float]] = {"up": [], "down": []}
    for value, now in zip(x, t, strict=True):
        new = 1 if value > threshold else -1 if value < -threshold else state
        if new != state:
            if since is not None:
                out["up" if state > 0 else "down"].append(now - since)
            # the state found at the start of the record began at an unknown time
            since = now if state != 0 else None
            state = new
    return {key: np.asarray(values) for key, values in out.items()}


@dataclass(frozen=True)
class Precession:
    """Steady precession of one trajectory: frequency [Hz] and amplitude of m_x, m_y (unitless)."""

    frequency: float
    amplitude: float


def _phase_refined(signal: np.ndarray, t: np.ndarray, f0: float, bin_width: float) -> float:
    """f0 corrected by the mean drift of the phase of signal·exp(−2πi f0 t) (least squares).

    Parabolic interpolation of a Hann-windowed FFT peak is biased by up to ~0.05 bin; the phase
    drift of the demodulated signal measures the remaining offset over the whole record (exact
    for a pure tone). Kept only where it is a sub-bin correction of a signal that never comes
    near zero, where unwrapping the phase is unambiguous.
    """
    z = signal * np.exp(-2j * np.pi * f0 * t)
    magnitude = np.abs(z)
    if not magnitude.min() > 0.2 * magnitude.mean():
        return f0
    phase = np.unwrap(np.angle(z))
    slope = float(np.polyfit(t, phase, 1)[0]) / (2 * np.pi)
    return f0 + slope if abs(slope) < bin_width else f0


def precession(ds: xr.Dataset, trajectory: int = 0, skip: float = 0.5) -> Precession:
    """Frequency (FFT peak, refined by parabolic interpolation and then by the phase drift of
    the demodulated signal) and amplitude (RMS·√2 of the in-plane components) of the last
    ``1 − skip`` of a trajectory; uniform time steps needed."""
    m = ds["m"].isel(trajectory=trajectory).values
    t = ds["time"].values
    keep = t >= t[0] + skip * (t[-1] - t[0])
    t, m = t[keep], m[keep]
    if t.size < 16:
        raise InputError("ds", "too few samples in the analysed window (need >= 16)")
    dt = np.diff(t)
    if not np.allclose(dt, dt[0], rtol=1e-9):
        raise InputError("ds", "precession analysis needs equally spaced samples")
    signal = (m[:, 0] - m[:, 0].mean()) + 1j * (m[:, 1] - m[:, 1].mean())
    window = np.hanning(signal.size)
    spectrum = np.abs(np.fft.fft(signal * window))
    freqs = np.fft.fftfreq(signal.size, dt[0])
    k = int(np.argmax(spectrum))
    a, b, c = spectrum[k - 1], spectrum[k], spectrum[(k + 1) % spectrum.size]
    shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    frequency = (k + shift) * (freqs[1] - freqs[0])
    if freqs[k] < 0:
        frequency = (k - signal.size + shift) * (freqs[1] - freqs[0])
    frequency = _phase_refined(signal, t - t[0], frequency, freqs[1] - freqs[0])
    amplitude = float(np.sqrt(np.mean(np.abs(signal) ** 2)))
    return Precession(float(frequency), amplitude)


def steady_state_angle(ds: xr.Dataset, axis: ArrayLike = (0.0, 0.0, 1.0),
                       skip: float = 0.5) -> xr.DataArray:
    """Mean angle [rad] between m and ``axis`` over the last ``1 − skip`` of each trajectory."""
    u = np.asarray(axis, dtype=float)
    u = u / np.linalg.norm(u)
    t = ds["time"].values
    keep = t >= t[0] + skip * (t[-1] - t[0])
    cosine = np.clip(ds["m"].values[:, keep, :] @ u, -1.0, 1.0)
    return xr.DataArray(np.arccos(cosine).mean(axis=1), dims="trajectory",
                        attrs={"units": "rad", "long_name": "steady-state angle"})


def precession_sweep(model: MacrospinModel, conditions: Conditions, currents: ArrayLike,
                     duration: float, sample_step: float | None = None,
                     skip: float = 0.5, torque: str = "tabulated",
                     progress: Callable[[float], None] | None = None) -> xr.Dataset:
    """Steady precession (zero temperature) versus current density.

    For each J [A/m²] the deterministic LLG is integrated for ``duration`` [s] from the magnet's
    initial direction and sampled every ``sample_step`` [s] — by default 20 samples per period
    2π/ω_max of the fastest precession the fields and torques can drive at the largest |J|
    (:func:`spintorque.dynamics.timestep.precession_sample_step`), so the sampling resolves the
    orbit whatever the duration. Over the last ``1 − skip`` of the run the frequency [Hz] and
    amplitude of the in-plane motion are measured, and the ``m_z`` range tells an orbit from a
    static state (range < 1e-6); ``steady`` is False (with a warning) where that range differs
    by more than 1 % between the two halves of the window (a transient, not a limit cycle).
    ``attrs["warnings"]`` (JSON list) flags those, a step with fewer than 10 samples per period
    2π/ω_max and a measured frequency above 0.4 of the sampling rate (near Nyquist, where the
    FFT peak may be an alias).

    ``torque="tabulated"`` (default) replaces each diffusive torque by its table versus the angle
    to the fixed layer, accurate to 1e-10 of its largest value
    (:func:`spintorque.dynamics.tabulated.tabulate_torques`; where a stack cannot be tabulated
    the exact term stays), ``"exact"`` solves the transport at every step;
    ``attrs["torque_tables"]`` (JSON list) says what was done. ``progress(x)`` reports x in
    [0, number of currents]: currents done plus the fraction of the current one.
    """
    import json
    from dataclasses import replace

    from spintorque.dynamics.deterministic import integrate
    from spintorque.dynamics.timestep import (
        MIN_SAMPLES_PER_PERIOD,
        SAMPLES_PER_PERIOD,
        precession_sample_step,
    )

    currents = np.atleast_1d(np.asarray(currents, dtype=float))
    if torque not in ("tabulated", "exact"):
        raise InputError("torque", f"must be 'tabulated' or 'exact', got {torque!r}")
    if not (np.isfinite(duration) and duration > 0):
        raise InputError("--duration", f"must be a time > 0 s, got {duration!r}")
    J_max = float(np.max(np.abs(currents))) if currents.size else 0.0
    auto = precession_sample_step(model, J_max)
    step = auto if sample_step is None else float(sample_step)
    if not (np.isfinite(step) and 0 < step <= duration / 16):
        raise InputError("--sample-step", f"must be > 0 s and at most 1/16 of the duration, got "
                         f"{sample_step!r}")
    samples = int(np.ceil(duration / step - 1e-9)) + 1
    step = duration / (samples - 1)  # the largest step <= the wanted one that fits the duration
    if samples > 20_000_001:
        raise InputError("--duration", f"{duration:.3g} s at a sample step of {step:.3g} s needs "
                         f"{samples} samples (at most 2e7)")
    warnings: list[str] = []
    per_period = SAMPLES_PER_PERIOD * auto / step
    if per_period < MIN_SAMPLES_PER_PERIOD:
        warnings.append(f"sample step {step:.3g} s gives {per_period:.3g} samples per period of the "
                        f"fastest possible precession (< {MIN_SAMPLES_PER_PERIOD}); use <= "
                        f"{2 * auto:.3g} s")
    tables: list[str] = []
    if torque == "tabulated":
        from spintorque.dynamics.tabulated import tabulate_torques

        model, tables = tabulate_torques(model)
    freq, amp, span = (np.empty(currents.size) for _ in range(3))
    steady = np.empty(currents.size, dtype=bool)
    for k, J in enumerate(currents):
        def tick(t: float, k: int = k) -> None:
            if progress is not None:
                progress(k + t / duration)
        ds = integrate(model, replace(conditions, current_density=float(J), temperature=0.0),
                       duration=duration, samples=samples, rtol=1e-8, atol=1e-10,
                       progress=None if progress is None else tick)
        result = precession(ds, skip=skip)
        t = ds["time"].values
        mz = ds["m"].isel(trajectory=0).sel(component="z").values[t >= skip * t[-1]]
        static = np.ptp(mz) < 1e-6
        freq[k] = 0.0 if static else abs(result.frequency)
        amp[k] = 0.0 if static else result.amplitude
        span[k] = np.ptp(mz)
        half = mz.size // 2
        early, late = np.ptp(mz[:half]), np.ptp(mz[half:])
        steady[k] = static or abs(late - early) <= 1e-2 * max(late, early)
        if not steady[k]:
            warnings.append(f"J = {J:.4g} A/m^2: the orbit is still changing (m_z range "
                            f"{early:.3g} then {late:.3g} over the two halves of the analysed "
                            "window): a transient, not a steady precession; run longer")
        if freq[k] > 0.4 / step:
            warnings.append(f"J = {J:.4g} A/m^2: f = {freq[k]:.4g} Hz is near the Nyquist frequency "
                            f"{0.5 / step:.4g} Hz of the sampling; it may be an alias")
        if progress is not None:
            progress(float(k + 1))
    return xr.Dataset(
        {"frequency": ("current_density", freq, {"units": "Hz", "long_name": "precession frequency"}),
         "amplitude": ("current_density", amp, {"units": "1", "long_name": "in-plane amplitude"}),
         "mz_range": ("current_density", span, {"units": "1", "long_name": "range of m_z"}),
         "steady": ("current_density", steady,
                    {"long_name": "static, or an orbit whose m_z range is the same (1 %) over both "
                                  "halves of the analysed window"})},
        coords={"current_density": ("current_density", currents, {"units": "A/m^2"})},
        attrs={"duration_s": duration, "skip": skip, "sample_step_s": step,
               "samples": samples, "warnings": json.dumps(warnings, allow_nan=False),
               "torque_tables": json.dumps(tables, allow_nan=False)})


def switching_map(model: MacrospinModel, conditions: Conditions, amplitudes: ArrayLike,
                  durations: ArrayLike, *, trajectories: int, dt: float, settle: float,
                  seed: int | None = None, threshold: float = DEFAULT_THRESHOLD) -> xr.Dataset:
    """Switching probability versus current-pulse amplitude [A/m²] and duration [s].

    Each pulse is J(t) = amplitude for t < duration, then 0, and the run goes on for ``settle``
    [s] more. A trajectory counts as switched when, by the criterion of
    :mod:`spintorque.dynamics.switching` (the magnet's switching axis u), it has m·u < −threshold
    for the whole second half of that settling time (a window of settle/2 at the end, sampled 20
    times). The temperature is the one in ``conditions``; each (amplitude, duration) cell uses
    its own seed spawned from ``seed``.
    """
    from dataclasses import replace

    from spintorque.dynamics.stochastic import run_stochastic

    amplitudes = np.atleast_1d(np.asarray(amplitudes, dtype=float))
    durations = np.atleast_1d(np.asarray(durations, dtype=float))
    if np.any(durations <= 0) or settle <= 0:
        raise InputError("durations", "pulse durations and the settling time must be > 0 s")
    seeds = np.random.SeedSequence(seed).spawn(amplitudes.size * durations.size)
    axis, source = switching_axis(model)
    criterion = SwitchingCriterion(vector3(axis), threshold, 0.5 * settle, source)
    every = max(1, int(0.5 * settle / (20 * dt) + 1e-9))
    probability = np.empty((amplitudes.size, durations.size))
    for a, amplitude in enumerate(amplitudes):
        for d, width in enumerate(durations):
            steps = int(np.ceil((width + settle) / dt))

            def pulse(t: float, amplitude: float = amplitude, width: float = width) -> float:
                return amplitude if t < width else 0.0
            tracker = SwitchingTracker(criterion, trajectories)
            tracker.update(0.0, np.broadcast_to(np.asarray(model.magnet.initial), (trajectories, 3)))

            def watch(t: float, m: FloatArray, tracker: SwitchingTracker = tracker) -> bool:
                tracker.update(t, m)
                return False
            run_stochastic(model, replace(conditions, current_density=pulse), duration=steps * dt,
                           dt=dt, trajectories=trajectories, seed=seeds[a * durations.size + d],
                           save_every=every, callback=watch, keep=False)
            probability[a, d] = float(np.mean(tracker.result()[0]))
    return xr.Dataset(
        {"switching_probability": (("amplitude", "duration"), probability, {"units": "1"})},
        coords={"amplitude": ("amplitude", amplitudes, {"units": "A/m^2"}),
                "duration": ("duration", durations, {"units": "s"})},
        attrs={"trajectories": trajectories, "dt_s": dt, "settle_s": settle,
               "temperature_K": conditions.temperature, "threshold": threshold,
               "axis": list(criterion.axis)})
