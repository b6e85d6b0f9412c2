"""A kernel zygote and notebook workers kept for every render of one process.

The archive's operation process (archive/worker.py) renders one operation after another. Kept,
the zygote's imports (the whole notebook stack) and the notebook workers' (papermill) are paid
once per process instead of once per report; the zygote's run while the first ingest does, and
the workers are forked with papermill already imported here (workers.start_pool). Each
notebook still gets a fresh kernel forked from the zygote, run by papermill with its own
executed .ipynb. Both die with the process (PR_SET_PDEATHSIG), as a render's own do.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from typing import Any

from takedown.pipeline.kernel import ensure_kernel, kernel_zygote
from takedown.pipeline.workers import start_pool, stop_pool, worker_pool

_STACK = ExitStack()
_KEPT: dict[str, Any] = {}
# A zygote started before its render (started_zygote), waiting for the render to adopt it.
_EARLY: list[tuple[ExitStack, str | None]] = []


def keep(jobs: int) -> None:
    """Start the zygote and `jobs` notebook workers now; every later render of this process
    uses them. Called once, before the first ingest, so the zygote's imports overlap it."""
    if _KEPT:
        return
    zygote = _STACK.enter_context(kernel_zygote())
    ensure_kernel()
    pool = start_pool(jobs)
    _KEPT.update(zygote=zygote, pool=pool, jobs=jobs)


def release() -> None:
    """Stop the kept workers and zygote (they would die with the process anyway)."""
    pool = _KEPT.pop("pool", None)
    _KEPT.clear()
    if pool is not None:
        stop_pool(pool)
    _STACK.close()


@contextmanager
def started_zygote() -> Iterator[None]:
    """A zygote started now, for the render this block runs: `early_zygote` adopts it, and the
    block kills it if no render did (a warm render, an error before the notebooks). The `render`
    command enters it first, so the zygote's imports (2.5 s on one core) overlap all of the
    render's own checks and imports (0.5 s or more before the notebooks are even listed)."""
    if "zygote" in _KEPT or _EARLY:
        yield
        return
    stack = ExitStack()
    try:
        _EARLY.append((stack, stack.enter_context(kernel_zygote())))
        yield
    finally:
        _EARLY.clear()
        stack.close()  # a no-op once adopted: the render's block closed it already


@contextmanager
def early_zygote() -> Iterator[None]:
    """One render's zygote, used by its execute_all (via `zygote`) and killed when the block
    ends: the one `started_zygote` started for it, else one started now, so that its imports
    overlap the render's own checks. A no-op where a kept zygote exists (the archive's)."""
    if "zygote" in _KEPT:
        yield
        return
    with ExitStack() as owned:
        if _EARLY:
            stack, name = _EARLY.pop()
            owned.push(stack)  # this block owns it now: it dies when the block ends
        else:
            name = owned.enter_context(kernel_zygote())
        _KEPT["zygote"] = name
        try:
            yield
        finally:
            _KEPT.pop("zygote", None)


def zygote() -> AbstractContextManager[str | None]:
    """The zygote kept for this block (the archive's, or the render's early one), else one of
    the block's own (execute_all called without either)."""
    if "zygote" in _KEPT:
        return nullcontext(_KEPT["zygote"])
    return kernel_zygote()


def notebook_pool(workers: int) -> AbstractContextManager[ProcessPoolExecutor]:
    """The kept notebook workers, else a pool of `workers` for the block."""
    if _KEPT.get("pool") is not None:
        return _kept_pool()
    return worker_pool(workers)


@contextmanager
def _kept_pool() -> Iterator[ProcessPoolExecutor]:
    """The kept pool; a block that fails takes it down (its workers may be mid-notebook)."""
    pool = _KEPT["pool"]
    try:
        yield pool
    except BaseException:
        _KEPT.pop("pool", None)
        stop_pool(pool)
        raise
