"""Findings to Quarto variables: every number the prose quotes, formatted once, here."""

from __future__ import annotations

from typing import Any


def format_value(value: Any, unit: str) -> str:
    """The text a reader sees for a finding's value."""
    if value is None:
        return "n/a"
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
        return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"
    return str(value)


def format_interval(interval: list[float] | None, unit: str) -> str:
    if not interval:
        return ""
    lo, hi = interval
    if unit == "share":
        return f"{100 * lo:.1f}–{100 * hi:.1f}%"
    return f"{format_value(lo, unit)}–{format_value(hi, unit)}"


def finding_variables(findings: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """{topic: {name: text, name_ci: text, name_n: text}} for `{{< var topic.name >}}`."""
    out: dict[str, dict[str, str]] = {}
    for f in findings:
        topic, name = f["id"].split(".", 1)
        section = out.setdefault(topic, {})
        section[name] = format_value(f["value"], f["unit"])
        if f.get("interval"):
            section[f"{name}_ci"] = format_interval(f["interval"], f["unit"])
        if f.get("n") is not None:
            section[f"{name}_n"] = f"{f['n']:,}"
    return out
