"""Volume on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from takedown.db import measure_coverage
from takedown.findings import volume
from takedown.profile import Profile

PROFILE = Profile(name="t", title="t")
TOPICS = Profile(name="t", title="t", topics={"x": {"label": "X", "keywords": ["alpha"]}})


def make(rows: list[tuple[str, str, str]], absent: tuple[str, ...] = ()):
    """tweets(userid, tweet_time 'YYYY-MM-DD HH:MM' UTC, tweet_text)."""
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.register("t_df", pd.DataFrame(rows or [("_", "2000-01-01 00:00", "")],
                                      columns=["userid", "tweet_time", "tweet_text"]))  # fmt: skip
    text = "CAST(NULL AS VARCHAR)" if "tweet_text" in absent else "tweet_text"
    con.execute(
        f"""CREATE TABLE tweets AS SELECT row_number() OVER () AS tweetid, userid,
                   CAST(tweet_time AS TIMESTAMP) AT TIME ZONE 'UTC' AS tweet_time, {text} AS tweet_text
            FROM t_df"""
    )
    if not rows:
        con.execute("DELETE FROM tweets")
    con.execute("CREATE TABLE users AS SELECT 'a' AS userid")
    cols = [c for c in ("tweetid", "userid", "tweet_time", "tweet_text") if c not in absent]
    return con, measure_coverage(con, {"users": ["userid"], "tweets": cols})


THREE = [("a", "2020-01-01 01:00", "alpha"), ("a", "2020-01-01 23:59", "b"),
         ("b", "2020-01-03 00:00", "c")]  # fmt: skip


def by_name(con, cov, profile=PROFILE):
    return {f.name: f for f in volume.summarize(con, profile, cov)}


def test_daily_volume_fills_zero_days_and_counts_accounts():
    con, _ = make(THREE)
    d = volume.daily(con)
    assert d["tweets"].tolist() == [2, 0, 1]
    assert d["accounts"].tolist() == [1, 0, 1]


def test_summary_of_three_days():
    f = by_name(*make(THREE), profile=TOPICS)
    assert (f["days"].value, f["active_days"].value, f["median_daily_tweets"].value) == (3, 2, 1.0)
    assert (f["peak_day"].value, f["peak_day_tweets"].value, f["peak_day_accounts"].value) == (
        "2020-01-01", 2, 1)  # fmt: skip
    assert f["max_daily_accounts"].value == 1
    assert (
        f["spike_count"].reason == "the tweets span 3 days, fewer than the 7 a local baseline needs"
    )
    assert f["topics_available"].value == 1
    assert f["top_spike_day"].reason == f["spike_count"].reason


@pytest.mark.slow
def test_no_spike_is_a_measured_zero_and_no_top_spike():
    rows = [("a", f"2020-01-{d:02d} 12:00", "x") for d in range(1, 31) for _ in range(10)]
    f = by_name(*make(rows))
    assert f["spike_count"].value == 0
    assert f["top_spike_day"].reason == "no day stood out from its local level"


def test_spike_count_over_a_month():
    rows = [("a", f"2020-01-{d:02d} 12:00", "x") for d in range(1, 31) for _ in range(10)]
    rows += [("b", "2020-01-15 13:00", "x")] * 90  # day 15: 100 tweets against a median of 10
    f = by_name(*make(rows))
    assert f["spike_count"].value == 1 and f["spike_count"].n == 30
    assert (f["top_spike_day"].value, f["top_spike_ratio"].value) == ("2020-01-15", 10.0)
    assert f["peak_day"].value == "2020-01-15" and f["peak_day_accounts"].value == 2


@pytest.mark.slow
def test_topics_need_lexicons_and_text():
    f = by_name(*make(THREE))
    assert f["topics_available"].reason == "the profile defines no topic keywords"
    f = by_name(*make(THREE, absent=("tweet_text",)), profile=TOPICS)
    assert f["topics_available"].reason == "tweet_text is not in this dataset's tweets file"
    assert f["days"].value == 3


def test_empty_tweets_file_is_unavailable():
    f = by_name(*make([]), profile=TOPICS)
    assert {x.reason for x in f.values()} == {"this dataset's tweets file has no rows"}


def test_daily_counts_accounts_once_per_day_and_is_read_once():
    rows = [*THREE, ("a", "2020-01-01 05:00", "x"), (None, "2020-01-03 05:00", "x")]
    con, _ = make(rows)
    d = volume.daily(con)
    assert d["tweets"].tolist() == [3, 0, 2]  # a tweet without an account still counts
    assert d["accounts"].tolist() == [1, 0, 1]  # 'a' twice on day 1; no account is none
    # the per-day counts are kept: the figure's call does not scan the tweets again
    con.execute("DELETE FROM tweets")
    assert volume.daily(con).equals(d)


def test_spikes_need_six_mads_and_twice_the_median():
    days = pd.DataFrame({"day": pd.date_range("2020-01-01", periods=60).date})
    days["tweets"] = [9, 10, 11] * 20  # median 10, scaled MAD 1.48: limit 18.9
    days.loc[30, "tweets"] = 100  # spike: ratio 10
    days.loc[45, "tweets"] = 18  # under the limit
    s = volume.spikes(days)
    assert s["day"].tolist() == [date(2020, 1, 31)]
    assert s["baseline"].tolist() == [10.0] and s["ratio"].tolist() == [10.0]

    flat = pd.DataFrame({"day": pd.date_range("2020-01-01", periods=60).date, "tweets": 10})
    flat.loc[20, "tweets"] = 19  # above 10 + 6 x 1 (MAD floor), but not twice the median
    flat.loc[40, "tweets"] = 20  # twice the median: a spike
    assert volume.spikes(flat)["day"].tolist() == [date(2020, 2, 10)]


def _series(counts: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"day": pd.date_range("2020-01-01", periods=len(counts)).date,
                         "tweets": counts})  # fmt: skip


@pytest.mark.slow
def test_spikes_rank_by_excess_and_floor_the_baseline():
    """Planted truth in the counter-example's shape: a quiet start where one day has 14 tweets
    over a baseline of 0, and later a busy level of 300 a day with one day of 1,430."""
    counts = [0] * 60 + [300] * 60
    counts[20] = 14
    counts[90] = 1430
    s = volume.spikes(_series(counts))
    assert s["day"].tolist() == [date(2020, 3, 31), date(2020, 1, 21)]
    assert s["baseline"].tolist() == [300, 5]  # the quiet day's baseline is floored at 5
    assert s["excess"].tolist() == [1130, 9] and s["ratio"].tolist() == [4.77, 2.8]
    f = by_name(*make([("a", f"{d} 12:00", "x") for d, k in zip(_series(counts)["day"], counts,
                                                             strict=True) for _ in range(k)]))  # fmt: skip
    assert (f["top_spike_day"].value, f["top_spike_tweets"].value) == ("2020-03-31", 1430)
    assert (f["top_spike_baseline"].value, f["top_spike_excess"].value) == (300, 1130)
    assert f["top_spike_ratio"].value == 4.77 and f["spike_count"].value == 2


def test_a_handful_of_tweets_over_nothing_is_no_spike():
    """Under the floor, 9 tweets over a baseline of 0 are not twice the (floored) baseline."""
    counts = [0] * 60
    counts[30] = 9
    assert volume.spikes(_series(counts)).empty


def test_noise_makes_no_spike():
    """Poisson days at any level, quiet to busy, give no spike."""
    rng = np.random.default_rng(16)
    for level in (0.3, 2, 5, 50, 500, 5000):
        s = volume.spikes(_series(rng.poisson(level, 730).tolist()))
        assert s.empty, (level, s)


@pytest.mark.slow
def test_the_ira_busiest_day_leads_the_spikes(ira):
    """Regression (issue 16): ranked by ratio, 14 tweets over a baseline of 0 ranked "14.0" and
    the busiest day, 2016-10-06 with 1,430 tweets, was not among the 20 listed."""
    s = volume.spikes(volume.daily(ira))
    top = s.iloc[0]
    assert (pd.Timestamp(top["day"]).date().isoformat(), int(top["tweets"])) == ("2016-10-06", 1430)
    assert (s.head(20)["tweets"] >= 50).all()  # no quiet day among the listed spikes
    assert (s["excess"].diff().dropna() <= 0).all()


def test_an_even_number_of_days_gives_a_median_that_says_so():
    """Four days of 2, 0, 1 and 5 tweets: the median is halfway between 1 and 2, and says so."""
    rows = [*THREE, *[("c", "2020-01-04 10:00", "x")] * 5]
    f = by_name(*make(rows))
    assert f["median_daily_tweets"].value == 1.5
    assert f["median_daily_between"].value == "1 and 2"
    assert "even number (4)" in f["median_daily_tweets"].method
    assert by_name(*make(THREE))["median_daily_between"].reason == "the median is one day's count"


def test_the_spike_rule_publishes_the_parameters_it_uses():
    """The text quotes the rule's numbers through these findings, never typed into the prose."""
    rows = [("a", f"2020-01-{d:02d} 12:00", "x") for d in range(1, 31)]
    f = by_name(*make(rows))
    got = {k: f[k].value for k in ("spike_window_days", "spike_mads", "spike_min_ratio",
                                   "spike_baseline_floor")}  # fmt: skip
    assert got == {"spike_window_days": volume.SPIKE_WINDOW, "spike_mads": volume.SPIKE_MADS,
                   "spike_min_ratio": volume.SPIKE_MIN_RATIO,
                   "spike_baseline_floor": volume.BASELINE_FLOOR}  # fmt: skip
    short = by_name(*make(THREE))
    assert (
        short["spike_mads"].reason == short["spike_count"].reason
    )  # too few days: no rule applied
