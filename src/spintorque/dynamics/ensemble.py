r"""A long stochastic ensemble run in chunks of trajectories, checkpointed so a killed run resumes.

Trajectory i of an ensemble draws its thermal noise from the stream of
``SeedSequence(entropy, spawn_key=(i,))`` (:func:`spintorque.dynamics.stochastic.seed_states`),
and the trajectories do not interact, so the ensemble can be integrated a chunk of trajectories
at a time (``run_stochastic(..., first=i0)``) and the chunks joined along ``trajectory``: the
numbers are those of one run over the whole ensemble, bit for bit, whatever the chunking.

With a :class:`~spintorque.dynamics.checkpoint.Checkpoint`, every finished chunk is written to
disk (atomically) before the next one starts; a run killed at any point (``kill -9`` included)
loses at most the chunk in progress and :func:`run_ensemble` with the same checkpoint computes
only the missing chunks.

With ``start="thermal"`` the start directions (:func:`spintorque.dynamics.start.start_states`)
are drawn for the whole ensemble from the seed's own start stream before the first chunk, so
they too are the same whatever the chunking and on resume.

The whole output is joined in memory at the end: :func:`output_bytes` estimates its size,
:func:`check_memory` refuses before any work a run whose output would not fit in half the
available memory (:func:`available_memory`), naming the ``--save-every`` that would.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from spintorque.dynamics.start import start_states
from spintorque.dynamics.stochastic import run_stochastic
from spintorque.errors import InputError
from spintorque.magnet.model import Conditions, MacrospinModel

if TYPE_CHECKING:
    from spintorque.dynamics.checkpoint import Checkpoint

CHUNK_BYTES = 32 * 2**20
"""Most stored output [bytes] in one chunk of trajectories (by default)."""

CHUNKS = 20
"""Default number of chunks of a large ensemble (at most this much work is lost by a kill)."""

MEMORY_FRACTION = 0.5
"""Share of the available memory the stored output of a run may take."""


def stored_samples(steps: int, save_every: int) -> int:
    """Samples stored by :func:`run_stochastic`: t = 0, every ``save_every`` steps, and the end."""
    return 1 + steps // save_every + (1 if steps % save_every else 0)


def output_bytes(trajectories: int, steps: int, save_every: int) -> int:
    """Size of m (trajectory, time, component) in float64 [bytes]: B × samples × 3 × 8."""
    return int(trajectories) * stored_samples(steps, save_every) * 3 * 8


def available_memory() -> int | None:
    """Memory available to a new process [bytes] (Linux ``MemAvailable``, else free pages)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, OSError, ValueError):
        return None


def _size(n: float) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"


def check_memory(trajectories: int, steps: int, save_every: int, dt: float, budget: int | None = None) -> int:
    """Refuse a run whose stored output exceeds ``budget`` [bytes] (default half the available
    memory); return its size [bytes]. The message names the ``--save-every`` that would fit."""
    need = output_bytes(trajectories, steps, save_every)
    if budget is None:
        free = available_memory()
        if free is None:
            return need
        budget = int(MEMORY_FRACTION * free)
    if need <= budget:
        return need
    per_sample = int(trajectories) * 3 * 8
    fits = budget // per_sample - 1  # samples after t = 0 that fit: 1 + ceil(steps/every)
    if fits < 1:
        raise InputError(
            "--trajectories",
            f"{trajectories} trajectories need {_size(need)} even "
            f"storing only the start and the end; {_size(budget)} available "
            "(half the free memory): run fewer",
        )
    every = _round_up(max(save_every + 1, math.ceil(steps / fits)))  # fits, and reads well
    raise InputError(
        "--save-every",
        f"the output ({trajectories} trajectories × "
        f"{stored_samples(steps, save_every)} samples × 3 × 8 bytes = {_size(need)}) "
        f"exceeds the {_size(budget)} available (half the free memory); use "
        f"--save-every {every * dt:.12g}s ({every} steps) or longer, or fewer "
        "--trajectories",
    )


