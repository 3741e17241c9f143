"""The documentation site builds in strict mode (`make docs`): no broken link, no missing API object."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


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


@pytest.mark.slow  # several seconds: in `make test`, not in `make test-fast`
def test_docs_site_builds_strictly_with_every_page_and_api_object(tmp_path):
    proc = _build(ROOT / "mkdocs.yml", tmp_path / "site", ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = tmp_path / "site"
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


def test_sphinx_roles_and_math_in_docstrings_become_markdown():
    spec = importlib.util.spec_from_file_location("markup", ROOT / "docs" / "griffe_sphinx_markup.py")
    assert spec is not None and spec.loader is not None
    markup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(markup)
    text = "See :func:`~spintorque.thermal.escape` and :class:`spintorque.Stack`."
    assert markup.ROLE.sub(markup._role, text) == "See `escape` and `spintorque.Stack`."
    doc = "Rate.\n\n.. math:: a = b\n          + c\n\nAssumptions: none."
    assert markup._math(doc) == "Rate.\n\n\n```tex\na = b\n+ c\n```\n\n\nAssumptions: none."
