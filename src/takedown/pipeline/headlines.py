"""The summary's strongest findings, chosen from findings.json by one stated rule.

The rule (docs/summary-and-limitations.md; the methods appendix prints it from HEADLINES):
only findings of a fixed set of headline kinds count, only when available with a 95% interval
and an n, and only when the whole interval lies above the kind's reference value. They are
ranked by how far the interval's lower bound lies above that reference, on a share scale (a
ratio r counts as r / (1 + r)); ties go to the kind listed first. At most MAX_HEADLINES are
named. The posting clock's offset is named first when, and only when, its fit is clear and
the working day's local start is declared; an ambiguous fit is stated as ambiguous, and a clear
one with its start unknown as the UTC window and the offsets it allows, never as a finding.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from takedown.compose.escape import md_escape
from takedown.pipeline.variables import format_interval, format_value, is_available

MAX_HEADLINES = 5
OFFSET_ID = "posting_clock.best_utc_offset"
AMBIGUOUS_ID = "posting_clock.offset_ambiguous"
START_ID = "posting_clock.local_start_known"
WINDOW_ID = "posting_clock.working_day_utc"


class Kind(NamedTuple):
    """A headline kind: the finding, the reference its interval must clear, and what it claims."""

    id: str
    reference: float
    unit: str  # the finding's unit: share or ratio
    claim: str  # why clearing the reference matters, in words for the methods appendix
    named_by: str | None = None  # a text finding naming what the share is of (a language)


HEADLINES: tuple[Kind, ...] = (
    Kind("followers.zero_share", 0.5, "share", "most accounts have no follower"),
    Kind("account_creation.accounts_in_waves_share", 0.5, "share",
         "most accounts were created in waves"),
    Kind("engagement.zero_engagement_share", 0.5, "share",
         "most original tweets drew no engagement"),
    Kind("engagement.retweet_inside_share", 0.5, "share", "most retweets amplify the set itself"),
    Kind("posting_clock.weekday_weekend_rate_ratio", 1.0, "ratio",
         "weekdays are busier than weekends"),
    Kind("language.top_tweet_language_share", 0.5, "share",
         "most tweets carry one language label", named_by="language.top_tweet_language"),
)  # fmt: skip


def _scale(value: float, unit: str) -> float:
    """A bound on the common share scale: a share as it is, a ratio r as r / (1 + r)."""
    return value / (1.0 + value) if unit == "ratio" else value


def distance(finding: dict[str, Any], reference: float) -> float | None:
    """How far the interval's lower bound lies above the reference on the share scale; None when
    the finding is unavailable, has no interval or n, or its interval does not clear it."""
    if not is_available(finding) or not finding.get("interval") or finding.get("n") is None:
        return None
    unit = finding["unit"]
    gap = _scale(float(finding["interval"][0]), unit) - _scale(reference, unit)
    return round(gap, 9) if gap > 0 else None


def clock_state(by_id: dict[str, dict[str, Any]]) -> str:
    """ "clear", "placed", "ambiguous" or "unavailable": whether the posting clock singles out an
    offset (clear only when its fit recorded, as a finding, that it is not ambiguous), or only
    when the working day falls in UTC (placed: its local start is not declared)."""
    offset, ambiguous = by_id.get(OFFSET_ID), by_id.get(AMBIGUOUS_ID)
    if offset is None or not is_available(offset) or not offset.get("interval"):
        return "unavailable"
    said = ambiguous is not None and is_available(ambiguous) and ambiguous["value"] is False
    if not said:
        return "ambiguous"
    start = by_id.get(START_ID)
    return "placed" if start is not None and start.get("value") is False else "clear"


def strongest(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summary's findings in order: the clear clock first, then the ranked kinds."""
    by_id = {f["id"]: f for f in findings}
    ranked = []
    for order, kind in enumerate(HEADLINES):
        f = by_id.get(kind.id)
        gap = None if f is None else distance(f, kind.reference)
        if gap is not None:
            ranked.append((-gap, order, f))
    ranked.sort(key=lambda t: (t[0], t[1]))
    chosen = [by_id[OFFSET_ID]] if clock_state(by_id) == "clear" else []
    return (chosen + [f for _, _, f in ranked])[:MAX_HEADLINES]


