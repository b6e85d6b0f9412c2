"""The Limitations section built from hand-made facts: a sampled collection, a missing column,
an undeclared clock, unavailable findings and the rules' recorded parameters."""

from __future__ import annotations

import pypandoc

from takedown.compose.builtin import READER
from takedown.ingest.dataset import Dataset
from takedown.pipeline.limitations import (
    blind_spots_part,
    clock_part,
    collection_part,
    coverage_part,
    limitations_markdown,
    unavailable_part,
)
from takedown.profile import Collection, Profile, Sample
from takedown.schema import ColumnCoverage, Coverage

COVERAGE = Coverage(
    rows={"users": 10, "tweets": 100},
    columns={
        "users": {"userid": ColumnCoverage(present=True, values=10),
                  "follower_count": ColumnCoverage(present=True, values=7),
                  "account_creation_date": ColumnCoverage(present=False, values=0)},
        # empty on most rows by nature (only replies have one): no limitation
        "tweets": {"tweet_time": ColumnCoverage(present=True, values=100),
                   "in_reply_to_tweetid": ColumnCoverage(present=True, values=3),
                   "hashtags": ColumnCoverage(present=True, values=0)},
    },
)  # fmt: skip
DS = Dataset.model_construct(name="ds", synthetic=False, coverage=COVERAGE)


def plain(md: str) -> str:
    text = pypandoc.convert_text(md, "plain", format=READER, extra_args=["--wrap=none"])
    return " ".join(text.split())


def row(fid: str, value, unit: str = "count", **kw) -> dict:
    return {"id": fid, "label": kw.pop("label", fid), "unit": unit, "value": value,
            "interval": kw.pop("interval", None), "n": None, "status": "ok", "reason": None,
            **kw}  # fmt: skip


def na(fid: str, reason: str, label: str) -> dict:
    return {**row(fid, None, label=label), "status": "unavailable", "reason": reason}


def test_a_sampled_collection_says_counts_are_counts_in_the_sample():
    p = Profile(name="p", title="t", collection=Collection(sample=Sample(every=12)))
    text = plain(collection_part(p))
    assert "uniform sample (every 12th tweet per account)" in text
    assert "count in the sample and none is multiplied up" in text


def test_no_collection_block_says_the_data_cannot_tell():
    text = plain(collection_part(Profile(name="p", title="t")))
    assert "does not say how the data were collected" in text
    assert "count in these files" in text
    described = Profile(name="p", title="t", collection=Collection(description="All of it."))
    assert "declares no sampling rate" in plain(collection_part(described))


def test_a_missing_column_and_a_partial_one_are_named_with_their_counts():
    text = plain(coverage_part(DS))
    assert "The users file lacks, or leaves empty in every row: account_creation_date." in text
    assert "The tweets file lacks, or leaves empty in every row: hashtags." in text
    assert "The users file fills only some rows of: follower_count (7 of 10 rows)." in text
    assert "userid" not in text and "tweet_time" not in text and "in_reply" not in text
    assert "not recorded" in coverage_part(Dataset.model_construct(name="x", coverage=None))
    assert "extracted from the tweet text" not in text  # no text column: nothing extracted


def test_a_missing_entity_column_with_text_says_the_entities_come_from_the_text():
    cov = COVERAGE.model_copy(deep=True)
    cov.columns["tweets"]["tweet_text"] = ColumnCoverage(present=True, values=100)
    text = plain(coverage_part(Dataset.model_construct(name="x", coverage=cov)))
    assert "The tweets file lacks, or leaves empty in every row: hashtags." in text
    assert "Hashtags, links and mentions are extracted from the tweet text" in text


def test_an_undeclared_clock_is_utc_by_assumption_and_an_ambiguous_fit_is_said():
    by_id = {
        "posting_clock.timestamp_clock": row("posting_clock.timestamp_clock",
                                             "UTC, as the archive writes them", "text"),
        "posting_clock.best_utc_offset": row("posting_clock.best_utc_offset", -3, "offset",
                                             interval=[-5.0, 0.0]),
        "posting_clock.offset_ambiguous": row("posting_clock.offset_ambiguous", True, "text"),
    }  # fmt: skip
    text = plain(clock_part(Profile(name="p", title="t"), by_id))
    assert "Timestamps are read as UTC, as the archive writes them." in text
    assert "declares no timezone, so hours and weekdays are read on UTC, by assumption" in text
    assert "The offset fit is ambiguous: the data allows any offset from UTC−5 to UTC+0" in text
    assert "no operator clock can be read" in text


