"""The atlas's one table: every operation's core findings, with interval and n, or why not.

The values are those of each operation's own findings.json (what its report says), plus the
automation-client share the atlas measures on each dataset. The same rows go to the report
(Markdown, escaped) and to atlas.csv (formula cells neutralized as in rejects.csv).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from takedown.compose.escape import md_escape
from takedown.table_widths import column_widths

CORE = (
    ("overview.accounts", "Accounts"),
    ("overview.tweets", "Tweets"),
    ("overview.first_tweet", "First tweet"),
    ("overview.last_tweet", "Last tweet"),
    ("followers.zero_share", "Zero followers"),
    ("overview.retweet_share", "Retweets"),
    ("clients.automation_share", "Automation clients"),
    ("posting_clock.best_utc_offset", "UTC offset fit"),
    ("account_creation.waves", "Creation waves"),
    ("coordination.clusters", "Co-tweet clusters"),
    ("language.top_tweet_language", "Top language"),
)
SHARES = {"followers.zero_share", "overview.retweet_share", "clients.automation_share"}


def read_findings(report: Path) -> dict[str, dict[str, Any]]:
    """A report's findings by id."""
    doc = json.loads((report / "findings.json").read_text(encoding="utf-8"))
    return {f["id"]: f for f in doc["findings"]}


def core_of(findings: dict[str, dict[str, Any]], extra: dict[str, dict]) -> dict[str, dict]:
    """The CORE findings of one operation: value, interval, n, or the reason there is none."""
    picked = {}
    for fid, _ in CORE:
        f = extra.get(fid) or findings.get(fid)
        if f is None:
            picked[fid] = {"status": "unavailable", "reason": "not in this report's findings"}
            continue
        keep = ("status", "value", "interval", "n", "reason")
        picked[fid] = {k: f.get(k) for k in keep if f.get(k) is not None}
    offset = picked["posting_clock.best_utc_offset"]
    if findings.get("posting_clock.offset_ambiguous", {}).get("value") is True:
        offset["ambiguous"] = True
    if findings.get("posting_clock.local_start_known", {}).get("value") is False:
        offset["start_known"] = False  # drafted or no working hours: a range, never one offset
    return picked


def _offset(f: dict) -> str:
    """A single offset only where the data singles one out and the profile declares the day's
    local start; otherwise the range the data allows, saying why it is a range."""
    lo, hi = (f.get("interval") or [f["value"], f["value"]])[:2]
    # No-break spaces: the column is sized to its longest unbreakable run, and a range broken
    # over three lines ("UTC+1 / to / UTC+4") made every row of the PDF's table three lines tall.
    span = f"UTC{int(lo):+d}\u00a0to\u00a0UTC{int(hi):+d}"
    if f.get("ambiguous"):
        return f"ambiguous: {span}"
    if f.get("start_known") is False:
        return span  # the tables' caption says why
    if lo != hi:
        return f"UTC{int(f['value']):+d} ({span})"
    return f"UTC{int(f['value']):+d}"


def cell(fid: str, f: dict) -> str:
    """One finding as the table shows it; unavailable says so (never a zero)."""
    if f.get("status") != "ok":
        return "n/a"
    v = f["value"]
    if fid == "posting_clock.best_utc_offset":
        return _offset(f)
    if fid in SHARES:
        n = f" (n={f['n']:,})" if f.get("n") else ""
        if not f.get("interval"):
            return f"{100 * v:.1f}%{n}"
        lo, hi = f["interval"][:2]
        return f"{100 * v:.1f}% [{100 * lo:.1f}–{100 * hi:.1f}]{n}"
    if isinstance(v, int | float) and not isinstance(v, bool):
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"
    return str(v)


TABLES = (
    ("tbl-atlas-size", "Every operation's size, span and top language, from its own report.",
     CORE[:4] + CORE[10:]),
    ("tbl-atlas-findings", "Every operation's core findings, each with its 95% interval and n, from its own report. "
     "A UTC offset is one offset only where the data and a declared working day single it out; a range "
     "where the operation's profile declares no local start of its working day (a drafted profile "
     "reads its hours off the same data), and an ambiguous fit says so.",
     CORE[4:10]),
)  # fmt: skip


def _row(op: dict[str, Any], cols: tuple, link: bool, shown: bool = False) -> list[str]:
    """One operation's cells; a failed operation without a report says where and why. `shown`:
    the text a reader sees (unescaped, the link as its word), which sizes the columns."""
    esc = str if shown else md_escape
    lead = [esc(op["name"])]
    if link:
        to = "report" if shown else f"[report]({op.get('link')})"
        lead.append(to if op.get("link") else "none")
    if not op.get("core"):
        why = esc(f"failed at {op['stage']}: {op['reason']}")
        return lead + [why] + [""] * (len(cols) - 1)
    cells = [esc(cell(fid, op["core"][fid])) for fid, _ in cols]
    if op["status"] == "failed":
        cells[-1] += " " + esc(f"(report incomplete: {op['reason']})")
    return lead + cells


def _separator(head: list[str], ops: list[dict[str, Any]], cols: tuple, link: bool) -> str:
    """The dash line, sized from what each column shows: with equal dashes every column got an
    equal share, and a name like venezuela_201901_1 ran into the next column in the PDF."""
    shown = [_row(op, cols, link, shown=True) for op in ops]
    widths = column_widths([[h, *(r[j] for r in shown)] for j, h in enumerate(head)])
    return "|" + "|".join("-" * w for w in widths) + "|"


def markdown_tables(ops: list[dict[str, Any]]) -> str:
    """Two pipe tables (size, then findings), one row per operation, each with its caption."""
    out = []
    for i, (label, caption, cols) in enumerate(TABLES):
        head = ["Operation"] + (["Report"] if i == 0 else []) + [lab for _, lab in cols]
        lines = ["| " + " | ".join(head) + " |", _separator(head, ops, cols, i == 0)]
        lines += ["| " + " | ".join(_row(op, cols, i == 0)) + " |" for op in ops]
        out.append("\n".join(lines) + f"\n\n: {caption} {{#{label}}}\n\n")
    return "\n".join(out)  # each part ends in its caption line and a blank line


def _safe(value: Any) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading quote (as rejects.csv).

    A number is written as itself: a spreadsheet reads -5 as the number -5, and a quoted
    '-5 made every negative offset of atlas.csv a text that pandas and R read as a string.
    """
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_csv(ops: list[dict[str, Any]], path: Path) -> None:
    """atlas.csv: per operation and core finding, value, interval, n and reason as columns."""
    cols = ["operation", "status", "reason", "report_version", "findings_sha256"]
    for fid, _ in CORE:
        cols += [f"{fid}", f"{fid}.low", f"{fid}.high", f"{fid}.n", f"{fid}.reason"]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for op in ops:
            row = [op["name"], op["status"], op.get("reason", ""), op.get("report_version", ""),
                   op.get("findings_sha256", "")]  # fmt: skip
            for fid, _ in CORE:
                f = (op.get("core") or {}).get(fid, {})
                lo, hi = (f.get("interval") or [None, None])[:2]
                row += [f.get("value"), lo, hi, f.get("n"), f.get("reason")]
            w.writerow([_safe(v) for v in row])
