"""Findings 4-10 on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd
import pytest

from takedown.findings import account_creation as ac
from takedown.findings import volume

TWEET_DEFAULTS: dict[str, Any] = {
    "tweet_text": "",
    "is_retweet": False,
    "retweet_userid": None,
    "like_count": 0,
    "retweet_count": 0,
    "reply_count": 0,
    "quote_count": 0,
    "tweet_language": "zh",
    "tweet_client_name": "Twitter Web App",
    "hashtags": [],
    "urls": [],
    "user_mentions": [],
}


def make_con(
    users: list[dict[str, Any]], tweets: list[dict[str, Any]]
) -> duckdb.DuckDBPyConnection:
    """In-memory `users` and `tweets` tables typed as ingest writes them (UTC TIMESTAMPTZ, lists).

    Times are given as 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM' strings in UTC.
    """
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    u = pd.DataFrame(
        [
            {"follower_count": 0, "account_language": "zh-cn", **r}
            for r in (users or [{"userid": "_", "account_creation_date": "2000-01-01"}])
        ]
    )
    con.register("u_df", u)
    con.execute(
        """CREATE TABLE users AS SELECT CAST(userid AS VARCHAR) AS userid,
                  CAST(account_creation_date AS TIMESTAMP) AT TIME ZONE 'UTC' AS account_creation_date,
                  CAST(follower_count AS BIGINT) AS follower_count,
                  CAST(account_language AS VARCHAR) AS account_language FROM u_df"""
    )
    if not users:
        con.execute("DELETE FROM users")
    rows = [{**TWEET_DEFAULTS, "tweetid": str(i), **r} for i, r in enumerate(tweets, start=1)] or [
        {**TWEET_DEFAULTS, "tweetid": "0", "userid": "_", "tweet_time": "2000-01-01"}
    ]
    t = pd.DataFrame(rows)
    for col in ("hashtags", "urls", "user_mentions"):
        t[col] = t[col].map(lambda xs: "\x1f".join(xs))
    con.register("t_df", t)
    con.execute(
        """CREATE TABLE tweets AS SELECT
                  CAST(tweetid AS VARCHAR) AS tweetid, CAST(userid AS VARCHAR) AS userid,
                  CAST(tweet_time AS TIMESTAMP) AT TIME ZONE 'UTC' AS tweet_time,
                  CAST(tweet_text AS VARCHAR) AS tweet_text, CAST(is_retweet AS BOOLEAN) AS is_retweet,
                  CAST(retweet_userid AS VARCHAR) AS retweet_userid,
                  CAST(like_count AS BIGINT) AS like_count, CAST(retweet_count AS BIGINT) AS retweet_count,
                  CAST(reply_count AS BIGINT) AS reply_count, CAST(quote_count AS BIGINT) AS quote_count,
                  CAST(tweet_language AS VARCHAR) AS tweet_language,
                  CAST(tweet_client_name AS VARCHAR) AS tweet_client_name,
                  CASE WHEN hashtags = '' THEN [] ELSE string_split(hashtags, chr(31)) END AS hashtags,
                  CASE WHEN urls = '' THEN [] ELSE string_split(urls, chr(31)) END AS urls,
                  CASE WHEN user_mentions = '' THEN [] ELSE string_split(user_mentions, chr(31)) END
                      AS user_mentions
           FROM t_df"""
    )
    if not tweets:
        con.execute("DELETE FROM tweets")
    return con


def day(s: str, n: int = 0) -> str:
    return (date.fromisoformat(s) + timedelta(days=n)).isoformat()


# --- account creation -------------------------------------------------------------------------


def test_weekly_counts_iso_weeks_with_empty_weeks():
    con = make_con(
        [
            {"userid": "a", "account_creation_date": "2019-01-07"},  # Monday
            {"userid": "b", "account_creation_date": "2019-01-13"},  # Sunday, same week
            {"userid": "c", "account_creation_date": "2019-01-21"},
        ],
        [],
    )
    w = ac.weekly(con)
    assert [d.isoformat() for d in pd.to_datetime(w["week"]).dt.date] == [
        "2019-01-07",
        "2019-01-14",
        "2019-01-21",
    ]
    assert w["accounts"].tolist() == [2, 0, 1]


def _users_from_weeks(counts: list[int], first_monday: str = "2018-01-01", weekday: int = 1):
    users = []
    for w, k in enumerate(counts):
        for j in range(k):
            # spread inside the week from Tuesday (weekday=1) so wave dates are real dates
            users.append(
                {
                    "userid": f"u{w}_{j}",
                    "account_creation_date": day(first_monday, 7 * w + weekday + j % 3),
                }
            )
    return users


def test_waves_merge_adjacent_weeks_and_report_real_dates():
    # 20 quiet weeks of one account, a two-week wave (15 + 15), a lone week of 10, a week of 9.
    counts = [1] * 20
    counts[8], counts[9] = 15, 15
    counts[14] = 10
    counts[17] = 9
    con = make_con(_users_from_weeks(counts), [])
    waves = ac.waves(con, ac.weekly(con))
    # nonzero weeks: median 1, MAD 0 -> floor of 1 -> threshold 1 + 8 = 9 (strictly above)
    assert waves["threshold"].iloc[0] == pytest.approx(9.0)
    assert waves["accounts"].tolist() == [30, 10]
    # week 8 starts Monday 2018-02-26; first account Tuesday, last Thursday of week 9
    assert waves["start"].tolist() == ["2018-02-27", "2018-04-10"]
    assert waves["end"].tolist() == ["2018-03-08", "2018-04-12"]
    assert waves["wave"].tolist() == [1, 2]


def test_waves_need_a_minimum_share_of_accounts():
    # Median week 1 -> MAD threshold 9, but 0.5% of 3,052 accounts = 15.26 is the binding floor:
    # the week of 12 is not a wave, the weeks of 100 are.
    counts = [1] * 40 + [100] * 30 + [12]
    weeks = pd.DataFrame(
        {
            "week": [date(2018, 1, 1) + timedelta(weeks=i) for i in range(len(counts))],
            "accounts": counts,
        }
    )
    con = make_con(_users_from_weeks(counts), [])
    waves = ac.waves(con, weeks)
    assert waves["threshold"].iloc[0] == pytest.approx(0.005 * sum(counts))
    assert waves["accounts"].tolist() == [3000]


def test_waves_empty():
    weeks = pd.DataFrame({"week": [date(2018, 1, 1)], "accounts": [0]})
    assert ac.waves(make_con([], []), weeks).empty


def test_lags_and_dormant_accounts():
    users = [
        {"userid": "a", "account_creation_date": "2019-09-02"},
        {"userid": "b", "account_creation_date": "2019-10-10"},
        {"userid": "c", "account_creation_date": "2019-06-01"},
        {"userid": "d", "account_creation_date": "2019-06-01"},
        {"userid": "e", "account_creation_date": "2019-06-01"},  # never tweets
    ]
    tweets = [
        {"userid": "a", "tweet_time": "2020-01-25 03:00"},
        {"userid": "a", "tweet_time": "2020-02-01 03:00"},
        {"userid": "b", "tweet_time": "2019-10-20 23:59"},
        {"userid": "c", "tweet_time": day("2019-06-01", 90) + " 00:00"},
        {"userid": "d", "tweet_time": day("2019-06-01", 89) + " 23:59"},
    ]
    con = make_con(users, tweets)
    lag = ac.lags(con).set_index("userid")
    assert sorted(lag.index) == ["a", "b", "c", "d"]
    assert lag.loc["a", "lag_days"] == (date(2020, 1, 25) - date(2019, 9, 2)).days == 145
    assert lag.loc["b", "lag_days"] == 10
    assert (lag.loc["c", "lag_days"], lag.loc["d", "lag_days"]) == (90, 89)
    dormant = ac.dormant(lag.reset_index())
    assert sorted(dormant["userid"]) == ["a", "c"]  # 90 days or more


def test_wave_membership_counts_dormant_accounts_per_wave():
    dormant = pd.DataFrame(
        {
            "userid": ["a", "b", "c", "d"],
            "created": [date(2019, 9, 3), date(2019, 9, 15), date(2019, 9, 4), date(2019, 12, 1)],
            "first_tweet": [
                date(2020, 1, 30),
                date(2020, 1, 22),
                date(2020, 1, 25),
                date(2020, 3, 1),
            ],
        }
    )
    waves = pd.DataFrame(
        {
            "wave": [1, 2],
            "start": ["2019-09-02", "2019-10-14"],
            "end": ["2019-09-15", "2019-10-20"],
            "accounts": [50, 60],
        }
    )
    m = ac.wave_membership(dormant, waves)
    assert m["dormant"].tolist() == [3, 0]  # end date inclusive
    assert m["accounts"].tolist() == [50, 60]
    assert m["dormant_first_tweet"].iloc[0] == "2020-01-25"  # median of three
    assert pd.isna(m["dormant_first_tweet"].iloc[1])


def test_created_quantile():
    users = [{"userid": str(i), "account_creation_date": day("2019-01-01", i)} for i in range(5)]
    con = make_con(users, [])
    assert ac.created_quantile(con, 0.5) == "2019-01-03"
    assert ac.created_quantile(make_con([], []), 0.5) is None


# --- volume -----------------------------------------------------------------------------------


def test_daily_volume_fills_zero_days_and_counts_accounts():
    tweets = [
        {"userid": "a", "tweet_time": "2020-01-01 01:00"},
        {"userid": "a", "tweet_time": "2020-01-01 23:59"},
        {"userid": "b", "tweet_time": "2020-01-03 00:00"},
    ]
    d = volume.daily(make_con([], tweets))
    assert d["tweets"].tolist() == [2, 0, 1]
    assert d["accounts"].tolist() == [1, 0, 1]


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


def test_no_waves_is_an_empty_table_with_columns():
    import duckdb
    import pandas as pd

    from takedown.findings import account_creation as ac

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE users AS SELECT 'u' || i AS userid, "
        "TIMESTAMPTZ '2019-09-01 00:00:00+00' + to_days(i) AS account_creation_date FROM range(10) t(i)"
    )
    w = ac.waves(con, ac.weekly(con))
    assert list(w.columns) == ["wave", "start", "end", "accounts", "threshold"]
    assert w.empty
    assert w.sort_values(["accounts", "wave"]).empty
    assert isinstance(w, pd.DataFrame)
