r"""Two free layers of one stack moving together: coupled explicit LLG equations, T = 0 and T > 0.

For each free layer k = 1, 2 (a :class:`~spintorque.magnet.pair.CoupledMacrospins`), in Gilbert form

.. math:: \dot{\mathbf m}_k = -\gamma_0\,\mathbf m_k\times\mathbf H_k
          + \alpha_k\,\mathbf m_k\times\dot{\mathbf m}_k + \boldsymbol\tau_k(\mathbf m_1, \mathbf m_2),
          \qquad \boldsymbol\tau_k = \frac{\gamma_e\,\mathbf T_k(\mathbf m_1, \mathbf m_2; J)}{M_{s,k}\,d_k},

with T_k the transport solver's torque per area [J/m²] on layer k, the stack solved with both
directions replaced. The explicit form integrated is, per layer (``docs/dynamics.md``),

.. math:: \dot{\mathbf m}_k = -\frac{\gamma_0}{1+\alpha_k^2}\big[\mathbf m_k\times\mathbf H_k
          + \alpha_k\,\mathbf m_k\times(\mathbf m_k\times\mathbf H_k)\big]
          + \frac{\boldsymbol\tau_k + \alpha_k\,\mathbf m_k\times\boldsymbol\tau_k}{1+\alpha_k^2}
          + (\text{extra torque terms of layer } k).

The layers interact only through the spin current (no dipolar or interlayer exchange field).
Deterministic runs use scipy's ``solve_ivp``; thermal runs the Heun scheme (Stratonovich) with an
independent Brown field on each layer, vectorised over trajectories, every state of the ensemble
solved in one batched transport call.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp

from spintorque.constants import gamma_e
from spintorque.dynamics import kernel
from spintorque.dynamics.llg import llg_rate
from spintorque.dynamics.stochastic import (
    COMPONENTS,
    Seed,
    _check_run,
    provenance_attrs,
    seed_sequence,
    seed_states,
    thermal_sigma,
)
from spintorque.errors import InputError
from spintorque.geometry import cross, dot
from spintorque.magnet.model import Conditions
from spintorque.magnet.pair import CoupledMacrospins
from spintorque.magnet.torque import gilbert_to_landau

FloatArray = NDArray[np.float64]
CONVENTIONS = ("SI units; layer order as given (first, second); J > 0: electrons flow from the "
               "stack's first layer to its last; see docs/dynamics.md, 'Two free layers'")


def coupled_rate(system: CoupledMacrospins, m: ArrayLike, J: float,
                 H_extra: ArrayLike | None = None) -> FloatArray:
    r"""d(m_1, m_2)/dt [1/s] of the two coupled explicit LLG equations, shape (..., 2, 3).

    Parameters
    ----------
    system : CoupledMacrospins
    m : array_like, shape (..., 2, 3)
        Directions of the first and second free layer (used as given: normalise them first).
    J : float
        Current density [A/m²] (> 0: electrons flow from the stack's first layer to its last).
    H_extra : array_like, optional
        Further fields [A/m] on each layer (the thermal fields), broadcast against m.

    Notes
    -----
    Each layer's energy and extra torques enter as in :func:`~spintorque.dynamics.llg_rate`; the
    stack's torques are added as :math:`(\boldsymbol\tau + \alpha\,\mathbf m\times\boldsymbol\tau)
    /(1+\alpha^2)` with :math:`\boldsymbol\tau = \gamma_e\mathbf T/(M_s d)`, exactly as
    :meth:`~spintorque.magnet.DiffusiveTorque.rate` does for one layer.

    Examples
    --------
    >>> import spintorque as st
    >>> from spintorque.magnet import Macrospin
    >>> from spintorque.magnet.pair import CoupledMacrospins, FreeLayer
    >>> co, cu = st.Ferromagnet("Co", 7.5e-8, 0.46, 59e-9), st.NormalMetal("Cu", 0.6e-8, 500e-9)
    >>> stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
    ...                   st.Layer("F2", co, 3e-9, (0, 0, 1))))
    >>> pair = CoupledMacrospins(stack, FreeLayer("F1", Macrospin(1.4e6, 8e-9, 1e-15, 0.01)),
    ...                          FreeLayer("F2", Macrospin(1.4e6, 3e-9, 1e-15, 0.01)))
    >>> coupled_rate(pair, [[0, 0, 1], [1, 0, 0]], 1e11).shape
    (2, 3)
    """
    m = np.asarray(m, dtype=float)
    if m.ndim < 2 or m.shape[-2:] != (2, 3):
        raise InputError("m", f"must have shape (..., 2, 3), got {m.shape}")
    H = None if H_extra is None else np.broadcast_to(np.asarray(H_extra, dtype=float), m.shape)
    # The stack's torques are linear in J: no solve at all when no current flows.
    T = system.torque_per_area(m, J) if J != 0.0 else None
    out = np.empty(m.shape)
    for k, free in enumerate(system.layers):
        mk = m[..., k, :]
        rate = llg_rate(free.model, mk, J, None if H is None else H[..., k, :])
        if T is not None:
            magnet = free.magnet
            tau = gamma_e * T[..., k, :] / (magnet.saturation_magnetization * magnet.thickness)
            rate = rate + gilbert_to_landau(tau, mk, magnet.damping)
        out[..., k, :] = rate
    return out


def relative_angle(m: ArrayLike) -> FloatArray:
    """Angle θ between the two layers [rad], atan2(|m1×m2|, m1·m2), for m of shape (..., 2, 3)."""
    m = np.asarray(m, dtype=float)
    m1, m2 = m[..., 0, :], m[..., 1, :]
    return np.asarray(np.arctan2(np.linalg.norm(cross(m1, m2), axis=-1), dot(m1, m2)))


def _initial(system: CoupledMacrospins, initial: ArrayLike | None, trajectories: int) -> FloatArray:
    """(B, 2, 3) unit starting directions: the magnets' own, one pair for all, or one per trajectory."""
    m0 = system.initial() if initial is None else np.asarray(initial, dtype=float)
    if m0.shape == (2, 3):
        m0 = np.broadcast_to(m0, (trajectories, 2, 3))
    if m0.shape != (trajectories, 2, 3) or not np.all(np.isfinite(m0)):
        raise InputError("initial", f"must be finite, of shape (2, 3) or ({trajectories}, 2, 3), "
                         f"got {m0.shape}")
    norms = np.linalg.norm(m0, axis=-1, keepdims=True)
    if np.any(norms == 0.0):
        raise InputError("initial", "directions must be non-zero")
    return np.ascontiguousarray(m0 / norms)


def integrate_coupled(system: CoupledMacrospins, conditions: Conditions, *, duration: float,
                      samples: int = 201, initial: ArrayLike | None = None, method: str = "DOP853",
                      rtol: float = 1e-10, atol: float = 1e-12) -> xr.Dataset:
    r"""Integrate the two coupled layers at zero temperature (scipy ``solve_ivp``).

    The state is the 6-vector (m_1, m_2); the right-hand side uses m_k/|m_k|, so the drift of |m_k|
    allowed by the tolerances never feeds back, and stored samples are normalised.

    Parameters
    ----------
    system : CoupledMacrospins
    conditions : Conditions
        Current density J [A/m²] (constant or a function of time t [s]); the temperature must be 0
        (use :func:`run_coupled_stochastic` for T > 0).
    duration : float
        End time [s].
    samples : int
        Number of stored, equally spaced times including 0 and ``duration``.
    initial : array_like, shape (2, 3), optional
        Starting directions of the first and second layer (default the macrospins' own).
    method : str
        A ``solve_ivp`` method, default ``"DOP853"``.
    rtol, atol : float
        Tolerances passed to ``solve_ivp``.

    Returns
    -------
    xarray.Dataset
        ``m`` (layer, time, component), ``angle`` (time) [rad] between the two layers, coordinate
        ``time`` [s] and ``layer`` (the layer names); inputs and solver options in attrs.

    Examples
    --------
    >>> import spintorque as st
    >>> from spintorque.magnet import Conditions, Macrospin
    >>> from spintorque.magnet.pair import CoupledMacrospins, FreeLayer
    >>> co, cu = st.Ferromagnet("Co", 7.5e-8, 0.46, 59e-9), st.NormalMetal("Cu", 0.6e-8, 500e-9)
    >>> stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
    ...                   st.Layer("F2", co, 3e-9, (0, 0, 1))))
    >>> pair = CoupledMacrospins(stack, FreeLayer("F1", Macrospin(1.4e6, 8e-9, 1e-15, 0.01)),
    ...                          FreeLayer("F2", Macrospin(1.4e6, 3e-9, 1e-15, 0.01, (1, 0, 1))))
    >>> ds = integrate_coupled(pair, Conditions(1e11), duration=1e-9, samples=3)
    >>> bool(ds.angle[-1] < ds.angle[0])   # J > 0 pulls the thin layer towards the thick one
    True
    """
    if conditions.temperature != 0.0:
        raise InputError("conditions.temperature",
                         "deterministic integration is at T = 0; use run_coupled_stochastic for T > 0")
    if not (math.isfinite(duration) and duration > 0.0):
        raise InputError("duration", f"must be a positive time [s], got {duration!r}")
    if not (isinstance(samples, int) and samples >= 2):
        raise InputError("samples", f"must be an integer >= 2, got {samples!r}")
    start = _initial(system, initial, 1)[0]
    times = np.linspace(0.0, duration, samples)

    def rhs(t: float, y: FloatArray) -> FloatArray:
        m = y.reshape(2, 3)
        return coupled_rate(system, m / np.linalg.norm(m, axis=-1, keepdims=True),
                            conditions.current_at(t)).ravel()

    solution = solve_ivp(rhs, (0.0, duration), start.ravel(), method=method, t_eval=times,
                         rtol=rtol, atol=atol)
    if not solution.success:
        raise RuntimeError(f"solve_ivp failed: {solution.message}")
    m = solution.y.T.reshape(samples, 2, 3)
    m = m / np.linalg.norm(m, axis=-1, keepdims=True)
    options = {"method": method, "rtol": rtol, "atol": atol, "solver": "scipy.integrate.solve_ivp",
               "solver_stats": {"nfev": int(solution.nfev), "message": solution.message}}
    return _dataset(system, conditions, times, m.transpose(1, 0, 2), options)


def coupled_heun_step(system: CoupledMacrospins, m: FloatArray, dt: float, J0: float, J1: float,
                      H_thermal: FloatArray) -> FloatArray:
    r"""One Heun step for all states m (B, 2, 3); returns the new, normalised m.

    ``m̃ = m + dt f(m, J0, H_th)``, ``m' = normalise(m + dt/2 [f(m, J0, H_th) + f(m̃, J1, H_th)])``
    with the thermal fields H_th [A/m] (B, 2, 3) held over the step (Stratonovich), J0 and J1 the
    current densities [A/m²] at the start and end of the step.
    """
    d1 = coupled_rate(system, m, J0, H_thermal)
    d2 = coupled_rate(system, m + dt * d1, J1, H_thermal)
    new = m + 0.5 * dt * (d1 + d2)
    return np.asarray(new / np.linalg.norm(new, axis=-1, keepdims=True))


def run_coupled_stochastic(system: CoupledMacrospins, conditions: Conditions, *, duration: float,
                           dt: float, trajectories: int = 1, seed: Seed = None, save_every: int = 1,
                           initial: ArrayLike | None = None) -> xr.Dataset:
    r"""Integrate the two coupled stochastic LLG equations for an ensemble (Heun, Stratonovich).

    Each layer k has its own Brown field, per component of variance
    :math:`2\alpha_k k_B T/(\gamma_0\mu_0 M_{s,k} V_k\,dt)` over a step dt [(A/m)²], independent
    of the other layer's. NumPy, vectorised over trajectories; each step solves the stack for all
    trajectories in one batched call (twice: predictor and corrector).

    Parameters
    ----------
    system : CoupledMacrospins
    conditions : Conditions
        Current density J [A/m²] (constant or a function of time) and temperature T [K].
    duration, dt : float
        Length of the run and time step [s]; duration must be a whole number of steps.
    trajectories : int
        Ensemble size B.
    seed : int, SeedSequence, Generator or None
        Trajectory i draws from the stream of ``SeedSequence(entropy, spawn_key=(i,))`` (the same
        generator as :func:`~spintorque.dynamics.run_stochastic`): six normals a step, three for
        the first layer, then three for the second. Same seed, same numbers; the entropy is in attrs.
    save_every : int
        Store m every this many steps.
    initial : array_like, optional
        Start directions, (2, 3) or (B, 2, 3); default the macrospins' own.

    Returns
    -------
    xarray.Dataset
        ``m`` (trajectory, layer, time, component), ``angle`` (trajectory, time) [rad], and the
        inputs, seed and options in attrs.

    Examples
    --------
    >>> import spintorque as st
    >>> from spintorque.magnet import Conditions, Macrospin, Uniaxial
    >>> from spintorque.magnet.pair import CoupledMacrospins, FreeLayer
    >>> co, cu = st.Ferromagnet("Co", 7.5e-8, 0.46, 59e-9), st.NormalMetal("Cu", 0.6e-8, 500e-9)
    >>> stack = st.Stack((st.Layer("F1", co, 8e-9, (0, 0, 1)), st.Layer("N", cu, 10e-9),
    ...                   st.Layer("F2", co, 3e-9, (0, 0, 1))))
    >>> pair = CoupledMacrospins(stack, FreeLayer("F1", Macrospin(1.4e6, 8e-9, 1e-15, 0.1), Uniaxial(3e5)),
    ...                          FreeLayer("F2", Macrospin(1.4e6, 3e-9, 1e-15, 0.1), Uniaxial(3e5)))
    >>> ds = run_coupled_stochastic(pair, Conditions(1e11, 300.0), duration=1e-11, dt=1e-12,
    ...                             trajectories=4, seed=1, save_every=5)
    >>> ds.m.shape
    (4, 2, 3, 3)
    """
    n_steps = _check_run(duration, dt, trajectories, save_every)
    seq = seed_sequence(seed)
    m = _initial(system, initial, trajectories).copy()
    state = seed_states(seq, trajectories)
    sigma = np.array([thermal_sigma(free.model, conditions.temperature, dt) for free in system.layers])
    xi = np.empty((trajectories, 2, 3))
    H_th = np.zeros((trajectories, 2, 3))
    J_grid = conditions.current_on(dt * np.arange(n_steps + 1))
    times, samples = [0.0], [m.copy()]
    for k in range(n_steps):
        # Draw whenever T > 0 (even if a layer has alpha = 0) so the stream depends on the seed only.
        if conditions.temperature > 0.0:
            kernel.draw_normals(state, xi)
            H_th = sigma[None, :, None] * xi
        m = coupled_heun_step(system, m, dt, float(J_grid[k]), float(J_grid[k + 1]), H_th)
        if (k + 1) % save_every == 0 or k + 1 == n_steps:
            times.append((k + 1) * dt)
            samples.append(m.copy())
    options = {"method": "heun", "calculus": "stratonovich", "backend": "numpy", "dt_s": dt,
               "duration_s": duration, "save_every_steps": int(save_every),
               "trajectories": int(trajectories), "seed_entropy": str(seq.entropy),
               "thermal_sigma_A_per_m": sigma.tolist()}
    return _dataset(system, conditions, np.array(times), np.stack(samples, axis=2), options)


def _dataset(system: CoupledMacrospins, conditions: Conditions, times: FloatArray, m: FloatArray,
             options: dict[str, Any]) -> xr.Dataset:
    """Dataset of m (…, layer, time, component); a leading axis, if any, is ``trajectory``."""
    dims = ("layer", "time", "component") if m.ndim == 3 else ("trajectory", "layer", "time", "component")
    angle = relative_angle(np.moveaxis(m, -3, -2))
    coords: dict[str, Any] = {"layer": list(system.names),
                              "time": ("time", times, {"units": "s", "long_name": "time"}),
                              "component": list(COMPONENTS)}
    if m.ndim == 4:
        coords["trajectory"] = np.arange(m.shape[0])
    ds = xr.Dataset(
        {"m": (dims, m, {"units": "1", "long_name": "unit magnetization"}),
         "angle": ((*dims[:-3], "time"), angle,
                   {"units": "rad", "long_name": "angle between the two free layers"})},
        coords=coords)
    ds.attrs.update(provenance_attrs(system.describe(), conditions, options, CONVENTIONS))
    return ds
