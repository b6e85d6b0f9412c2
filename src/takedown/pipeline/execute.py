"""Run every finding notebook with papermill, in parallel, cached by content.

A notebook is re-run only when its source, its parameters, the data it reads or the library
code it can import changed. A failing or hung notebook is reported by name and cell and never
stops the others.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from takedown import __version__
from takedown.hashing import sha256_json, sha256_tree
from takedown.pipeline import kept, prefetch
from takedown.pipeline.closure import Modules, closure_hash, notebook_cells
from takedown.pipeline.kernel import ensure_kernel, run_notebook

# Default budget for one notebook, all its cells together; a profile or --timeout changes it.
NOTEBOOK_TIMEOUT_S = 600
LIBRARY_DIR = Path(__file__).resolve().parents[1]
# What a notebook's work folder holds that is no result: the kernel's runtime files and log, and
# DuckDB's spill files. DuckDB spills to `.tmp` in its working directory, the work folder, and a
# kernel shut down without closing its connection leaves them there: 3.8 GB in one cache entry
# of the networks notebook at 43M tweets.
NOT_CACHED = shutil.ignore_patterns("runtime", "kernel.log", ".tmp")


@dataclass
class Outcome:
    """What happened to one notebook: its executed copy, findings, timing, and any failure."""

    name: str
    status: str  # "ok", "cached", "failed" or "skipped"
    executed: Path | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    kernel_s: float = 0.0  # of seconds, until the kernel was ready for the first cell
    cache_key: str = ""
    error: dict[str, Any] | None = None


@dataclass(frozen=True)
class Run:
    """What every notebook of one render shares: data, profile, where to work, the budget."""

    dataset_dir: Path  # the pinned dataset version, resolved once by the render
    data_id: str  # the identity of exactly that folder's content (see dataset.data_id)
    profile_path: Path
    cache_dir: Path
    work_dir: Path  # this run's own scratch folder; nothing else writes there
    jobs: int = 2
    timeout_s: float = NOTEBOOK_TIMEOUT_S
    force: bool = False
    fail_fast: bool = False

    @property
    def derived_dir(self) -> Path:
        """Where data the notebooks share is written (the text keys); each gets it as a parameter."""
        return self.work_dir / "derived"


def library_version() -> str:
    """Package version plus a hash of the whole library source (for the manifest)."""
    return f"{__version__}+{sha256_tree(LIBRARY_DIR)[:12]}"


def source_hash(path: Path) -> str:
    """Hash of a notebook's cell sources and types only: outputs and cell ids do not count."""
    return sha256_json([list(cell) for cell in notebook_cells(path)])


