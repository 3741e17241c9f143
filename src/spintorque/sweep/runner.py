"""Running a sweep on a Dask cluster: blocks of points as tasks, results written as they come.

:func:`run` computes every block of the grid whose points are not yet ``done`` in the store,
as Dask tasks, and writes each block's results from this process as soon as its task finishes
(so the workers need no access to the store, and a kill loses at most the blocks in flight).
With no cluster given it starts a local one: worker *processes* with one thread each (the
point loop is Python, which threads would serialise on the GIL) and numba, OpenMP and BLAS
limited to one thread per worker, so that n workers keep n cores busy and no more.

A task whose worker dies is given to another worker by the scheduler (Dask's
``allowed-failures``, 3 by default), and a task that raises is retried :data:`RETRIES` times.
The numbers do not depend on which worker computes a point, nor on the order: each point is a
pure function of the sweep and, for stochastic commands, of its own seed
(:data:`~spintorque.sweep.store.SEED_RULE`).
"""

from __future__ import annotations

import copy
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spintorque.sweep.commands import Layout
from spintorque.sweep.description import Sweep
from spintorque.sweep.store import Block, Writer, blocks, prepare

RETRIES = 2
"""Extra attempts of a task that raised (a lost worker is handled by the scheduler)."""
SINGLE_THREAD = {
    name: "1" for name in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
}
"""Environment of local worker processes: one compute thread each."""
CONNECT_TIMEOUT = 3.0
"""Seconds a ``scheduler`` address has to accept a TCP connection (checked before the store is
made); the Dask handshake after it has :data:`HANDSHAKE_TIMEOUT`."""
HANDSHAKE_TIMEOUT = "20s"


@dataclass(frozen=True)
class Summary:
    """What a run did: points in the grid, computed now, found done, time and workers."""

    store: str
    points: int
    computed: int
    already_done: int
    blocks: int
    seconds: float
    workers: int

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "points": self.points,
            "computed": self.computed,
            "already_done": self.already_done,
            "blocks_computed": self.blocks,
            "seconds": self.seconds,
            "workers": self.workers,
        }


def point_seed(entropy: int, flat_index: int) -> np.random.SeedSequence:
    """The seed of point ``flat_index``: the same as ``SeedSequence(entropy).spawn(n)[flat_index]``."""
    return np.random.SeedSequence(entropy, spawn_key=(flat_index,))


def compute_block(sweep: Sweep, block: Block, entropy: int, layout: Layout) -> dict[str, np.ndarray]:
    """Results of every point of ``block``: ``{name: array of shape block + extra dims}``."""
    outputs, labels = layout
    shape = tuple(s.stop - s.start for s in block)
    arrays = {
        name: np.full(
            shape + tuple(len(labels[d]) for d in out.dims),
            False if out.dtype == "bool" else math.nan,
            dtype=out.dtype,
        )
        for name, out in outputs.items()
    }
    data = copy.deepcopy(sweep.base_data)
    command = sweep.command
    derive = _deriver(sweep, block, data)
    for local in np.ndindex(*shape):
        index = tuple(s.start + i for s, i in zip(block, local, strict=True))
        description = derive(index, sweep.point_data(index, data))
        seed = (
            point_seed(entropy, int(np.ravel_multi_index(index, sweep.shape))) if command.stochastic else None
        )
        values = command.compute(description, seed, sweep.options)
        for name, array in arrays.items():
            array[local] = values[name]
    return arrays


def _deriver(sweep: Sweep, block: Block, data: dict[str, Any]) -> Callable[[tuple[int, ...], Any], Any]:
    """``derive(index, point_data)``: the command's input at a grid point.

    With the command's ``vary`` shortcut, the axes are applied one at a time onto the base input
    and the input after the first k axes is kept while their indices stay the same (the last
    axis changes fastest), so a point costs one ``vary`` of one field; otherwise ``load`` parses
    the point's file data.
    """
    command = sweep.command
    base = command.load(copy.deepcopy(sweep.base_data), sweep.base_path)
    paths = [axis.steps for axis in sweep.axes]
    first = sweep.point_data(tuple(s.start for s in block), data)
    if command.vary is None or command.vary(base, first, paths) is None:
        return lambda index, point: command.load(point, sweep.base_path)
    vary = command.vary
    prefix: list[tuple[tuple[int, ...], Any]] = []  # (index[:k+1], input with axes 0..k applied)

    def derive(index: tuple[int, ...], point: Any) -> Any:
        keep = 0
        while keep < len(prefix) and prefix[keep][0] == index[: keep + 1]:
            keep += 1
        del prefix[keep:]
        current = prefix[-1][1] if prefix else base
        for k in range(keep, len(paths)):
            current = vary(current, point, [paths[k]])
            prefix.append((index[: k + 1], current))
        return current

    return derive


