r"""Deterministic macrospin dynamics: adaptive Runge–Kutta (scipy ``solve_ivp``) with switching events.

The explicit LLG(S) equation (:func:`spintorque.dynamics.llg.llg_rate`) is integrated for each
starting direction; the right-hand side uses m/|m|, so the small drift of |m| allowed by the
tolerances never feeds back. A *switching event* is m_z crossing 0 (located by scipy's root
finder to the solver's accuracy).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp

from spintorque.constants import gamma0
from spintorque.dynamics.stochastic import _dataset, initial_directions
from spintorque.errors import InputError
from spintorque.magnet.model import Conditions, MacrospinModel

FloatArray = NDArray[np.float64]


def integrate(model: MacrospinModel, conditions: Conditions, *, duration: float, samples: int = 201,
              initial: ArrayLike | None = None, method: str = "DOP853", rtol: float = 1e-10,
              atol: float = 1e-12, stop_at_switch: bool = False,
              progress: Callable[[float], None] | None = None) -> xr.Dataset:
    r"""Integrate dm/dt = f(m, t) at zero temperature from one or several starting directions.

    Parameters
    ----------
    model : MacrospinModel
    conditions : Conditions
        Current density J [A/m²] (constant or a function of time); the temperature must be 0
        (use :func:`spintorque.dynamics.run_stochastic` for T > 0).
    duration : float
        End time [s].
    samples : int
        Number of stored, equally spaced times including 0 and ``duration``.
    initial : array_like, optional
        (3,) or (B, 3) starting directions (default the magnet's): B trajectories.
    method : str
        A ``solve_ivp`` method, default ``"DOP853"`` (8th order); ``"RK45"`` also suits.
    rtol, atol : float
        Tolerances passed to ``solve_ivp``.
    stop_at_switch : bool
        Stop each trajectory at its first switching event (later samples are NaN).
    progress : callable, optional
        ``progress(t)`` [s] now and then (every 256 right-hand-side evaluations) while a
        trajectory is integrated: the latest time reached, never decreasing (it may run a step
        ahead of the accepted solution).

    Returns
    -------
    xarray.Dataset
        ``m`` (trajectory, time, component) and ``switching_time`` (trajectory) [s], NaN if m_z
        never crossed 0; solver options and inputs in attrs.

    Examples
    --------
    >>> from spintorque.magnet import Macrospin, MacrospinModel, Zeeman, Conditions
    >>> model = MacrospinModel(Macrospin(1e6, 1e-9, 1e-16, 0.0), Zeeman((0, 0, 1e5)))
    >>> ds = integrate(model, Conditions(), duration=1e-10, initial=(1, 0, 0))
    >>> ds.m.shape
    (1, 201, 3)
    """
    if conditions.temperature != 0.0:
        raise InputError("conditions.temperature",
                         "deterministic integration is at T = 0; use run_stochastic for T > 0")
    if not (math.isfinite(duration) and duration > 0.0):
        raise InputError("duration", f"must be a positive time [s], got {duration!r}")
    if not (isinstance(samples, int) and samples >= 2):
        raise InputError("samples", f"must be an integer >= 2, got {samples!r}")
    m0 = initial_directions(model, initial, 1 if initial is None or np.ndim(initial) == 1
                            else len(np.asarray(initial)))
    times = np.linspace(0.0, duration, samples)
    out = np.full((m0.shape[0], samples, 3), np.nan)
    switch = np.full(m0.shape[0], np.nan)
    stats: list[dict[str, Any]] = []
    for b, start in enumerate(m0):
        solution = _one(model, conditions, start, times, method, rtol, atol, stop_at_switch,
                        progress)
        n = solution.y.shape[1]
        out[b, :n] = (solution.y / np.linalg.norm(solution.y, axis=0)).T
        if solution.t_events[0].size:
            switch[b] = solution.t_events[0][0]
        if not solution.success:
            raise RuntimeError(f"solve_ivp failed on trajectory {b}: {solution.message}")
        stats.append({"nfev": int(solution.nfev), "message": solution.message})
    return _dataset(model, conditions, times, out, switch,
                    {"method": method, "rtol": rtol, "atol": atol, "stop_at_switch": stop_at_switch,
                     "solver": "scipy.integrate.solve_ivp", "solver_stats": stats})


def _one(model: MacrospinModel, conditions: Conditions, start: FloatArray, times: FloatArray,
         method: str, rtol: float, atol: float, stop: bool,
         progress: Callable[[float], None] | None = None) -> Any:
    sign0 = 1.0 if start[2] >= 0.0 else -1.0
    field = _field_rate(model)
    torques = model.torques if len(model.torques) else None
    magnet = model.magnet

    def rhs(t: float, y: FloatArray) -> FloatArray:
        x0, x1, x2 = y.tolist()
        norm = math.sqrt(x0 * x0 + x1 * x1 + x2 * x2)
        rate = field(x0 / norm, x1 / norm, x2 / norm)
        if torques is not None:
            J = conditions.current_at(t)
            if J != 0.0:
                rate = rate + torques.rate(y / norm, J, magnet)
        return rate

    f = rhs
    if progress is not None:
        calls, latest = [0], [0.0]

        def f(t: float, y: FloatArray) -> FloatArray:
            calls[0] += 1
            latest[0] = max(latest[0], min(t, float(times[-1])))   # never backwards (rejected steps)
            if calls[0] % 256 == 0:
                progress(latest[0])
            return rhs(t, y)
    return solve_ivp(f, (0.0, float(times[-1])), start, method=method, t_eval=times, rtol=rtol,
                     atol=atol, events=_Crossing(sign0, stop))


def _field_rate(model: MacrospinModel) -> Callable[[float, float, float], FloatArray]:
    r"""(m_x, m_y, m_z) ↦ −γ0/(1+α²)[m×H + α m×(m×H)] with H = Q m + h: every energy term is quadratic, so Q
    and h are summed once and the rate is written out on three floats (the generic
    :func:`spintorque.dynamics.llg.llg_rate` loops over the terms on every call, 3× slower)."""
    Q, h = model.energy.quadratic_form(model.magnet)
    (q00, q01, q02), (q10, q11, q12), (q20, q21, q22) = (tuple(float(x) for x in row) for row in Q)
    h0, h1, h2 = (float(x) for x in h)
    alpha = model.magnet.damping
    g = -gamma0 / (1.0 + alpha**2)

    def rate(x: float, y: float, z: float) -> FloatArray:
        hx = q00 * x + q01 * y + q02 * z + h0
        hy = q10 * x + q11 * y + q12 * z + h1
        hz = q20 * x + q21 * y + q22 * z + h2
        ax, ay, az = y * hz - z * hy, z * hx - x * hz, x * hy - y * hx
        bx, by, bz = y * az - z * ay, z * ax - x * az, x * ay - y * ax
        return np.array([g * (ax + alpha * bx), g * (ay + alpha * by), g * (az + alpha * bz)])

    return rate


class _Crossing:
    """solve_ivp event: m_z leaves the starting hemisphere (scipy reads terminal, direction)."""

    direction = -1.0

    def __init__(self, sign: float, terminal: bool) -> None:
        self.sign = sign
        self.terminal = terminal

    def __call__(self, t: float, y: FloatArray) -> float:
        return float(self.sign * y[2])
