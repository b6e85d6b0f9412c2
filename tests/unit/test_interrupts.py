"""Ctrl-C inside a DuckDB query on the main thread: "interrupted", exit 130, never "internal error".

Issue 20 item 19: DuckDB turned the KeyboardInterrupt into RuntimeError("Query interrupted"),
which the CLI reported as an internal error with exit 1. A real query, a real SIGINT.
"""

from __future__ import annotations

import os
import signal
import threading

import pytest
import typer

from takedown import interrupts
from takedown.cli_io import errors
from takedown.db import connect

LONG = "SELECT count(*) FROM range(1000000000000) a WHERE a.range % 7 = 3"


@pytest.fixture
def handlers():
    before = {s: signal.getsignal(s) for s in interrupts.EXIT}
    interrupts.install()
    try:
        yield
    finally:
        for s, h in before.items():
            signal.signal(s, h)
        interrupts._state.update(signal=None, armed=False, raised=False)


def signal_soon(sig: int, delay: float = 0.5) -> threading.Timer:
    t = threading.Timer(delay, os.kill, (os.getpid(), sig))
    t.start()
    return t


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "line", "code"), [
    (signal.SIGINT, "error: interrupted\n", 130),
    (signal.SIGTERM, "error: terminated\n", 143),
])  # fmt: skip
def test_a_signal_inside_a_query_is_one_line(handlers, capsys, sig, line, code):
    con = connect()
    timer = signal_soon(sig)
    try:
        with pytest.raises(typer.Exit) as exc, errors():
            con.execute(LONG).fetchall()
    finally:
        timer.cancel()
        con.close()
    assert exc.value.exit_code == code
    assert capsys.readouterr().err == line


def test_a_signal_before_the_command_starts_stops_it_at_once(handlers, capsys):
    os.kill(os.getpid(), signal.SIGINT)  # while importing: only recorded
    ran = []
    with pytest.raises(typer.Exit) as exc, errors():
        ran.append(True)
    assert exc.value.exit_code == 130 and ran == []
    assert capsys.readouterr().err == "error: interrupted\n"