def local_workers() -> int:
    """Cores this process may use (the default number of local workers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_scheduler(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise an InputError naming ``--scheduler`` unless ``address`` accepts a TCP connection.

    Only ``tcp://`` and ``tls://`` addresses are probed (others, e.g. ``inproc://``, are left to
    Dask). A refused connection fails at once, an unanswered one after ``timeout`` seconds.
    """
    import socket
    from urllib.parse import urlsplit

    from spintorque.errors import InputError

    parts = urlsplit(address)
    if parts.scheme not in ("tcp", "tls"):
        return
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # a port out of range
        host, port = None, None
    if not host or port is None:
        raise InputError("--scheduler", f"expected tcp://HOST:PORT, got {address!r}")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return
    except TimeoutError:
        reason = f"no answer within {timeout:g} s"
    except socket.gaierror:
        reason = f"unknown host {host!r}"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    raise InputError(
        "--scheduler",
        f"cannot connect to {address}: {reason} (is `dask scheduler` running there?); nothing was written",
    )


@contextmanager
def _client(scheduler: str | None, workers: int | None, processes: bool) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    from spintorque.errors import InputError

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=HANDSHAKE_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise InputError("--scheduler", f"cannot connect to {scheduler}: {exc}") from None
        with client:
            yield client
        return
    n = workers or local_workers()
    extra: dict[str, Any] = {"env": SINGLE_THREAD} if processes else {}  # a Nanny option
    # dashboard_address ":0": any free port (None still binds the HTTP server to 8787, and warns
    # or fails where another cluster has it)
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=":0",
            silence_logs=logging.ERROR,
            **extra,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def run(
    sweep: Sweep,
    store: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    processes: bool = True,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Compute the sweep's missing points into the Zarr store ``store``.

    Parameters
    ----------
    sweep : Sweep
        From :func:`spintorque.sweep.load_sweep`.
    store : str or Path
        The Zarr directory; created, or resumed if it holds the same sweep.
    workers : int, optional
        Local worker count (default: the usable cores); ignored with ``scheduler``.
    scheduler : str, optional
        Address of a running Dask scheduler, e.g. ``"tcp://127.0.0.1:8786"``; connected to
        before the store is made (:func:`check_scheduler`: an InputError naming
        ``--scheduler`` within :data:`CONNECT_TIMEOUT` s where nothing answers there).
    processes : bool
        Local workers as processes (default) or as threads of this process.
    force : bool
        Discard a store of a different sweep instead of refusing.
    progress : callable, optional
        ``progress(points_done, points_total)``, called after each block is written.

    Returns
    -------
    Summary
    """
    path = Path(store)
    layout = sweep.layout()
    with ExitStack() as stack:
        client = None
        if scheduler is not None:  # connected before the store is made: a wrong address leaves none
            check_scheduler(scheduler)
            client = stack.enter_context(_client(scheduler, None, processes))
        done, entropy = prepare(path, sweep, layout, force)
        todo = [block for block in blocks(sweep.shape, sweep.chunk) if not done[block].all()]
        finished = int(done.sum()) - sum(int(done[block].sum()) for block in todo)
        already = finished
        start = time.perf_counter()
        if progress is not None:
            progress(finished, sweep.size)
        n_workers = 0
        if todo:
            writer = Writer(path, list(layout[0]))
            if client is None:
                client = stack.enter_context(_client(None, workers, processes))
            n_workers = len(client.nthreads())
            finished = _drain(client, sweep, todo, entropy, layout, writer, finished, progress)
    return Summary(
        str(path), sweep.size, finished - already, already, len(todo), time.perf_counter() - start, n_workers
    )


def _drain(
    client: Any,
    sweep: Sweep,
    todo: list[Block],
    entropy: int,
    layout: Layout,
    writer: Writer,
    finished: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Submit the blocks (a bounded number in flight) and write each result as it arrives."""
    from distributed import as_completed

    # the sweep goes with every task (a few kB), not scattered once: scattered data dies with
    # the workers holding it, and a cluster that replaces all its workers (SLURM jobs ending)
    # could then not run the remaining tasks
    window = max(8, 4 * sum(client.nthreads().values()))
    pending = iter(todo)
    which: dict[str, Block] = {}
    live: dict[str, Any] = {}

    def submit() -> Any:
        block = next(pending, None)
        if block is None:
            return None
        future = client.submit(compute_block, sweep, block, entropy, layout, pure=False, retries=RETRIES)
        which[future.key] = block
        live[future.key] = future
        return future

    first = [f for f in (submit() for _ in range(window)) if f is not None]
    queue = as_completed(first)
    try:
        for future in queue:
            block = which.pop(future.key)
            live.pop(future.key)
            writer.write(block, future.result())
            future.release()
            finished += math.prod(s.stop - s.start for s in block)
            if progress is not None:
                progress(finished, sweep.size)
            following = submit()
            if following is not None:
                queue.add(following)
    except BaseException:
        client.cancel(list(live.values()))  # an error or an interrupt: stop the rest
        raise
    return finished
