"""The timezone and working_hours lines of a draft profile, with the evidence as comments.

A named zone and working hours are written only when the offset fit singles out one clock and
the weekday hours show a working day (clock_fit.shows_working_day); otherwise the candidate
offsets and the reason are comments, and the report shows the clock in UTC.
"""

from __future__ import annotations

from takedown.findings.clock_fit import (
    BUSY_FRACTION,
    EARLIEST_START,
    LATEST_START,
    NIGHT_HOURS,
    NIGHT_SHARE_MAX,
    OffsetFit,
)  # fmt: skip
from takedown.findings.clock_offset import ALPHA, AMBIGUOUS_HOURS, AMBIGUOUS_POINTS
from takedown.pipeline.profile_text import _days, _off, _pct, _wrap
from takedown.profile import WEEKDAYS, WorkingHours

EXAMPLE_HOURS = "working_hours: {start: 9, end: 17, days: [Mon, Tue, Wed, Thu, Fri]}"


def clock_lines(facts: dict) -> list[str]:
    """timezone and working_hours: drafted, or left out with the reason and the candidates."""
    fit = facts.get("fit")
    if fit is None:
        why = facts["missing"].get("clock") or "no tweet has a time"
        return [
            "# timezone: the operation's local clock (an IANA zone name, e.g. Asia/Shanghai).",
            f"#   Not read from the data: {why}. Not drafted; set it only from outside evidence.",
            "# timezone: Asia/Shanghai",
            "# working_hours: the operation's working day on its local clock.",
            f"# {EXAMPLE_HOURS}",
            "",
        ]
    return (
        _fit_lines(fit)
        + (_zone_lines(facts) if facts["zone"] else _no_zone_lines(facts))
        + (_hours_lines(facts))
    )


def _fit_lines(fit: OffsetFit) -> list[str]:
    default = WorkingHours()
    others = [o for o in fit.plausible if o != fit.best]
    return [
        "# timezone: the operation's local clock (an IANA zone name). The report draws the",
        "# posting clock and reads working hours on it.",
        f"#   From the data: the UTC offset whose clock puts the most tweets inside a "
        f"{default.days[0]}-{default.days[-1]} {default.start:02d}:00-{default.end:02d}:00",
        f"#   working day is {_off(fit.best)} ({_pct(fit.share)} of {fit.tweets:,} tweets inside).",
        f"#   Uncertainty: over {fit.days:,} UTC calendar days, the offsets that cannot be told "
        "apart from it",
        f"#   (a bootstrap of {fit.draws} draws ties them in {_pct(ALPHA)} or more, or they score "
        f"within {100 * AMBIGUOUS_POINTS:g} points)",
        f"#   run from {_off(fit.low)} to {_off(fit.high)}"
        + (f" (AMBIGUOUS: {AMBIGUOUS_HOURS} or more hours apart)." if fit.ambiguous else "."),
        *(_wrap(["UNSURE: also", *map(_off, others)], "#   ") if others else []),
    ]


def _zone_lines(facts: dict) -> list[str]:
    zone, matching, why = facts["zone"]
    offset, (low, high) = facts["offset"], facts["band"]
    return [
        "#   The clock fixes when the working day falls in UTC, not when it starts locally: a day",
        f"#   starting between {EARLIEST_START:02d}:00 and {LATEST_START:02d}:00 local puts the "
        f"operation between {_off(low)} and {_off(high)}.",
        *_wrap(f"Chosen: {_off(offset)}, {zone}: {why}.".split(" "), "#   ", sep=" "),
        f"#   Zones at {_off(offset)} on {facts['zone_date']} (the data's median tweet time):",
        *_wrap(list(matching) or ["none"], "#     "),
        "#   Preference: a zone suggested by a dominant tweet language (zh, ru, tr, ar, ...) at an",
        "#   offset the clock allows, else one major zone at the fitted offset (Asia/Shanghai for",
        "#   +8, Europe/Moscow for +3, ...; the lists are in takedown.pipeline.profile_draft).",
        "#   Change it if the operation sits elsewhere.",
        f"timezone: {zone}",
        "",
    ]


def why_no_zone(facts: dict) -> list[str]:
    """Why no zone was drafted: an ambiguous fit, no working day in the hours, or both."""
    fit, why = facts["fit"], []
    if fit.ambiguous:
        why.append(
            f"the offset fit is ambiguous: {_off(fit.low)} to {_off(fit.high)} cannot be told "
            "apart, so the data does not single out one clock"
        )
    if not facts["working_day"]:
        why.append(
            f"the weekday hours show no working day: the quietest {NIGHT_HOURS} hours hold "
            f"{_pct(facts['night_share'])} of weekday tweets, and a working day leaves at most "
            f"{_pct(NIGHT_SHARE_MAX)} there (a flat clock: {_pct(NIGHT_HOURS / 24)})"
        )
    return why


def _no_zone_lines(facts: dict) -> list[str]:
    cands = [f"{_off(o)} {_pct(s)} ({z})" for o, s, z in facts["candidates"]]
    return [
        "#   NOT DRAFTED: no timezone is written, so the report shows the posting clock in UTC",
        "#   and computes no share inside working hours. Why:",
        *(line for w in why_no_zone(facts) for line in _wrap(w.split(" "), "#   - ", sep=" ")),
        "#   Candidate offsets (share of tweets inside that working day; a major zone there):",
        *_wrap(cands, "#     "),
        "#   Set a timezone only from evidence outside the data, e.g.:",
        "# timezone: Europe/Moscow",
        "",
    ]


def _hours_lines(facts: dict) -> list[str]:
    hours, weekdays, offset = facts["hours"], facts["weekdays"], facts["offset"]
    total = max(int(hours.sum()), 1)
    clock = f"local hour at {_off(offset)}" if offset is not None else "UTC hour"
    lines = [
        "# working_hours: the operation's working day on its local clock: hours [start, end),",
        "# on these days. The report measures the share of tweets inside it.",
        f"#   From the data: Mon-Fri tweets per {clock}:",
        *_wrap([f"{h:02d}h {_pct(n / total)}" for h, n in enumerate(hours)], "#     "),
        *_wrap([f"{d} {int(n):,}" for d, n in zip(WEEKDAYS, weekdays, strict=True)], "#     "),
    ]
    wh = facts.get("working_hours")
    if wh is None:
        return lines + [
            "#   NOT DRAFTED: a working day is drafted only with a timezone and only when the",
            f"#   weekday hours show one (the quietest {NIGHT_HOURS} hours hold at most "
            f"{_pct(NIGHT_SHARE_MAX)} of weekday tweets; here {_pct(facts['night_share'])}).",
            f"# {EXAMPLE_HOURS}",
            "",
        ]
    return lines + [
        f"#   The working day runs from the first to the last hour with at least "
        f"{BUSY_FRACTION:.0%} of the busiest",
        f"#   hour's tweets, on the weekdays with at least {BUSY_FRACTION:.0%} of the busiest "
        "weekday's tweets.",
        "#   from_data: true says these hours were read off this data, not known from outside",
        "#   it: scored against the same data they would only return the offset read here, so the",
        f"#   report gives the offsets a day starting {EARLIEST_START:02d}:00-{LATEST_START:02d}:00 "
        "local allows. Remove it once outside",
        "#   evidence (a published analysis, say) gives the working day.",
        f"working_hours: {{start: {wh.start}, end: {wh.end}, days: {_days(wh.days)}, "
        "from_data: true}",
        "",
    ]
