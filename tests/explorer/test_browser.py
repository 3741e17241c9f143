"""The served page in headless Chromium: a slider dragged with the mouse redraws g2 = the solver's.

Needs Debian's ``chromium`` and ``chromium-driver`` (``make browser`` installs them; make test and
make test-fast run it first). Playwright's own browser download does not work on the project's
machines, so selenium drives /usr/bin/chromium through /usr/bin/chromedriver.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from spintorque.explorer import default_stack
from spintorque.explorer.model import ANGLES
from spintorque.stack import stack_from_dict
from spintorque.transport import efficiency

pytestmark = pytest.mark.slow  # starts a server and a browser: several seconds

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

# Bokeh renders widgets inside shadow roots: walk them to find a slider by its caption
FIND_HANDLE = """
function walk(root, out) {
  for (const el of root.querySelectorAll('*')) { out.push(el); if (el.shadowRoot) walk(el.shadowRoot, out); }
  return out;
}
const title = walk(document, []).find(
  e => e.classList && e.classList.contains('bk-slider-title') && e.textContent.startsWith(arguments[0]));
return title ? title.parentElement.querySelector('.noUi-handle') : null;
"""
MODEL_VALUE = """
const doc = window.Bokeh && Bokeh.documents.length ? Bokeh.documents[0] : null;
if (!doc) return null;
const slider = Array.from(doc.all_models).find(m => m.title === arguments[0]);
const g2 = doc.get_model_by_name('g2');
const text = Array.from(doc.all_models).find(m => m.title === 'stack file (TOML)');
if (!slider || !g2 || !text) return null;
return [slider.value, Array.from(g2.data_source.data.g2), text.value];
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served() -> Iterator[str]:
    """``spintorque explore --no-browser`` on a free local port, stopped after the test."""
    port = free_port()
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "spintorque", "explore", "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    try:
        while True:
            assert proc.poll() is None, f"explore exited: {proc.stdout.read() if proc.stdout else ''}"
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "explore did not listen within 120 s"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), (
        "the browser test needs Debian's chromium and chromium-driver: run `make browser`"
    )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1600,1000",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def poll(driver: webdriver.Chrome, until: Callable[[list], bool], timeout: float = 30.0) -> list:
    """MODEL_VALUE of the spacer slider once ``until(state)`` holds."""
    deadline = time.monotonic() + timeout
    while True:
        state = driver.execute_script(MODEL_VALUE, "N thickness [nm]")
        if state is not None and until(state):
            return state
        assert time.monotonic() < deadline, f"page state did not arrive: {state!r}"
        time.sleep(0.01)


def test_dragging_the_spacer_slider_redraws_g2_as_the_solver_gives_it(served, browser, tmp_path):
    browser.get(served)
    before = poll(browser, lambda s: len(s[1]) == ANGLES.size)
    assert before[0] == 10.0
    handle = browser.execute_script(FIND_HANDLE, "N thickness [nm]")
    assert handle is not None, "no slider captioned 'N thickness [nm]' on the page"
    ActionChains(browser).click_and_hold(handle).move_by_offset(45, 0).release().perform()
    after = poll(browser, lambda s: s[0] != 10.0 and f"{s[0] * 1e-9!r} m" in s[2])
    thickness_nm, g2_shown, toml_shown = after
    assert thickness_nm > 12.0  # moved right, by about 45/220 of the 0.5-100 nm range
    # the plotted curve is the solver's for the stack on the widgets ...
    expected = efficiency(default_stack().with_thickness("N", thickness_nm * 1e-9), "F2", ANGLES)
    np.testing.assert_allclose(g2_shown, expected.g2.values, rtol=1e-12)
    assert not np.allclose(g2_shown, before[1], rtol=1e-6)  # ... and it did change
    # ... and for the stack file the page offers for download
    import tomllib

    shown = stack_from_dict(tomllib.loads(toml_shown))
    np.testing.assert_allclose(g2_shown, efficiency(shown, "F2", ANGLES).g2.values, rtol=1e-12)
    shot = tmp_path / "explore.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    # single steps with the keyboard (one update each): the round trip key -> new g2 in the page
    trips = []
    for _ in range(5):
        value = poll(browser, lambda s: True)[0]
        start = time.perf_counter()
        handle.send_keys(Keys.ARROW_RIGHT)
        stepped = poll(browser, lambda s, v=value: s[0] != v and f"{s[0] * 1e-9!r} m" in s[2])
        trips.append(time.perf_counter() - start)
        assert stepped[0] == pytest.approx(value + 0.1, abs=1e-9)
    print(
        f"\nkeyboard steps of the spacer slider, round trip to the redrawn page: "
        f"{', '.join(f'{1e3 * t:.0f}' for t in trips)} ms"
    )
    status = browser.execute_script(
        "const t = Array.from(Bokeh.documents[0].all_models).map(m => m.text).find("
        "t => typeof t === 'string' && /update [0-9]+ ms/.test(t));"
        "return t ? t.match(/update [0-9]+ ms/)[0] : null"
    )
    assert status is not None, "the page shows no update time"
    print(f"\nscreenshot {shot}; N = {thickness_nm} nm; server-side {status} (five-layer valve)")
