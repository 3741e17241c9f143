"""The served page in headless Chromium: a slider dragged with the mouse redraws g2 = the solver's.

Needs Debian's ``chromium`` and ``chromium-driver`` (``make browser`` installs them; make test and
make test-fast run it first). Playwright's own browser download does not work on the project's
machines, so selenium drives /usr/bin/chromium through /usr/bin/chromedriver
(:mod:`spintorque.explorer.probe`). Timing is printed here, never asserted
(``benchmarks/explore.py`` reports it).
"""

from __future__ import annotations

import html
import os
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from spintorque.explorer import default_stack, explanation_of, probe
from spintorque.explorer.model import ANGLES
from spintorque.stack import stack_from_dict
from spintorque.transport import efficiency
from spintorque.transport.magnetoresistance import resistance_area_at
from tests.explorer.test_app import WITH_INTERFACE  # the F1/N interface of the in-process tests

pytestmark = pytest.mark.slow  # starts a server and a browser: several seconds

SCREENSHOT = Path(__file__).parents[2] / "docs" / "screenshots" / "explore.png"
SLIDER = "N thickness [nm]"

# every element of the page, through the shadow roots Bokeh renders into
KATEX_RENDERED = """
function walk(root, out) {
  for (const el of root.querySelectorAll('*')) { out.push(el); if (el.shadowRoot) walk(el.shadowRoot, out); }
  return out;
}
const all = walk(document, []);
return [all.filter(e => e.classList && e.classList.contains('katex')).length,
        all.filter(e => e.classList && e.classList.contains('katex-error')).length,
        all.filter(e => e.children.length === 0 && !['SCRIPT', 'STYLE'].includes(e.tagName)
                   && e.textContent.includes('$$')).length];
"""


@pytest.fixture
def served() -> Iterator[str]:
    """``spintorque explore --no-browser`` on a free local port, stopped after the test."""
    with probe.served() as url:
        yield url


@pytest.fixture
def browser() -> Iterator[object]:
    assert probe.CHROMIUM.exists() and probe.CHROMEDRIVER.exists(), (
        "the browser test needs Debian's chromium and chromium-driver: run `make browser`"
    )
    with probe.chromium() as driver:
        yield driver


