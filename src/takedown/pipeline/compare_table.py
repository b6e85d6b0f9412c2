"""The core findings of several rendered reports, side by side (for takedown compare).

Pure functions over each input report's findings.json and manifest.json: what the comparison
shows is exactly what those report versions recorded, with their intervals; a finding a report
could not measure shows "not available here" with the report's own reason.
"""

from __future__ import annotations

from typing import Any

from takedown.compose.escape import md_escape, md_table
from takedown.findings.clock_offset import AMBIGUOUS_HOURS
from takedown.findings.clock_verdict import allowed_offsets, hours_known
from takedown.pipeline.variables import format_interval, format_value
from takedown.profile import WorkingHours

# (section, finding id, label used when no input report carries one)
CORE: tuple[tuple[str, str, str], ...] = (
    ("Size", "overview.accounts", "Accounts"),
    ("Size", "overview.tweets", "Tweets"),
    ("Size", "overview.first_tweet", "First tweet"),
    ("Size", "overview.last_tweet", "Last tweet"),
    ("Followers", "followers.zero_share", "Accounts with zero followers"),
    ("Followers", "followers.under_10_share", "Accounts with fewer than 10 followers"),
    ("Operator clock", "posting_clock.best_utc_offset", "UTC offset that best fits a working day"),
    ("Operator clock", "posting_clock.working_hours_share", "Tweets inside the profile's working hours"),
    ("Operator clock", "posting_clock.weekday_weekend_rate_ratio", "Weekday / weekend daily rate"),
    ("Engagement", "engagement.zero_engagement_share", "Original tweets with no engagement"),
    ("Engagement", "engagement.retweet_inside_share", "Retweets of the network's own accounts"),
    ("Topics", "topics.top_topic", "Top topic of the profile's lexicon"),
    ("Topics", "topics.top_topic_share", "Tweets about the top topic"),
    ("Topics", "content.top_hashtag", "Most used hashtag"),
    ("Coordination", "coordination.clusters", "Clusters of coordinated identical text"),
    ("Coordination", "coordination.accounts_involved", "Accounts in coordinated clusters"),
)  # fmt: skip
OFFSET_ID = "posting_clock.best_utc_offset"
OFFSET_RANGE_LABEL = "UTC offsets that cannot be told apart from the best (this comparison)"


def cell(inp: dict[str, Any], fid: str) -> dict[str, Any]:
    """One input report's finding `fid`: status, shown text, and the raw row (or None)."""
    f = inp["findings"].get(fid)
    version = inp["version"]
    if f is None:
        notebook_failed = [n for n in inp["failed"] if n.split("_", 1)[-1] == fid.split(".")[0]]
        reason = (
            f"its notebook failed in report version {version}"
            if notebook_failed
            else f"report version {version} does not record it"
        )
        return {"status": "unavailable", "text": f"not available here: {reason}", "row": None}
    if f.get("status", "ok") != "ok" or f.get("value") is None:
        reason = f.get("reason") or "the report recorded no value"
        return {"status": "unavailable", "text": f"not available here: {reason}", "row": f}
    if fid == OFFSET_ID and f.get("interval"):
        ambiguous = (inp["findings"].get("posting_clock.offset_ambiguous") or {}).get("value")
        start = (inp["findings"].get("posting_clock.local_start_known") or {}).get("value")
        lo, hi = f["interval"]
        text = offset_text(f["value"], lo, hi, ambiguous, start_known=start is not False)
        return {"status": "ok", "text": text, "row": f}
    text = format_value(f["value"], f["unit"])
    if f.get("interval"):
        text += f" (95%: {format_interval(f['interval'], f['unit'])})"
    return {"status": "ok", "text": text, "row": f}


def offset_text(
    best: float, low: float, high: float, ambiguous: bool | None, *, start_known: bool = True
) -> str:
    """The offset fit in words: the range of offsets that cannot be told apart from the best is
    not a 95% interval, an ambiguous fit says so before any number, and a fit whose working day
    has no declared local start gives the range it allows, not one offset."""

    def o(x: float) -> str:
        return format_value(int(x), "offset")

    if ambiguous:
        return f"ambiguous: {o(low)} to {o(high)} fit a working day about as well (best {o(best)})"
    if not start_known:
        return f"{o(low)} to {o(high)}: the working day's local start is not declared"
    if low == high:
        return f"{o(best)} (no other offset fits as well)"
    return f"{o(best)} (cannot be told apart: {o(low)} to {o(high)})"


