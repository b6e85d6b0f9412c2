"""The report's Limitations section, generated from what this dataset and profile record.

Five parts, each from recorded facts, never boilerplate: how the data were collected (the
profile's collection block), which columns the files lack (ingest's coverage), which clock the
hours are read on (the profile and the offset fit), which findings are not available (each with
its reason), and what each rule that ran cannot see (its parameters, as findings record them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from takedown.compose.escape import md_escape
from takedown.findings import entities
from takedown.ingest.dataset import Dataset
from takedown.pipeline.availability import unavailable_findings
from takedown.pipeline.collection import collection_variables
from takedown.pipeline.headlines import OFFSET_ID, WINDOW_ID, clock_state
from takedown.pipeline.variables import LEGACY_REASON, format_value, is_available
from takedown.profile import TOPICS, Profile
from takedown.schema import Coverage

Findings = dict[str, dict[str, Any]]


def collection_part(profile: Profile) -> str:
    """Sample, described or unstated: whether counts describe the whole operation."""
    c = profile.collection
    if c.sample is not None:
        rate = md_escape(collection_variables(c)["sample"])
        return (
            f"The data are a uniform sample ({rate}), as the profile declares. Every count in "
            "this report is a count in the sample and none is multiplied up; shares are "
            "unaffected. Findings built from tweets that fall close together (spikes, "
            "coordination clusters) see only the sampled tweets, so they find fewer and smaller "
            "events than the whole data would show.\n"
        )
    if c.description.strip():
        return (
            "The profile describes how the data were collected (see Summary) and declares no "
            "sampling rate, so the report reads the files as every tweet of these accounts; "
            "every count is a count in these files.\n"
        )
    return (
        "The profile does not say how the data were collected. The data cannot tell whether "
        "these files hold every tweet of these accounts or only a part, so every count is a "
        "count in these files and may understate the operation.\n"
    )


# Columns whose gaps change a finding's base: the findings count only the rows with a value.
# Others (reply ids, retweet ids, profile URLs) are empty by nature on most rows.
GAPS_MATTER = ("follower_count", "following_count", "account_creation_date", "account_language",
               "tweet_language", "tweet_text", "is_retweet", "tweet_client_name", "like_count",
               "retweet_count", "reply_count", "quote_count")  # fmt: skip


def coverage_part(ds: Dataset) -> str:
    """The columns each file lacks (absent or empty), and the gaps that change a base."""
    cov = ds.coverage
    if cov is None:
        return "Column coverage was not recorded at ingest; ingest the data again to list it.\n"
    lines = [line for table in ("users", "tweets") for line in _table_gaps(cov, table)]
    if not lines:
        return "Every column the findings use holds a value in every row of both files.\n"
    extracted = entities.describe(cov)
    after = f"\n{md_escape(extracted)}.\n" if extracted and "tweet text" in extracted else ""
    return (
        "From the column coverage recorded at ingest (the findings a gap stops are listed "
        "further below, each with its reason):\n\n" + "".join(lines) + after
    )


def _table_gaps(cov: Coverage, table: str) -> list[str]:
    rows, cols = cov.rows.get(table, 0), cov.columns.get(table, {})
    if not rows:
        return [f"- The {table} file has no rows.\n"]
    missing = sorted(k for k, c in cols.items() if not c.present or c.values == 0)
    partial = sorted(
        k for k, c in cols.items() if k in GAPS_MATTER and c.present and 0 < c.values < rows
    )
    out = []
    if missing:
        names = ", ".join(md_escape(k) for k in missing)
        out.append(f"- The {table} file lacks, or leaves empty in every row: {names}.\n")
    if partial:
        names = ", ".join(f"{md_escape(k)} ({cols[k].values:,} of {rows:,} rows)" for k in partial)
        out.append(
            f"- The {table} file fills only some rows of: {names}. Findings on these count "
            "the rows with a value.\n"
        )
    return out


def clock_part(profile: Profile, by_id: Findings) -> str:
    """Which clock hours and weekdays are read on: declared or UTC by assumption; the fit."""
    stamps = by_id.get("posting_clock.timestamp_clock")
    out = []
    if stamps is not None and is_available(stamps):
        out.append(f"Timestamps are read as {md_escape(stamps['value'])}.")
    if profile.timezone is None:
        out.append(
            "The profile declares no timezone, so hours and weekdays are read on UTC, by "
            "assumption: nothing says the operators kept UTC."
        )
    else:
        out.append(_declared(by_id))
    out.append(_fit(by_id))
    return " ".join(s for s in out if s) + "\n"


def _declared(by_id: Findings) -> str:
    offset, verdict = (
        by_id.get("posting_clock.profile_utc_offset"),
        by_id.get("posting_clock.profile_offset_verdict"),
    )
    if offset is None or verdict is None or not is_available(verdict):
        return "The profile declares a timezone; the data could not be set against it."
    return (
        f"The profile declares a timezone ({md_escape(offset['value'])} at the median tweet); "
        f"set against the offset fit, the data find it {md_escape(verdict['value'])}."
    )


def _fit(by_id: Findings) -> str:
    state = clock_state(by_id)
    if state == "unavailable":
        return "No UTC offset could be fitted to the posting clock."
    lo, hi = by_id[OFFSET_ID]["interval"]
    span = md_escape(f"from {format_value(lo, 'offset')} to {format_value(hi, 'offset')}")
    if state == "ambiguous":
        return (
            f"The offset fit is ambiguous: the data allows any offset {span}, so no operator clock "
            "can be read from this data and no share of tweets inside working hours is given."
        )
    if state == "placed":
        window = md_escape(str(by_id.get(WINDOW_ID, {}).get("value") or "a fixed UTC window"))
        return (
            f"The offset fit places the working day at {window}, but the profile declares no "
            "working day from outside the data, so its local start is unknown and the offsets "
            f"{span} are all allowed. The fit reads a working day from the hours alone: a clock "
            "set on purpose, or shifts round the clock, would mislead it."
        )
    best = md_escape(format_value(by_id[OFFSET_ID]["value"], "offset"))
    others = (
        "no other offset can be told apart"
        if lo == hi
        else f"the offsets {span} cannot be told apart"
    )
    return (
        f"The offset fit is clear ({best}; {others}), but it "
        "reads a working day from the hours alone: a clock set on purpose, or shifts round the "
        "clock, would mislead it."
    )


def unavailable_part(findings: list[dict[str, Any]]) -> str:
    """Every unavailable finding by label, grouped by section and reason."""
    missing = unavailable_findings(findings)
    if not missing:
        return "Every recorded finding could be computed on this dataset.\n"
    order = {t: i for i, t in enumerate(TOPICS)}
    groups: dict[tuple[str, str], list[str]] = {}
    for f in sorted(missing, key=lambda f: (order.get(f["id"].split(".")[0], 99), f["id"])):
        key = (f["id"].split(".")[0], f.get("reason") or LEGACY_REASON)
        groups.setdefault(key, []).append(md_escape(f["label"]))
    lines = [
        f"- {md_escape(topic.replace('_', ' ').capitalize())}: {'; '.join(labels)}. Why: "
        f"{md_escape(reason)}.\n"
        for (topic, reason), labels in groups.items()
    ]
    # A div of its own: the labels are the tool's reference names of its findings (some name
    # scripts or languages the dataset may not hold), set apart from what the report says.
    return (
        f"{len(missing):,} findings are not available here, each with its reason:\n\n"
        "::: {.unavailable-list}\n" + "".join(lines) + ":::\n"
    )


def _values(by_id: Findings, *ids: str) -> list[str] | None:
    """The formatted values of the rule parameters, or None if any is missing."""
    rows = [by_id.get(i) for i in ids]
    if any(r is None or not is_available(r) for r in rows):
        return None
    return [md_escape(format_value(r["value"], r["unit"])) for r in rows if r]


def _spikes(by_id: Findings) -> str | None:
    v = _values(by_id, "volume.spike_window_days", "volume.spike_baseline_floor",
                "volume.spike_mads", "volume.spike_min_ratio")  # fmt: skip
    if v is None:
        return None
    return (
        f"Spikes: a day is measured against the median of the {v[0]} around it (at least {v[1]} "
        f"tweets), and must exceed it by {v[2]} scaled MADs and be {v[3]} times it. A rise that "
        "lasts for much of that window raises its own baseline and is not flagged; a series "
        "too short for a baseline has no spikes."
    )


def _coordination(by_id: Findings) -> str | None:
    v = _values(by_id, "coordination.min_accounts", "coordination.window_minutes")
    if v is None:
        return None
    return (
        f"Coordination: a cluster is at least {v[0]} accounts posting the exact same "
        f"normalized text within {v[1]} minutes, retweets excluded. Paraphrases, copies spread "
        f"over more than {v[1]} minutes, amplification by retweet and groups of fewer than "
        f"{v[0]} accounts are not counted."
    )


def _topics(by_id: Findings) -> str | None:
    v = _values(by_id, "topics.rule_rise_factor", "topics.rule_rise_level_days",
                "topics.rule_rise_floor")  # fmt: skip
    if v is None:
        return None
    return (
        "Topics: a tweet counts for a topic only when its text holds one of the profile "
        "keywords, and only for the first topic it matches; tweets on a topic in other words, "
        f"spellings or languages are unmatched. A rise is a week reaching {v[0]} times the "
        f"topic level over the {v[1]} before (at least {v[2]} tweets a week), so a topic "
        "that is loud from its first week has no rise."
    )


def _waves(by_id: Findings) -> str | None:
    if _values(by_id, "account_creation.waves") is None:
        return None
    return (
        "Creation waves: a wave is a run of weeks whose account creations stand far above the "
        "median week; accounts created at a steady pace, however many, form no wave."
    )


BLIND_SPOTS: tuple[Callable[[Findings], str | None], ...] = (_waves, _spikes, _topics,
                                                             _coordination)  # fmt: skip


def blind_spots_part(by_id: Findings) -> str:
    """Each rule that ran, with what it cannot see, quoting its recorded parameters."""
    lines = [s for rule in BLIND_SPOTS if (s := rule(by_id))]
    if not lines:
        return ""
    return "What the rules cannot see:\n\n" + "".join(f"- {s}\n" for s in lines)


def limitations_markdown(ds: Dataset, profile: Profile, findings: list[dict[str, Any]]) -> str:
    """_generated/limitations.qmd: the five parts, each a paragraph or a list."""
    by_id = {f["id"]: f for f in findings}
    parts = [
        collection_part(profile),
        coverage_part(ds),
        clock_part(profile, by_id),
        unavailable_part(findings),
        blind_spots_part(by_id),
    ]
    return "\n".join(p for p in parts if p)
