"""``spintorque explore``: a local web page to vary a stack and watch the analogy respond.

:mod:`spintorque.explorer.model` computes what the page shows through the public API (importable
without the ``explore`` extra); :mod:`spintorque.explorer.app` is the Panel/Bokeh page.
"""

from spintorque.explorer.model import (
    View,
    database_interfaces,
    default_stack,
    explanation_of,
    json_ready,
    stack_toml,
    view_of,
)

__all__ = [
    "View",
    "database_interfaces",
    "default_stack",
    "explanation_of",
    "json_ready",
    "stack_toml",
    "view_of",
]
