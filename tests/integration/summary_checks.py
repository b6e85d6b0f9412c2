"""Checks of a rendered report's Summary and Limitations against its own findings.json, shared
by the demo and IRA tests (they read the session's renders, never render again)."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from takedown.pipeline.headlines import OFFSET_ID, strongest
from takedown.pipeline.variables import format_value, is_available


def section_text(page: str, sid: str) -> str:
    """A top-level section of the report's HTML as plain text, whitespace collapsed."""
    m = re.search(rf'<section id="{sid}" class="level1.*?(?=<section id="[^"]+" class="level1)',
                  page, re.S)  # fmt: skip
    assert m, f"no section {sid}"
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", m.group(0))).split())


def _interval_text(f: dict[str, Any]) -> str:
    lo, hi = f["interval"]
    if f["unit"] == "share":
        return f"{100 * lo:.1f}–{100 * hi:.1f}%"
    if lo == hi:
        return f"{format_value(lo, f['unit'])} alone"
    return f"{format_value(lo, f['unit'])}–{format_value(hi, f['unit'])}"


def named_headlines(summary: str, findings: dict[str, dict]) -> list[dict]:
    """The findings the summary names, each checked to be available in findings.json and
    quoted there with its value, 95% interval and n; in the order the summary gives them."""
    named = []
    for f in findings.values():
        if f["label"] not in summary or not f.get("interval"):
            continue
        value = format_value(f["value"], f["unit"])
        line = f"{value} (95% interval {_interval_text(f)}; n = {f['n']:,})"
        if line in summary:
            assert is_available(f), f["id"]
            named.append(f)
    return sorted(named, key=lambda f: summary.index(f["label"]))


def check_summary(page: str, findings: dict[str, dict]) -> list[dict]:
    """The summary names exactly the rule's findings, in its order, each with its interval."""
    summary = section_text(page, "summary")
    chosen = strongest(list(findings.values()))
    assert [f["id"] for f in named_headlines(summary, findings)] == [f["id"] for f in chosen]
    assert 0 < len(chosen) <= 5
    return chosen


def check_limitations(page: str, findings: dict[str, dict]) -> str:
    """Limitations names every unavailable finding with its reason; returns the section text."""
    text = section_text(page, "limitations")
    missing = [f for f in findings.values() if not is_available(f)]
    assert f"{len(missing):,} findings are not available here" in text
    for f in missing:
        assert f["label"] in text and f["reason"] in text, f["id"]
    return text


def offset_span(findings: dict[str, dict]) -> str:
    lo, hi = findings[OFFSET_ID]["interval"]
    return f"from {format_value(lo, 'offset')} to {format_value(hi, 'offset')}"
