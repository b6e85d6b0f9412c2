"""Overview on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import duckdb
import pytest

from takedown.db import measure_coverage
from takedown.findings import overview
from takedown.profile import Profile

PROFILE = Profile(name="t", title="t")
USERS = """('a', 'A', 'Alpha', '<b>x</b>', 0), ('b', 'B', 'Beta', '', 0), ('c', 'C', 'Gamma', 'd', 7),
           ('d', 'D', 'Delta', 'd', 9), ('e', 'E', 'Eps', 'd', 1500)"""
TWEETS = """('1', 'a', TIMESTAMPTZ '2020-01-06 01:00:00+00', false),
            ('2', 'a', TIMESTAMPTZ '2020-01-06 08:59:00+00', false),
            ('3', 'a', TIMESTAMPTZ '2020-01-06 09:00:00+00', true),
            ('4', 'b', TIMESTAMPTZ '2020-01-04 02:00:00+00', false),
            ('5', 'c', TIMESTAMPTZ '2020-01-05 23:30:00+00', false),
            ('6', 'c', TIMESTAMPTZ '2020-02-01 03:00:00+00', false)"""
USER_COLS = "userid, user_screen_name, user_display_name, user_profile_description, follower_count"


def make(users: str | None = USERS, tweets: str | None = TWEETS, absent=()):
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    u = f"SELECT * FROM (VALUES {users}) AS t({USER_COLS})" if users else (
        f"SELECT * FROM (VALUES {USERS}) AS t({USER_COLS}) LIMIT 0")  # fmt: skip
    t = f"SELECT * FROM (VALUES {tweets}) AS t(tweetid, userid, tweet_time, is_retweet)" if tweets else (
        f"SELECT * FROM (VALUES {TWEETS}) AS t(tweetid, userid, tweet_time, is_retweet) LIMIT 0")  # fmt: skip
    con.execute(f"CREATE TABLE users AS {u}")
    con.execute(f"CREATE TABLE tweets AS {t}")
    for table, col in absent:
        con.execute(f"ALTER TABLE {table} ALTER {col} SET DEFAULT NULL")
        con.execute(f"UPDATE {table} SET {col} = NULL")
    present = {
        "users": [c.strip() for c in USER_COLS.split(",") if ("users", c.strip()) not in absent],
        "tweets": [
            c
            for c in ("tweetid", "userid", "tweet_time", "is_retweet")
            if ("tweets", c) not in absent
        ],
    }
    return con, measure_coverage(con, present)


def values(con, cov, **kw):
    return {f.name: f for f in overview.summarize(con, PROFILE, cov, **kw)}


def test_counts_span_and_retweets():
    f = values(*make(), rejected=3, rejected_users=1)
    assert all(x.available for x in f.values())
    got = {k: f[k].value for k in ("accounts", "tweets", "active_accounts", "first_tweet",
                                   "last_tweet", "span_days", "rejected_rows")}  # fmt: skip
    assert got == {"accounts": 5, "tweets": 6, "active_accounts": 3, "first_tweet": "2020-01-04",
                   "last_tweet": "2020-02-01", "span_days": 29, "rejected_rows": 3}  # fmt: skip
    assert f["retweet_share"].value == pytest.approx(1 / 6) and f["retweet_share"].n == 6
    assert f["tweets_per_account_median"].value == 2 and f["tweets_per_account_max"].value == 3
    assert f["tweets_per_account_mean"].value == pytest.approx(2.0)


def test_is_retweet_absent_is_unavailable_not_zero():
    f = values(*make(absent=[("tweets", "is_retweet")]), rejected=0)
    assert not f["retweet_share"].available
    assert f["retweet_share"].reason == "is_retweet is not in this dataset's tweets file"
    assert f["rejected_rows"].value == 0  # a real zero: ingest counted none
    assert f["tweets"].value == 6


def test_empty_users_file_keeps_tweet_counts():
    f = values(*make(users=None))
    assert f["accounts"].reason == "this dataset's users file has no rows"
    assert f["tweets"].value == 6 and f["active_accounts"].value == 3
    assert not f["rejected_rows"].available


def test_empty_tweets_file():
    f = values(*make(tweets=None), rejected=0)
    assert f["accounts"].value == 5
    for k in ("tweets", "first_tweet", "span_days", "tweets_per_account_median", "retweet_share"):
        assert f[k].reason == "this dataset's tweets file has no rows", k


def test_monthly_fills_months():
    con, _ = make()
    assert overview.monthly(con)["tweets"].tolist() == [5, 1]


def test_top_accounts_order_and_columns():
    con, cov = make()
    t = overview.top_accounts(con, 2)
    assert t["screen_name"].tolist() == ["A", "C"]
    assert t["description"].iloc[0] == "<b>x</b>"
    assert list(overview.top_columns(cov)) == ["screen_name", "display_name", "description",
                                               "followers", "tweets"]  # fmt: skip
    con, cov = make(absent=[("users", "follower_count"), ("users", "user_profile_description")])
    assert list(overview.top_columns(cov)) == ["screen_name", "display_name", "tweets"]


def test_top_accounts_without_users_rows_still_lists_posters():
    con, cov = make(users=None)
    t = overview.top_accounts(con, 5)
    assert t["tweets"].tolist() == [3, 2, 1]
    assert t["screen_name"].isna().all()
    assert list(overview.top_columns(cov)) == ["tweets"]


def test_accounts_listed_with_tweets_without_tweets_unlisted_and_rejected_are_kept_apart():
    # users a..e are listed; a, b, c tweet; d, e never do; z tweets but is not listed.
    z = "('7', 'z', TIMESTAMPTZ '2020-01-07 00:00:00+00', false)"
    f = values(*make(tweets=TWEETS + ", " + z), rejected=4, rejected_users=2)
    got = {k: f[k].value for k in ("accounts", "active_accounts", "accounts_without_tweets",
                                   "posting_accounts_unlisted", "rejected_account_rows",
                                   "rejected_rows")}  # fmt: skip
    assert got == {"accounts": 5, "active_accounts": 4, "accounts_without_tweets": 2,
                   "posting_accounts_unlisted": 1, "rejected_account_rows": 2,
                   "rejected_rows": 4}  # fmt: skip
    assert f["accounts"].label == "Accounts in the users table"
    assert f["active_accounts"].label == "Accounts with at least one tweet"


def test_every_listed_account_tweeting_is_a_real_zero_without_tweets():
    f = values(*make(users="('a', 'A', 'Alpha', 'd', 0), ('b', 'B', 'Beta', 'd', 0), "
                     "('c', 'C', 'Gamma', 'd', 0)"), rejected_users=0)  # fmt: skip
    assert f["accounts_without_tweets"].value == 0 and f["posting_accounts_unlisted"].value == 0
    assert f["rejected_account_rows"].value == 0


def test_account_overlap_is_unavailable_when_either_table_is_empty():
    f = values(*make(users=None))
    assert f["accounts_without_tweets"].reason == "this dataset's users file has no rows"
    f = values(*make(tweets=None))
    assert f["posting_accounts_unlisted"].reason == "this dataset's tweets file has no rows"
    assert f["accounts"].value == 5
    assert not f["rejected_account_rows"].available  # no ingest record: not a zero
