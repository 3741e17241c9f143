r"""Stochastic LLG for an ensemble of independent macrospins: Heun scheme, Stratonovich calculus.

Brown's thermal field is white and Gaussian with, per component,

.. math:: \langle H_i(t) H_j(t')\rangle = \frac{2\alpha k_B T}{\gamma_0\mu_0 M_s V}\,
          \delta_{ij}\,\delta(t-t'),

so over a step dt it is held constant at ``sigma ξ``, sigma² = 2 alpha k_B T/(gamma0 mu0 Ms V dt),
ξ standard normal. Heun's predictor–corrector converges to the Stratonovich solution; |m| = 1 is
restored after every step. The factor is fixed by the test that the zero-current stationary
distribution is Boltzmann (``tests/dynamics/test_thermal.py``).

Two backends give the same numbers from the same seed (same random stream, same arithmetic up to
rounding): ``"numba"`` (compiled, parallel over trajectories; the built-in terms Uniaxial, Demag,
Zeeman, Slonczewski and FieldLike) and ``"numpy"`` (any term, e.g. :class:`DiffusiveTorque`,
vectorised over the ensemble).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import ArrayLike, NDArray

from spintorque.constants import e, gamma0, gamma_e, hbar, k_B, mu0
from spintorque.dynamics import kernel
from spintorque.dynamics.llg import llg_rate
from spintorque.errors import InputError
from spintorque.magnet.energy import Demag, Uniaxial, Zeeman
from spintorque.magnet.model import Conditions, MacrospinModel
from spintorque.magnet.torque import FieldLike, Slonczewski

FloatArray = NDArray[np.float64]
Seed = int | np.random.SeedSequence | np.random.Generator | None
Callback = Callable[[float, FloatArray], bool | None]
COMPONENTS = ("x", "y", "z")
_COMPILED_TERMS = (Uniaxial, Demag, Zeeman, Slonczewski, FieldLike)


def seed_sequence(seed: Seed) -> np.random.SeedSequence:
    """A :class:`~numpy.random.SeedSequence` from an int, a SeedSequence, a Generator or None."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    if seed is None or (isinstance(seed, int | np.integer) and not isinstance(seed, bool)):
        return np.random.SeedSequence(seed)
    raise InputError("seed", f"must be an int, a SeedSequence, a Generator or None, got {seed!r}")


def seed_states(seq: np.random.SeedSequence, trajectories: int, first: int = 0) -> NDArray[np.uint64]:
    """xoshiro256+ states (B, 4) of trajectories first … first+B−1: spawn key (i,) each.

    Trajectory i's stream depends only on the entropy and i (as ``seq.spawn`` would give it).
    """
    states = np.empty((trajectories, 4), dtype=np.uint64)
    for i in range(trajectories):
        child = np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, first + i),
                                       pool_size=seq.pool_size)
        states[i] = child.generate_state(4, np.uint64)
    return states


def thermal_sigma(model: MacrospinModel, temperature: float, dt: float) -> float:
    """Standard deviation of each thermal-field component over a step dt [A/m]."""
    magnet = model.magnet
    if temperature == 0.0 or magnet.damping == 0.0:
        return 0.0
    variance = 2.0 * magnet.damping * k_B * temperature / (
        gamma0 * mu0 * magnet.saturation_magnetization * magnet.volume)
    return math.sqrt(variance / dt)


def compiled_parameters(model: MacrospinModel) -> dict[str, Any]:
    """The arrays the compiled kernel takes for ``model`` (built-in terms only)."""
    magnet = model.magnet
    alpha = magnet.damping
    Q, h = model.energy.quadratic_form(magnet)
    hJ = np.zeros(3)
    slon = []
    for term in model.torques:
        if isinstance(term, FieldLike):
            hJ = hJ + term.field_per_current(magnet)
        elif isinstance(term, Slonczewski):
            L2 = term.Lambda**2
            slon.append((term.polarizer, (term.polarization * L2, L2 + 1.0, L2 - 1.0, term.epsilon_prime)))
    sp = np.array([s[0] for s in slon], dtype=float).reshape(-1, 3)
    sc = np.array([s[1] for s in slon], dtype=float).reshape(-1, 4)
    stt = gamma_e * hbar / (e * magnet.saturation_magnetization * magnet.thickness) / (1.0 + alpha**2)
    return {"Q": np.ascontiguousarray(Q), "h": h, "hJ": hJ, "g": gamma0 / (1.0 + alpha**2),
            "alpha": alpha, "stt": stt, "sp": sp, "sc": sc}


def is_compiled(model: MacrospinModel) -> bool:
    """True if every term of ``model`` has a compiled implementation."""
    return all(isinstance(t, _COMPILED_TERMS) for t in (*model.energy, *model.torques))


