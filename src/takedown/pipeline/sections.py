"""The Markdown the pipeline writes into a report: summary, appendix and failed sections.

Every value from the data or the profile passes through md_escape or md_table, so text from the
data never runs as markup.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import yaml

from takedown.compose.escape import md_escape, md_table
from takedown.compose.notebooks import cell_options
from takedown.ingest.dataset import Dataset
from takedown.pipeline.availability import unavailable_markdown
from takedown.pipeline.composer import engine_label
from takedown.pipeline.execute import Outcome
from takedown.pipeline.headlines import headline_rule_markdown
from takedown.pipeline.variables import display_value, format_interval, is_available
from takedown.profile import TOPICS, Profile


def section_title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return re.sub(r"\s*\{.*\}\s*$", "", line[2:]).strip()
    return path.stem.lstrip("_")


def failed_section(o: Outcome, title: str) -> str:
    err = o.error or {}
    where = f"cell {err['cell']}" if err.get("cell") is not None else "start-up"
    if err.get("label"):
        where += f" ({err['label']})"
    what = (
        f"{err.get('ename', 'Error')}: {err.get('evalue', '')}"
        if o.status == "failed"
        else "not run (--fail-fast)"
    )
    return (
        f'# {md_escape(title)} (failed)\n\n::: {{.callout-important title="This section failed"}}\n'
        f"Notebook {md_escape(o.name + '.ipynb')} stopped at "
        f"{md_escape(where)}: {md_escape(what)}. The other sections are unaffected; the executed "
        f"notebook is in this version's notebooks/ folder.\n:::\n"
    )


_EMBED = re.compile(
    r"^\{\{< embed +(?:\S*/)?([^/\s#]+)\.ipynb#([A-Za-z][A-Za-z0-9_-]*) *>\}\}[ \t]*$", re.M
)


def stub_failed_embeds(text: str, failed: set[str], notebooks: Path) -> str:
    """Embeds, in another section, of a cell of a notebook that failed: a "Not rendered" note.

    A section may show a figure another notebook draws (the volume section's topic figure comes
    from 07_topics, whose scan already counted it). Neither engine can embed an output that was
    never made, so the note takes the embed's place, under the cell's label and caption so
    cross-references still resolve; the failed notebook's own section says what went wrong.
    """

    def stub(m: re.Match[str]) -> str:
        name, label = m.group(1), m.group(2)
        if name not in failed:
            return m.group(0)
        note = (
            f'::: {{.callout-important title="Not rendered"}}\n{md_escape(name + ".ipynb")} '
            "failed; its section says where.\n:::\n"
        )
        kind = label.split("-", 1)[0]
        if kind not in ("fig", "tbl"):
            return note
        caption = _caption(notebooks / f"{name}.ipynb", label, f"{kind}-cap") or md_escape(label)
        return f"::: {{#{label}}}\n{note}\n{caption}\n:::"

    return _EMBED.sub(stub, text)


def _caption(notebook: Path, label: str, key: str) -> str | None:
    """The `#| fig-cap` (or tbl-cap) of the cell labelled `label`, on one line."""
    try:
        nb = nbformat.read(str(notebook), as_version=4)
    except (OSError, ValueError):
        return None
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        try:
            opts = cell_options(c.source)
        except (ValueError, yaml.YAMLError):
            continue
        if str(opts.get("label")) == label and opts.get(key):
            return " ".join(str(opts[key]).split())
    return None


def source_notes(ds: Dataset) -> str:
    """How ingest read the files (the adapter, derived accounts, the clock), as a list."""
    notes = [f"Files read as {md_escape(ds.source_format)}; timestamps on the "
             f"{md_escape(ds.source_timezone)} clock, stored in UTC."]  # fmt: skip
    notes += [md_escape(n) for n in ds.source_notes]
    return "".join(f"- {n}\n" for n in notes)


def appendix(
    ds: Dataset, profile_path: Path, outcomes: list[Outcome], manifest: dict[str, Any]
) -> str:
    files = md_table(
        [
            {"file": f.name, "sha256": f.sha256[:16] + "…", "bytes": f.bytes, "read": f.rows_read,
             "kept": f.rows_kept, "rejected": f.rows_rejected}
            for f in ds.files
        ]
    )  # fmt: skip
    findings = sorted((f for o in outcomes for f in o.findings), key=lambda f: f["id"])
    ftable = findings_list(findings) if findings else "No findings were recorded.\n"
    runs = md_table(
        [{"notebook": o.name, "status": o.status, "seconds": round(o.seconds, 1)} for o in outcomes]
    )
    pkgs = md_table([{"package": k, "version": v} for k, v in manifest["packages"].items()])
    c = ds.counts
    return f"""# Methods and data {{.appendix}}

## Data

