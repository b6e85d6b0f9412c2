"""The first three findings on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from takedown.findings import followers, overview
from takedown.findings import posting_clock as pc
from takedown.findings.stats import share
from takedown.profile import WorkingHours


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone='UTC'")
    c.execute(
        """CREATE TABLE users AS SELECT * FROM (VALUES
           ('a', 'A', 'Alpha', '<b>x</b>', 0, 3), ('b', 'B', 'Beta', '', 0, 0),
           ('c', 'C', 'Gamma', 'd', 7, 1), ('d', 'D', 'Delta', 'd', 9, 2),
           ('e', 'E', 'Eps', 'd', 1500, 4))
           AS t(userid, user_screen_name, user_display_name, user_profile_description,
                follower_count, following_count)"""
    )
    # Times in UTC. Asia/Shanghai is UTC+8: 2020-01-06 (Mon) 01:00 UTC = 09:00 local Mon.
    c.execute(
        """CREATE TABLE tweets AS SELECT * FROM (VALUES
           ('1', 'a', TIMESTAMPTZ '2020-01-06 01:00:00+00', false),
           ('2', 'a', TIMESTAMPTZ '2020-01-06 08:59:00+00', false),
           ('3', 'a', TIMESTAMPTZ '2020-01-06 09:00:00+00', true),
           ('4', 'b', TIMESTAMPTZ '2020-01-04 02:00:00+00', false),
           ('5', 'c', TIMESTAMPTZ '2020-01-05 23:30:00+00', false),
           ('6', 'c', TIMESTAMPTZ '2020-02-01 03:00:00+00', false))
           AS t(tweetid, userid, tweet_time, is_retweet)"""
    )
    return c


def test_overview_counts(con):
    c = overview.counts(con)
    assert (c["accounts"], c["tweets"], c["active_accounts"]) == (5, 6, 3)
    assert (c["first_tweet"], c["last_tweet"], c["span_days"]) == ("2020-01-04", "2020-02-01", 29)
    assert c["retweet_share"] == pytest.approx(1 / 6)
    assert c["tweets_per_account_median"] == 2 and c["tweets_per_account_max"] == 3


def test_monthly_fills_months(con):
    m = overview.monthly(con)
    assert m["tweets"].tolist() == [5, 1]


def test_top_accounts_order(con):
    t = overview.top_accounts(con, 2)
    assert t["screen_name"].tolist() == ["A", "C"]
    assert t["description"].iloc[0] == "<b>x</b>"


def test_followers_shares_and_wilson_interval(con):
    zero = followers.below(con, 1)
    assert (zero.k, zero.n) == (2, 5)
    # Wilson 95% for 2/5, computed independently
    z = 1.959963984540054
    p, n = 0.4, 5
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert zero.low == pytest.approx(centre - half) and zero.high == pytest.approx(centre + half)
    assert followers.below(con, 8).k == 3
    assert followers.below(con, 10).k == 4


def test_follower_bins(con):
    b = followers.binned(con)
    f = dict(
        zip(b[b.kind == "followers"]["bin"], b[b.kind == "followers"]["accounts"], strict=True)
    )
    assert f == {"0": 2, "2-7": 1, "8-9": 1, "1,000+": 1}


def test_share_rejects_empty():
    with pytest.raises(ValueError):
        share(0, 0)


def test_hour_weekday_on_local_clock(con):
    g = pc.hour_weekday(con, "Asia/Shanghai")
    assert g.loc["Mon", 9] == 1 and g.loc["Mon", 16] == 1 and g.loc["Mon", 17] == 1
    assert g.loc["Mon", 7] == 1  # Sun 23:30 UTC
    assert g.loc["Sat", 10] == 1 and g.loc["Sat", 11] == 1
    assert int(g.to_numpy().sum()) == 6


def test_working_hours_share(con):
    s = pc.in_working_hours(con, "Asia/Shanghai", WorkingHours(start=8, end=17))
    # local: Mon 09:00, Mon 16:59 inside; Mon 17:00 (end exclusive), Sat x2, Mon 07:30 outside
    assert (s.k, s.n) == (2, 6)


def test_daily_includes_zero_days(con):
    d = pc.daily(con, "Asia/Shanghai")
    assert len(d) == (pd.Timestamp("2020-02-01") - pd.Timestamp("2020-01-04")).days + 1
    assert d["n"].sum() == 6
    assert d.loc[pd.to_datetime(d["day"]) == pd.Timestamp("2020-01-06"), "n"].item() == 4


def test_weekday_weekend_ratio_equals_ratio_of_means():
    rng = np.random.default_rng(0)
    days = pd.DataFrame({"weekend": [i % 7 >= 5 for i in range(700)]})
    days["n"] = np.where(days["weekend"], rng.poisson(20, 700), rng.poisson(60, 700))
    r = pc.weekday_weekend_ratio(days)
    means = days.groupby("weekend")["n"].mean()
    assert r["ratio"] == pytest.approx(means[False] / means[True], rel=1e-6)
    assert r["low"] < r["ratio"] < r["high"]
    assert 2.8 < r["ratio"] < 3.2


def test_best_offset_recovers_a_shifted_office_week():
    # An office week 09:00-16:59 Mon-Fri at UTC+8 is 01:00-08:59 UTC.
    utc = np.zeros(168)
    for d in range(5):
        utc[d * 24 + 1 : d * 24 + 9] = 100
    utc[5 * 24 + 3] = 5  # a little weekend noise
    scores = pc.offset_scores(utc, WorkingHours(start=9, end=17))
    assert pc.best_offset(scores) == 8
    assert scores.loc[scores.offset == 8, "share_in_working_hours"].item() == pytest.approx(
        4000 / 4005
    )
