"""Account creation on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd
import pytest

from takedown.db import measure_coverage
from takedown.findings import account_creation as ac
from takedown.profile import Profile

PROFILE = Profile(name="t", title="t")


def make_con(users: list[dict[str, Any]], tweets: list[dict[str, Any]], absent=()):
    """users(userid, account_creation_date) and tweets(tweetid, userid, tweet_time), typed as
    ingest writes them (UTC TIMESTAMPTZ); `absent` users columns are NULL and not in the file.
    Times are 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM' strings in UTC."""
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.register(
        "u_df", pd.DataFrame(users or [{"userid": "_", "account_creation_date": "2000-01-01"}])
    )
    created = "NULL" if "account_creation_date" in absent else "account_creation_date"
    con.execute(
        f"""CREATE TABLE users AS SELECT CAST(userid AS VARCHAR) AS userid,
                  CAST({created} AS TIMESTAMP) AT TIME ZONE 'UTC' AS account_creation_date FROM u_df"""
    )
    if not users:
        con.execute("DELETE FROM users")
    rows = [{"tweetid": str(i), **r} for i, r in enumerate(tweets, 1)] or [
        {"tweetid": "0", "userid": "_", "tweet_time": "2000-01-01"}
    ]
    con.register("t_df", pd.DataFrame(rows))
    con.execute(
        """CREATE TABLE tweets AS SELECT CAST(tweetid AS VARCHAR) AS tweetid,
                  CAST(userid AS VARCHAR) AS userid,
                  CAST(tweet_time AS TIMESTAMP) AT TIME ZONE 'UTC' AS tweet_time FROM t_df"""
    )
    if not tweets:
        con.execute("DELETE FROM tweets")
    present = {
        "users": [c for c in ("userid", "account_creation_date") if c not in absent],
        "tweets": ["tweetid", "userid", "tweet_time"],
    }
    return con, measure_coverage(con, present)


def day(s: str, n: int = 0) -> str:
    return (date.fromisoformat(s) + timedelta(days=n)).isoformat()


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


def by_name(con, cov):
    return {f.name: f for f in ac.summarize(con, PROFILE, cov)}


# --- summarize --------------------------------------------------------------------------------


def planted():
    """20 quiet weeks of one account, a two-week wave (15 + 15) and a lone wave of 10.

    Dormant (first tweet 90+ days after creation): two accounts of the first wave, one quiet one.
    """
    counts = [1] * 20
    counts[8], counts[9] = 15, 15
    counts[14] = 10
    users = _users_from_weeks(counts)
    late = {"u8_0", "u8_1", "u0_0"}
    tweets = [
        {"userid": u["userid"],
         "tweet_time": day(u["account_creation_date"], 120 if u["userid"] in late else 5) + " 10:00"}
        for u in users
    ]  # fmt: skip
    return make_con(users, tweets)


def test_summary_of_planted_waves_and_dormancy():
    f = by_name(*planted())
    assert all(x.available for x in f.values()), [x.id for x in f.values() if not x.available]
    assert f["waves"].value == 2 and f["waves"].n == 57
    assert (f["accounts_in_waves"].value, f["accounts_in_waves_share"].value) == (
        40,
        pytest.approx(40 / 57),
    )
    assert (f["wave1_start"].value, f["wave1_end"].value, f["wave1_accounts"].value) == (
        "2018-02-27", "2018-03-08", 30)  # fmt: skip
    assert f["wave2_accounts"].value == 10 and "wave3_start" not in f
    assert (f["largest_wave_start"].value, f["largest_wave_accounts"].value) == ("2018-02-27", 30)
    assert (f["first_created"].value, f["last_created"].value) == (
        "2018-01-02",
        "2018-05-15",
    )  # Tuesdays of weeks 0 and 19
    assert f["median_lag_days"].value == 5 and f["median_lag_days"].n == 57
    assert (f["dormant_count"].value, f["dormant_in_waves"].value) == (3, 2)
    assert f["dormant_share"].value == pytest.approx(3 / 57)
    assert (f["dormant_wave_start"].value, f["dormant_wave_dormant"].value) == ("2018-02-27", 2)
    assert f["dormant_wave_dormant"].n == 30
    # u8_0 and u8_1 were created on 2018-02-27 and 2018-02-28: first tweets 120 days on
    assert f["dormant_wave_first_tweet"].value == "2018-06-27"


def test_creation_date_absent_is_unavailable_with_reason():
    con, cov = make_con([{"userid": "a", "account_creation_date": "2019-01-01"}],
                        [{"userid": "a", "tweet_time": "2019-05-01"}], absent=("account_creation_date",))  # fmt: skip
    f = ac.summarize(con, PROFILE, cov)
    assert f and not any(x.available for x in f)
    assert {x.reason for x in f} == {"account_creation_date is not in this dataset's users file"}


def test_creation_date_empty_in_every_row():
    con, _ = make_con([{"userid": "a", "account_creation_date": None}], [])
    cov = measure_coverage(
        con, {"users": ["userid", "account_creation_date"], "tweets": ["tweet_time"]}
    )
    reasons = {x.reason for x in ac.summarize(con, PROFILE, cov)}
    assert reasons == {"account_creation_date is empty in every row of this dataset's users file"}


def test_empty_users_file():
    con, cov = make_con([], [{"userid": "a", "tweet_time": "2019-05-01"}])
    assert {x.reason for x in ac.summarize(con, PROFILE, cov)} == {
        "this dataset's users file has no rows"
    }


