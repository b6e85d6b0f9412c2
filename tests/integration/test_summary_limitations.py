"""Issue 16 item 5 on the China demo's session render: the summary names the findings the
stated rule picks, with their intervals, and the planted truths; Limitations lists what the
profile, the coverage and the findings say is missing."""

from __future__ import annotations

import pytest

from takedown.pipeline.headlines import OFFSET_ID
from tests.integration.summary_checks import check_limitations, check_summary, section_text


@pytest.fixture(scope="module")
def page(rendered) -> str:
    return (rendered["folder"] / "report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_summary_names_the_rule_findings_with_their_intervals_and_the_planted_clock(rendered, page):
    chosen = check_summary(page, rendered["findings"])
    truth = rendered["truth"]
    assert chosen[0]["id"] == OFFSET_ID and chosen[0]["value"] == truth["utc_offset_hours"]
    by_id = {f["id"]: f for f in chosen}
    lo, hi = by_id["followers.zero_share"]["interval"]
    assert lo <= truth["zero_follower_share"] <= hi
    summary = section_text(page, "summary")
    assert "ambiguous" not in summary
    for name in ("China", "Chinese", "Hong Kong", "Taiwan", "052020"):
        assert name not in summary  # the core text names no country or operation


@pytest.mark.slow
def test_limitations_state_collection_clock_unavailable_findings_and_rules(rendered, page):
    text = check_limitations(page, rendered["findings"])
    assert "The profile does not say how the data were collected" in text
    assert "declares a timezone (UTC+8 at the median tweet)" in text
    assert "the data find it consistent" in text
    assert "The offset fit is clear (UTC+8; no other offset can be told apart)" in text
    assert "The tweets file lacks, or leaves empty in every row: latitude, longitude" in text
    for rule in ("Creation waves:", "Spikes: a day is measured against the median of the 29 days",
                 "Topics:", "Coordination: a cluster is at least 5 accounts"):  # fmt: skip
        assert rule in text


@pytest.mark.slow
def test_second_operation_summary_and_limitations_match_its_planted_truth(rendered_russia):
    page = (rendered_russia["folder"] / "report.html").read_text(encoding="utf-8")
    fs, truth = rendered_russia["findings"], rendered_russia["truth"]
    chosen = {f["id"]: f for f in check_summary(page, fs)}
    assert chosen[OFFSET_ID]["value"] == truth["utc_offset_hours"]
    ratio = chosen.get("posting_clock.weekday_weekend_rate_ratio")
    if truth["weekday_weekend_rate_ratio"] > 2:  # planted far above 1: among the five named
        assert ratio is not None
        assert ratio["interval"][0] <= truth["weekday_weekend_rate_ratio"] <= ratio["interval"][1]
    for fid, key in (("followers.zero_share", "zero_follower_share"),
                     ("engagement.retweet_inside_share", "retweet_inside_share")):  # fmt: skip
        if truth[key] < 0.45:  # planted below half: never named as "most"
            assert fid not in chosen
    text = check_limitations(page, fs)
    assert "The profile does not say how the data were collected" in text
    assert "like_count" in text.split("The tweets file lacks")[1].split(".")[0]
