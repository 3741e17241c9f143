"""An mkdocs hook: the site typesets its equations offline, with a MathJax that is already installed.

The pages (and the API pages, through docs/griffe_sphinx_markup.py) carry pymdownx.arithmatex's
generic markup; docs/javascripts/math.js typesets it in the reader's browser. The typesetter is
the MathJax 3 bundle that Bokeh ships (``bokeh/server/static/js/bokeh-mathjax.min.js``: MathJax's
TeX input with all its packages and SVG output, so no font is loaded), copied into the built site
from the installed package at build time rather than kept in git: nothing is fetched at build or
view time, and a page opens the same over ``file://``. Bokeh comes with the ``explore`` extra
(Panel's), which the lock pins with every other extra. The file is copied unmodified with Bokeh's
licence (BSD-3-Clause) beside it; MathJax itself is Apache-2.0.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

# where math.js looks for them: beside itself
MATHJAX_URI = "javascripts/bokeh-mathjax.min.js"
LICENSE_URI = "javascripts/bokeh-mathjax.LICENSE.txt"


def bokeh_assets() -> tuple[Path, Path]:
    """The installed Bokeh's MathJax bundle and its licence file; a plain-words error if absent."""
    spec = importlib.util.find_spec("bokeh")
    if spec is None or spec.origin is None:
        raise PluginError(
            "the docs typeset their equations with the MathJax that Bokeh ships, and bokeh is not "
            "installed: install the explore extra (pip install -e '.[docs,explore]')"
        )
    mathjax = Path(spec.origin).parent / "server" / "static" / "js" / "bokeh-mathjax.min.js"
    licence = next(
        (
            Path(str(f.locate()))
            for f in importlib.metadata.distribution("bokeh").files or []
            if f.name.upper().startswith("LICENSE")
        ),
        None,
    )
    if not mathjax.is_file() or licence is None or not licence.is_file():
        raise PluginError(f"bokeh is installed but its MathJax bundle or licence is missing: {mathjax}")
    return mathjax, licence


def on_files(files: Files, *, config: Any) -> Files:
    mathjax, licence = bokeh_assets()
    files.append(File.generated(config, MATHJAX_URI, abs_src_path=str(mathjax)))
    files.append(File.generated(config, LICENSE_URI, abs_src_path=str(licence)))
    return files