def test_no_tweets_leaves_creation_findings_and_drops_dormancy():
    con, cov = make_con(_users_from_weeks([1] * 10), [])
    f = by_name(con, cov)
    assert f["waves"].value == 0 and f["accounts_in_waves_share"].value == 0.0  # measured zeros
    assert f["largest_wave_accounts"].reason == "no week stood out as a creation wave"
    assert f["median_lag_days"].reason == "this dataset's tweets file has no rows"
    assert f["dormant_days"].reason == "this dataset's tweets file has no rows"


def test_no_dormant_account_in_a_wave():
    con, cov = make_con(
        _users_from_weeks([1] * 10), [{"userid": "u0_0", "tweet_time": "2018-01-03"}]
    )
    f = by_name(con, cov)
    assert f["dormant_count"].value == 0 and f["dormant_in_waves"].value == 0
    assert f["dormant_wave_start"].reason == "no creation wave holds a dormant account"


def test_figure_weeks_window_and_note():
    counts = [1] * 40
    counts[30] = 50
    con, _ = make_con(_users_from_weeks(counts), [])
    weeks = ac.weekly(con)
    shown, note = ac.figure_weeks(con, weeks, ac.waves(con, weeks))
    # the wave starts Tuesday 2018-07-31; 16 weeks earlier is Tuesday 2018-04-10, so the first
    # whole week drawn is week 15 (Monday 2018-04-16): weeks 15-39 drawn, weeks 0-14 noted
    assert len(shown) == 25 and pd.Timestamp(shown["week"].min()) == pd.Timestamp("2018-04-16")
    assert note == "not shown: 15 accounts created 2018-01-02 to 2018-04-15"


def test_figure_note_starts_on_the_first_creation_date_the_text_gives():
    """Regression (issue 16): the note said "created 2008-12" (the Monday of the first week)
    while the text said from 2009-01-01."""
    counts = [1] * 40
    counts[30] = 50
    con, cov = make_con(_users_from_weeks(counts, first_monday="2008-12-29", weekday=3), [])
    weeks = ac.weekly(con)
    _, note = ac.figure_weeks(con, weeks, ac.waves(con, weeks))
    first = by_name(con, cov)["first_created"].value
    assert first == "2009-01-01"
    assert note is not None and note.startswith(f"not shown: 15 accounts created {first} to ")


# --- building blocks --------------------------------------------------------------------------


def test_weekly_counts_iso_weeks_with_empty_weeks():
    con, _ = make_con(
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


def test_waves_merge_adjacent_weeks_and_report_real_dates():
    # 20 quiet weeks of one account, a two-week wave (15 + 15), a lone week of 10, a week of 9.
    counts = [1] * 20
    counts[8], counts[9] = 15, 15
    counts[14] = 10
    counts[17] = 9
    con, _ = make_con(_users_from_weeks(counts), [])
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
    con, _ = make_con(_users_from_weeks(counts), [])
    waves = ac.waves(con, weeks)
    assert waves["threshold"].iloc[0] == pytest.approx(0.005 * sum(counts))
    assert waves["accounts"].tolist() == [3000]


def test_waves_empty():
    weeks = pd.DataFrame({"week": [date(2018, 1, 1)], "accounts": [0]})
    assert ac.waves(make_con([], [])[0], weeks).empty


def test_no_waves_is_an_empty_table_with_columns():
    con, _ = make_con(_users_from_weeks([1] * 10), [])
    w = ac.waves(con, ac.weekly(con))
    assert list(w.columns) == ["wave", "start", "end", "accounts", "threshold"]
    assert w.empty and w.sort_values(["accounts", "wave"]).empty


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
    con, _ = make_con(users, tweets)
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
        }  # fmt: skip
    )
    m = ac.wave_membership(dormant, waves)
    assert m["dormant"].tolist() == [3, 0]  # end date inclusive
    assert m["accounts"].tolist() == [50, 60]
    assert m["dormant_first_tweet"].iloc[0] == "2020-01-25"  # median of three
    assert pd.isna(m["dormant_first_tweet"].iloc[1])


def test_created_quantile():
    users = [{"userid": str(i), "account_creation_date": day("2019-01-01", i)} for i in range(5)]
    con, _ = make_con(users, [])
    assert ac.created_quantile(con, 0.5) == "2019-01-03"
    assert ac.created_quantile(make_con([], [])[0], 0.5) is None


@pytest.mark.slow
def test_lags_come_in_userid_order_whatever_the_join_does():
    """The figure's CSV is the same file on every render of the same data. Without the ORDER BY
    the join gave three row orders in five runs at this size."""
    con = duckdb.connect(config={"threads": 2})
    n = 200_000
    con.execute(
        f"""CREATE TABLE users AS SELECT 'u' || i AS userid,
                   TIMESTAMP '2019-01-01' + INTERVAL (i % 300) DAY AS account_creation_date
            FROM range({n}) t(i)"""
    )
    con.execute(
        f"""CREATE TABLE tweets AS SELECT 'u' || (i % {n}) AS userid,
                   TIMESTAMP '2020-01-01' + INTERVAL (i % 1000) MINUTE AS tweet_time
            FROM range({3 * n}) t(i)"""
    )
    runs = [ac.lags(con)["userid"] for _ in range(5)]
    assert all(r.is_monotonic_increasing for r in runs)
    assert len(runs[0]) == n
