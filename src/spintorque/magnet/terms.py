"""Physics terms joined with ``+``: the common machinery of energy and torque sums.

A term is a small frozen dataclass with a ``name`` (default: the term type in lower case).
``a + b`` returns a new container (:class:`~spintorque.magnet.energy.Energy` or
:class:`~spintorque.magnet.torque.Torques`) holding both; adding a term whose name is already
present is an :class:`~spintorque.errors.InputError`, so two uniaxial terms need two names.
Containers are immutable, iterate over their terms in order, look terms up by name
(``energy["uniaxial"]``) and have a repr that rebuilds the sum.
"""

from __future__ import annotations

from abc import ABC
from collections.abc import Iterator
from typing import Any, ClassVar, Generic, Self, TypeVar, cast

from spintorque.errors import InputError


class Term(ABC):
    """Base of every energy and torque term; subclasses are frozen dataclasses with ``name``."""

    name: str
    container: ClassVar[type[TermSum[Any]]]

    def __add__(self, other: object) -> Any:
        return self.container((self,)) + other


T = TypeVar("T", bound="Term")
U = TypeVar("U", bound="Term")


class TermSum(Generic[T]):
    """An immutable, ordered collection of uniquely named terms of one kind.

    Parameters
    ----------
    terms : iterable of Term
        The terms, in order; names must be unique.
    """

    kind: ClassVar[type[Term]] = Term

    def __init__(self, terms: tuple[T, ...] | list[T] = ()) -> None:
        terms = tuple(terms)
        seen: set[str] = set()
        for term in terms:
            if not isinstance(term, self.kind):
                raise TypeError(f"{type(self).__name__} takes {self.kind.__name__} terms, "
                                f"got {type(term).__name__}")
            if term.name in seen:
                raise InputError(f"{type(self).__name__.lower()}.{term.name}",
                                 f"duplicate term name {term.name!r}: give one of them another "
                                 "name, e.g. name='uniaxial2'")
            seen.add(term.name)
        self._terms: tuple[T, ...] = terms

    def __add__(self, other: object) -> Self:
        if isinstance(other, TermSum) and type(other) is type(self):
            return type(self)(self._terms + other._terms)
        if isinstance(other, self.kind):
            return type(self)((*self._terms, cast(T, other)))
        return NotImplemented

    def __radd__(self, other: object) -> Self:
        if other == 0:  # so that sum([...]) works
            return self
        return NotImplemented

    def __iter__(self) -> Iterator[T]:
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def __contains__(self, name: object) -> bool:
        return any(term.name == name for term in self._terms)

    def __getitem__(self, name: str) -> T:
        for term in self._terms:
            if term.name == name:
                return term
        raise KeyError(f"no term named {name!r}; terms: {', '.join(self.names) or 'none'}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TermSum) and type(other) is type(self) and self._terms == other._terms

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._terms))

    def __repr__(self) -> str:
        if not self._terms:
            return f"{type(self).__name__}()"
        if len(self._terms) == 1:
            return f"{type(self).__name__}(({self._terms[0]!r},))"
        return " + ".join(repr(term) for term in self._terms)

    @property
    def terms(self) -> tuple[T, ...]:
        return self._terms

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(term.name for term in self._terms)

    def of_type(self, kind: type[U]) -> tuple[U, ...]:
        """The terms that are instances of ``kind``, in order."""
        return tuple(term for term in self._terms if isinstance(term, kind))
