"""The documentation site builds in strict mode (`make docs`): no broken link, no missing API object.

Its equations are typeset offline: arithmatex markup on the pages (the API pages' docstring math
included), the MathJax bundle copied into the site, nothing referenced from outside it, and in
headless Chromium every equation becomes MathJax's SVG with no TeX error and no raw TeX left.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml

ROOT = Path(__file__).parents[1]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _build(config: Path, site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=cwd,
        env=ENV,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once for this module's tests."""
    out = tmp_path_factory.mktemp("docs") / "site"
    proc = _build(ROOT / "mkdocs.yml", out, ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_docs_site_builds_strictly_with_every_page_and_api_object(site):
    for page in sorted((ROOT / "docs").rglob("*.md")):
        rel = page.relative_to(ROOT / "docs").with_suffix("")
        html = site / (
            "index.html"
            if rel.name == "index" and rel.parent == Path()
            else rel.parent / ("" if rel.name == "index" else rel.name) / "index.html"
        )
        assert html.exists(), f"{page} not built"
    api = (site / "api" / "transport" / "index.html").read_text(encoding="utf-8")
    assert 'id="spintorque.transport.solve"' in api and "Parameters" in api
    tutorial = (site / "tutorials" / "contact" / "index.html").read_text(encoding="utf-8")
    assert "contact_spin_accumulation" in tutorial  # the script itself is on the page


def test_strict_build_fails_on_a_broken_link(tmp_path):
    # the same configuration on a page that links nowhere: strict mode must refuse it
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# x\n\n[missing](nowhere.md)\n", encoding="utf-8")
    project = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "site_name": "t",
                "docs_dir": "docs",
                "strict": True,
                "theme": project["theme"],
                "validation": project["validation"],
            }
        ),
        encoding="utf-8",
    )
    proc = _build(config, tmp_path / "site", tmp_path)
    assert proc.returncode != 0 and "nowhere.md" in proc.stderr


def _markup():
    spec = importlib.util.spec_from_file_location("markup", ROOT / "docs" / "griffe_sphinx_markup.py")
    assert spec is not None and spec.loader is not None
    markup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(markup)
    return markup


def test_sphinx_roles_and_math_in_docstrings_become_markdown():
    markup = _markup()
    text = "See :func:`~spintorque.thermal.escape` and :class:`spintorque.Stack`."
    assert markup.ROLE.sub(markup._role, text) == "See `escape` and `spintorque.Stack`."
    doc = "Rate.\n\n.. math:: a = b\n          + c\n\nAssumptions: none."
    assert markup._math(doc) == "Rate.\n\n\n$$\na = b\n+ c\n$$\n\n\nAssumptions: none."
    # a directive's paragraphs are separate equations (Sphinx's rule), each its own display
    doc = "Two:\n\n    .. math::\n\n        x = 1\n\n        y = 2\n\n    End."
    assert markup._math(doc) == (
        "Two:\n\n\n    $$\n    x = 1\n    $$\n\n\n    $$\n    y = 2\n    $$\n\n\n    End."
    )
    role = r"with :math:`\mathbf H = b_J\,\mathbf p`, [A/m]"
    assert markup.MATH_ROLE.sub(markup._math_role, role) == r"with \(\mathbf H = b_J\,\mathbf p\), [A/m]"


def test_docstring_math_becomes_arithmatex_markup_through_the_sites_markdown():
    # the same extensions as mkdocs.yml: the rewritten docstring comes out as typesettable markup,
    # with TeX's _ and * left alone by Markdown's emphasis
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    arithmatex = next(
        e for e in config["markdown_extensions"] if isinstance(e, dict) and "pymdownx.arithmatex" in e
    )
    md = markdown.Markdown(extensions=["pymdownx.arithmatex"], extension_configs=arithmatex)
    markup = _markup()
    doc = (
        "Field :math:`H_{eff} = -\\partial_m w/\\mu_0 M_s` and\n\n"
        ".. math:: \\sum_i N_i m_i^2 = a*b*c\n\nend."
    )
    doc = markup._math(markup.MATH_ROLE.sub(markup._math_role, doc))
    html = md.convert(doc)
    assert r'<span class="arithmatex">\(H_{eff} = -\partial_m w/\mu_0 M_s\)</span>' in html
    assert '<div class="arithmatex">\\[\n\\sum_i N_i m_i^2 = a*b*c\n\\]</div>' in html
    assert "<em>" not in html and ":math:" not in html and ".. math" not in html


# -- equations typeset offline ------------------------------------------------------------------