def test_a_declared_clock_quotes_the_verdict_and_the_clear_fit():
    by_id = {
        "posting_clock.best_utc_offset": row("posting_clock.best_utc_offset", 8, "offset",
                                             interval=[8.0, 8.0]),
        "posting_clock.offset_ambiguous": row("posting_clock.offset_ambiguous", False, "text"),
        "posting_clock.profile_utc_offset": row("x", "UTC+8", "text"),
        "posting_clock.profile_offset_verdict": row("y", "contradicted", "text"),
    }  # fmt: skip
    text = plain(clock_part(Profile(name="p", title="t", timezone="Asia/Shanghai"), by_id))
    assert "declares a timezone (UTC+8 at the median tweet)" in text
    assert "the data find it contradicted" in text
    assert "The offset fit is clear (UTC+8;" in text
    assert "Asia" not in text  # the profile names the zone; the core text names no place


def test_each_unavailable_finding_is_listed_with_its_reason_grouped():
    findings = [
        na("volume.top_spike_day", "no day stood out", "Top spike day"),
        na("volume.top_spike_tweets", "no day stood out", "Top spike tweets"),
        na("followers.zero_share", "follower_count is not in this dataset", "Zero followers"),
        row("overview.tweets", 5),
    ]
    text = plain(unavailable_part(findings))
    assert text.startswith("3 findings are not available here")
    assert "Followers: Zero followers. Why: follower_count is not in this dataset." in text
    assert "Volume: Top spike day; Top spike tweets. Why: no day stood out." in text
    assert text.index("Followers") < text.index("Volume")  # the report order
    assert "Every recorded finding could be computed" in unavailable_part([row("a.b", 1)])


def test_blind_spots_quote_the_recorded_parameters_of_the_rules_that_ran():
    by_id = {f["id"]: f for f in [
        row("volume.spike_window_days", 29, "days"), row("volume.spike_baseline_floor", 5),
        row("volume.spike_mads", 6.0, "number"), row("volume.spike_min_ratio", 2, "number"),
        row("coordination.min_accounts", 5), row("coordination.window_minutes", 10),
    ]}  # fmt: skip
    text = plain(blind_spots_part(by_id))
    assert "median of the 29 days around it (at least 5 tweets)" in text
    assert "by 6 scaled MADs and be 2 times it" in text
    assert "at least 5 accounts posting the exact same normalized text within 10 minutes" in text
    assert "Topics" not in text and "waves" not in text  # those rules recorded nothing here
    del by_id["coordination.window_minutes"]
    assert "Coordination" not in plain(blind_spots_part(by_id))
    assert blind_spots_part({}) == ""


def test_the_whole_section_holds_every_part_and_no_shortcode():
    p = Profile(name="p", title="t", collection=Collection(sample=Sample(every=12)))
    findings = [na("content.top_hashtag", "hashtags is empty {{< var x >}}", "Top <b>tag")]
    md = limitations_markdown(DS, p, findings)
    text = plain(md)
    assert "{{<" not in md
    for part in ("uniform sample", "account_creation_date", "read on UTC, by assumption",
                 "Top <b>tag. Why: hashtags is empty {{< var x >}}."):  # fmt: skip
        assert part in text


def test_a_clear_fit_without_a_declared_start_gives_the_window_and_the_allowed_offsets():
    by_id = {
        "posting_clock.best_utc_offset": row("posting_clock.best_utc_offset", 7, "offset",
                                             interval=[6.0, 9.0]),
        "posting_clock.offset_ambiguous": row("posting_clock.offset_ambiguous", False, "text"),
        "posting_clock.local_start_known": row("posting_clock.local_start_known", False, "text"),
        "posting_clock.working_day_utc": row("posting_clock.working_day_utc", "01:00–10:00 UTC",
                                             "text"),
    }  # fmt: skip
    text = plain(clock_part(Profile(name="p", title="t"), by_id))
    assert "The offset fit places the working day at 01:00–10:00 UTC" in text
    assert "the offsets from UTC+6 to UTC+9 are all allowed" in text
    assert "The offset fit is clear (" not in text
