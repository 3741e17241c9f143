"""A griffe extension for the API pages: the docstrings' Sphinx markup shown as Markdown.

The docstrings are NumPy style with a little reStructuredText inside: roles such as
``:func:`~spintorque.thermal.escape``` and ``:math:`...```, and ``.. math::`` directives, which
Markdown would print as they are. Roles become inline code (``~`` keeps the last name, as in
Sphinx); math becomes pymdownx.arithmatex markup (``\\(...\\)`` inline, one ``$$ ... $$`` block per
equation of a directive, equations being separated by blank lines as in Sphinx), which the site
typesets offline (docs/hooks/math.py). Nothing in the package changes.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension

ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|attr|data|obj|exc|const):`(~?)([^`]+)`")
MATH_ROLE = re.compile(r":math:`([^`]+)`")


def _role(match: re.Match[str]) -> str:
    target = match.group(2)
    return f"`{target.rsplit('.', 1)[-1] if match.group(1) else target}`"


def _math_role(match: re.Match[str]) -> str:
    return rf"\({match.group(1)}\)"


def _indented(line: str, indent: str) -> bool:
    return line.startswith(indent + " ") and bool(line.strip())


def _math(text: str) -> str:
    """Each ``.. math::`` directive (its first line and the lines indented under it) as ``$$`` blocks."""
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
        # one displayed equation per paragraph of the body (Sphinx's rule)
        equations: list[list[str]] = [[]]
        for line in body:
            if line:
                equations[-1].append(line)
            elif equations[-1]:
                equations.append([])
        for equation in (e for e in equations if e):
            out += ["", f"{indent}$$", *(f"{indent}{b}" for b in equation), f"{indent}$$", ""]
    return "\n".join(out)


class SphinxMarkup(Extension):
    """Rewrite each docstring as it is loaded."""

    def on_instance(self, *, obj: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            value = MATH_ROLE.sub(_math_role, ROLE.sub(_role, obj.docstring.value))
            obj.docstring.value = _math(value)
