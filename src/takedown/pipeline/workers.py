"""Notebook worker processes that never outlive the command that started them.

Killed with -9, the command takes its workers along (PR_SET_PDEATHSIG, see die_with_parent),
and their kernels follow (they poll for their parent). Stopped by Ctrl-C or TERM, the command
kills its workers and their kernels itself before its scratch is removed: waiting for a running
notebook would take minutes (issue 20 item 18).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from takedown.pipeline.kernel import die_with_parent


def start_pool(workers: int) -> ProcessPoolExecutor:
    """Notebook workers that die with this process, forked now: before the caller starts any
    thread a fork could copy mid-work, and with what run_notebook imports (papermill, nbclient,
    the forked kernels' manager) imported here once, not in each worker (0.25 s of CPU apiece
    beyond what a render has imported, in a cold render whose two cores are busy; issue 18)."""
    import papermill  # noqa: F401
    from nbclient.exceptions import CellTimeoutError  # noqa: F401

    import takedown.pipeline.forked  # noqa: F401

    pool = ProcessPoolExecutor(workers, initializer=die_with_parent, initargs=(os.getpid(),))
    pool.submit(int)  # with fork, the first submit starts every worker at once
    return pool


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process, or with the block if it fails."""
    pool = start_pool(workers)
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and their kernels, then drop its queued work: a failed block's
    workers may be mid-notebook, and waiting for them would take minutes."""
    kill_workers(list(getattr(pool, "_processes", None) or {}))
    pool.shutdown(wait=True, cancel_futures=True)


def kill_workers(pids: list[int]) -> None:
    """SIGKILL the workers and everything they started (kernels run in sessions of their own)."""
    for pid in pids:
        _signal(pid, signal.SIGSTOP)  # a stopped worker starts no new kernel meanwhile
    tree = [d for pid in pids for d in descendants(pid)]
    for pid in tree + pids:
        _signal(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while any(_running(p) for p in tree) and time.monotonic() < deadline:
        time.sleep(0.02)  # a kernel killed mid-write is gone before the scratch is removed


def descendants(pid: int) -> list[int]:
    """Every process below pid, each before its own children (Linux /proc).

    Parents are read from every process's stat, not from /proc/PID/task/*/children: by
    proc_tid_children(5) a child exiting while that file is read can make live children be
    omitted, and a render's tree read that way once missed a live forked kernel in CI.
    """
    kids = _children_by_parent()
    out: list[int] = []
    stack = list(reversed(kids.get(pid, [])))
    while stack:
        kid = stack.pop()
        out.append(kid)
        stack += reversed(kids.get(kid, []))
    return out


def _children_by_parent() -> dict[int, list[int]]:
    """Each live process's parent, from one pass over /proc."""
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int(_stat(entry)[1])
        except (OSError, IndexError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(entry.name))
    for pids in kids.values():
        pids.sort()
    return kids


def _stat(proc: Path) -> list[str]:
    """The fields of a /proc/PID/stat after the command name (which may hold spaces and ")")."""
    return (proc / "stat").read_text().rsplit(")", 1)[1].split()


def _running(pid: int) -> bool:
    """True while pid exists and is not a zombie."""
    try:
        return _stat(Path(f"/proc/{pid}"))[0] != "Z"
    except OSError:
        return False


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
