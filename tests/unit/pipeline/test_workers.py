"""worker_pool: a block stopped by Ctrl-C or TERM kills its workers and their kernels at once.

Real processes: the task starts a child in a session of its own, as jupyter_client starts a
kernel, and then runs far longer than the test may take.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from takedown import interrupts
from takedown.interrupts import Terminated
from takedown.pipeline.workers import descendants, worker_pool


def long_task(pid_file: str) -> int:
    """Worker: start a 'kernel' in its own session, record both pids, then run for a minute."""
    kernel = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    Path(pid_file).write_text(f"{os.getpid()} {kernel.pid}")
    time.sleep(60)
    return 0


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize("stop", [KeyboardInterrupt, Terminated])
def test_a_stopped_block_kills_its_worker_and_the_kernel_below_it(tmp_path, stop):
    pid_file = tmp_path / "pids"
    pids: list[int] = []
    try:
        t0 = time.monotonic()
        with pytest.raises(stop), worker_pool(1) as pool:
            pool.submit(long_task, str(pid_file))
            while not pid_file.exists() or len(pid_file.read_text().split()) < 2:
                assert time.monotonic() - t0 < 30, "the worker never started its kernel"
                time.sleep(0.02)
            pids = [int(p) for p in pid_file.read_text().split()]
            assert pids[1] in descendants(pids[0])
            raise stop()
        took = time.monotonic() - t0
        deadline = time.monotonic() + 5
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [p for p in pids if alive(p)] == []
        assert took < 20  # it did not wait for the minute-long notebook
    finally:
        for p in pids:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_a_block_that_ends_normally_waits_for_its_work(tmp_path):
    with worker_pool(1) as pool:
        fut = pool.submit(sum, [1, 2, 3])
    assert fut.result(timeout=0) == 6


def handlers() -> tuple[bool, bool]:
    return (
        signal.getsignal(signal.SIGTERM) == signal.SIG_DFL,
        signal.getsignal(signal.SIGINT) == signal.default_int_handler,
    )


def test_workers_do_not_inherit_the_commands_signal_handlers():
    """A worker that kept the command's TERM handler would fail a notebook and live on."""
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        interrupts.install()
        with worker_pool(1) as pool:
            assert pool.submit(handlers).result(timeout=60) == (True, True)
    finally:
        for s, h in before.items():
            signal.signal(s, h)
