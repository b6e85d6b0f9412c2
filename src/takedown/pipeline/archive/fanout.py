"""Fan the operations out on Dask distributed: a LocalCluster, or a cluster at --scheduler.

One task is one operation, run in an operation process (worker.py) that each worker thread
starts once and keeps, so the kernels and imports are paid once per worker, not per operation.
It dies with its worker, so a task a killed worker leaves behind is simply run again elsewhere:
ingest and render land atomically, so a half-done operation is never visible. The data and report folders must be shared by every
worker; `check_shared` proves it before any work is sent.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from takedown.errors import TakedownError
from takedown.pipeline.archive.discover import Operation
from takedown.pipeline.archive.worker import ROW_PREFIX

GIB = 1 << 30


def default_workers() -> int:
    """Local workers from the machine: one per core, with at least 4 GiB of memory each.

    Most operations are small: their ingest, profile and compose run on one core, so a second
    operation beside them keeps the other core busy; the largest run first (run_all)."""
    cores = os.cpu_count() or 1
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        mem = 8 * GIB
    return max(1, min(cores, int(mem // (4 * GIB))))


@contextmanager
def client(workers: int, scheduler: str | None) -> Iterator[Any]:
    """A Dask client: to the scheduler given, else to a LocalCluster of `workers` processes."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            c = Client(scheduler, timeout="20s")
        except OSError as exc:
            raise TakedownError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
        with c:
            yield c
        return
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)  # fmt: skip
    with cluster, Client(cluster) as c:
        yield c


def _probe(folders: list[str], token: str) -> dict[str, str]:
    """On a worker: read the client's probe in each folder and write one back."""
    import socket

    seen = {}
    for folder in folders:
        mine = Path(folder) / f".takedown-probe-{token}"
        try:
            seen[folder] = mine.read_text(encoding="utf-8")
            Path(f"{mine}.{os.getpid()}.{socket.gethostname()}").write_text(token, encoding="utf-8")
        except OSError as exc:
            seen[folder] = f"error: {exc.strerror}"
    return seen


def check_shared(c: Any, folders: list[Path]) -> None:
    """Every worker reads and writes the data, report and profile folders, or one line says not."""
    token = secrets.token_hex(8)
    names = [str(f) for f in folders]
    for f in folders:
        f.mkdir(parents=True, exist_ok=True)
        (f / f".takedown-probe-{token}").write_text(token, encoding="utf-8")
    try:
        answers = c.run(_probe, names, token)
        for worker, seen in sorted(answers.items()):
            for folder in names:
                if seen.get(folder) != token:
                    raise TakedownError(
                        f"worker {worker} cannot read and write {folder}; the data, report and "
                        "profile folders must be on a file system every worker shares"
                    )
        for f in folders:
            back = list(f.glob(f".takedown-probe-{token}.*"))
            if len(back) < len(answers):
                raise TakedownError(
                    f"{f}: {len(answers) - len(back)} worker(s) wrote a probe this machine cannot "
                    "see; put the folders on a file system every worker shares"
                )
    finally:
        for f in folders:
            for p in f.glob(f".takedown-probe-{token}*"):
                p.unlink(missing_ok=True)


_SERVERS: dict[tuple[int, str], tuple[subprocess.Popen, IO[bytes]]] = {}
RECYCLE_RSS = 4 * GIB  # an operation process grown past this is replaced before the next one


def _server(env: dict[str, str]) -> tuple[subprocess.Popen, IO[bytes]]:
    """This thread's operation process (worker.py), started at its first task and kept.

    It dies with this thread's worker (PR_SET_PDEATHSIG), and so do its kernels. Its stderr
    goes to an unnamed file whose tail is the reason when it ends mid-operation.
    """
    from takedown.pipeline.kernel import die_with_parent

    key = (threading.get_ident(), json.dumps(env, sort_keys=True))
    proc, log = _SERVERS.get(key, (None, None))
    if proc is not None and proc.poll() is None and _rss(proc.pid) < RECYCLE_RSS:
        return proc, log
    if proc is not None:
        _stop(proc)
    me = os.getpid()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "takedown.pipeline.archive.worker"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1,
        preexec_fn=lambda: die_with_parent(me), env={**os.environ, **env},
    )  # fmt: skip
    _SERVERS[key] = (proc, log)
    return proc, log


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    kb = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("VmRSS:")), "0")
    return int(kb) * 1024


def _stop(proc: subprocess.Popen) -> None:
    """End an operation process between operations: stdin closed, then killed if it lingers."""
    try:
        proc.stdin.close()
        proc.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        proc.kill()
        proc.wait()


def _tail(log: IO[bytes]) -> str:
    log.seek(0, os.SEEK_END)
    log.seek(max(0, log.tell() - 4096))
    lines = log.read().decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:300] if lines else ""


def run_in_process(spec: dict[str, Any]) -> dict[str, Any]:
    """On a worker: one operation in this thread's operation process (which dies with it)."""
    proc, log = _server(spec["env"])
    try:
        proc.stdin.write(json.dumps(spec) + "\n")
        proc.stdin.flush()
        for line in proc.stdout:
            if line.startswith(ROW_PREFIX):
                return json.loads(line[len(ROW_PREFIX) :])
    except (OSError, ValueError):
        pass
    proc.kill()  # it ended (or broke its pipe) mid-operation
    code = proc.wait()
    tail = _tail(log) or f"exit status {code}"
    return {"name": spec["name"], "folder": spec["folder"], "status": "failed",
            "stage": "process", "reason": f"the operation's process ended: {tail}",
            "seconds": {}}  # fmt: skip


def spec_of(op: Operation, common: dict[str, Any]) -> dict[str, Any]:
    """What a worker needs to run `op`: absolute paths only, JSON-able."""
    d = asdict(op)
    return {**common, "name": op.name, "folder": str(Path(d["folder"]).resolve()),
            "files": [str(Path(f).resolve()) for f in d["files"]],
            "profile": str(Path(d["profile"]).resolve()) if d["profile"] else None}  # fmt: skip


def input_bytes(op: Operation) -> int:
    """The size of an operation's input files (a stand-in for its work)."""
    return sum(Path(f).stat().st_size for f in op.files if Path(f).is_file())


def run_all(
    c: Any, ops: list[Operation], common: dict[str, Any], on_row: Callable[[dict], None]
) -> list[dict[str, Any]]:
    """Submit one task per operation; rows come back in the operations' order."""
    from dask.distributed import as_completed

    # The largest start first: the small ones then fill in beside them, instead of one big
    # operation running alone at the end.
    order = sorted(ops, key=input_bytes, reverse=True)
    futures = {
        c.submit(run_in_process, spec_of(op, common), key=f"takedown-op-{op.name}-{secrets.token_hex(4)}",
                 pure=False, priority=len(order) - i): op.name
        for i, op in enumerate(order)
    }  # fmt: skip
    rows: dict[str, dict] = {}
    for fut in as_completed(futures):
        name = futures[fut]
        try:
            row = fut.result()
        except Exception as exc:  # noqa: BLE001 - a task lost for good is that operation's row
            row = {"name": name, "status": "failed", "stage": "worker", "seconds": {},
                   "reason": f"{type(exc).__name__}: {str(exc)[:200]}"}  # fmt: skip
        rows[name] = row
        on_row(row)
    return [rows[op.name] for op in ops]