def core_rows(inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every CORE finding across the inputs, in input order: label, section and cells."""
    rows = []
    for section, fid, default in CORE:
        cells = [cell(inp, fid) for inp in inputs]
        # The neutral label, not a report's own: those can name one profile's clock or hours.
        rows.append({"section": section, "id": fid, "label": default, "cells": cells})
    return rows


def offset_range_row(inputs: list[dict[str, Any]], fits: list[dict[str, Any]]) -> dict[str, Any]:
    """The comparison notebook's bootstrap range of the best offset, per input."""
    by_name = {f["dataset"]: f for f in fits}
    cells = []
    for inp in inputs:
        fit = by_name.get(inp["name"])
        if fit is None:
            cells.append({"status": "unavailable", "row": None,
                          "text": "not available here: no tweet has a time"})  # fmt: skip
            continue
        text, interval = _range(inp, fit)
        cells.append({"status": "ok", "text": text, "row": {**fit, "interval": interval}})
    return {"section": "Operator clock", "id": "compare.offset_range",
            "label": OFFSET_RANGE_LABEL, "cells": cells}  # fmt: skip


def _range(inp: dict[str, Any], fit: dict[str, Any]) -> tuple[str, list[int]]:
    """One input's range in words and as [low, high]; where its profile declares no working day,
    or one read off the data, the range a day starting 07:00-10:00 local allows (as its report
    gives it), not the bootstrap's alone."""
    far = any(abs(o - fit["best"]) >= AMBIGUOUS_HOURS for o in fit["plausible"])
    declared = inp.get("working_hours")
    wh = WorkingHours(**declared) if declared else None
    if hours_known(wh):
        return offset_text(fit["best"], fit["low"], fit["high"], far), [fit["low"], fit["high"]]
    band = allowed_offsets(tuple(fit["plausible"]), wh)
    text = offset_text(fit["best"], band[0], band[-1], far, start_known=False)
    return text, [band[0], band[-1]]


def table_markdown(rows: list[dict[str, Any]], names: list[str]) -> str:
    """A pipe table, one column per dataset; every cell escaped (values may be data text)."""
    data = [[r["section"], r["label"], *(c["text"] for c in r["cells"])] for r in rows]
    return md_table(data, ["Section", "Finding", *names])


def findings_rows(rows: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    """The comparison's findings.json rows: per finding, each dataset's status and raw values."""
    out = []
    for r in rows:
        values = {}
        for name, c in zip(names, r["cells"], strict=True):
            raw = c["row"] or {}
            values[name] = {
                "status": c["status"],
                "text": c["text"],
                "value": raw.get("value") if "value" in raw else raw.get("best"),
                "interval": raw.get("interval")
                if "interval" in raw
                else ([raw["low"], raw["high"]] if "low" in raw else None),
            }
        out.append({"id": r["id"], "label": r["label"], "section": r["section"], "values": values})
    return out


def unavailable_notes(rows: list[dict[str, Any]], names: list[str]) -> str:
    """One escaped line per dataset that lacks any core finding, for the prose under the table."""
    lines = []
    for i, name in enumerate(names):
        missing = [r["label"] for r in rows if r["cells"][i]["status"] != "ok"]
        if missing:
            lines.append(
                f"- {md_escape(name)}: {len(missing)} of {len(rows)} findings are not available "
                f"here ({md_escape('; '.join(missing))})."
            )
    return "\n".join(lines) + ("\n" if lines else "")


def generated_sections(
    inputs: list[dict[str, Any]], rows: list[dict], names: list[str], left_out: dict[str, list]
) -> dict[str, str]:
    """report/compare/_generated/*.qmd: Markdown built from data, every value escaped."""
    lines = []
    if any(i["synthetic"] for i in inputs):
        synth = ", ".join(md_escape(i["name"]) for i in inputs if i["synthetic"])
        lines.append(
            f'::: {{.callout-warning title="Synthetic demo data"}}\nIn {synth}: rendered on archives '
            "generated by `takedown demo`, with planted effects. No number there describes a real "
            "network.\n:::\n"
        )
    lines.append(md_table(
        [[i["name"], i["version"], i["profile"]["name"], _clock(i)] for i in inputs],
        ["Dataset", "Report version", "Profile", "Clock"], code=["Report version"],
    ) + "\n: The input reports: the latest version of each, as listed by takedown versions. "
        "{#tbl-inputs}\n")  # fmt: skip
    notes = []
    for key, what in (("creation", "account creation"), ("followers", "follower")):
        if len(left_out.get(key, [])) == len(inputs):
            continue  # the figure's own include says so (see compare._compose)
        for lo in left_out.get(key, []):
            notes.append(
                f"- The {what} figure leaves out {md_escape(lo['dataset'])}: "
                f"{md_escape(lo['reason'])}."
            )
    return {
        "inputs.qmd": "\n".join(lines),
        "table.qmd": table_markdown(rows, names)
        + "\n: Core findings of each input report, with 95% intervals where recorded. "
        "{#tbl-core}\n\n" + unavailable_notes(rows, names),
        "figure_notes.qmd": "\n".join(notes) + ("\n" if notes else ""),
    }


def _clock(inp: dict) -> str:
    """The clock an input's figures use: its profile's zone, or UTC when it declares none."""
    return inp["timezone"] if inp.get("clock_declared", True) else "UTC (none declared)"
