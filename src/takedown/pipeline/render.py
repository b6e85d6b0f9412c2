"""takedown render: execute the findings, compose the report, land it in a new version folder.

Composition happens in a scratch copy of the report sources; the finished folder is renamed
into reports/<dataset>/<version>/ only when complete, so a crash never leaves a report that
looks whole. This module orchestrates; the version folders, the manifest, the generated
Markdown and the composers each live in a module of their own.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from takedown.compose.builtin import main_document
from takedown.compose.escape import md_escape
from takedown.errors import RenderError, TakedownError
from takedown.findings.groups import check_group_by
from takedown.hashing import sha256_json
from takedown.ingest.dataset import check_new_dataset_name, data_id, load_dataset
from takedown.ingest.publish import pinned
from takedown.pipeline.availability import availability_summary, write_metadata
from takedown.pipeline.collection import collection_variables, write_collection
from takedown.pipeline.composer import resolve_engine, run_engine, set_front_matter
from takedown.pipeline.context import write_context
from takedown.pipeline.evidence import copy_exports, data_note, link_tables, write_evidence
from takedown.pipeline.execute import NOTEBOOK_TIMEOUT_S, Outcome, Run, execute_all
from takedown.pipeline.headlines import headlines_markdown
from takedown.pipeline.job import RenderJob
from takedown.pipeline.limitations import limitations_markdown
from takedown.pipeline.manifest import findings_document, render_manifest, write_json
from takedown.pipeline.published import published_markdown
from takedown.pipeline.sections import (
    appendix,
    failed_section,
    section_title,
    stub_failed_embeds,
    summary,
)
from takedown.pipeline.variables import finding_variables
from takedown.pipeline.versions import disk_full, land, list_versions, new_version, writable_out
from takedown.profile import load_profile
from takedown.scratch import owned_dir, sweep

__all__ = ["RenderResult", "list_versions", "project_root", "render"]

RUN_PREFIX = "run-"


@dataclass
class RenderResult:
    version: str
    folder: Path
    outcomes: list[Outcome]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("failed", "skipped")]


@dataclass(frozen=True)
class _Executed:
    """What the notebooks produced, and when, handed from execution to composition."""

    outcomes: list[Outcome]
    findings_text: str  # findings.json, byte for byte
    version: str
    t_start: float  # perf_counter at the start of the render
    t_exec: float  # seconds the notebooks took

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
        profile = load_profile(profile_path)
        check_group_by(profile, profile_path, dataset_dir)
        engine = resolve_engine(engine)  # auto: Quarto when on PATH
        base = out_root / dataset
        cache_dir = cache_dir or Path(
            os.environ.get("TAKEDOWN_CACHE_DIR") or root / ".takedown-cache"
        )
        try:
            job = RenderJob(root, ds, dataset_dir, profile, profile_path, base, cache_dir, engine)
            opts = dict(jobs=jobs or os.cpu_count() or 2, force=force, fail_fast=fail_fast,
                        timeout_s=timeout_s)  # fmt: skip
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
    """Run the notebooks and compose, each in scratch this run owns; land the version."""
    t_start = time.perf_counter()
    writable_out(job.base, job.base.parent)
    notebooks = sorted(
        p for p in (job.root / "notebooks").glob("*.ipynb") if not p.name.startswith(".")
    )
    if not notebooks:
        raise RenderError(f"{job.root / 'notebooks'}: no notebooks to run")
    # Scratch of renders that were killed: their owners are dead, nobody else will remove it.
    sweep(job.cache_dir / "tmp", "*")
    sweep(job.base, ".*.tmp-*")
    for pattern in (".*.tmp-*", ".*.old-*"):  # a cache entry's copy, cut short
        sweep(job.cache_dir / "notebooks", pattern)
    with owned_dir(job.cache_dir / "tmp", f"{RUN_PREFIX}{os.getpid()}-") as work_dir:
        run = Run(dataset_dir=job.dataset_dir, data_id=data_id(job.dataset_dir),
                  profile_path=job.profile_path, cache_dir=job.cache_dir, work_dir=work_dir,
                  **opts)  # fmt: skip
        on_stage("running notebooks")
        outcomes = execute_all(notebooks, run, on_done=on_notebook)
        findings_text = findings_document(job.ds, job.profile, outcomes)
        done = _Executed(outcomes, findings_text, new_version(sha256_json(findings_text)),
                         t_start, time.perf_counter() - t_start)  # fmt: skip
        with owned_dir(job.base, f".{done.version}.tmp-") as scratch:
            folder = _compose(job, scratch, done, on_stage)
            final = land(folder, job.base, done.version)
    return RenderResult(version=done.version, folder=final, outcomes=outcomes)


def _compose(
    job: RenderJob, scratch: Path, done: _Executed, on_stage: Callable[[str], Any]
) -> Path:
    """Build the scratch project, compose it, and return the finished out folder."""
    project = _copy_project(job.root, scratch / "project", done.outcomes)
    findings = json.loads(done.findings_text)["findings"]
    for o in done.failed:
        section = project / "report" / f"_{o.name}.qmd"
        if section.exists():
            section.write_text(failed_section(o, section_title(section)), encoding="utf-8")
    failed = {o.name for o in done.failed}
    for source in (project / "report").rglob("*.qmd") if failed else ():
        text = source.read_text(encoding="utf-8")
        stubbed = stub_failed_embeds(text, failed, project / "notebooks")
        if stubbed != text:
            source.write_text(stubbed, encoding="utf-8")
    created = datetime.now(UTC)
    manifest = render_manifest(job, done.outcomes, done.findings_text, done.version, created)
    out = scratch / "out"
    out.mkdir()
    write_evidence(job, out, findings, done.outcomes, manifest)
    _write_variables(project, job, findings, done.version, created)
    _write_generated(project, job, findings, done, manifest)
    notes = project / "report" / "_generated" / "appendix.qmd"
    notes.write_text(notes.read_text(encoding="utf-8") + data_note(out), encoding="utf-8")
    link_tables(project / "report", out)
    subtitle = job.profile.title + (" — synthetic demo data" if job.ds.synthetic else "")
    # Title block fields as Quarto reads them: `date` a real date (an ISO string, shown as is
    # with date-format: iso), the version in its own `version` field; dataset and profile in
    # `author`, which both engines show.
    set_front_matter(main_document(project), {
        "subtitle": md_escape(subtitle),
        "author": md_escape(f"Dataset {job.ds.name} · profile {job.profile.name}"),
        "date": created.date().isoformat(),
        "version": done.version,
    })  # fmt: skip

    on_stage("composing report")
    t0 = time.perf_counter()
    run_engine(job.engine, project, out)
    manifest["timings"] = {
        "notebooks_s": round(done.t_exec, 3),
        # summed over the notebooks that ran: the part of their time spent waiting for a kernel
        "kernel_start_s": round(sum(o.kernel_s for o in done.outcomes), 3),
        "notebook_run_s": round(sum(o.seconds for o in done.outcomes if o.status == "ok"), 3),
        "compose_s": round(time.perf_counter() - t0, 3),
        "total_s": round(time.perf_counter() - done.t_start, 3),
    }
    (out / "findings.json").write_text(done.findings_text, encoding="utf-8")
    (out / "notebooks").mkdir()
    for nb in (project / "notebooks").glob("*.ipynb"):
        shutil.copy2(nb, out / "notebooks" / nb.name)
    copy_exports(done.outcomes, out)
    write_json(out / "manifest.json", manifest)
    return out


def _copy_project(root: Path, project: Path, outcomes: list[Outcome]) -> Path:
    """The report sources and the executed notebooks (the originals where none ran)."""
    project.mkdir()
    shutil.copy2(root / "_quarto.yml", project / "_quarto.yml")
    shutil.copytree(root / "report", project / "report")
    (project / "notebooks").mkdir()
    for o in outcomes:
        src = (
            o.executed
            if o.executed and o.executed.exists()
            else root / "notebooks" / f"{o.name}.ipynb"
        )
        shutil.copy2(src, project / "notebooks" / f"{o.name}.ipynb")
    return project


def _write_variables(
    project: Path, job: RenderJob, findings: list[dict], version: str, created: datetime
) -> None:
    """_variables.yml: every finding's values, and the report, dataset and profile names."""
    ds = job.ds
    variables = finding_variables(findings)
    variables["report"] = {"version": version, "date": created.date().isoformat(),
                           "engine": job.engine}  # fmt: skip
    variables["dataset"] = {
        "name": ds.name, "accounts": f"{ds.counts.users:,}", "tweets": f"{ds.counts.tweets:,}",
        "rejected": f"{ds.counts.rejected:,}",
    }  # fmt: skip
    variables["profile"] = {
        "name": job.profile.name,
        "timezone": job.profile.timezone or "none declared",
    }
    variables["collection"] = collection_variables(job.profile.collection)
    (project / "_variables.yml").write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )


def _write_generated(
    project: Path, job: RenderJob, findings: list[dict], done: _Executed, manifest: dict
) -> None:
    """report/_generated/: availability metadata, context, published table, summary, headline
    findings, limitations, appendix."""
    gen = project / "report" / "_generated"
    gen.mkdir(exist_ok=True)
    write_metadata(project / "report", findings)  # available.<topic>.<name> for conditions
    write_collection(project / "report", job.profile.collection)  # collection.sampled, text
    write_context(gen, job.profile, job.profile_path)  # _generated/context_<topic>.qmd
    (gen / "published.qmd").write_text(
        published_markdown(job.profile, findings, {o.name for o in done.failed}), encoding="utf-8"
    )
    (gen / "summary.qmd").write_text(
        summary(job.ds, job.profile, done.version, done.failed) + availability_summary(findings),
        encoding="utf-8",
    )
    (gen / "headlines.qmd").write_text(headlines_markdown(findings), encoding="utf-8")
    (gen / "limitations.qmd").write_text(
        limitations_markdown(job.ds, job.profile, findings), encoding="utf-8"
    )
    (gen / "appendix.qmd").write_text(
        appendix(job.ds, job.profile_path, done.outcomes, manifest), encoding="utf-8"
    )
