"""The atlas: one versioned report across every operation of an archive (R/atlas/<version>/).

It quotes each operation's latest report (its findings.json), measures the automation share
and UTC clock on each dataset, draws the figures in one notebook and composes through the same
composer and version folders as `render`. An unchanged archive keeps its atlas.
"""

from __future__ import annotations

import json
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from takedown.compose.escape import md_escape
from takedown.errors import RenderError, TakedownError
from takedown.findings.clients import AUTOMATION_CLIENTS
from takedown.findings.clock_offset import EARLIEST_START, LATEST_START
from takedown.hashing import sha256_file, sha256_json
from takedown.pipeline.archive import atlas_data, atlas_table
from takedown.pipeline.composer import run_engine, scratch_project, set_front_matter
from takedown.pipeline.execute import NOTEBOOK_TIMEOUT_S
from takedown.pipeline.kernel import ensure_kernel, run_notebook
from takedown.pipeline.manifest import code_version, package_versions, write_json
from takedown.pipeline.render import project_root
from takedown.pipeline.versions import land, list_versions, new_version, read_manifest
from takedown.pipeline.workers import worker_pool
from takedown.scratch import owned_dir, sweep

ATLAS = "atlas"  # R/atlas/<version>/
MAIN = "report/atlas/atlas.qmd"
NOTEBOOK = "notebooks/atlas/atlas.ipynb"


def operation_entry(row: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    """One operation as the atlas holds it: its row, and its report's core findings."""
    op = {k: row.get(k) for k in ("name", "stage", "reason")}
    # What this run did (rendered, or unchanged) is not the atlas's business: a report is
    # current or its operation failed, so an unchanged archive keeps its atlas byte for byte.
    op["status"] = "failed" if row.get("status") == "failed" else "reported"
    if not row.get("report"):
        return op
    report = Path(row["report"])
    findings = atlas_table.read_findings(report)
    measured = atlas_data.measure(data_dir / row["name"])
    op.update(
        report_version=report.name,
        findings_sha256=sha256_file(report / "findings.json"),
        link=f"../../{report.parent.name}/{report.name}/report.html",
        core=atlas_table.core_of(findings, {"clients.automation_share": measured["automation"]}),
        clock_utc=measured["clock_utc"], clock_tweets=measured["clock_tweets"],
        waves=atlas_data.waves(findings),
    )  # fmt: skip
    return op


def findings_document(ops: list[dict[str, Any]]) -> str:
    """The atlas's findings.json: per operation its status and core findings (no times, no
    versions), so the same reports give the same bytes however many workers made them."""
    keep = ("name", "status", "stage", "reason", "findings_sha256", "core", "waves")
    doc = {"operations": [{k: op[k] for k in keep if op.get(k) is not None} for op in ops],
           "automation_clients": list(AUTOMATION_CLIENTS)}  # fmt: skip
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _latest(base: Path) -> tuple[Path | None, str | None]:
    """The newest atlas version and the key it was built for (None, None when there is none)."""
    rows = list_versions(base.parent, ATLAS) if base.is_dir() else []
    if not rows:
        return None, None
    folder = Path(rows[-1]["path"])
    try:
        return folder, read_manifest(folder / "manifest.json").get("atlas_key")
    except TakedownError:
        return folder, None


def build_atlas(rows: list[dict[str, Any]], *, data_dir: Path, out_root: Path, engine: str,
                on_stage: Any = lambda s: None) -> tuple[Path | None, bool]:  # fmt: skip
    """Compose the atlas of `rows` (one per operation); returns (its folder, whether new)."""
    t_start = time.perf_counter()
    root = project_root()
    on_stage("atlas: reading the reports")
    ops = [operation_entry(r, data_dir) for r in rows]
    findings_text = findings_document(ops)
    links = [(op["name"], op.get("report_version"), op.get("findings_sha256")) for op in ops]
    key = sha256_json(json.dumps([findings_text, links, code_version(root), engine]))
    base = out_root / ATLAS
    latest, latest_key = _latest(base)
    if latest is not None and latest_key == key:
        return latest, False
    base.mkdir(parents=True, exist_ok=True)
    sweep(base, ".atlas.tmp-*")
    version = new_version(sha256_json(findings_text))
    with owned_dir(base, ".atlas.tmp-") as scratch:
        on_stage("atlas: drawing the figures")
        _run_notebook(root, scratch, ops)
        on_stage("atlas: composing")
        out = _compose(root, scratch, ops, engine, version)
        (out / "findings.json").write_text(findings_text, encoding="utf-8")
        atlas_table.write_csv(ops, out / "atlas.csv")
        write_json(out / "manifest.json", {
            "version": version, "kind": "atlas", "atlas_key": key,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "reports": [{"dataset": n, "report_version": v, "findings_sha256": d} for n, v, d in links],
            "code_version": code_version(root), "engine": engine, "packages": package_versions(),
            "notebooks": [{"name": "atlas", "status": "ok"}],  # as `takedown versions` lists
            "findings_sha256": sha256_json(findings_text),
            "timings": {"total_s": round(time.perf_counter() - t_start, 3)},
        })  # fmt: skip
        return land(out, base, version), True


def _run_notebook(root: Path, scratch: Path, ops: list[dict[str, Any]]) -> None:
    work = scratch / "nb"
    work.mkdir()
    (work / "atlas_data.json").write_text(json.dumps({"operations": ops}), encoding="utf-8")
    with worker_pool(1) as pool:
        res = pool.submit(
            run_notebook, str(root / NOTEBOOK), str(work / "atlas.ipynb"),
            {"data": str(work / "atlas_data.json")}, str(work), ensure_kernel(), NOTEBOOK_TIMEOUT_S,
        ).result()  # fmt: skip
    if not res["ok"]:
        e = res["error"]
        first = (str(e["evalue"]).strip().splitlines() or [""])[0]
        raise RenderError(f"{NOTEBOOK} failed at cell {e['cell']}: {e['ename']}: {first}")


def _compose(root: Path, scratch: Path, ops: list[dict], engine: str, version: str) -> Path:
    project = scratch_project(root, scratch, MAIN, "atlas")
    (project / "notebooks" / "atlas").mkdir(parents=True)
    shutil.copy2(scratch / "nb" / "atlas.ipynb", project / NOTEBOOK)
    gen = project / "report" / "atlas" / "_generated"
    gen.mkdir(exist_ok=True)
    (gen / "table.qmd").write_text(atlas_table.markdown_tables(ops), encoding="utf-8")
    created = datetime.now(UTC)
    failed = sum(1 for op in ops if op["status"] == "failed")
    variables = {
        "report": {"version": version, "date": created.date().isoformat(), "engine": engine},
        "atlas": {
            "count": str(len(ops)),
            "failed": str(failed),
            "earliest_start": f"{EARLIEST_START:02d}:00",
            "latest_start": f"{LATEST_START:02d}:00",
        },
    }
    (project / "_variables.yml").write_text(
        yaml.safe_dump(variables, allow_unicode=True, sort_keys=True), encoding="utf-8"
    )
    # `date` a real date, as Quarto reads it ("Invalid Date" with the version beside it); the
    # atlas's version on the author line, which both engines show (as `compare` does).
    set_front_matter(project / MAIN, {
        "subtitle": md_escape(f"{len(ops)} operations"),
        "author": md_escape(f"takedown archive · version {version}"),
        "date": created.date().isoformat(),
    })  # fmt: skip
    out = scratch / "out"
    out.mkdir()
    run_engine(engine, project, out)
    (out / "notebooks").mkdir()
    shutil.copy2(project / NOTEBOOK, out / "notebooks" / "atlas.ipynb")
    return out