Dataset {md_escape(ds.name)} (operation {md_escape(ds.operation)}, {md_escape(ds.variant)} files),
ingested with schema version {ds.schema_version}. Dataset fingerprint
{_code(ds.fingerprint)}. Rows rejected at ingest: {c.rejected:,} (reasons in rejects.csv);
duplicate tweet ids: {c.duplicate_tweetids:,}; tweets by accounts missing from the users file:
{c.tweets_without_user:,}.

{source_notes(ds)}
{files}
: Input files, the first 16 hex digits of their SHA-256 checksums (in full in manifest.json) and row counts. {{#tbl-files}}

## Every finding

Each number in this report is recorded by a notebook cell into findings.json, with its method,
here in full. Intervals are 95% intervals; n is the number of cases a finding counts over.

{ftable}
## How the summary chooses its findings

{headline_rule_markdown()}
## Findings not available here

A finding this dataset cannot support is reported as not available here, with the reason,
never as a zero.

{unavailable_markdown(findings)}
## Provenance

Report version {md_escape(manifest["version"])}, code version
{md_escape(manifest["code_version"])}, profile {md_escape(profile_path.name)} (sha256
{md_escape(manifest["profile"]["sha256"][:16])}). Composed by
{md_escape(engine_label(manifest["engine"], manifest.get("engine_versions", {})))}.

{runs}
: Notebook runs (cached runs show the time of the original execution). {{#tbl-runs}}

{pkgs}
: Package versions. {{#tbl-packages}}
"""


def _code(value: str) -> str:
    """A hash or id as a code span (the HTML style lets a long one wrap on a narrow screen);
    anything else as escaped text."""
    return f"`{value}`" if re.fullmatch(r"[A-Za-z0-9_.:-]{1,200}", value) else md_escape(value)


# Longest method shown in the appendix: our notebooks' own text, shown in full.
METHOD_LIMIT = 4000


def findings_list(findings: list[dict[str, Any]]) -> str:
    """Every finding, grouped by section in the report's order: the id as a code span, value,
    interval and n on one line; findings of one section that share a method stand together, with
    the method in full once below them."""
    order = {t: i for i, t in enumerate(TOPICS)}
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in sorted(findings, key=lambda f: (order.get(f["id"].split(".")[0], 99), f["id"])):
        groups.setdefault(f["id"].split(".")[0], []).append(f)
    out = []
    for topic, rows in groups.items():
        title = md_escape(topic.replace("_", " ").capitalize())
        out.append(f"### {title} {{.unnumbered .unlisted}}\n")
        by_method: dict[str, list[dict[str, Any]]] = {}
        for f in rows:  # in id order; a method's group where its first finding is
            by_method.setdefault(_method(f), []).append(f)
        out += [_method_block(method, same) for method, same in by_method.items()]
    return "\n".join(out)


def _method(f: dict[str, Any]) -> str:
    """A finding's method, with the reason when it is not available."""
    method = (f.get("method") or "").strip()
    if not is_available(f) and f.get("reason"):
        method = f"{method} Not available: {f['reason']}".strip()
    return method


def _method_block(method: str, findings: list[dict[str, Any]]) -> str:
    """One paragraph: each finding's line, then the method they share, in full (stated once)."""
    lines = [_finding_line(f) for f in findings]
    if method:
        lines.append(md_escape(method, limit=METHOD_LIMIT))
    return "\\\n".join(lines) + "\n"


def _finding_line(f: dict[str, Any]) -> str:
    """`id` label: value (interval; n), on one line."""
    fid = f["id"]
    head = f"`{fid}`" if re.fullmatch(r"[A-Za-z0-9_.-]+", fid) else md_escape(fid)
    line = f"{head} {md_escape(f['label'])}: **{md_escape(display_value(f))}**"
    extra = []
    if is_available(f) and f.get("interval"):
        extra.append(f"95% interval {md_escape(format_interval(f['interval'], f['unit']))}")
    if f.get("n") is not None:
        extra.append(f"n = {f['n']:,}")
    return f"{line} ({'; '.join(extra)})" if extra else line


def summary(ds: Dataset, profile: Profile, version: str, failed: list[Outcome]) -> str:
    lines = []
    if ds.synthetic:
        lines.append(
            '::: {.callout-warning title="Synthetic demo data"}\nThis report was rendered on a '
            "synthetic archive generated by `takedown demo` in the exact format of Twitter's "
            "information-operations archive, with planted effects. No number here describes a real "
            "network.\n:::\n"
        )
    if failed:
        names = ", ".join(md_escape(o.name) for o in failed)
        lines.append(
            f'::: {{.callout-important title="Incomplete report"}}\nFailed sections: {names}.\n:::\n'
        )
    lines.append(
        f"Dataset **{md_escape(ds.name)}**, profile **{md_escape(profile.name)}**, report version "
        f"**{md_escape(version)}**.\n"
    )
    if profile.description.strip():
        # The profile author's words: escaped, so they read as text, never markup or shortcode.
        lines.append(md_escape(profile.description) + "\n")
    return "\n".join(lines)