def _round_up(n: int) -> int:
    """The smallest integer >= n with at most two significant digits (2023178 -> 2100000)."""
    if n < 100:
        return n
    scale = 10 ** (len(str(n)) - 2)
    return -(-n // scale) * scale


def default_chunk(trajectories: int, samples: int) -> int:
    """Trajectories per chunk: about a twentieth of the ensemble (at least 64), and at most
    :data:`CHUNK_BYTES` of output."""
    size = max(min(trajectories, 64), math.ceil(trajectories / CHUNKS))
    return max(1, min(size, CHUNK_BYTES // (samples * 24)))


def chunks(trajectories: int, chunk: int) -> list[tuple[int, int]]:
    """(first trajectory, size) of each chunk."""
    if not (isinstance(chunk, int) and chunk >= 1):
        raise InputError("--chunk", f"must be an integer >= 1, got {chunk!r}")
    return [(first, min(chunk, trajectories - first)) for first in range(0, trajectories, chunk)]


def run_ensemble(
    model: MacrospinModel,
    conditions: Conditions,
    *,
    duration: float,
    dt: float,
    trajectories: int,
    seed: np.random.SeedSequence,
    save_every: int = 1,
    chunk: int | None = None,
    checkpoint: Checkpoint | None = None,
    progress: Callable[[float], None] | None = None,
    backend: str = "auto",
    start: str = "initial",
    start_field: str = "start",
) -> tuple[xr.Dataset, int]:
    """Integrate an ensemble chunk by chunk (module docstring); return it and the chunks computed.

    Parameters
    ----------
    model, conditions
        As :func:`spintorque.dynamics.run_stochastic`.
    duration, dt : float
        Run length and step [s].
    trajectories : int
        Ensemble size.
    seed : numpy.random.SeedSequence
        The ensemble's seed (its entropy is recorded; trajectory i uses spawn key (i,)).
    save_every : int
        Store m every this many steps.
    chunk : int, optional
        Trajectories per chunk (default :func:`default_chunk`).
    checkpoint : Checkpoint, optional
        Where finished chunks are kept; chunks found there are read, not recomputed.
    progress : callable, optional
        ``progress(done)`` with done in trajectory-seconds of simulated time (total B·T).
    backend : str
        As :func:`spintorque.dynamics.run_stochastic`.
    start : {"initial", "thermal"}
        Every trajectory at ``magnet.initial``, or from the zero-current Boltzmann state of the
        start well (:func:`spintorque.dynamics.start.start_states`: drawn from the seed's own
        start stream for the whole ensemble before the first chunk, so a resumed or rechunked
        run has the same starts; a checkpoint records the mode among its inputs).
    start_field : str
        The caller's name of the start option, named by a refusal (``"--start"`` from the CLI).

    Returns
    -------
    (xarray.Dataset, int)
        The ensemble as one run would give it (``option_chunk_trajectories`` added), and how many
        chunks this call integrated (the others came from the checkpoint).
    """
    steps = round(duration / dt)
    size = default_chunk(trajectories, stored_samples(max(steps, 1), save_every)) if chunk is None else chunk
    starts = start_states(model, conditions.temperature, seed, trajectories, start, start_field)
    parts: list[xr.Dataset] = []
    computed = 0
    for index, (first, count) in enumerate(chunks(trajectories, size)):
        base = first * duration
        part = None if checkpoint is None else checkpoint.read_chunk(index)
        if part is None:

            def tick(t: float, m: object, base: float = base, count: int = count) -> bool:
                if progress is not None:
                    progress(base + count * t)
                return False

            part = run_stochastic(
                model,
                conditions,
                duration=duration,
                dt=dt,
                trajectories=count,
                seed=seed,
                save_every=save_every,
                first=first,
                initial=None if starts is None else starts[first : first + count],
                backend=backend,
                callback=None if progress is None else tick,
            )
            if checkpoint is not None:
                checkpoint.write_chunk(index, part)
            computed += 1
        elif progress is not None:
            progress(base + count * duration)
        parts.append(part)
    ds = parts[0] if len(parts) == 1 else xr.concat(parts, dim="trajectory", combine_attrs="override")
    ds.attrs.update({"option_trajectories": int(trajectories), "option_chunk_trajectories": int(size),
                     "option_start": start})
    return ds, computed


def checkpoint_path(output: Path) -> Path:
    """The checkpoint directory of an output file: ``<output>.partial`` beside it."""
    return output.with_name(output.name + ".partial")
