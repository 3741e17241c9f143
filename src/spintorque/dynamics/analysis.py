"""Analysis of magnetization trajectories: switching statistics, telegraph dwell times,
precession frequency and amplitude, steady-state angle. Inputs are the Datasets of
:func:`spintorque.dynamics.run_stochastic` / :func:`spintorque.dynamics.integrate` (time in s)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from spintorque.errors import InputError
from spintorque.magnet.model import Conditions, MacrospinModel

FloatArray = NDArray[np.float64]


def switching_probability(ds: xr.Dataset) -> xr.DataArray:
    """Fraction of the ensemble that has switched (m_z changed sign) by each stored time."""
    times = ds["switching_time"].values
    t = ds["time"].values
    switched = np.isfinite(times)[:, None] & (times[:, None] <= t[None, :])
    return xr.DataArray(switched.mean(axis=0), coords={"time": ds["time"]}, dims="time",
                        attrs={"units": "1", "long_name": "switching probability"})


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


def precession(ds: xr.Dataset, trajectory: int = 0, skip: float = 0.5) -> Precession:
    """Frequency (FFT peak, refined by parabolic interpolation) and amplitude (RMS·√2 of the
    in-plane components) of the last ``1 − skip`` of a trajectory; uniform time steps needed."""
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
                     duration: float, samples: int = 4001, skip: float = 0.5) -> xr.Dataset:
    """Steady precession (zero temperature) versus current density.

    For each J [A/m²] the deterministic LLG is integrated for ``duration`` [s] from the magnet's
    initial direction; over the last ``1 − skip`` of the run the frequency [Hz] and amplitude of
    the in-plane motion are measured, and ``m_z`` range tells a steady orbit (constant range)
    from a static state (range ~ 0).
    """
    from dataclasses import replace

    from spintorque.dynamics.deterministic import integrate

    currents = np.atleast_1d(np.asarray(currents, dtype=float))
    freq, amp, span = (np.empty(currents.size) for _ in range(3))
    for k, J in enumerate(currents):
        ds = integrate(model, replace(conditions, current_density=float(J), temperature=0.0),
                       duration=duration, samples=samples, rtol=1e-8, atol=1e-10)
        result = precession(ds, skip=skip)
        t = ds["time"].values
        mz = ds["m"].isel(trajectory=0).sel(component="z").values[t >= skip * t[-1]]
        static = np.ptp(mz) < 1e-6
        freq[k] = 0.0 if static else abs(result.frequency)
        amp[k] = 0.0 if static else result.amplitude
        span[k] = np.ptp(mz)
    return xr.Dataset(
        {"frequency": ("current_density", freq, {"units": "Hz", "long_name": "precession frequency"}),
         "amplitude": ("current_density", amp, {"units": "1", "long_name": "in-plane amplitude"}),
         "mz_range": ("current_density", span, {"units": "1", "long_name": "range of m_z"})},
        coords={"current_density": ("current_density", currents, {"units": "A/m^2"})},
        attrs={"duration_s": duration, "skip": skip})


def switching_map(model: MacrospinModel, conditions: Conditions, amplitudes: ArrayLike,
                  durations: ArrayLike, *, trajectories: int, dt: float, settle: float,
                  seed: int | None = None) -> xr.Dataset:
    """Switching probability versus current-pulse amplitude [A/m²] and duration [s].

    Each pulse is J(t) = amplitude for t < duration, then 0; after ``settle`` [s] more the
    trajectory counts as switched if m_z has the opposite sign to the start. The temperature is
    the one in ``conditions``; each (amplitude, duration) cell uses its own seed spawned from
    ``seed``.
    """
    from dataclasses import replace

    from spintorque.dynamics.stochastic import run_stochastic

    amplitudes = np.atleast_1d(np.asarray(amplitudes, dtype=float))
    durations = np.atleast_1d(np.asarray(durations, dtype=float))
    if np.any(durations <= 0) or settle <= 0:
        raise InputError("durations", "pulse durations and the settling time must be > 0 s")
    seeds = np.random.SeedSequence(seed).spawn(amplitudes.size * durations.size)
    start = float(np.sign(model.magnet.initial[2]) or 1.0)
    probability = np.empty((amplitudes.size, durations.size))
    for a, amplitude in enumerate(amplitudes):
        for d, width in enumerate(durations):
            steps = int(np.ceil((width + settle) / dt))

            def pulse(t: float, amplitude: float = amplitude, width: float = width) -> float:
                return amplitude if t < width else 0.0
            ds = run_stochastic(model, replace(conditions, current_density=pulse),
                                duration=steps * dt, dt=dt, trajectories=trajectories,
                                seed=seeds[a * durations.size + d], save_every=steps)
            final = ds["m"].isel(time=-1).sel(component="z").values
            probability[a, d] = float(np.mean(final * start < 0))
    return xr.Dataset(
        {"switching_probability": (("amplitude", "duration"), probability, {"units": "1"})},
        coords={"amplitude": ("amplitude", amplitudes, {"units": "A/m^2"}),
                "duration": ("duration", durations, {"units": "s"})},
        attrs={"trajectories": trajectories, "dt_s": dt, "settle_s": settle,
               "temperature_K": conditions.temperature})
