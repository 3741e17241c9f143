"""Progress bars for long runs: on stderr, only on a terminal, only once a run lasts a while.

A long computation takes an optional callback ``progress(done)`` (``done`` in the units of its
``total``: seconds of simulated time, trajectories, grid points) and calls it as it goes; it
knows nothing of terminals. The command line builds that callback with :func:`progress_bar`:

* the bar is drawn on **stderr** (never stdout, so ``--json`` output stays one clean
  document), and only when stderr is a terminal — in a pipe, a file or a test it is a no-op;
* it appears only after ``delay`` seconds (default 2 s), so a short run prints nothing;
* it is removed when the block ends, finished or not (an exception or Ctrl-C included).

A computation with no natural measure of its progress (one linear solve) gets :func:`activity`
instead: a spinner with the elapsed time, under the same rules, and no callback at all.

Examples
--------
>>> with progress_bar(10.0, "integrating") as advance:
...     for step in range(1, 11):
...         advance(float(step))       # no terminal here: nothing is drawn
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

Advance = Callable[[float], None]
"""``advance(done)``: the work done so far, in the units of the bar's total."""

DEFAULT_DELAY = 2.0
"""Seconds a run must last before its bar appears [s]."""


def is_terminal(stream: Any = None) -> bool:
    """True when ``stream`` (default stderr) is an interactive terminal."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


class _Bar:
    """A rich progress bar on stderr, started lazily after ``delay`` seconds."""

    def __init__(self, total: float, description: str, delay: float) -> None:
        self.total = max(float(total), 1e-300)
        self.description = description
        self.delay = delay
        self.born = time.monotonic()
        self.progress: Any = None
        self.task: Any = None

    def __call__(self, done: float) -> None:
        if self.progress is None:
            if time.monotonic() - self.born < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True, force_terminal=True),
                transient=True,
            )
            self.task = self.progress.add_task(self.description, total=self.total)
            self.progress.start()
        self.progress.update(self.task, completed=min(float(done), self.total))

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _ignore(done: float) -> None:
    """The callback when no bar is drawn."""


@contextlib.contextmanager
def progress_bar(
    total: float, description: str, *, enabled: bool | None = None, delay: float = DEFAULT_DELAY
) -> Iterator[Advance]:
    """Yield ``advance(done)`` drawing a bar towards ``total`` on stderr (module docstring).

    Parameters
    ----------
    total : float
        The amount of work (any unit: s of simulated time, trajectories, points).
    description : str
        Text before the bar.
    enabled : bool, optional
        Force the bar on or off; default: on when stderr is a terminal.
    delay : float
        Seconds before the bar first appears [s].
    """
    if not (is_terminal() if enabled is None else enabled):
        yield _ignore
        return
    bar = _Bar(total, description, delay)
    try:
        yield bar
    finally:
        bar.close()


@contextlib.contextmanager
def activity(
    description: str, *, enabled: bool | None = None, delay: float = DEFAULT_DELAY
) -> Iterator[None]:
    """A spinner with elapsed time on stderr while the block runs, once it has run ``delay`` s
    (only on a terminal unless ``enabled``); for work that reports no progress of its own."""
    if not (is_terminal() if enabled is None else enabled):
        yield
        return
    from rich.console import Console

    status = Console(stderr=True, force_terminal=True).status(description)
    lock = threading.Lock()
    state = {"started": False, "closed": False}

    def show() -> None:
        with lock:
            if not state["closed"]:
                status.start()
                state["started"] = True

    timer = threading.Timer(delay, show)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            state["closed"] = True
            if state["started"]:
                status.stop()