# an address outside the site: a scheme (http:, https:, ...) or a protocol-relative //host
OUTSIDE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# the attributes through which a page makes the browser load something (links <a href> do not)
LOADS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)
# TeX that would be shown raw: a control word typical of the docstrings' equations, or $$
RAW_TEX = re.compile(
    r"\$\$|\\(?:frac|mathbf|boldsymbol|mathrm|sqrt|sum|partial|cdot|times|hbar|alpha|gamma|mu|"
    r"theta|epsilon|lambda|Lambda|sigma|tau|left|right|big|Big|qquad|quad|text)(?![a-zA-Z])"
)


class _Page(HTMLParser):
    """A built page's loaded resources, its arithmatex elements and its text outside code/math."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str, str]] = []
        self.math: list[str] = []
        self.prose: list[str] = []
        self._skip: list[str] = []  # open elements whose text is not prose
        self._math: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.loads += [(tag, key, values[key]) for key in LOADS.get(tag, ()) if values.get(key)]
        if tag in VOID:
            return
        if tag in ("script", "style", "pre", "code", "textarea") or self._skip:
            self._skip.append(tag)
        elif "arithmatex" in values.get("class", "").split():
            self._skip.append(tag)
            self._math = []

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skip:  # closes it and whatever was left open inside it
            while self._skip.pop() != tag:
                pass
            if not self._skip and self._math is not None:
                self.math.append("".join(self._math))
                self._math = None

    def handle_data(self, data: str) -> None:
        if self._math is not None:
            self._math.append(data)
        elif not self._skip:
            self.prose.append(data)


def _pages(site: Path) -> dict[str, _Page]:
    pages = {}
    for html in sorted(site.rglob("*.html")):
        page = _Page()
        page.feed(html.read_text(encoding="utf-8"))
        pages[html.relative_to(site).as_posix()] = page
    return pages


@pytest.mark.slow  # uses the site build
def test_the_site_loads_nothing_from_outside_itself(site):
    pages = _pages(site)
    assert len(pages) > 30
    outside = [(name, *load) for name, page in pages.items() for load in page.loads if OUTSIDE.match(load[2])]
    assert outside == [], f"pages load from outside the site: {outside[:10]}"
    for name, page in pages.items():
        assert any(t == "script" and v.endswith("javascripts/math.js") for t, _, v in page.loads), name
        assert any(t == "link" and v.endswith("stylesheets/math.css") for t, _, v in page.loads), name
    for css in sorted(site.rglob("*.css")):
        targets = CSS_URL.findall(css.read_text(encoding="utf-8"))
        bad = [t for t in targets if not t.startswith("data:") and OUTSIDE.match(t)]
        assert bad == [], f"{css.relative_to(site)} loads {bad[:5]}"


@pytest.mark.slow  # uses the site build
def test_docstring_equations_are_arithmatex_markup_and_the_typesetter_is_in_the_site(site):
    pages = _pages(site)
    math = {name: page.math for name, page in pages.items() if page.math}
    # the API pages carry the docstrings' .. math:: directives and :math: roles ...
    assert r"\(w = -K (\mathbf m\cdot\mathbf u)^2\)" in math["api/magnet/index.html"]
    assert any(
        m.startswith(r"\[") and r"\lambda_1\tau_N \simeq D\,\frac{s^{3/2}}{\sqrt\pi}" in m
        for m in math["api/analytic/index.html"]
    )
    # ... and a theory page its own
    assert any(r"\boldsymbol\mu_s'' = \frac{\boldsymbol\mu_s}{l^2}" in m for m in math["physics/index.html"])
    assert sum(map(len, math.values())) >= 25
    for name, found in math.items():
        for m in found:  # each is whole: inline \( \) or displayed \[ \]
            assert (m.startswith(r"\(") and m.endswith(r"\)")) or (
                m.startswith(r"\[") and m.endswith(r"\]")
            ), (name, m)
    # ... and no TeX is left outside that markup on any page (nor as a TeX code block); the prose
    # of a page is its text outside code and math (here a sentence after the page's equations)
    assert "solves it with a ladder sweep" in " ".join("".join(pages["physics/index.html"].prose).split())
    for name, page in pages.items():
        raw = RAW_TEX.findall("".join(page.prose))
        assert raw == [], f"{name} shows raw TeX: {raw[:5]}"
        text = (site / name).read_text(encoding="utf-8")
        assert ":math:" not in text and ".. math::" not in text and "language-tex" not in text, name
    bundle = site / "javascripts" / "bokeh-mathjax.min.js"
    assert bundle.stat().st_size > 500_000 and b"tex2svg" in bundle.read_bytes()
    licence = (site / "javascripts" / "bokeh-mathjax.LICENSE.txt").read_text(encoding="utf-8")
    assert "Bokeh Contributors" in licence
    assert (site / "javascripts" / "math.js").is_file() and (site / "stylesheets" / "math.css").is_file()


STATE = """
const els = Array.from(document.querySelectorAll('.arithmatex'));
const drawn = e => {
  const svg = e.querySelector(':scope > mjx-container > svg');
  if (!svg) return false;
  const box = svg.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
};
return {
  total: els.length,
  typeset: els.filter(e => e.hasAttribute('data-typeset')).length,
  drawn: els.filter(drawn).length,
  // rendered width over the width MathJax set (in ex of the surrounding text): 1 unless shrunk
  scale: els.filter(drawn).map(e => {
    const svg = e.querySelector(':scope > mjx-container > svg');
    const probe = document.createElement('span');
    probe.style.cssText = 'display:inline-block;width:100ex;position:absolute;visibility:hidden';
    svg.parentElement.appendChild(probe);
    const ex = probe.getBoundingClientRect().width / 100;
    probe.remove();
    return svg.getBoundingClientRect().width / (parseFloat(svg.getAttribute('width')) * ex);
  }),
  errors: Array.from(document.querySelectorAll('.arithmatex[data-tex-error]'))
    .map(e => [e.getAttribute('aria-label'), e.getAttribute('data-tex-error')]),
  text: document.body.innerText,
  resources: performance.getEntriesByType('resource').map(e => e.name),
};
"""


@pytest.fixture
def served_site(site: Path, tmp_path: Path) -> Iterator[str]:
    """The built site (and a check page beside it) over HTTP on a free loopback port."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "site").symlink_to(site, target_is_directory=True)
    (root / "check").mkdir()
    (root / "check" / "bad.html").write_text(
        "<!doctype html><html><head><link rel='stylesheet' href='../site/stylesheets/math.css'>"
        "</head><body><p>fine <span class='arithmatex'>\\(a^2 + b^2\\)</span>, missing an argument "
        "<span class='arithmatex'>\\(\\frac{1}\\)</span>, unknown command</p>"
        "<div class='arithmatex'>\\[x = \\notacommand{y}\\]</div>"
        "<script src='../site/javascripts/math.js'></script></body></html>",
        encoding="utf-8",
    )

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Debian's headless chromium through chromedriver (`make browser`), as the explorer's test."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), (
        "the docs' math test needs Debian's chromium and chromium-driver: run `make browser`"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _typeset(driver: Any, url: str, timeout: float = 30.0) -> dict[str, Any]:
    """The page's math state once every arithmatex element has been typeset."""
    driver.get(url)
    deadline = time.monotonic() + timeout
    while True:
        state = driver.execute_script(STATE)
        if state["typeset"] == state["total"]:
            return state
        assert time.monotonic() < deadline, f"{url}: {state['typeset']} of {state['total']} typeset"
        time.sleep(0.05)


