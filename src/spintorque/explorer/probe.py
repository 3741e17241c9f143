"""Serve the explorer and drive it in headless Chromium: the browser test's and benchmark's tools.

Needs the ``explore`` extra (selenium) and Debian's ``chromium`` + ``chromium-driver``
(Playwright's own browser download does not work on the project's machines, so selenium drives
/usr/bin/chromium through /usr/bin/chromedriver).

The page is instrumented before it loads (Chrome DevTools ``addScriptToEvaluateOnNewDocument``):
every websocket message it receives (time and bytes), every key press, every change event of
the Bokeh document and every paint of each figure are time-stamped with ``performance.now()``
in the page, so :func:`key_round_trip` measures a slider step from the key event to the
repainted figures on the page's own clock, with no selenium polling in between.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FIGURES = ("mu_fig", "js_fig", "g_fig", "ra_fig")

# runs in the page before any of its scripts
INSTRUMENT = """
window.__probe = {ws: [], keys: [], changes: [], paints: [], requests: []};
const Native = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new Native(...args);
  ws.addEventListener('message', (e) => {
    const d = e.data;
    const bytes = typeof d === 'string' ? d.length : (d.byteLength !== undefined ? d.byteLength : d.size);
    window.__probe.ws.push([performance.now(), bytes]);
  });
  return ws;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
window.addEventListener('keydown', () => window.__probe.keys.push(performance.now()), true);
"""

# once Bokeh has rendered: record document changes and figure paints
HOOK = r"""
const doc = window.Bokeh && Bokeh.documents.length ? Bokeh.documents[0] : null;
if (!doc || !Bokeh.index) return false;
const views = arguments[0].map(n => [n, Bokeh.index.find_one(doc.get_model_by_name(n))]);
if (views.some(([n, v]) => v == null)) return false;
if (window.__probe.hooked) return true;
doc.on_change((ev) => {
  const m = ev.model;
  const explained = ev.attr === 'text' && typeof m.text === 'string'
    && /strong(&gt;|>)explain(&lt;|<)\/strong/.test(m.text);
  window.__probe.changes.push([performance.now(), m && m.name ? m.name : '', ev.attr || '', explained]);
});
for (const [name, view] of views) {
  const paint = view.paint;
  view.paint = function (...a) {
    const out = paint.apply(this, a);
    window.__probe.paints.push([performance.now(), name]);
    return out;
  };
}
window.__probe.hooked = true;
return true;
"""

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

# the slider's value, the plotted g2, the exported TOML and the explain text, from the document
MODEL_VALUE = """
const doc = window.Bokeh && Bokeh.documents.length ? Bokeh.documents[0] : null;
if (!doc) return null;
const slider = Array.from(doc.all_models).find(m => m.title === arguments[0]);
const g2 = doc.get_model_by_name('g2');
const text = Array.from(doc.all_models).find(m => m.title === 'stack file (TOML)');
const explain = Array.from(doc.all_models).find(
  m => typeof m.text === 'string' && /strong(&gt;|>)explain/.test(m.text));
if (!slider || !g2 || !text || !explain) return null;
return [slider.value, Array.from(g2.data_source.data.g2), text.value, explain.text];
"""


def free_port() -> int:
    """A free TCP port of 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(*args: str, timeout: float = 120.0) -> Iterator[str]:
    """``spintorque explore ARGS --no-browser`` on a free local port; yields its URL."""
    port = free_port()
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "spintorque", "explore", *args, "--port", str(port), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"explore exited: {proc.stdout.read() if proc.stdout else ''}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"explore did not listen within {timeout:.0f} s")
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stdout is not None:
            proc.stdout.close()


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium under selenium, instrumented (:data:`INSTRUMENT`), logging requests."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        raise RuntimeError("needs Debian's chromium and chromium-driver: run `make browser`")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1700,1150",
        # a page under test is never treated as in the background (no timer or frame throttling)
        "--disable-background-timer-throttling",
        "--disable-renderer-backgrounding",
        "--disable-backgrounding-occluded-windows",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": INSTRUMENT})
        yield driver
    finally:
        driver.quit()


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page requested so far (Chrome's performance log, Network.requestWillBeSent)."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
        elif message.get("method") == "Network.webSocketCreated":
            urls.append(message["params"]["url"])
    return urls


def wait_for(
    driver: Any, script: str, until: Callable[[Any], bool], *args: Any, timeout: float = 60.0
) -> Any:
    """The value of ``script`` once ``until(value)`` holds (polled every 10 ms)."""
    deadline = time.monotonic() + timeout
    while True:
        value = driver.execute_script(script, *args)
        if value is not None and until(value):
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"the page did not reach the state waited for: {value!r}")
        time.sleep(0.01)