def initial_directions(model: MacrospinModel, initial: ArrayLike | None, trajectories: int) -> FloatArray:
    """(B, 3) unit starting directions: the magnet's own, one vector for all, or one per trajectory."""
    m0 = np.array(model.magnet.initial) if initial is None else np.asarray(initial, dtype=float)
    if m0.shape == (3,):
        m0 = np.broadcast_to(m0, (trajectories, 3))
    if m0.shape != (trajectories, 3) or not np.all(np.isfinite(m0)):
        raise InputError("initial", f"must be 3 numbers or shape ({trajectories}, 3), got {m0.shape}")
    norms = np.linalg.norm(m0, axis=-1, keepdims=True)
    if np.any(norms == 0.0):
        raise InputError("initial", "directions must be non-zero")
    return np.ascontiguousarray(m0 / norms)


def _check_run(duration: float, dt: float, trajectories: int, save_every: int) -> int:
    if not (math.isfinite(dt) and dt > 0.0):
        raise InputError("dt", f"must be a positive time step [s], got {dt!r}")
    if not (math.isfinite(duration) and duration > 0.0):
        raise InputError("duration", f"must be a positive time [s], got {duration!r}")
    if not (isinstance(trajectories, int | np.integer) and trajectories >= 1):
        raise InputError("trajectories", f"must be an integer >= 1, got {trajectories!r}")
    if not (isinstance(save_every, int | np.integer) and save_every >= 1):
        raise InputError("save_every", f"must be an integer number of steps >= 1, got {save_every!r}")
    steps = round(duration / dt)
    if steps < 1 or not math.isclose(steps * dt, duration, rel_tol=1e-9):
        raise InputError("duration", f"must be a whole number of steps dt = {dt:.6g} s, got {duration!r}")
    return int(steps)


def heun_step(model: MacrospinModel, m: FloatArray, dt: float, J0: float, J1: float,
              H_thermal: FloatArray) -> FloatArray:
    r"""One Heun step of the stochastic LLG(S) equation for all rows of m (B, 3); returns the new m.

    ``m̃ = m + dt f(m, J0, H_th)``, ``m' = normalise(m + dt/2 [f(m, J0, H_th) + f(m̃, J1, H_th)])``
    with the thermal field H_th [A/m] held over the step (Stratonovich). The compiled kernel does
    exactly this, term by term.
    """
    d1 = llg_rate(model, m, J0, H_thermal)
    d2 = llg_rate(model, m + dt * d1, J1, H_thermal)
    new = m + 0.5 * dt * (d1 + d2)
    return np.asarray(new / np.linalg.norm(new, axis=-1, keepdims=True))


class _NumpyStepper:
    """The NumPy backend: same stream and same step as the kernel, for any term."""

    def __init__(self, model: MacrospinModel) -> None:
        self.model = model

    def __call__(self, m: FloatArray, state: NDArray[np.uint64], switch: FloatArray,
                 sign0: FloatArray, t0: float, dt: float, J_grid: FloatArray, sigma: float) -> None:
        xi = np.empty((m.shape[0], 1, 3))
        H_th = np.zeros(m.shape)
        for k in range(J_grid.size - 1):
            if sigma > 0.0:
                kernel.draw_normals(state, xi)
                H_th = sigma * xi[:, 0, :]
            new = heun_step(self.model, m, dt, float(J_grid[k]), float(J_grid[k + 1]), H_th)
            crossed = np.isnan(switch) & (sign0 * new[:, 2] < 0.0)
            if np.any(crossed):
                z0, z1 = m[crossed, 2], new[crossed, 2]
                switch[crossed] = t0 + dt * (k + z0 / (z0 - z1))
            m[:] = new


