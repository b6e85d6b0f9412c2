"""takedown render: execute the findings, compose the report, land it in a new version folder.

Composition happens in a scratch copy of the report sources; the finished folder is renamed
into reports/<dataset>/<version>/ only when complete, so a crash never leaves a report that
looks whole. This module orchestrates; the version folders, the manifest, the generated
Markdown and the composers each live in a module of their own.
"""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from takedown.errors import RenderError, TakedownError
from takedown.hashing import sha256_json
from takedown.ingest.dataset import check_new_dataset_name, data_id, load_dataset
from takedown.ingest.publish import pinned
from takedown.pipeline import kept
from takedown.pipeline.composer import resolve_engine
from takedown.pipeline.execute import NOTEBOOK_TIMEOUT_S, Outcome, Run, execute_all
from takedown.pipeline.job import RenderJob
from takedown.pipeline.manifest import findings_document
from takedown.pipeline.render_current import current_version, render_inputs
from takedown.pipeline.versions import disk_full, land, list_versions, new_version, writable_out
from takedown.profile import load_profile
from takedown.profile_context import context_fragments
from takedown.scratch import owned_dir, sweep

__all__ = ["RenderResult", "list_versions", "project_root", "render"]

RUN_PREFIX = "run-"


@dataclass
class RenderResult:
    version: str
    folder: Path
    outcomes: list[Outcome]
    unchanged: bool = False  # the latest version is this render: nothing composed, nothing landed

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("failed", "skipped")]


def project_root() -> Path:
    """The folder holding _quarto.yml, report/ and notebooks/: TAKEDOWN_PROJECT, cwd or the repo."""
    env = os.environ.get("TAKEDOWN_PROJECT")
    candidates = [Path(env)] if env else []
    candidates += [Path.cwd(), *Path.cwd().parents, Path(__file__).resolve().parents[3]]
    for c in candidates:
        if (c / "_quarto.yml").exists() and (c / "notebooks").is_dir() and (c / "report").is_dir():
            return c
    raise RenderError(
        "no project folder (with _quarto.yml, report/ and notebooks/) found; run from the "
        "takedown-report checkout or set TAKEDOWN_PROJECT"
    )


# Notebooks run one per core, plus one more on a dataset under EXTRA_JOB_BELOW tweets. There each
# notebook's kernel start and handshake (about 0.2 s, partly spent waiting) leaves a core idle: on
# 2 cores a third worker made the China demo's cold render 0.6 s faster (about 9.4 s to 8.8 s,
# 10 pairs each, the same CPU-seconds). Larger datasets keep the cores busy, and each worker
# holds a DuckDB connection of up to TAKEDOWN_MEMORY_LIMIT.
EXTRA_JOB_BELOW = 5_000_000


def default_jobs(tweets: int) -> int:
    """Notebooks run in parallel when the user names no number (see EXTRA_JOB_BELOW)."""
    cores = os.cpu_count() or 2
    return cores + 1 if tweets < EXTRA_JOB_BELOW else cores


def render(
    dataset: str,
    *,
    data_dir: Path,
    profile_path: Path,
    out_root: Path,
    engine: str = "auto",
    jobs: int | None = None,
    force: bool = False,
    fail_fast: bool = False,
    cache_dir: Path | None = None,
    timeout_s: float = NOTEBOOK_TIMEOUT_S,
    on_notebook: Any = lambda o: None,
    on_stage: Any = lambda s: None,
) -> RenderResult:
    """Render dataset into out_root/dataset/<version>/; returns the outcome of every notebook.

    The dataset version is resolved once and pinned for the whole run; every notebook reads
    exactly that folder, whatever an ingest does meanwhile.
    """
    check_new_dataset_name(dataset, "dataset")
    root = project_root()
    with pinned(data_dir / dataset) as dataset_dir:
        ds = load_dataset(dataset_dir)
        profile = load_profile(profile_path, check_context=False)  # see _check_profile
        engine = resolve_engine(engine)  # auto: Quarto when on PATH
        base = out_root / dataset
        cache_dir = cache_dir or Path(
            os.environ.get("TAKEDOWN_CACHE_DIR") or root / ".takedown-cache"
        )
        try:
            job = RenderJob(root, ds, dataset_dir, profile, profile_path, base, cache_dir, engine)
            opts = dict(jobs=jobs or default_jobs(ds.counts.tweets), force=force,
                        fail_fast=fail_fast, timeout_s=timeout_s)  # fmt: skip
            return _render_pinned(job, opts, on_notebook, on_stage)
        except (OSError, TakedownError) as exc:
            # pandoc, typst or a copy may each word it differently: ask the disk itself.
            full = next((d for d in (base, cache_dir) if disk_full(d, exc)), None)
            if full is not None:
                raise RenderError(
                    f"{full}: the disk is full; free some space and render again"
                ) from None
            raise


