"""Progress bars: on stderr only, only on a terminal (or when forced), only after their delay."""

from __future__ import annotations

import time

from spintorque.progress import activity, progress_bar


def test_no_terminal_no_bar_and_the_callback_accepts_any_progress(capsys):
    with progress_bar(10.0, "integrating", delay=0.0) as advance:  # pytest's stderr: no tty
        for done in (0.0, 5.0, 10.0, 12.0):
            advance(done)
    with activity("solving", delay=0.0):
        time.sleep(0.05)
    assert capsys.readouterr() == ("", "")


def test_a_forced_bar_draws_on_stderr_never_on_stdout(capsys):
    with progress_bar(4.0, "integrating", enabled=True, delay=0.0) as advance:
        for done in range(5):
            advance(float(done))
    out, err = capsys.readouterr()
    assert out == "" and "integrating" in err


def test_a_bar_waits_for_its_delay_so_a_short_run_prints_nothing(capsys):
    with progress_bar(1.0, "short", enabled=True, delay=60.0) as advance:
        advance(1.0)
    with activity("short", enabled=True, delay=60.0):
        pass
    assert capsys.readouterr() == ("", "")


def test_a_forced_spinner_draws_on_stderr_and_stops_with_the_block(capsys):
    with activity("solving the sphere", enabled=True, delay=0.0):
        time.sleep(0.3)
    out, err = capsys.readouterr()
    assert out == "" and "solving the sphere" in err
