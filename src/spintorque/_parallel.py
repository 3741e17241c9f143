"""Independent solver tasks (the rows of a write-error-rate table) in forked worker processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from spintorque.errors import InputError

T = TypeVar("T")
R = TypeVar("R")
DEFAULT_CAP = 8
"""Most processes the default (``workers=None``) starts: each holds a sparse LU and a Krylov
basis (~0.3 GB at the in-plane example's finest degree)."""

_JOBS: tuple[Callable[[Any], Any], Sequence[Any]] | None = None
"""The function and its tasks, set before the fork: the children inherit them (the models hold
closures, which do not pickle), and only task indices and results cross the pipes."""


def check_workers(workers: object) -> None:
    """Raise an InputError naming ``workers`` unless it is None, -1 or an integer >= 1."""
    if workers is None:
        return
    if isinstance(workers, bool) or not isinstance(workers, int) or not (workers == -1 or workers >= 1):
        raise InputError("workers", f"must be an integer >= 1, or -1 (all usable cores), got {workers!r}")


def usable_cores() -> int:
    """Cores this process may run on (its affinity where the platform tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be forked here: a platform with fork, from the main thread of
    a process that is not itself a daemonic worker (a Dask or multiprocessing worker may not
    have children, and a fork from another thread can deadlock on locks it holds)."""
    return ("fork" in multiprocessing.get_all_start_methods()
            and threading.current_thread() is threading.main_thread()
            and not multiprocessing.current_process().daemon)


def resolve_workers(workers: int | None, tasks: int) -> int:
    """Processes for ``tasks`` independent tasks: ``workers`` (-1: all usable cores; None:
    min(usable cores, :data:`DEFAULT_CAP`)), never more than the tasks, and 1 (serial, in this
    process) where :func:`can_fork` is false."""
    check_workers(workers)
    wanted = usable_cores() if workers == -1 else (min(usable_cores(), DEFAULT_CAP) if workers is None
                                                   else workers)
    n = max(1, min(wanted, tasks))
    return n if n > 1 and can_fork() else 1


def _child_start() -> None:
    # Ctrl-C goes to the whole process group: the parent alone handles it (terminating the pool)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(index: int) -> Any:
    from spintorque._blas import single_threaded_blas

    assert _JOBS is not None
    func, tasks = _JOBS
    with single_threaded_blas():  # n processes keep n cores busy, no more
        return func(tasks[index])


def parallel_map(func: Callable[[T], R], tasks: Sequence[T], workers: int,
                 cost: Sequence[float] | None = None) -> list[R]:
    """[func(t) for t in tasks], in ``workers`` forked processes where ``workers`` > 1 (serial
    otherwise, in this process, with single-threaded BLAS as in the children).

    The tasks are handed out one at a time in decreasing ``cost`` (the longest first: the
    greedy schedule ends within the longest task of the optimum). Each task computes the same
    floating-point operations as in the serial loop, so the results are bit-identical. An
    exception in a task (e.g. an InputError) is raised here as it was raised there; on an
    exception or Ctrl-C here the workers are terminated.
    """
    global _JOBS
    from spintorque._blas import single_threaded_blas

    if workers <= 1 or len(tasks) <= 1:
        with single_threaded_blas():
            return [func(t) for t in tasks]
    order = sorted(range(len(tasks)), key=lambda k: -cost[k]) if cost is not None else list(range(len(tasks)))
    if _JOBS is not None:
        raise RuntimeError("parallel_map is not reentrant")
    _JOBS = (func, tasks)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(workers, len(tasks)), initializer=_child_start) as pool:
            found = pool.map(_run, order, chunksize=1)  # leaves terminate the pool
    finally:
        _JOBS = None
    out: list[Any] = [None] * len(tasks)
    for k, value in zip(order, found, strict=True):
        out[k] = value
    return out