def test_dragging_the_spacer_slider_redraws_g2_as_the_solver_gives_it(served, browser, tmp_path):
    browser.get(served)
    before = probe.wait_for(browser, probe.MODEL_VALUE, lambda s: len(s[1]) == ANGLES.size, SLIDER)
    assert before[0] == 10.0
    probe.hook(browser)
    handle = browser.execute_script(probe.FIND_HANDLE, SLIDER)
    assert handle is not None, f"no slider captioned {SLIDER!r} on the page"
    ActionChains(browser).click_and_hold(handle).move_by_offset(45, 0).release().perform()
    # released: the figures, the stack file and (after them) the explain text of the new stack
    after = probe.wait_for(
        browser,
        probe.MODEL_VALUE,
        lambda s: s[0] != 10.0 and f"{s[0] * 1e-9!r} m" in s[2] and "rests" not in s[3],
        SLIDER,
    )
    thickness_nm, g2_shown, toml_shown, explain_shown = after
    assert thickness_nm > 12.0  # moved right, by about 45/220 of the 0.5-100 nm range
    moved = default_stack().with_thickness("N", thickness_nm * 1e-9)
    # the plotted curve is the solver's for the stack on the widgets ...
    np.testing.assert_allclose(g2_shown, efficiency(moved, "F2", ANGLES).g2.values, rtol=1e-12)
    assert not np.allclose(g2_shown, before[1], rtol=1e-6)  # ... and it did change
    # ... and for the stack file the page offers for download; the text is `explain`'s
    shown = stack_from_dict(tomllib.loads(toml_shown))
    np.testing.assert_allclose(g2_shown, efficiency(shown, "F2", ANGLES).g2.values, rtol=1e-12)
    # (the Markdown model holds escaped HTML, "<" as "&amp;lt;")
    assert explanation_of(moved) in html.unescape(html.unescape(explain_shown))

    # the formulae are typeset by KaTeX (Panel's bundled copy), none left as raw TeX
    rendered, errors, raw = browser.execute_script(KATEX_RENDERED)
    assert rendered >= 2 and errors == 0 and raw == 0, (rendered, errors, raw)
    # nothing was requested from outside 127.0.0.1 (data: and blob: URLs are in-page)
    urls = probe.requested_urls(browser)
    assert urls, "the performance log recorded no request"
    outside = [
        u for u in urls if urlparse(u).scheme not in ("data", "blob") and urlparse(u).hostname != "127.0.0.1"
    ]
    assert outside == [], outside

    shot = tmp_path / "explore.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if os.environ.get("SPINTORQUE_SCREENSHOT") == "1":  # regenerate the docs' screenshot
        shutil.copyfile(shot, SCREENSHOT)

    # single steps with the keyboard, each one update, timed in the page (printed, not asserted)
    trips = []
    for _ in range(5):
        value = probe.state(browser, SLIDER)[0]
        trips.append(probe.key_round_trip(browser, handle, Keys.ARROW_RIGHT))
        stepped = probe.state(browser, SLIDER)
        assert stepped[0] == pytest.approx(value + 0.1, abs=1e-9)
        assert f"{stepped[0] * 1e-9!r} m" in stepped[2]
        expected = efficiency(default_stack().with_thickness("N", stepped[0] * 1e-9), "F2", ANGLES)
        np.testing.assert_allclose(stepped[1], expected.g2.values, rtol=1e-12)
    print(
        "\nkeyboard steps, key -> figures repainted: "
        f"{', '.join(f'{t.painted:.0f}' for t in trips)} ms; server update "
        f"{', '.join(f'{t.server_ms:.0f}' for t in trips)} ms; explain text at "
        f"{', '.join(f'{t.explained:.0f}' for t in trips)} ms; {trips[-1].bytes} bytes in "
        f"{trips[-1].messages} websocket frames; screenshot {shot}, N = {thickness_nm} nm"
    )


CLICK_CHECKBOX = """
function walk(root, out) {
  for (const el of root.querySelectorAll('*')) { out.push(el); if (el.shadowRoot) walk(el.shadowRoot, out); }
  return out;
}
const boxes = walk(document, []).filter(e => e.tagName === 'INPUT' && e.type === 'checkbox');
if (boxes.length !== 1) return boxes.length;  // the page has one checkbox, the toggle
boxes[0].click();
return true;
"""
CURVES = """
const doc = Bokeh.documents[0];
const ra = doc.get_model_by_name('ra').data_source.data;
const text = Array.from(doc.all_models).find(m => m.title === 'stack file (TOML)');
return [Array.from(ra.ra), Array.from(ra.g2), text.value];
"""


def test_the_database_toggle_puts_interfaces_into_ra_and_the_stack_file(browser, tmp_path):
    source = tmp_path / "with_interface.toml"
    source.write_text(WITH_INTERFACE)
    with probe.served(str(source)) as url:
        browser.get(url)
        probe.wait_for(browser, probe.MODEL_VALUE, lambda s: len(s[1]) == ANGLES.size, SLIDER)
        ra_file, _, toml_file = browser.execute_script(CURVES)
        assert "[[interfaces]]" in toml_file and "database_interfaces" not in toml_file
        assert browser.execute_script(CLICK_CHECKBOX) is True
        ra, g2, toml_shown = probe.wait_for(browser, CURVES, lambda c: "database_interfaces = true" in c[2])
    shown = stack_from_dict(tomllib.loads(toml_shown))
    assert len(shown.interface_elements) == 4  # the file's F1/N and three from the database
    # the page's RA(θ) and g2(θ) are the solver's for the stack with all four interfaces
    np.testing.assert_allclose(np.asarray(ra) * 1e-15, resistance_area_at(shown, "F2", ANGLES), rtol=1e-12)
    np.testing.assert_allclose(g2, efficiency(shown, "F2", ANGLES).g2.values, rtol=1e-12)
    assert not np.allclose(ra, ra_file, rtol=1e-3)  # the database's interfaces changed RA
