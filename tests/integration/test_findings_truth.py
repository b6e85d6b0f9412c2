"""Findings 04-10 on the demo archive, checked against the truths its generator planted."""

from __future__ import annotations

from datetime import date

import pytest

from takedown.db import measure_coverage, open_dataset
from takedown.findings import coordination, posting_clock, topics
from takedown.profile import load_profile
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def days_apart(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


@pytest.fixture(scope="module")
def con(demo):
    return open_dataset(demo["data"] / "demo")


def test_operator_clock_recovers_the_planted_offset_inside_its_uncertainty(con, demo):
    profile = load_profile(ROOT / "profiles/china_052020.yml")
    f = {x.name: x for x in posting_clock.summarize(con, profile, measure_coverage(con))}
    planted = demo["truth"]["utc_offset_hours"]
    assert f["best_utc_offset"].value == planted == 8
    lo, hi = f["best_utc_offset"].interval
    assert lo <= planted <= hi and hi - lo <= 2
    assert f["offset_ambiguous"].value is False
    assert f["profile_utc_offset"].value == "UTC+8" and f["profile_offset_agrees"].value is True


def test_creation_waves_dates_within_a_week_sizes_within_5pct(rendered):
    fs, planted = rendered["findings"], rendered["truth"]["creation_waves"]
    assert fs["account_creation.waves"]["value"] == len(planted)
    for i, wave in enumerate(sorted(planted, key=lambda w: w["start"]), 1):
        assert days_apart(fs[f"account_creation.wave{i}_start"]["value"], wave["start"]) <= 7
        assert days_apart(fs[f"account_creation.wave{i}_end"]["value"], wave["end"]) <= 7
        got = fs[f"account_creation.wave{i}_accounts"]["value"]
        assert abs(got / wave["size"] - 1) <= 0.05


def test_dormant_accounts_within_2pct(rendered):
    got = rendered["findings"]["account_creation.dormant_count"]["value"]
    want = rendered["truth"]["dormant_count"]
    assert abs(got / want - 1) <= 0.02
    first = rendered["findings"]["account_creation.dormant_wave_first_tweet"]["value"]
    window = rendered["truth"]["dormant_wave_members_first_tweet_window"]
    lo, hi = window["start"], window["end"]
    assert lo <= first <= hi


def test_topic_shares_per_month_within_2_points(con, rendered):
    profile = load_profile(ROOT / "profiles/china_052020.yml")
    topics.assign(con, profile)
    ids = list(profile.topics)
    got = topics.monthly_shares(con, ids)
    checked = 0
    for month, want in rendered["truth"]["topic_share_by_month"].items():
        if want["n"] < 500:
            continue
        row = got.loc[month]
        assert int(row["n"]) == want["n"]
        for t in [*ids, "other"]:
            assert abs(row[t] - want[t]) <= 0.02, (month, t)
        checked += 1
    assert checked >= 12


def test_covid_rises_late_january_and_late_march(rendered):
    fs = rendered["findings"]
    rise, peak = rendered["truth"]["covid_rise_dates"]
    assert days_apart(fs["topics.covid_rise_1"]["value"], rise) <= 7
    assert days_apart(fs["topics.covid_peak_week"]["value"], peak) <= 7
    assert abs(fs["topics.covid_hk_share"]["value"] - rendered["truth"]["covid_hk_share"]) <= 0.02


def test_hong_kong_rises_when_planted_however_large_its_later_peak(rendered):
    """Regression (issue 16): the demo plants Hong Kong's step from 8% to 50% of a tripled
    volume on 2019-06-01 (demo/china.py, topic_steps); the old rule said "rises: none"."""
    fs = rendered["findings"]
    assert days_apart(fs["topics.hong_kong_rise_1"]["value"], "2019-06-01") <= 7
    assert fs["topics.hong_kong_peak_week"]["value"] > "2019-10-01"  # the peak dwarfs that week


def test_coordination_recall_and_precision_at_least_90pct(con, rendered):
    truth = rendered["truth"]["coordination"]
    profile = load_profile(ROOT / "profiles/china_052020.yml")
    _, members = coordination.clusters(
        con, profile.coordination.window_minutes, profile.coordination.min_accounts
    )
    planted = {t for c in truth["clusters"] for t in c["tweetids"]}
    found = set(members["tweetid"])
    recall = len(found & planted) / len(planted)
    precision = len(found & planted) / len(found)
    assert recall >= 0.9 and precision >= 0.9, (recall, precision)
    fs = rendered["findings"]
    assert fs["coordination.clusters"]["value"] == len(truth["clusters"])
    accounts = {u for c in truth["clusters"] for u in c["userids"]}
    assert abs(fs["coordination.accounts_involved"]["value"] / len(accounts) - 1) <= 0.1


def test_chinese_script_shares_within_2_points(rendered):
    fs, want = rendered["findings"], rendered["truth"]["chinese_script_share"]
    assert abs(fs["language.simplified_share"]["value"] - want["simplified"]) <= 0.02
    assert abs(fs["language.traditional_share"]["value"] - want["traditional"]) <= 0.02


def test_engagement_against_truth(rendered):
    fs, truth = rendered["findings"], rendered["truth"]
    assert (
        fs["engagement.zero_follower_over_50_likes"]["value"]
        == truth["zero_follower_tweets_over_50_likes"]
    )
    assert (
        fs["engagement.zero_follower_over_10_retweets"]["value"]
        == truth["zero_follower_tweets_over_10_retweets"]
    )
    assert (
        abs(fs["engagement.retweet_inside_share"]["value"] - truth["retweet_inside_share"]) <= 0.01
    )


def test_top_hashtag_is_the_planted_one(rendered):
    top = max(rendered["truth"]["top_hashtags"], key=lambda h: h["count"])
    assert rendered["findings"]["content.top_hashtag"]["value"] == top["hashtag"]
