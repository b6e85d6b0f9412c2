"""The compose half of a render: the scratch project, generated sections, the composer's run.

render.py imports this only when it composes: a render whose latest version is current (see
render_current) never loads the composer, the section writers or their dependencies.
"""

from __future__ import annotations

import json
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
from takedown.findings.clock_verdict import day_window
from takedown.pipeline.availability import availability_summary, write_metadata
from takedown.pipeline.collection import collection_variables, write_collection
from takedown.pipeline.composer import run_engine, set_front_matter
from takedown.pipeline.context import write_context
from takedown.pipeline.evidence import copy_exports, data_note, link_tables, write_evidence
from takedown.pipeline.execute import Outcome
from takedown.pipeline.headlines import headlines_markdown
from takedown.pipeline.job import RenderJob
from takedown.pipeline.limitations import limitations_markdown
from takedown.pipeline.manifest import render_manifest, write_json
from takedown.pipeline.published import published_markdown
from takedown.pipeline.sections import (
    appendix,
    failed_section,
    section_title,
    stub_failed_embeds,
    summary,
)
from takedown.pipeline.variables import finding_variables
from takedown.profile import WorkingHours


@dataclass(frozen=True)
class Executed:
    """What the notebooks produced, and when, handed from execution to composition."""

    outcomes: list[Outcome]
    findings_text: str  # findings.json, byte for byte
    version: str
    t_start: float  # perf_counter at the start of the render
    t_exec: float  # seconds the notebooks took

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status in ("failed", "skipped")]


def compose(
    job: RenderJob,
    scratch: Path,
    done: Executed,
    on_stage: Callable[[str], Any],
    compose_sha256: str,
) -> Path:
    """Build the scratch project, compose it, and return the finished out folder.

    compose_sha256 (render_current) is what the composer read, hashed before the copy.
    """
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
    manifest["compose_sha256"] = compose_sha256
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
        "working_hours": working_hours_text(job.profile.working_hours),
    }
    variables["collection"] = collection_variables(job.profile.collection)
    (project / "_variables.yml").write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )


def working_hours_text(wh: WorkingHours | None) -> str:
    """The profile's working day as the posting-clock section names it, saying when a draft
    read it off this data: a share inside those hours then measures the data's busiest hours."""
    if wh is None:
        return "none declared"
    text = day_window(wh)
    if wh.from_data:
        text += (", read off this data by a draft profile, so the share measures the busiest hours of "
                 "this data rather than testing a declared day")  # fmt: skip
    return text


def _write_generated(
    project: Path, job: RenderJob, findings: list[dict], done: Executed, manifest: dict
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
