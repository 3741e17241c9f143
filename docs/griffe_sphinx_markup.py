"""A griffe extension for the API pages: the docstrings' Sphinx markup shown as Markdown.

The docstrings are NumPy style with a little reStructuredText inside: roles such as
``:func:`~spintorque.thermal.escape``` and ``.. math::`` directives, which Markdown would print
as they are. Roles become inline code (``~`` keeps the last name, as in Sphinx); a math
directive becomes a TeX code block. Nothing in the package changes; the site is built offline,
so the equations are shown as TeX source rather than typeset by a script from outside.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension

ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|attr|data|obj|exc|const):`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    target = match.group(2)
    return f"`{target.rsplit('.', 1)[-1] if match.group(1) else target}`"


def _indented(line: str, indent: str) -> bool:
    return line.startswith(indent + " ") and bool(line.strip())


def _math(text: str) -> str:
    """Each ``.. math::`` directive (its first line and the lines indented under it) as TeX code."""
    lines, out, k = text.splitlines(), [], 0
    while k < len(lines):
        head = re.match(r"^(\s*)\.\. math::\s*(.*)$", lines[k])
        k += 1
        if head is None:
            out.append(lines[k - 1])
            continue
        indent, body = head.group(1), [head.group(2)] if head.group(2) else []
        # the directive's body: indented lines, with blank lines inside it (not after it)
        while k < len(lines) and (_indented(lines[k], indent)
                                  or (not lines[k].strip() and k + 1 < len(lines)
                                      and _indented(lines[k + 1], indent))):
            body.append(lines[k].strip())
            k += 1
        out += ["", f"{indent}```tex", *(f"{indent}{b}" for b in body if b), f"{indent}```", ""]
    return "\n".join(out)


class SphinxMarkup(Extension):
    """Rewrite each docstring as it is loaded."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _math(ROLE.sub(_role, obj.docstring.value))