def hook(driver: Any) -> None:
    """Install the document-change and paint hooks once the figures are rendered."""
    wait_for(driver, HOOK, bool, list(FIGURES))


def state(driver: Any, caption: str) -> list[Any] | None:
    """[slider value, plotted g2, exported TOML, explain text] (:data:`MODEL_VALUE`)."""
    value: list[Any] | None = driver.execute_script(MODEL_VALUE, caption)
    return value


@dataclass(frozen=True)
class Trip:
    """One key press on a slider, on the page's clock [ms after the key event].

    Attributes
    ----------
    first_message : the update's websocket message arrived (its first frame over 1 kB).
    data : the plotted g1/g2/RA changed in the page's document (``doc.on_change``).
    painted : every figure has been painted after that (the page redrawn: the response to the
        key; a figure the update left unchanged is not waited for).
    explained : the explain text, computed after the figures, changed.
    messages, bytes : websocket messages received in all, and their total size [bytes].
    server_ms : the update time the page's status line shows (Python, in the server).
    """

    first_message: float
    data: float
    painted: float
    explained: float
    messages: int
    bytes: int
    server_ms: float


def key_round_trip(driver: Any, handle: Any, key: str, settle: float = 0.3, timeout: float = 30.0) -> Trip:
    """Press ``key`` on a slider ``handle`` and time the page's response (:class:`Trip`).

    Waits until the explain text has changed and no figure has been painted for ``settle``
    seconds, so that the last paint of the update is recorded.
    """
    import re

    driver.execute_script("const p = window.__probe; p.ws = []; p.keys = []; p.changes = []; p.paints = [];")
    handle.send_keys(key)
    deadline = time.monotonic() + timeout
    while True:
        p = driver.execute_script("return window.__probe")
        now = driver.execute_script("return performance.now()")
        explained = [c for c in p["changes"] if c[3]]
        quiet = not p["paints"] or now - p["paints"][-1][0] > 1e3 * settle
        if explained and p["paints"] and quiet:
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"no complete update within {timeout:.0f} s: {p!r}")
        time.sleep(0.02)
    t0 = p["keys"][0]
    data = min(t for t, name, _, _ in p["changes"] if name == "g_source") - t0
    ws = [(t - t0, b) for t, b in p["ws"] if t >= t0]
    first = min((t for t, b in ws if b > 1000), default=float("nan"))  # the update, not an ack
    # every figure painted once after the new data came (later paints are the layout moving when
    # the explain text arrives, not the response to the key)
    firsts = [min((t - t0 for t, name in p["paints"] if name == fig and t - t0 >= data), default=None)
              for fig in FIGURES]
    painted = max(t for t in firsts if t is not None) if any(t is not None for t in firsts) else float("nan")
    status = driver.execute_script(
        "return Array.from(Bokeh.documents[0].all_models).map(m => m.text).find("
        "t => typeof t === 'string' && /update [0-9]+ ms/.test(t)) || ''"
    )
    found = re.search(r"update ([0-9]+) ms", status)
    return Trip(
        first,
        data,
        painted,
        explained[0][0] - t0,
        len(ws),
        sum(b for _, b in ws),
        float(found.group(1)) if found else float("nan"),
    )
