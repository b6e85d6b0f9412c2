"""Fan the operations out on Dask distributed: a LocalCluster, or a cluster at --scheduler.

One task is one operation, run in a process of its own (worker.py) so that a task a killed
worker leaves behind is simply run again elsewhere: ingest and render land atomically, so a
half-done operation is never visible. The data and report folders must be shared by every
worker; `check_shared` proves it before any work is sent.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from takedown.errors import TakedownError
from takedown.pipeline.archive.discover import Operation
from takedown.pipeline.archive.worker import ROW_PREFIX

GIB = 1 << 30


def default_workers() -> int:
    """Local workers from the machine: one per two cores, and at least 4 GiB of memory each."""
    cores = os.cpu_count() or 1
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        mem = 8 * GIB
    return max(1, min(cores // 2, int(mem // (4 * GIB))))


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


def run_in_process(spec: dict[str, Any]) -> dict[str, Any]:
    """On a worker: one operation in a child process that dies with this worker."""
    from takedown.pipeline.kernel import die_with_parent

    me = os.getpid()
    proc = subprocess.run(
        [sys.executable, "-m", "takedown.pipeline.archive.worker"],
        input=json.dumps(spec), capture_output=True, text=True,
        preexec_fn=lambda: die_with_parent(me), env={**os.environ, **spec["env"]},
    )  # fmt: skip
    rows = [ln for ln in proc.stdout.splitlines() if ln.startswith(ROW_PREFIX)]
    if rows:
        return json.loads(rows[-1][len(ROW_PREFIX) :])
    tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1][:300]
    return {"name": spec["name"], "folder": spec["folder"], "status": "failed",
            "stage": "process", "reason": f"the operation's process ended: {tail}",
            "seconds": {}}  # fmt: skip


def spec_of(op: Operation, common: dict[str, Any]) -> dict[str, Any]:
    """What a worker needs to run `op`: absolute paths only, JSON-able."""
    d = asdict(op)
    return {**common, "name": op.name, "folder": str(Path(d["folder"]).resolve()),
            "files": [str(Path(f).resolve()) for f in d["files"]],
            "profile": str(Path(d["profile"]).resolve()) if d["profile"] else None}  # fmt: skip


def run_all(
    c: Any, ops: list[Operation], common: dict[str, Any], on_row: Callable[[dict], None]
) -> list[dict[str, Any]]:
    """Submit one task per operation; rows come back in the operations' order."""
    from dask.distributed import as_completed

    futures = {
        c.submit(run_in_process, spec_of(op, common), key=f"takedown-op-{op.name}-{secrets.token_hex(4)}",
                 pure=False): op.name
        for op in ops
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
