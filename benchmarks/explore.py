"""Response of the explorer page to a slider move, for the default five-layer Cu/Co/Cu/Py/Cu valve.

Run:  .venv/bin/python benchmarks/explore.py [--quick] [--no-browser]

1. In process (no server): the callback a slider move runs, over moves of the spacer-thickness and
   F2-angle sliders, split into its parts (solve; g1/g2 at 91 angles; RA at 91 angles; hodograph
   and ring forces; TOML; drawing into the data sources; and the ``explain`` text, which the page
   computes after the figures are sent) and the size of the plotted data.
2. In the browser (unless ``--no-browser``): ``spintorque explore`` served on 127.0.0.1 and driven
   in headless Chromium (:mod:`spintorque.explorer.probe`); arrow-key steps of the spacer slider,
   timed on the page's own clock from the key event to the first websocket message of the
   update, to the new g2 in the page's Bokeh document, to the last figure repaint (the round
   trip), and to the explain text.

Prints medians and 90th percentiles against the 200 ms budget of issue 12, and the load average
(the project's machines are shared: a loaded machine is slower, never faster).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np

from spintorque.analogy import hodograph, ring_forces
from spintorque.explorer import default_stack, explanation_of, stack_toml
from spintorque.explorer.app import Explorer
from spintorque.explorer.model import ANGLES
from spintorque.transport import efficiency, solve
from spintorque.transport.magnetoresistance import resistance_area_at

BUDGET_MS = 200.0


def stats(values_ms: Sequence[float]) -> str:
    """'median M ms, p90 P ms' of a list of times in ms."""
    p90 = float(np.percentile(values_ms, 90))
    return f"median {statistics.median(values_ms):.1f} ms, p90 {p90:.1f} ms"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"


def timed(f: Callable[[], object], n: int) -> list[float]:
    """Times [ms] of n calls of f."""
    out = []
    for _ in range(n):
        start = time.perf_counter()
        f()
        out.append(1e3 * (time.perf_counter() - start))
    return out


def in_process(moves: int) -> None:
    start = time.perf_counter()
    page = Explorer(default_stack())  # the first update compiles (or loads) the kernels
    first = time.perf_counter() - start
    print(f"in process ({load()}):")
    updates, views, draws, explains = [], [], [], []
    for k in range(moves):
        slider = page.thickness["N"] if k % 2 == 0 else page.angle["F2"]
        before = page.last_update_s
        slider.value = (10.5 + 0.5 * k) if k % 2 == 0 else (5.0 + 4.0 * k) % 180.0
        assert page.last_update_s != before, "the move did not update the page"
        updates.append(1e3 * page.last_update_s)
        views.append(1e3 * page.timings["view"])
        draws.append(1e3 * page.timings["draw"])
        explains.append(1e3 * page.timings["explain"])
    print(
        f"  five-layer valve, {moves} slider moves: update median {statistics.median(updates):.1f} ms, "
        f"p90 {np.percentile(updates, 90):.1f} ms (view {stats(views)}; draw {stats(draws)}); "
        f"explain after it {stats(explains)}; budget {BUDGET_MS:.0f} ms"
    )
    stack = page.stack()
    n = max(5, moves // 2)
    result = solve(stack)
    parts = {
        "solve": timed(lambda: solve(stack), n),
        "g1/g2 (91 angles)": timed(lambda: efficiency(stack, "F2", ANGLES), n),
        "RA (91 angles)": timed(lambda: resistance_area_at(stack, "F2", ANGLES), n),
        "hodograph + rings": timed(lambda: (hodograph(result, points_per_layer=40), ring_forces(result)), n),
        "TOML": timed(lambda: stack_toml(stack), n),
        "explain": timed(lambda: explanation_of(stack), n),
    }
    print("  parts: " + "; ".join(f"{name} {statistics.median(t):.2f} ms" for name, t in parts.items()))
    sources = [page.mu_src, page.js_src, page.jump_src, page.rod_src, page.ring_src, page.g_src]
    numbers = sum(np.asarray(v).size for src in sources for v in src.data.values())
    print(f"  plotted data per update: {numbers} numbers ({8 * numbers / 1024:.1f} KiB as float64)")
    print(f"  the update's websocket message (PATCH-DOC): {patch_message(moves)}")
    print(f"  page construction with the first update (kernels compiled or loaded): {first:.2f} s")
    print(
        f"  one bare solve {statistics.median(parts['solve']):.3f} ms; "
        f"update/solve = {statistics.median(updates) / statistics.median(parts['solve']):.0f}"
    )


def patch_message(moves: int) -> str:
    """Size and serialisation time of the message one slider move sends (page in a Document)."""
    from bokeh.document import Document
    from bokeh.document.events import DocumentPatchedEvent
    from bokeh.protocol import Protocol

    doc = Document()
    page = Explorer(default_stack())
    doc.add_root(page.layout().get_root(doc))
    events: list[DocumentPatchedEvent] = []
    doc.on_change(lambda event: events.append(event) if isinstance(event, DocumentPatchedEvent) else None)
    protocol = Protocol()
    times, sizes, counts = [], [], []
    for k in range(moves):
        events.clear()
        page.thickness["N"].value = 10.5 + 0.1 * k
        start = time.perf_counter()
        message = protocol.create("PATCH-DOC", list(events))
        buffers = sum(len(b.data) for b in message.buffers)
        size = len(message.header_json) + len(message.content_json) + buffers
        times.append(1e3 * (time.perf_counter() - start))
        sizes.append(size)
        counts.append(len(events))
    return (
        f"{statistics.median(counts):.0f} property changes, {statistics.median(sizes):.0f} bytes, "
        f"serialised in {stats(times)}"
    )


def in_browser(steps: int) -> None:
    from selenium.webdriver.common.keys import Keys

    from spintorque.explorer import probe

    caption = "N thickness [nm]"
    with probe.served() as url, probe.chromium() as driver:
        driver.get(url)
        probe.wait_for(driver, probe.MODEL_VALUE, lambda s: len(s[1]) == ANGLES.size, caption)
        probe.hook(driver)
        handle = driver.execute_script(probe.FIND_HANDLE, caption)
        trips = [probe.key_round_trip(driver, handle, Keys.ARROW_RIGHT) for _ in range(steps)]
    print(f"in headless Chromium ({load()}), {steps} arrow-key steps of the spacer slider, after the key:")
    print(f"  round trip, figures repainted: {stats([t.painted for t in trips])}; budget {BUDGET_MS:.0f} ms")
    print(f"  the update's websocket message arrived {stats([t.first_message for t in trips])}")
    print(f"  new g2 in the page's document {stats([t.data for t in trips])}")
    print(f"  server update (status line) {stats([t.server_ms for t in trips])}")
    print(f"  explain text shown {stats([t.explained for t in trips])}")
    print(
        f"  received per step: {statistics.median([t.bytes for t in trips]):.0f} bytes in "
        f"{statistics.median([t.messages for t in trips]):.0f} websocket frames"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="6 moves and 5 key steps instead of 40 and 20")
    parser.add_argument("--no-browser", action="store_true", help="only the in-process part")
    args = parser.parse_args()
    in_process(6 if args.quick else 40)
    if not args.no_browser:
        in_browser(5 if args.quick else 20)


if __name__ == "__main__":
    main()