def _read_findings(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["findings"]


def profile_hash(profile_path: Path) -> str:
    """The profile as the notebook cache keys on it: its text."""
    return sha256_json(profile_path.read_text(encoding="utf-8"))


def cache_key(nb: Path, data: str, profile: str, memo: Modules | None = None) -> str:
    """What an executed notebook depends on: its source, the exact data folder's content, the
    profile, and every library file the notebook can import (computed, not listed)."""
    return sha256_json(
        {
            "notebook": source_hash(nb),
            "data": data,
            "profile": profile,
            "library": closure_hash(nb, LIBRARY_DIR, memo),
            "version": __version__,
            "python": sys.version_info[:2],
        }
    )


def execute_all(
    notebooks: list[Path],
    run: Run,
    on_done: Callable[[Outcome], None] = lambda o: None,
    keys: dict[str, str] | None = None,
) -> list[Outcome]:
    """Execute (or reuse) every notebook; outcomes come back in notebook order. `keys`: each
    notebook's cache_key by name, when the caller computed them already for this run.

    Every file an outcome points to lies in run.work_dir: cache entries are copied in, fresh
    results are copied out, so another render replacing a cache entry cannot touch this one.
    """
    profile = profile_hash(run.profile_path)
    memo: Modules = {}  # the library read once for every notebook's key
    kernel = ""  # registered at the first notebook the cache does not hold
    outcomes: dict[str, Outcome] = {}
    pending: list[tuple[Path, str, Path]] = []
    with ExitStack() as stack:
        zygote: list[
            str | None
        ] = []  # the render's (kept.early_zygote), else started at the first miss
        for nb in notebooks:
            key = keys[nb.stem] if keys else cache_key(nb, run.data_id, profile, memo)
            entry = run.cache_dir / "notebooks" / f"{nb.stem}-{key[:20]}"
            hit = None if run.force else _from_cache(nb.stem, key, entry, run.work_dir)
            if hit is not None:
                outcomes[nb.stem] = hit
                on_done(hit)
                continue
            if not zygote:  # a warm render never loads jupyter_client
                zygote.append(stack.enter_context(kept.zygote()))
                kernel = ensure_kernel()
            pending.append((nb, key, entry))
        if pending:
            _run_pending(pending, run, (kernel, zygote[0]), outcomes, on_done)
    return [outcomes[nb.stem] for nb in notebooks if nb.stem in outcomes]


def _run_pending(
    pending: list[tuple[Path, str, Path]],
    run: Run,
    kernel: tuple[str, str | None],
    outcomes: dict[str, Outcome],
    on_done: Callable[[Outcome], None],
) -> None:
    """Run the notebooks the cache did not have, slowest first, each in a worker process."""
    pending = longest_first(pending, run.cache_dir / "notebooks")
    workers = max(1, min(run.jobs, len(pending)))
    ahead = prefetch.needs_text_keys([nb for nb, _, _ in pending])
    # The pool's workers are forked as it starts, so before the text keys' thread: a fork taken
    # while that thread runs would copy whatever it holds (an import half done, a lock).
    with kept.notebook_pool(workers) as pool:
        keys = (run.dataset_dir.resolve(), run.derived_dir.resolve(), ahead)
        with prefetch.text_keys_ahead(*keys):
            _submit_and_wait(pending, run, kernel, pool, outcomes, on_done)


def _submit_and_wait(
    pending: list[tuple[Path, str, Path]],
    run: Run,
    kernel: tuple[str, str | None],
    pool: ProcessPoolExecutor,
    outcomes: dict[str, Outcome],
    on_done: Callable[[Outcome], None],
) -> None:
    """Each notebook to a worker; each outcome recorded as it comes (fail-fast skips the rest)."""
    futures: dict[Future[dict[str, Any]], tuple[Path, str, Path, Path]] = {}
    for nb, key, entry in pending:
        work = run.work_dir / nb.stem
        (work / "findings").mkdir(parents=True)
        params = {
            "dataset_dir": str(run.dataset_dir.resolve()),
            "profile": str(run.profile_path.resolve()),
            "output_dir": str((work / "findings").resolve()),
            "derived_dir": str(run.derived_dir.resolve()),
        }
        fut = pool.submit(run_notebook, str(nb), str(work / nb.name), params, str(work),
                          kernel[0], run.timeout_s, kernel[1])  # fmt: skip
        futures[fut] = (nb, key, entry, work)
    remaining = set(futures)
    while remaining:
        done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
        for fut in done:
            nb, key, entry, work = futures[fut]
            o = _finish(nb.stem, key, entry, work, fut.result(), run.force)
            outcomes[nb.stem] = o
            on_done(o)
            if o.status == "failed" and run.fail_fast:
                _skip_rest(remaining, futures, outcomes)
                remaining = set()
                break


def _skip_rest(
    remaining: set[Future[dict[str, Any]]],
    futures: dict[Future[dict[str, Any]], tuple[Path, str, Path, Path]],
    outcomes: dict[str, Outcome],
) -> None:
    """--fail-fast: cancel what has not run; each such notebook is reported as skipped."""
    for f in remaining:
        f.cancel()
        name = futures[f][0].stem
        outcomes.setdefault(name, Outcome(name=name, status="skipped", executed=None))


# Seconds each notebook took at 10 million tweets (issue 11), for a render with no history.
TYPICAL_SECONDS = {"11_networks": 90, "10_coordination": 54, "07_topics": 41, "06_language": 25, "05_volume": 15,
                   "09_content": 12, "03_posting_clock": 7, "08_engagement": 7}  # fmt: skip


def longest_first(
    pending: list[tuple[Path, str, Path]], history: Path
) -> list[tuple[Path, str, Path]]:
    """The slowest notebooks start first, so the last one to start is a short one.

    With two workers and notebooks in file order, the slowest (coordination) started last and
    ran alone at the end. Order by each notebook's last recorded time when all have one in the
    cache, else by TYPICAL_SECONDS; ties keep file order.
    """

    def last_seconds(stem: str) -> float | None:
        done = sorted(history.glob(f"{stem}-*/done"), key=lambda p: p.stat().st_mtime)
        try:
            return float(json.loads(done[-1].read_text())["seconds"]) if done else None
        except (OSError, ValueError, KeyError):
            return None

    seen = {nb.stem: last_seconds(nb.stem) for nb, _, _ in pending}
    if any(v is None for v in seen.values()):
        seen = {stem: float(TYPICAL_SECONDS.get(stem, 0)) for stem in seen}
    return sorted(pending, key=lambda p: -(seen[p[0].stem] or 0.0))


def _from_cache(name: str, key: str, entry: Path, work_dir: Path) -> Outcome | None:
    """A copy of a complete cache entry in this run's folder, or None when there is none."""
    if not (entry / "done").exists():
        return None
    mine = work_dir / name
    try:
        shutil.copytree(entry, mine, ignore=NOT_CACHED)
    except (FileNotFoundError, shutil.Error):
        shutil.rmtree(mine, ignore_errors=True)
        return None  # replaced under us by a --force run: just run it
    return Outcome(
        name=name,
        status="cached",
        executed=mine / f"{name}.ipynb",
        findings=_read_findings(mine / "findings" / f"{name}.json"),
        seconds=json.loads((mine / "done").read_text())["seconds"],
        cache_key=key,
    )


def _finish(
    name: str, key: str, entry: Path, work: Path, res: dict[str, Any], force: bool
) -> Outcome:
    executed = work / f"{name}.ipynb"
    if not res["ok"]:
        return Outcome(
            name=name,
            status="failed",
            executed=executed if executed.exists() else None,
            seconds=res["seconds"],
            cache_key=key,
            error=res["error"],
        )
    (work / "done").write_text(json.dumps({"seconds": round(res["seconds"], 3)}))
    _publish_entry(work, entry, force)
    return Outcome(
        name=name,
        status="ok",
        executed=executed,
        findings=_read_findings(work / "findings" / f"{name}.json"),
        seconds=res["seconds"],
        kernel_s=res.get("kernel_s", 0.0),
        cache_key=key,
    )


def _publish_entry(work: Path, entry: Path, force: bool) -> None:
    """Copy a finished run into the cache, whole or not at all (a rename of a full copy).

    An entry with the same key that is already there holds the same result; it is kept unless
    --force asked for fresh runs, in which case it is swapped out, never emptied in place.
    """
    if (entry / "done").exists() and not force:
        return
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = entry.parent / f".{entry.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    shutil.copytree(work, staging, ignore=NOT_CACHED)
    trash = entry.parent / f".{entry.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        if entry.exists():
            entry.rename(trash)
        staging.rename(entry)
    except OSError:
        pass  # another run published the same key in between: theirs is as good
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)
