"""Scratch ownership by flock: a live owner keeps its folder, a killed one loses it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from takedown.scratch import exclusive, owned_dir, owner_alive, sweep

SRC = str(Path(__file__).resolve().parents[2] / "src")
HOLD = """
import sys, time
from pathlib import Path
from takedown.scratch import owned_dir
with owned_dir(Path(sys.argv[1]), "run-") as d:
    print(d, flush=True)
    time.sleep(60)
"""


def _owner_process(parent: Path) -> tuple[subprocess.Popen, Path]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(parent)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": SRC},
    )  # fmt: skip
    return proc, Path(proc.stdout.readline().strip())


def test_owned_dir_is_removed_on_exit(tmp_path):
    with owned_dir(tmp_path, "run-") as d:
        (d / "x").write_text("x")
        assert owner_alive(d)
    assert not d.exists()


def test_sweep_keeps_a_live_owners_folder_and_removes_a_killed_ones(tmp_path):
    live, live_dir = _owner_process(tmp_path)
    dead, dead_dir = _owner_process(tmp_path)
    try:
        dead.send_signal(signal.SIGKILL)
        dead.wait()
        assert sweep(tmp_path, "run-*") == [dead_dir]
        assert live_dir.is_dir() and not dead_dir.exists()
    finally:
        live.kill()
        live.wait()
    assert sweep(tmp_path, "run-*") == [live_dir]


def test_unowned_folders_are_left_alone_while_young(tmp_path):
    young = tmp_path / "run-young"
    young.mkdir()
    assert sweep(tmp_path, "run-*") == []
    old = tmp_path / "run-old"
    old.mkdir()
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert sweep(tmp_path, "run-*") == [old]
    assert sweep(tmp_path, "run-*", unowned_are_dead=True) == [young]


@pytest.mark.slow
def test_exclusive_makes_the_second_process_wait_and_say_so(tmp_path):
    lock = tmp_path / ".d.lock"
    code = (
        "import sys; from pathlib import Path; from takedown.scratch import exclusive\n"
        "with exclusive(Path(sys.argv[1]), lambda pid: print('waiting for', pid, flush=True)):\n"
        "    print('got it', flush=True)\n"
    )
    with exclusive(lock):
        proc = subprocess.Popen(
            [sys.executable, "-c", code, str(lock)], stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": SRC},
        )  # fmt: skip
        assert proc.stdout.readline().strip() == f"waiting for {os.getpid()}"
        time.sleep(0.3)
        assert proc.poll() is None  # still waiting while we hold it
    assert proc.stdout.readline().strip() == "got it"
    assert proc.wait(10) == 0
    assert not lock.exists()


def test_a_process_forked_while_the_lock_is_held_does_not_keep_it(tmp_path):
    # a render forks its notebook workers while its text keys are computed under this lock:
    # the fork shares the open lock file, and the lock must still go when the holder leaves
    lock = tmp_path / "keys.lock"
    code = (
        "import sys; from pathlib import Path; from takedown.scratch import exclusive\n"
        "with exclusive(Path(sys.argv[1]), lambda pid: print('waiting for', pid, flush=True)):\n"
        "    print('got it', flush=True)\n"
    )
    waiter = None
    holding = exclusive(lock)
    holding.__enter__()
    child = os.fork()
    if child == 0:  # the forked worker: alive, holding a copy of every descriptor
        try:
            time.sleep(30)
        finally:
            os._exit(0)  # never back into pytest
    try:
        waiter = subprocess.Popen(
            [sys.executable, "-c", code, str(lock)], stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": SRC},
        )  # fmt: skip
        assert waiter.stdout.readline().strip() == f"waiting for {os.getpid()}"
        holding.__exit__(None, None, None)
        assert waiter.wait(10) == 0  # not blocked for the fork's lifetime
        assert waiter.stdout.readline().strip() == "got it"
    finally:
        if waiter is not None:
            waiter.kill()
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
