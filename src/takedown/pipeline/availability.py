"""Which findings this dataset supports, as Quarto metadata for conditional content.

Written to report/_metadata.yml in the scratch copy: Quarto reads a directory's _metadata.yml
for every document in it, and the built-in composer does the same, so
`::: {.content-visible when-meta="available.engagement.any"}` means one thing in both engines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from takedown.compose.escape import md_table
from takedown.errors import RenderError
from takedown.pipeline.variables import LEGACY_REASON, is_available
from takedown.profile import TOPICS

METADATA_FILE = "_metadata.yml"
SAME_REASON = "as above"  # a reason equal to the previous row's


def availability(findings: list[dict[str, Any]]) -> dict[str, dict[str, bool]]:
    """{topic: {name: bool, any: bool}} for every report section, with or without findings.

    A section whose notebook recorded nothing has `any: false`, so its "not available" text
    shows rather than a paragraph that quotes missing numbers.
    """
    out: dict[str, dict[str, bool]] = {t: {"any": False} for t in TOPICS}
    for f in findings:
        topic, name = f["id"].split(".", 1)
        if name == "any":
            raise RenderError(f"finding {f['id']}: 'any' is reserved for available.{topic}.any")
        section = out.setdefault(topic, {"any": False})
        section[name] = is_available(f)
        section["any"] = section["any"] or section[name]
    return out


def unavailable_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings this dataset cannot support, in id order."""
    return sorted((f for f in findings if not is_available(f)), key=lambda f: f["id"])


def write_metadata(report_dir: Path, findings: list[dict[str, Any]]) -> Path:
    """Add `available:` to report_dir/_metadata.yml (kept if the sources already have one)."""
    return set_metadata(report_dir, "available", availability(findings))


def set_metadata(report_dir: Path, key: str, value: Any) -> Path:
    """Set one top-level key of report_dir/_metadata.yml, keeping the others."""
    path = report_dir / METADATA_FILE
    meta: dict[str, Any] = {}
    if path.exists():
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(meta, dict):
            raise RenderError(f"{path}: must be a YAML mapping")
    meta[key] = value
    path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return path


def unavailable_markdown(findings: list[dict[str, Any]]) -> str:
    """The methods appendix's list of findings this dataset cannot support, each with why."""
    rows, last = [], None
    for f in unavailable_findings(findings):
        reason = f.get("reason") or LEGACY_REASON
        # One attribute missing can take a whole section: its reason is printed once, not on
        # every row (the table's CSV keeps it whole on each).
        rows.append({"id": f["id"], "finding": f["label"],
                     "reason": SAME_REASON if reason == last else reason})  # fmt: skip
        last = reason
    if not rows:
        return "Every recorded finding could be computed on this dataset.\n"
    return (
        md_table(rows, code=["id"])
        + "\n: Findings not available here, and why. {#tbl-unavailable-findings}\n"
    )


def availability_summary(findings: list[dict[str, Any]]) -> str:
    """One sentence for the summary: how many findings are not available, and where to look."""
    missing, total = len(unavailable_findings(findings)), len(findings)
    if not total or not missing:
        return ""
    noun = "finding is" if missing == 1 else "findings are"
    return (
        f"{missing:,} of {total:,} recorded {noun} not available here: this dataset cannot "
        "support them. The methods appendix lists each with its reason "
        "(@tbl-unavailable-findings).\n"
    )
