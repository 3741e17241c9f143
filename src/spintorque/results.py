"""Provenance attached to every labelled transport result (:mod:`spintorque.provenance`)."""

from __future__ import annotations

from typing import Any

from spintorque.provenance import dataset_attrs
from spintorque.stack import Stack

TRANSPORT_CONVENTIONS = "SI units; J > 0: electrons flow towards +x; see docs/conventions.md"


def provenance(stack: Stack, solver: str, **options: Any) -> dict[str, Any]:
    """NetCDF-safe attributes: package version, the input files' texts, the stack as described
    (``input_stack``, JSON), solver, options (``option_<key>``) and time."""
    return dataset_attrs({"input_stack": stack.describe()}, solver, options, TRANSPORT_CONVENTIONS)