def run_stochastic(model: MacrospinModel, conditions: Conditions, *, duration: float, dt: float,
                   trajectories: int = 1, seed: Seed = None, save_every: int = 1,
                   initial: ArrayLike | None = None, callback: Callback | None = None,
                   backend: str = "auto", keep: bool = True, first: int = 0) -> xr.Dataset:
    r"""Integrate the stochastic LLG(S) equation for an ensemble with the Heun scheme.

    Parameters
    ----------
    model : MacrospinModel
    conditions : Conditions
        Current density J [A/m²] (constant or a function of time) and temperature T [K].
    duration, dt : float
        Length of the run and time step [s]; duration must be a whole number of steps.
    trajectories : int
        Ensemble size B.
    seed : int, SeedSequence, Generator or None
        Trajectory i uses the stream of ``SeedSequence(entropy, spawn_key=(i,))``: the same seed
        gives the same numbers whatever the thread count. The entropy used is stored in attrs.
    save_every : int
        Store m every this many steps (only the stored samples are kept in memory).
    initial : array_like, optional
        Start direction(s), (3,) or (B, 3); default the magnet's.
    callback : callable, optional
        ``callback(t, m)`` after each stored sample (m of shape (B, 3), a copy); returning True
        stops the run there (the Dataset then ends at t).
    backend : {"auto", "numba", "numpy"}
        ``"auto"`` uses the compiled kernel when every term has one.
    keep : bool
        Keep every stored sample (default); False keeps only the first and the last (the callback
        still sees every sample: a tracker such as
        :class:`spintorque.dynamics.switching.SwitchingTracker` then needs O(B) memory).
    first : int
        Index of the first trajectory in the ensemble: these B trajectories are numbers first …
        first + B − 1, with those trajectories' streams, so an ensemble run in chunks
        (:func:`spintorque.dynamics.ensemble.run_ensemble`) gives the numbers of one run.

    Returns
    -------
    xarray.Dataset
        ``m`` (trajectory, time, component), ``time`` [s], ``switching_time`` (trajectory) [s]: the
        first time m_z changed sign — a first passage through the plane m_z = 0, not the switching
        criterion of :mod:`spintorque.dynamics.switching` (NaN if never) — and the inputs in attrs.

    Examples
    --------
    >>> from spintorque.magnet import Macrospin, MacrospinModel, Uniaxial, Conditions
    >>> model = MacrospinModel(Macrospin(1e6, 2e-9, 1e-16, 0.1), Uniaxial(3e5))
    >>> ds = run_stochastic(model, Conditions(temperature=300.0), duration=1e-10, dt=1e-12,
    ...                     trajectories=4, seed=1, save_every=50)
    >>> ds.m.shape
    (4, 3, 3)
    """
    n_steps = _check_run(duration, dt, trajectories, save_every)
    if not (isinstance(first, int | np.integer) and first >= 0):
        raise InputError("first", f"must be an integer >= 0, got {first!r}")
    if backend == "auto":
        backend = "numba" if is_compiled(model) else "numpy"
    if backend not in ("numba", "numpy"):
        raise InputError("backend", f"must be 'auto', 'numba' or 'numpy', got {backend!r}")
    if backend == "numba" and not is_compiled(model):
        raise InputError("backend", "the numba kernel covers Uniaxial, Demag, Zeeman, Slonczewski and "
                         "FieldLike terms only; use backend='numpy'")
    seq = seed_sequence(seed)
    m = initial_directions(model, initial, trajectories).copy()
    state = seed_states(seq, trajectories, int(first))
    switch = np.full(trajectories, np.nan)
    sign0 = np.where(m[:, 2] >= 0.0, 1.0, -1.0)
    sigma = thermal_sigma(model, conditions.temperature, dt)
    if backend == "numba":
        params = compiled_parameters(model)

        def advance(t0: float, J_grid: FloatArray) -> None:
            kernel.heun_ensemble(m, state, switch, sign0, t0, dt, J_grid, params["Q"], params["h"],
                                 params["hJ"], params["g"], params["alpha"], params["stt"],
                                 params["sp"], params["sc"], sigma)
    else:
        stepper = _NumpyStepper(model)

        def advance(t0: float, J_grid: FloatArray) -> None:
            stepper(m, state, switch, sign0, t0, dt, J_grid, sigma)

    times, samples = [0.0], [m.copy()]
    step = 0
    while step < n_steps:
        n = min(save_every, n_steps - step)
        J_grid = conditions.current_on(dt * np.arange(step, step + n + 1))
        advance(step * dt, J_grid)
        step += n
        if keep or step >= n_steps:
            times.append(step * dt)
            samples.append(m.copy())
        if callback is not None and callback(step * dt, m.copy()):
            break
    if times[-1] != step * dt:  # stopped early by the callback, samples not kept
        times.append(step * dt)
        samples.append(m.copy())
    return _dataset(model, conditions, np.array(times), np.stack(samples, axis=1), switch,
                    {"method": "heun", "calculus": "stratonovich", "backend": backend, "dt_s": dt,
                     "duration_s": duration, "save_every_steps": int(save_every), "keep": keep,
                     "trajectories": int(trajectories), "seed_entropy": str(seq.entropy),
                     "thermal_sigma_A_per_m": sigma}, int(first))


def provenance_attrs(description: dict[str, Any], conditions: Conditions, options: dict[str, Any],
                     conventions: str = "SI units; J > 0 pulls m towards the polarizer; see "
                                        "docs/dynamics.md") -> dict[str, Any]:
    """Dataset attrs of a dynamics run (:func:`spintorque.provenance.dataset_attrs`): package
    version, the input files' texts, the model and conditions as JSON, the solver options.

    Options become ``option_<key>``; anything but a plain int, float or str is stored as JSON.
    """
    from spintorque.provenance import dataset_attrs

    return dataset_attrs({"input_model": description, "input_conditions": conditions.describe()},
                         options=options, conventions=conventions)


def _dataset(model: MacrospinModel, conditions: Conditions, times: FloatArray, m: FloatArray,
             switch: FloatArray, options: dict[str, Any], first: int = 0) -> xr.Dataset:
    ds = xr.Dataset(
        {"m": (("trajectory", "time", "component"), m, {"units": "1", "long_name": "unit magnetization"}),
         "switching_time": ("trajectory", switch,
                            {"units": "s", "long_name": "first sign change of m_z, a first passage "
                             "(NaN: none); not the switching criterion"})},
        coords={"trajectory": first + np.arange(m.shape[0]),
                "time": ("time", times, {"units": "s", "long_name": "time"}),
                "component": list(COMPONENTS)})
    ds.attrs.update(provenance_attrs(model.describe(), conditions, options))
    return ds
