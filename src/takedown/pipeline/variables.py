"""Findings to Quarto variables: every number the prose quotes, formatted once, here.

An unavailable finding is never formatted as a value: its variable reads "not available here"
and `<name>_reason` says why, so no "n/a", "None" or empty text can reach a sentence.
"""

from __future__ import annotations

from typing import Any

from takedown.profile import TOPICS

NOT_AVAILABLE = "not available here"
# For a pre-contract row that recorded None: the notebook said nothing more precise.
LEGACY_REASON = "this dataset does not hold the data it needs"
NO_FINDINGS = "no finding was recorded for this section"


def is_available(finding: dict[str, Any]) -> bool:
    """A findings.json row is measured unless it says otherwise. Rows from before the finding
    contract have no status: they are measured, unless they hold no value (the old None)."""
    return finding.get("status", "ok") == "ok" and finding.get("value") is not None


def format_value(value: Any, unit: str) -> str:
    """The text a reader sees for a finding's value; a missing value is a caller's bug."""
    if value is None:
        raise ValueError(
            f"format_value: no value to format (unit {unit}); an unavailable finding is shown "
            "with display_value, never as a value"
        )
    if unit == "share":
        return f"{100 * float(value):.1f}%"
    if unit == "count":
        return f"{int(round(float(value))):,}"
    if unit == "ratio":
        return f"{float(value):.2f}"
    if unit == "offset":
        v = int(value)
        return f"UTC{'+' if v >= 0 else '−'}{abs(v)}"
    if unit == "hours":
        return f"{int(value):02d}:00"
    if unit == "days":
        return f"{int(value):,} days"
    if unit == "number":
        v = float(value)
        # no trailing zero: a median halfway between two counts reads 18.5, never 18.50
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}".rstrip("0")
    return str(value)


def display_value(finding: dict[str, Any]) -> str:
    """A findings.json row's value as shown in tables: formatted, or "not available here"."""
    if not is_available(finding):
        return NOT_AVAILABLE
    return format_value(finding["value"], finding["unit"])


def format_interval(interval: list[float] | None, unit: str) -> str:
    if not interval:
        return ""
    lo, hi = interval
    if unit == "share":
        return f"{100 * lo:.1f}–{100 * hi:.1f}%"
    return f"{format_value(lo, unit)}–{format_value(hi, unit)}"


def finding_variables(findings: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """`{{< var topic.name >}}` values: {topic: {name, name_ci, name_n, name_reason}}, plus
    {"unavailable": {topic: "reason; reason"}} for each section with an unavailable finding or
    with no finding at all."""
    out: dict[str, dict[str, str]] = {}
    reasons: dict[str, list[str]] = {}
    for f in findings:
        topic, name = f["id"].split(".", 1)
        section = out.setdefault(topic, {})
        section[name] = display_value(f)
        if not is_available(f):
            reason = f.get("reason") or LEGACY_REASON
            section[f"{name}_reason"] = reason
            if reason not in reasons.setdefault(topic, []):
                reasons[topic].append(reason)
        elif f.get("interval"):
            section[f"{name}_ci"] = format_interval(f["interval"], f["unit"])
        if f.get("n") is not None:
            section[f"{name}_n"] = f"{f['n']:,}"
    for topic in TOPICS:  # a section with no finding at all still has a reason to quote
        if topic not in out:
            reasons[topic] = [NO_FINDINGS]
    if reasons:
        out["unavailable"] = {topic: "; ".join(rs) for topic, rs in sorted(reasons.items())}
    return out
