"""Published vs reproduced: each published figure beside ours, with a stated match rule."""

from __future__ import annotations

from typing import Any

from takedown.compose.escape import md_table
from takedown.pipeline.variables import (
    LEGACY_REASON,
    NOT_AVAILABLE,
    format_interval,
    format_value,
    is_available,
)
from takedown.profile import Profile


def compare(
    profile: Profile, findings: list[dict[str, Any]], failed: set[str]
) -> list[dict[str, str]]:
    """Match rule: the published value lies in our 95% interval, or within the profile's tolerance."""
    by_id = {f["id"]: f for f in findings}
    rows = []
    for p in profile.published:
        ours = by_id.get(p.finding)
        source = p.source + (" (via press)" if p.via_press else "")
        row = {
            "finding": p.label,
            "published": format_value(p.value, p.unit),
            "source": source,
            "reproduced": "",
            "interval": "",
            "match": "",
        }
        if ours is None:
            topic = p.finding.split(".")[0]
            row["match"] = (
                "not computed (notebook failed)"
                if any(topic in f for f in failed)
                else "not computed"
            )
        elif not is_available(ours):
            row["reproduced"] = NOT_AVAILABLE
            row["match"] = f"no comparison: {ours.get('reason') or LEGACY_REASON}"
        else:
            v = ours["value"]
            row["reproduced"] = format_value(v, ours["unit"])
            row["interval"] = format_interval(ours.get("interval"), ours["unit"])
            inside = (
                bool(ours.get("interval")) and ours["interval"][0] <= p.value <= ours["interval"][1]
            )
            close = v is not None and abs(float(v) - p.value) <= p.tolerance + 1e-12
            row["match"] = "yes" if inside or close else "no"
        rows.append(row)
    return rows


def published_markdown(profile: Profile, findings: list[dict[str, Any]], failed: set[str]) -> str:
    rows = compare(profile, findings, failed)
    if not rows:
        return (
            "This profile lists no published figures, so there is nothing to set beside the "
            "reproduced findings.\n"
        )
    table = md_table(
        rows, {k: k for k in ("finding", "published", "source", "reproduced", "interval", "match")}
    )
    return (
        table
        + "\n: Published figures beside the reproduced ones. A figure matches when it lies inside "
        "our 95% interval or within the tolerance the profile states. {#tbl-published}\n"
    )