def _render_pinned(
    job: RenderJob, opts: dict[str, Any], on_notebook: Any, on_stage: Any
) -> RenderResult:
    """The latest version when it is this render (unless forced); else run the notebooks and
    compose, each in scratch this run owns, and land a new version."""
    t_start = time.perf_counter()
    notebooks = sorted(
        p for p in (job.root / "notebooks").glob("*.ipynb") if not p.name.startswith(".")
    )
    if not notebooks:
        raise RenderError(f"{job.root / 'notebooks'}: no notebooks to run")
    ident = data_id(job.dataset_dir)
    on_stage("checking the latest version")
    inputs = render_inputs(job, notebooks, ident)
    current = None if opts["force"] else current_version(job, inputs)
    if current is not None:
        return _unchanged(*current)  # nothing read but files, nothing written
    with ExitStack() as kernels:
        kernels.enter_context(kept.early_zygote())  # its imports overlap what follows
        _check_profile(job)  # the first writes come after: a bad profile leaves nothing
        writable_out(job.base, job.base.parent)
        # Scratch of renders that were killed: their owners are dead, nobody else will remove it.
        sweep(job.cache_dir / "tmp", "*")
        sweep(job.base, ".*.tmp-*")
        for pattern in (".*.tmp-*", ".*.old-*"):  # a cache entry's copy, cut short
            sweep(job.cache_dir / "notebooks", pattern)
        from takedown.pipeline.render_compose import Executed, compose

        with owned_dir(job.cache_dir / "tmp", f"{RUN_PREFIX}{os.getpid()}-") as work_dir:
            run = Run(dataset_dir=job.dataset_dir, data_id=ident, profile_path=job.profile_path,
                      cache_dir=job.cache_dir, work_dir=work_dir, **opts)  # fmt: skip
            on_stage("running notebooks")
            try:
                outcomes = execute_all(notebooks, run, on_notebook, dict(inputs["notebooks"]))
            finally:  # every kernel gone before the scratch is removed; compose needs none
                kernels.close()
            findings_text = findings_document(job.ds, job.profile, outcomes)
            done = Executed(outcomes, findings_text, new_version(sha256_json(findings_text)),
                            t_start, time.perf_counter() - t_start)  # fmt: skip
            with owned_dir(job.base, f".{done.version}.tmp-") as scratch:
                folder = compose(job, scratch, done, on_stage, inputs["compose_sha256"])
                final = land(folder, job.base, done.version)
    return RenderResult(version=done.version, folder=final, outcomes=outcomes)


def _check_profile(job: RenderJob) -> None:
    """Before any notebook runs: the profile's context reads as prose that stays in its callouts
    (pandoc), and its group_by columns are users columns. A render that names the current
    version skips both: the same profile bytes, data, code and pandoc passed them then."""
    context_fragments(job.profile, job.profile_path)
    if job.profile.group_by:  # the findings library (pandas, statsmodels) only when it checks
        from takedown.findings.groups import check_group_by

        check_group_by(job.profile, job.profile_path, job.dataset_dir)


def _unchanged(folder: Path, manifest: dict[str, Any]) -> RenderResult:
    """The latest version, as the result of a render that composed nothing."""
    outcomes = [
        Outcome(
            name=n["name"],
            status="cached",
            executed=folder / "notebooks" / f"{n['name']}.ipynb",
            seconds=0.0,
            cache_key=n["cache_key"],
        )
        for n in manifest["notebooks"]
    ]
    return RenderResult(version=manifest["version"], folder=folder, outcomes=outcomes,
                        unchanged=True)  # fmt: skip