def _line(f: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    """One headline: label (what it is of), value, 95% interval and n, all escaped."""
    label = md_escape(f["label"])
    named = next((k.named_by for k in HEADLINES if k.id == f["id"] and k.named_by), None)
    if named and named in by_id and is_available(by_id[named]):
        what = by_id[named]["label"]
        what = what[:1].lower() + what[1:]
        label += f" ({md_escape(by_id[named]['value'])}, the {md_escape(what)})"
    lo, hi = f["interval"]
    interval = md_escape(
        format_value(lo, f["unit"]) + " alone" if lo == hi else format_interval([lo, hi], f["unit"])
    )
    value = md_escape(format_value(f["value"], f["unit"]))
    return f"- {label}: **{value}** (95% interval {interval}; n = {f['n']:,})\n"


def _clock_sentence(by_id: dict[str, dict[str, Any]]) -> str:
    """The clock as the summary states it: clear (it is then a headline), placed or ambiguous."""
    state = clock_state(by_id)
    if state not in ("ambiguous", "placed"):
        return ""
    lo, hi = by_id[OFFSET_ID]["interval"]
    span = md_escape(f"{format_value(lo, 'offset')} to {format_value(hi, 'offset')}")
    if state == "placed":
        window = by_id.get(WINDOW_ID, {}).get("value") or "a fixed UTC window"
        return (
            f"The posting clock places the working day at {md_escape(window)}. Nothing outside "
            f"the data gives its local start, so that allows any offset from {span}, and the "
            "clock is not among the strongest findings (see Posting clock).\n"
        )
    return (
        f"The posting clock is ambiguous: the data allows any offset from {span}, so no "
        "operator clock is read from this data and the clock is not among the strongest "
        "findings (see Limitations).\n"
    )


def headlines_markdown(findings: list[dict[str, Any]]) -> str:
    """The summary's findings paragraph, generated from the numbers and escaped."""
    by_id = {f["id"]: f for f in findings}
    chosen = strongest(findings)
    if chosen:
        head = (
            "The findings that lie furthest above their reference value on this dataset, by "
            "the rule the methods appendix states: a share is named only when its whole 95% "
            "interval lies above half, the weekday / weekend rate only when it lies above 1, and "
            "a clock offset only when the fit is clear and the working day's local start "
            "declared; at most five, each with its interval and n:\n\n"
        )
        body = head + "".join(_line(f, by_id) for f in chosen)
    else:
        body = (
            "No finding of the headline kinds the methods appendix lists clears its reference "
            "value on this dataset, so the summary names no strongest finding.\n"
        )
    clock = _clock_sentence(by_id)
    return body + ("\n" + clock if clock else "")


def headline_rule_markdown() -> str:
    """The selection rule for the methods appendix, printed from HEADLINES so it cannot drift."""
    rows = "".join(
        f"- `{k.id}` above {format_value(k.reference, k.unit)}: {k.claim}\n" for k in HEADLINES
    )
    return (
        "The summary names at most five findings. The best-fitting UTC offset of the posting "
        "clock comes first when its fit is clear (no other offset can be told apart) and the "
        "profile declares the working day's local start; an ambiguous fit is stated as "
        "ambiguous, and a clear one without a declared start as the UTC window of the working "
        "day and the offsets it allows, neither named as a finding. The rest are "
        "findings of the kinds below, each named only when it is available, has a 95% interval "
        "and an n, and its whole interval lies above the reference value given:\n\n"
        f"{rows}\n"
        "They are ranked by how far the lower end of the interval lies above the reference, on "
        "a share scale (a ratio r counts as r / (1 + r), so a weekday rate twice the weekend "
        "rate counts as 67%); a tie goes to the kind listed first.\n"
    )
