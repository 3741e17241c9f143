"""Provenance attached to every labelled result."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from spintorque.stack import Stack


def provenance(stack: Stack, solver: str, **options: Any) -> dict[str, Any]:
    """NetCDF-safe attributes: package version, the full input description (JSON), solver, time."""
    from spintorque import __version__

    attrs: dict[str, Any] = {
        "spintorque_version": __version__,
        "input_stack": json.dumps(stack.describe()),
        "solver": solver,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "conventions": "SI units; J > 0: electrons flow towards +x; see docs/conventions.md",
    }
    for key, value in options.items():
        attrs[f"option_{key}"] = json.dumps(value)
    return attrs
