"""Ctrl-C and TERM while an ingest's DuckDB work runs (issue 20 items 19 and 21).

Each run is a real `takedown ingest` in its own process group, signalled at a spread of moments
after the tweets file's DuckDB read began: one line on stderr, exit 130 (or 143), no traceback,
no "internal error", no abort, and no scratch left. Every process is bounded by a timeout and
its group is killed in a finally block.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_archive

TWEETS = 400_000  # about 50 MB of CSV: DuckDB reads it for a second or more


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("interrupts")
    make_archive(base / "raw", users=50, tweets=TWEETS)
    return base


def start_ingest(base: Path) -> subprocess.Popen[str]:
    args = ["ingest", base / "raw", "--dataset", "d", "--data-dir", base / "data", "--force"]
    return subprocess.Popen(
        [sys.executable, "-m", "takedown.cli", *map(str, args)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True,
    )  # fmt: skip


def wait_for_read(base: Path, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    """Until the users file is written: the tweets file's DuckDB read is under way."""
    t0 = time.monotonic()
    while not list((base / "data").glob(".d.tmp-*/*_0*.parquet")):  # the first file's part
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() - t0 < timeout, "the ingest never started reading"
        time.sleep(0.005)


def kill_group(proc: subprocess.Popen[str]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def read_seconds(base: Path) -> float:
    """Seconds from the start of the tweets read to the exit of an uninterrupted ingest."""
    proc = start_ingest(base)
    try:
        wait_for_read(base, proc)
        t0 = time.monotonic()
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        return time.monotonic() - t0
    finally:
        kill_group(proc)


def signalled(base: Path, sig: int, delay: float) -> tuple[int, str, str] | None:
    """(exit code, stdout, stderr) of an ingest sent `sig` delay s into its read; None when it
    had already finished by then."""
    proc = start_ingest(base)
    try:
        wait_for_read(base, proc)
        time.sleep(delay)
        if proc.poll() is not None:
            return None
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=120)
        return proc.returncode, out, err
    finally:
        kill_group(proc)


def check_runs(base: Path, sig: int, runs: int) -> None:
    """`runs` signals spread over the whole ingest after the read began, each checked."""
    total = read_seconds(base)
    message, code = {signal.SIGINT: ("interrupted", 130), signal.SIGTERM: ("terminated", 143)}[sig]
    stopped = 0
    for i in range(runs):
        got = signalled(base, sig, (i + 0.5) / runs * total * 0.9)
        if got is None:
            continue
        rc, out, err = got
        for bad in ("Traceback", "internal error", "FATAL", "terminate called", "Exception"):
            assert bad not in err, (i, rc, err)
        if rc in (0, -sig):
            # The signal came after the work was done: the exit is clean (0), or the signal met
            # the interpreter's own shutdown and ended it (-sig). The ingest had finished.
            assert "ingested 2 files" in out and err == "", (i, rc, out, err)
            continue
        assert (rc, err) == (code, f"error: {message}\n"), (i, rc, err)
        stopped += 1
        assert list((base / "data").glob(".d.*")) == [], "scratch left behind"
    assert stopped >= runs // 2 + 1, f"only {stopped} of {runs} runs were really stopped"


def test_ctrl_c_during_the_duckdb_read_says_interrupted_and_exits_130(big):
    check_runs(big, signal.SIGINT, 3)


@pytest.mark.slow
def test_ctrl_c_twenty_times_never_aborts(big):
    """Once in about 45 tries a Ctrl-C once aborted the process (exit -6, "FATAL: exception not
    rethrown"): DuckDB was still running while the interpreter shut down."""
    check_runs(big, signal.SIGINT, 20)


def test_sigterm_during_the_read_says_terminated_and_exits_143(big):
    check_runs(big, signal.SIGTERM, 2)
