"""Executes one notebook with papermill in a worker process, within a time budget.

Shared by render's notebooks and compare's one notebook. The worker never raises: a failure
comes back as the cell, its label and the error, so the caller can name them in one line.
"""

from __future__ import annotations

import ctypes
import math
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

KERNEL = "takedown"
ZYGOTE_SCRIPT = str(Path(__file__).with_name("zygote.py"))
FORKED_START_S = 180  # papermill's default start_timeout is 60 s


@contextmanager
def kernel_zygote(enabled: bool = True) -> Iterator[str | None]:
    """A kernel fork server for this block (its name for run_notebook), killed when it ends.

    Started early, it imports the stack while the cache is checked and the workers start.
    TAKEDOWN_FORK_KERNELS=0 turns it off (every kernel then starts from scratch).
    """
    if not enabled or os.environ.get("TAKEDOWN_FORK_KERNELS", "1") == "0":
        yield None
        return
    from takedown.pipeline.workers import kill_workers

    name = f"@takedown-zygote-{os.getpid()}-{secrets.token_hex(6)}"
    proc = subprocess.Popen(
        [sys.executable, ZYGOTE_SCRIPT, "serve", name],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_pdeathsig(os.getpid()),  # set before exec: no window to outlive us
        start_new_session=True,  # as a kernel: its own session (and scheduler autogroup)
    )  # fmt: skip
    try:
        yield name
    finally:
        kill_workers([proc.pid])  # the zygote and any kernel forked from it
        proc.wait()


def _pdeathsig(parent: int) -> Callable[[], None]:
    """A preexec_fn that makes the child die with parent (libc is loaded before the fork)."""
    libc = ctypes.CDLL(None, use_errno=True)

    def preexec() -> None:
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def ensure_kernel() -> str:
    """Register a kernelspec for this interpreter inside its own prefix (the venv), once."""
    from jupyter_client.kernelspec import KernelSpecManager

    ksm = KernelSpecManager()
    try:
        spec = ksm.get_kernel_spec(KERNEL)
        if spec.argv and Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return KERNEL
    except Exception:  # noqa: BLE001 - not registered yet
        pass
    from ipykernel.kernelspec import install

    install(kernel_name=KERNEL, display_name="takedown (venv)", prefix=sys.prefix)
    return KERNEL


def die_with_parent(parent: int) -> None:
    """Worker initializer: a render killed with -9 takes its workers, and so their kernels, along.

    (A kernel exits by itself when its worker goes: jupyter_client gives it JPY_PARENT_PID.)
    A forked worker also inherits the command's Ctrl-C and TERM handlers (takedown.interrupts):
    it gets Python's own back, so that TERM ends it instead of failing one notebook.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def run_notebook(
    src: str,
    out: str,
    params: dict[str, Any],
    cwd: str,
    kernel: str,
    timeout_s: float,
    zygote: str | None = None,
) -> dict[str, Any]:
    """Worker process: execute one notebook within timeout_s; return timing and failure details.

    Never raises. Kernel connection files go to this run's scratch folder, so a killed run
    leaves them where the next run's sweep finds them. Only a kernel that fails to start is
    tried again (the second time a plain one): a timeout or a cell error would only fail the
    same way, twice as slowly. With a zygote, the kernel is a fork of it (imports done).
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError

    from takedown.pipeline.forked import fork_manager

    os.environ["JUPYTER_RUNTIME_DIR"] = str(Path(cwd) / "runtime")
    # The kernel inherits this worker's stderr: send its chatter to a log beside the notebook.
    log = os.open(str(Path(cwd) / "kernel.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    t0 = time.perf_counter()
    deadline = t0 + timeout_s
    current: list[Any] = []  # the cells started so far; the last one is running

    started: list[float] = []  # when the first cell started: the kernel was up and ready

    def remaining(cell: Any) -> int:
        if not current or current[-1] is not cell:
            current.append(cell)
            started.append(time.perf_counter())
        return max(1, math.ceil(deadline - time.perf_counter()))

    for attempt in (1, 2):
        current.clear()
        started.clear()
        # A forked kernel's start includes waiting for the zygote's imports, which a kernel
        # from scratch does in its first cell instead: give the start that much longer.
        forked = (
            {"kernel_manager_class": fork_manager(zygote), "start_timeout": FORKED_START_S}
            if zygote and attempt == 1
            else {}
        )
        try:
            pm.execute_notebook(
                src, out, parameters=params, kernel_name=kernel, cwd=cwd, progress_bar=False,
                log_output=False, timeout_func=remaining, **forked,
            )  # fmt: skip
            return {
                "ok": True,
                "seconds": time.perf_counter() - t0,
                "kernel_s": (started or [t0])[0] - t0,
            }
        except pm.PapermillExecutionError as exc:
            return _failure(t0, exc.cell_index, _cell_label(out, exc.cell_index), exc.ename,
                            str(exc.evalue))  # fmt: skip
        except (CellTimeoutError, TimeoutError) as exc:
            cell = current[-1] if current else None
            label = _label_of(cell.source) if cell is not None else None
            index = _cell_index(out, cell) if cell is not None else None
            where = f"cell {index}" if index is not None else "a cell"
            where += f" ({label})" if label else ""
            msg = f"notebook timeout of {timeout_s:g} s reached in {where}; not retried"
            os.write(2, f"{msg}: {exc}\n".encode())
            return _failure(t0, index, label, "NotebookTimeout", msg)
        except Exception as exc:  # noqa: BLE001 - a kernel that dies is a failed notebook too
            os.write(2, f"attempt {attempt}: {type(exc).__name__}: {exc}\n".encode())
            if current or attempt == 2 or time.perf_counter() >= deadline:
                return _failure(t0, None, None, type(exc).__name__, str(exc))
    raise AssertionError("unreachable")


def _failure(
    t0: float, cell: int | None, label: str | None, ename: str, evalue: str
) -> dict[str, Any]:
    return {
        "ok": False,
        "seconds": time.perf_counter() - t0,
        "error": {"cell": cell, "label": label, "ename": ename, "evalue": evalue[:500]},
    }


def _label_of(source: str) -> str | None:
    for line in source.splitlines():
        if line.startswith("#| label:"):
            return line.split(":", 1)[1].strip()
    return None


def _cell_index(path: str, cell: Any) -> int | None:
    """Index of `cell` in the executed notebook papermill wrote (it holds the injected cell)."""
    import nbformat  # here, not at the top: a warm render imports this module, never this

    try:
        cells = nbformat.read(path, as_version=4).cells
    except (OSError, ValueError):
        return None
    cid = cell.get("id")
    return next((i for i, c in enumerate(cells) if cid and c.get("id") == cid), None)


def _cell_label(path: str, index: int | None) -> str | None:
    if index is None or not Path(path).exists():
        return None
    import nbformat

    try:
        cell = nbformat.read(path, as_version=4).cells[index]
    except (IndexError, OSError, ValueError):
        return None
    return _label_of(cell.source)