@pytest.mark.slow  # a site build and a browser: several seconds
def test_every_equation_is_typeset_in_the_browser_without_error_or_raw_tex(
    site, served_site, chromium
):
    pages = _pages(site)
    with_math = sorted(name for name, page in pages.items() if page.math)
    assert len(with_math) >= 3
    assert "physics/index.html" in with_math  # a theory page
    for name in [*with_math, "index.html"]:
        url = served_site + "site/" + name
        state = _typeset(chromium, url)
        assert state["total"] == len(pages[name].math), name
        assert state["drawn"] == state["total"], f"{name}: {state['drawn']} of {state['total']} drawn"
        assert state["errors"] == [], f"{name}: TeX errors in {state['errors']}"
        shrunk = [k for k, scale in enumerate(state["scale"]) if abs(scale - 1) > 0.01]
        assert shrunk == [], f"{name}: equations {shrunk} drawn at {[state['scale'][k] for k in shrunk]}"
        raw = RAW_TEX.findall(state["text"])
        assert raw == [], f"{name} shows raw TeX: {raw[:5]}"
        outside = [r for r in state["resources"] if not r.startswith(served_site)]
        assert outside == [], f"{name} loaded {outside}"
        if state["total"]:
            assert any(r.endswith("/javascripts/bokeh-mathjax.min.js") for r in state["resources"]), name
    # the check can fail: malformed TeX is caught, and the good equation beside it is drawn
    state = _typeset(chromium, served_site + "check/bad.html")
    assert state["total"] == state["drawn"] == 3
    assert state["errors"] == [
        [r"\frac{1}", r"Missing argument for \frac"],
        [r"x = \notacommand{y}", "undefined command"],
    ]
