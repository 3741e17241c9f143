"""Compiled kernels that are built on first use and whose disk cache can never break a command.

``@njit(...)`` here takes numba's options but returns a :class:`Kernel`, which

* imports numba and builds the real dispatcher only when a kernel is first called, so importing
  the package (and the command line) does not pay numba's start-up;
* keeps numba's on-disk cache (``cache=True``) but guards it: where no cache directory can be
  written (a read-only install, an unwritable home or ``NUMBA_CACHE_DIR``), where a cache file
  is damaged, or where saving fails (a full disk), the kernel is compiled in memory instead;
* optionally runs the same Python code uninterpreted-by-numba for tiny calls
  (``interpret_up_to=N``: while the first argument has at most N elements and the process has
  spent less than that much interpreted work), because loading the compiled code costs a few
  tenths of a second, far more than a small stack takes to solve in Python.

When a kernel is built, every other kernel in its module's namespace is built too and the
module's globals are replaced by the dispatchers (and :data:`prange` by ``numba.prange``), as
numba resolves the callees of a compiled function from those globals.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

_LOCK = threading.RLock()
_STATE = threading.local()  # .interpreting: depth of interpreted kernel calls on this thread


def prange(*args: int) -> range:
    """``range`` in Python; replaced by ``numba.prange`` in the namespace of built kernels."""
    return range(*args)


def _guarded_cache(py_func: Callable[..., Any]) -> Any:
    """numba's function cache wrapped so that no cache failure reaches the caller.

    Returns numba's ``NullCache`` (compile in memory, every process) when no cache location is
    usable: numba itself raises ``RuntimeError("cannot cache function ...")`` at decoration
    time then, which made the whole package unimportable.
    """
    from numba.core.caching import FunctionCache, NullCache

    try:
        cache = FunctionCache(py_func)
    except Exception:  # no locator: every candidate directory refused a test file
        return NullCache()

    class GuardedCache(NullCache):
        """Loads and saves through numba's cache; any failure is a miss or a skipped save."""

        saving = True

        @property
        def cache_path(self) -> str:
            return str(cache.cache_path)

        def load_overload(self, sig: Any, target_context: Any) -> Any:
            try:
                return cache.load_overload(sig, target_context)
            except Exception:  # damaged or foreign index/data file: recompile (and overwrite)
                return None

        def save_overload(self, sig: Any, data: Any) -> None:
            if not self.saving:
                return
            try:
                cache.save_overload(sig, data)
            except Exception:  # full disk, read-only file, vanished directory: keep in memory
                self.saving = False

        def flush(self) -> None:
            try:
                cache.flush()
            except Exception:
                self.saving = False

    return GuardedCache()


def _build_namespace(namespace: dict[str, Any]) -> None:
    """Replace every :class:`Kernel` and :func:`prange` in ``namespace`` by the numba object."""
    import numba

    for name, value in list(namespace.items()):
        if isinstance(value, Kernel):
            namespace[name] = value.dispatcher
        elif value is prange:
            namespace[name] = numba.prange


class Kernel:
    """A numba kernel built on first compiled call (see the module docstring).

    Parameters
    ----------
    py_func : callable
        The kernel's Python source function.
    options : dict
        numba ``njit`` options; ``cache`` selects the guarded disk cache.
    interpret_up_to : int, optional
        Run in Python while ``args[0]`` has at most this many elements (and the interpreted
        work of the process stays below it); None: always compiled.
    """

    def __init__(self, py_func: Callable[..., Any], options: dict[str, Any],
                 interpret_up_to: int | None = None) -> None:
        self.py_func = py_func
        self.options = options
        self.interpret_up_to = interpret_up_to
        self.interpreted_work = 0
        self._dispatcher: Any = None
        self.__doc__ = py_func.__doc__
        self.__name__ = py_func.__name__
        self.__qualname__ = py_func.__qualname__
        self.__module__ = py_func.__module__
        self.__wrapped__ = py_func

    @property
    def dispatcher(self) -> Any:
        """The numba dispatcher (built, with its module's other kernels, on first access)."""
        if self._dispatcher is None:
            with _LOCK:
                if self._dispatcher is None:
                    import numba

                    options = dict(self.options)
                    cache = options.pop("cache", False)
                    dispatcher = numba.njit(**options)(self.py_func)
                    if cache and hasattr(dispatcher, "_cache"):  # absent under NUMBA_DISABLE_JIT
                        # if numba's cache internals ever change, compile in memory
                        with contextlib.suppress(Exception):
                            dispatcher._cache = _guarded_cache(self.py_func)
                    self._dispatcher = dispatcher
                    _build_namespace(self.py_func.__globals__)
        return self._dispatcher

    def _interpret(self, args: tuple[Any, ...]) -> bool:
        if getattr(_STATE, "interpreting", 0):
            return True  # a callee of an interpreted kernel: stay in Python
        if self.interpret_up_to is None or self._dispatcher is not None:
            return False
        size = int(getattr(args[0], "size", 1)) if args else 1
        if size > self.interpret_up_to or self.interpreted_work + size > 4 * self.interpret_up_to:
            return False  # large, or called so often that compiling pays off
        self.interpreted_work += size
        return True

    def interpreted(self, *args: Any, **kwargs: Any) -> Any:
        """Run the kernel's Python code (callees included) without numba."""
        _STATE.interpreting = getattr(_STATE, "interpreting", 0) + 1
        try:
            return self.py_func(*args, **kwargs)
        finally:
            _STATE.interpreting -= 1

    def compiled(self, *args: Any, **kwargs: Any) -> Any:
        """Run the numba-compiled kernel (building it on first use)."""
        return self.dispatcher(*args, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._interpret(args):
            return self.interpreted(*args, **kwargs)
        return self.dispatcher(*args, **kwargs)

    def __repr__(self) -> str:
        state = "built" if self._dispatcher is not None else "not built yet"
        return f"<Kernel {self.__module__}.{self.__qualname__} ({state})>"


def njit(*, interpret_up_to: int | None = None, **options: Any) -> Callable[[F], F]:
    """Decorator: a lazily built, cache-guarded numba kernel (same options as ``numba.njit``).

    ``interpret_up_to`` (elements of the first argument) lets tiny calls run in Python before
    the kernel has ever been compiled in this process; the code, and so the arithmetic, is the
    same (numba does not reassociate without ``fastmath``).
    """
    def decorate(func: F) -> F:
        return cast(F, Kernel(func, options, interpret_up_to))
    return decorate
