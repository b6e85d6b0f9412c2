"""The data behind the report, beside it: tables/<label>.csv and accounts.csv, linked in the text.

Notebooks save the data of each figure and table they draw (Session.save/table); the tables the
pipeline itself writes (inputs, runs, packages, unavailable and published findings) are saved
here from the same rows. Every embed or caption whose label has a CSV gets a link under it, in
the scratch copy of the sources, so both engines show the same links.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from takedown.compose.escape import md_escape
from takedown.ingest.dataset import Dataset
from takedown.notebook import EXPORTS_DIR
from takedown.pipeline.accounts import write_accounts
from takedown.pipeline.availability import LEGACY_REASON, unavailable_findings
from takedown.pipeline.execute import Outcome
from takedown.pipeline.job import RenderJob
from takedown.pipeline.published import compare
from takedown.profile import Profile
from takedown.tables_csv import LABEL, as_frame, table_path, write_csv

# An embed of a labelled cell, or a pipe table's caption line ending in its label.
_EMBED = re.compile(r"^\{\{< embed [^#>]+#((?:fig|tbl)-[A-Za-z0-9_-]+) >\}\}\s*$")
_CAPTION = re.compile(r"^: .*\{#((?:fig|tbl)-[A-Za-z0-9_-]+)\}\s*$")


def collect_tables(outcomes: list[Outcome], out: Path) -> None:
    """Copy each notebook's saved tables/<label>.csv into out/tables/ (not a failed one's)."""
    for o in outcomes:
        if o.status not in ("ok", "cached") or o.executed is None:
            continue
        for csv in sorted((o.executed.parent / "findings" / "tables").glob("*.csv")):
            if LABEL.fullmatch(csv.stem):
                table_path(out, csv.stem).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(csv, table_path(out, csv.stem))


def cluster_accounts(outcomes: list[Outcome]) -> Path | None:
    """The coordination notebook's (userid, cluster) file, if it ran and found clusters."""
    for o in outcomes:
        if o.status in ("ok", "cached") and o.executed is not None:
            path = o.executed.parent / "findings" / "evidence" / "cluster_accounts.parquet"
            if path.exists():
                return path
    return None


def write_generated_tables(
    out: Path,
    ds: Dataset,
    profile: Profile,
    findings: list[dict[str, Any]],
    outcomes: list[Outcome],
    manifest: dict[str, Any],
) -> None:
    """The CSVs of the tables the pipeline writes into the report, from the same rows."""
    failed = {o.name for o in outcomes if o.status in ("failed", "skipped")}
    tables: dict[str, list[dict[str, Any]]] = {
        "tbl-files": [
            {"file": f.name, "sha256": f.sha256, "bytes": f.bytes, "read": f.rows_read,
             "kept": f.rows_kept, "rejected": f.rows_rejected}
            for f in ds.files
        ],
        "tbl-runs": [
            {"notebook": o.name, "status": o.status, "seconds": round(o.seconds, 1)}
            for o in outcomes
        ],
        "tbl-packages": [{"package": k, "version": v} for k, v in manifest["packages"].items()],
        "tbl-unavailable-findings": [
            {"id": f["id"], "finding": f["label"], "reason": f.get("reason") or LEGACY_REASON}
            for f in unavailable_findings(findings)
        ],
        "tbl-published": compare(profile, findings, failed),
    }  # fmt: skip
    for label, rows in tables.items():
        if rows:
            write_csv(as_frame(rows), table_path(out, label))


def link_tables(report_dir: Path, out: Path) -> None:
    """Under every embed or caption whose label has a CSV in out/tables, a link to it."""
    have = {p.stem for p in (out / "tables").glob("*.csv")}
    for source in sorted(report_dir.rglob("*.qmd")):
        if "compare" in source.relative_to(report_dir).parts:
            continue
        text = source.read_text(encoding="utf-8")
        linked = _with_links(text, have)
        if linked != text:
            source.write_text(linked, encoding="utf-8")


def data_link(label: str) -> str:
    """The paragraph under a figure or table: where its data is, relative to report.html."""
    kind = "figure" if label.startswith("fig-") else "table"
    return f"Data behind this {kind}: [tables/{label}.csv](tables/{label}.csv)."


def _with_links(text: str, have: set[str]) -> str:
    lines = []
    for line in text.split("\n"):
        lines.append(line)
        m = _EMBED.match(line) or _CAPTION.match(line)
        if m and m.group(1) in have:
            lines += ["", data_link(m.group(1))]
    return "\n".join(lines)


def data_note(out: Path) -> str:
    """The appendix's "Data behind this report": the CSVs beside the report, each linked."""
    labels = sorted(p.stem for p in (out / "tables").glob("*.csv"))
    links = ", ".join(f"[{md_escape(x)}](tables/{x}.csv)" for x in labels) or "none"
    accounts = (
        "[accounts.csv](accounts.csv) has one row per account: its id and name as the data gives "
        "them (hashed where the release hashed them), creation date, first and last tweet (UTC), "
        "tweets, followers, creation wave, the co-tweet clusters it is in, and the group "
        "attributes the data carries."
        if (out / "accounts.csv").exists()
        else "No accounts.csv could be written for this report."
    )
    return f"""
## Data behind this report

The folder `tables/` beside this report holds the data behind every figure and table as CSV,
named by its label, and each figure and table links its own: {links}. {accounts} In these files a
text cell that a spreadsheet would read as a formula starts with a single quote (`'`), as in
rejects.csv; example tweets appear there in full.
"""


def write_evidence(
    job: RenderJob, out: Path, findings: list[dict], outcomes: list[Outcome], manifest: dict
) -> None:
    """out/tables/<label>.csv for every figure and table, and out/accounts.csv."""
    collect_tables(outcomes, out)
    write_generated_tables(out, job.ds, job.profile, findings, outcomes, manifest)
    write_accounts(job.dataset_dir, cluster_accounts(outcomes), out)


def copy_exports(outcomes: list[Outcome], out: Path) -> None:
    """Files notebooks exported (e.g. network/edges.csv), into the version folder."""
    for o in outcomes:
        if o.status in ("failed", "skipped") or o.executed is None:
            continue
        exports = o.executed.parent / EXPORTS_DIR
        if exports.is_dir():
            shutil.copytree(exports, out, dirs_exist_ok=True)
