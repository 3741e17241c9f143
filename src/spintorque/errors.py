"""Errors raised for bad user input.

Every validation failure raises :class:`InputError`, whose message names the field and the
allowed range in one line. The command line prints that line and exits with status 2.
"""

from __future__ import annotations

from typing import Any


class InputError(ValueError):
    """Invalid user input: the message names the field, the offending value and the allowed range.

    Parameters
    ----------
    field : str
        Dotted path of the offending field, e.g. ``"layers[2].thickness"``.
    message : str
        What is wrong and what is allowed.
    source : str, optional
        The file the field came from, if any.
    """

    def __init__(self, field: str, message: str, source: str | None = None) -> None:
        self.field = field
        self.message = message
        self.source = source
        super().__init__(self._render())

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # pickled as its class, arguments and fields without calling __init__ again (the
        # subclasses' take other arguments): a worker process's error is raised in the parent
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))

    def _render(self) -> str:
        where = f"{self.source}: " if self.source else ""
        text = f"{where}{self.field}: {self.message}"
        return " ".join(line.strip() for line in text.splitlines())  # always one line

    def in_file(self, source: str) -> InputError:
        """Return the same error attributed to ``source`` (a file path)."""
        return InputError(self.field, self.message, source)


def _rebuild(cls: type[InputError], args: tuple[Any, ...], fields: dict[str, Any]) -> InputError:
    """An unpickled InputError (see :meth:`InputError.__reduce__`)."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(fields)
    return error


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, so that one message stays one short line."""
    text = repr(value)
    if len(text) > limit:
        text = f"{text[: limit - 10]}...({len(text)} characters)"
    return text.replace("\n", "\\n")
