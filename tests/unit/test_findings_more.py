"""Findings 6-10 on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from takedown.findings import content, coordination, engagement, language, topics
from takedown.profile import Profile

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


# --- language ---------------------------------------------------------------------------------


def test_script_classification_and_label_shares():
    tweets = [
        {
            "userid": "a",
            "tweet_time": "2020-01-01",
            "tweet_text": "这是我们的国家",
            "tweet_language": "zh",
        },
        {
            "userid": "a",
            "tweet_time": "2020-01-01",
            "tweet_text": "這是我們的國家",
            "tweet_language": "zh",
        },
        {"userid": "a", "tweet_time": "2020-01-01", "tweet_text": "这個", "tweet_language": "zh"},
        {
            "userid": "a",
            "tweet_time": "2020-01-01",
            "tweet_text": "人口 大",
            "tweet_language": "zh",
        },
        {"userid": "a", "tweet_time": "2020-01-01", "tweet_text": "hello", "tweet_language": "zh"},
        {
            "userid": "a",
            "tweet_time": "2020-01-01",
            "tweet_text": "国 and 国",
            "tweet_language": "zh",
        },
        {
            "userid": "a",
            "tweet_time": "2020-01-01",
            "tweet_text": "good day",
            "tweet_language": "en",
        },
        {"userid": "a", "tweet_time": "2020-01-01", "tweet_text": "📷", "tweet_language": ""},
    ]
    con = make_con([], tweets)
    con.execute("INSERT INTO tweets (tweetid, userid, tweet_time, tweet_language) "
                "VALUES ('99', 'a', TIMESTAMPTZ '2020-01-01 00:00+00', 'zh')")  # fmt: skip
    by = language.script_by_label(con)
    got = {(r.label, r.script): r.n for r in by.itertuples()}
    assert got == {
        ("zh", "simplified"): 2,
        ("zh", "traditional"): 1,
        ("zh", "mixed"): 1,
        ("zh", "either"): 1,
        ("zh", "none"): 2,  # 'hello' and a NULL text
        ("en", "none"): 1,
        ("none", "none"): 1,
    }
    c = language.script_counts(by, "zh")
    assert c["total"] == 7 and c["none"] == 2
    s = language.script_shares(by, "zh")  # among simplified, traditional, mixed: 2 / 1 / 1
    assert s == {"simplified": 0.5, "traditional": 0.25, "mixed": 0.25}
    assert language.script_shares(by, "ru") == {"simplified": 0.0, "traditional": 0.0, "mixed": 0.0}

    labels = language.label_shares(con, "tweet_language", "tweets")
    assert labels["language"].tolist() == ["zh", "en", "none"]
    assert labels["n"].tolist() == [7, 1, 1]
    assert labels["share"].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError):
        language.label_shares(con, "tweet_text", "tweets")


def test_account_language_shares():
    users = [
        {"userid": "a", "account_creation_date": "2019-01-01", "account_language": "zh-cn"},
        {"userid": "b", "account_creation_date": "2019-01-01", "account_language": "zh-cn"},
        {"userid": "c", "account_creation_date": "2019-01-01", "account_language": "en"},
        {"userid": "d", "account_creation_date": "2019-01-01", "account_language": "zh-tw"},
    ]
    s = language.label_shares(make_con(users, []), "account_language", "users")
    assert dict(zip(s["language"], s["share"], strict=True)) == {
        "zh-cn": 0.5,
        "en": 0.25,
        "zh-tw": 0.25,
    }


# --- topics -----------------------------------------------------------------------------------


def _profile(topics_: dict[str, list[str]]) -> Profile:
    return Profile.model_validate(
        {
            "name": "t",
            "title": "t",
            "topics": {k: {"label": k.upper(), "keywords": v} for k, v in topics_.items()},
        }
    )


def test_topic_assignment_first_match_case_insensitive_literal():
    prof = _profile({"hk": ["Hong Kong", "香港"], "code": ["c++", "a.b", "it's"]})
    texts = {
        "HONG KONG loves c++": "hk",  # both match: the first topic wins
        "using C++ daily": "code",  # case-insensitive
        "axb is not a.b? yes it is": "code",
        "axb only": "other",  # '.' is literal, not a wildcard
        "c and cc": "other",  # '+' is literal
        "IT'S here": "code",  # quotes are escaped in SQL
        "我爱香港": "hk",
        "nothing": "other",
    }
    tweets = [{"userid": "a", "tweet_time": "2020-01-01", "tweet_text": t} for t in texts]
    con = make_con([], tweets)
    topics.assign(con, prof)
    got = con.execute("SELECT topic FROM tweet_topics ORDER BY CAST(tweetid AS INT)").df()
    assert got["topic"].tolist() == list(texts.values())
    o = topics.overall(con).set_index("topic")
    assert o.loc["other", "tweets"] == 3 and o["share"].sum() == pytest.approx(1.0)


def test_matching_counts_either_lexicon_regardless_of_assignment():
    prof = _profile({"hk": ["hong kong"], "gw": ["guo"], "covid": ["covid"]})
    texts = ["hong kong", "guo and covid", "covid", "nothing", "HONG KONG covid"]
    con = make_con(
        [], [{"userid": "a", "tweet_time": "2020-01-01", "tweet_text": t} for t in texts]
    )
    # 'guo and covid' is assigned to gw (first match) but is still about covid
    assert topics.matching(con, prof, ["covid", "hk"]) == (4, 5)
    assert topics.matching(con, prof, ["gw"]) == (1, 5)


def test_topics_without_a_lexicon_are_all_other():
    con = make_con([], [{"userid": "a", "tweet_time": "2020-01-01", "tweet_text": "香港"}])
    topics.assign(con, _profile({}))
    assert topics.overall(con)["topic"].tolist() == ["other"]


def test_monthly_shares_sum_to_one_and_daily_fills_days():
    prof = _profile({"hk": ["hk"], "tw": ["tw"]})
    tweets = [
        {"userid": "a", "tweet_time": "2020-01-05", "tweet_text": "hk"},
        {"userid": "a", "tweet_time": "2020-01-06", "tweet_text": "hk"},
        {"userid": "a", "tweet_time": "2020-01-31 23:59", "tweet_text": "x"},
        {"userid": "a", "tweet_time": "2020-03-01", "tweet_text": "tw"},
    ]
    con = make_con([], tweets)
    topics.assign(con, prof)
    m = topics.monthly_shares(con, ["hk", "tw"])
    assert m.index.tolist() == ["2020-01", "2020-03"]
    assert list(m.columns) == ["hk", "tw", "other", "n"]
    assert m[["hk", "tw", "other"]].sum(axis=1).tolist() == pytest.approx([1.0, 1.0])
    assert m.loc["2020-01", "hk"] == pytest.approx(2 / 3) and m["n"].tolist() == [3, 1]
    d = topics.daily(con, ["hk", "tw"])
    assert len(d) == (date(2020, 3, 1) - date(2020, 1, 5)).days + 1
    assert d["hk"].sum() == 2 and d["tw"].sum() == 1 and d["other"].sum() == 1


def test_rises_dated_to_onset_and_peak_week():
    idx = pd.date_range("2020-01-01", periods=120).date
    x = np.zeros(120)
    x[30:] = 20  # takes off from nothing on day 30
    x[80:] = 100  # and again, five-fold, on day 80
    s = pd.Series(x, index=idx)
    assert topics.rises(s) == [idx[30].isoformat(), idx[80].isoformat()]
    assert topics.peak_week(s) == idx[80].isoformat()
    # a small bump far below the topic's peak is not a rise
    y = x.copy()
    y[10] = 3
    assert topics.rises(pd.Series(y, index=idx)) == [idx[30].isoformat(), idx[80].isoformat()]
    # a steady series never rises; an empty one has no peak
    assert topics.rises(pd.Series(np.full(60, 5.0), index=idx[:60])) == []
    assert topics.rises(pd.Series(np.zeros(60), index=idx[:60])) == []
    assert topics.peak_week(pd.Series(np.zeros(60), index=idx[:60])) is None


# --- engagement -------------------------------------------------------------------------------


@pytest.fixture
def eng_con():
    users = [
        {"userid": "z", "account_creation_date": "2019-01-01", "follower_count": 0},
        {"userid": "f", "account_creation_date": "2019-01-01", "follower_count": 100},
    ]
    t = "2020-01-01"
    tweets = [
        {"userid": "z", "tweet_time": t},  # no engagement
        {"userid": "z", "tweet_time": t, "like_count": 3, "tweet_client_name": "Android"},
        {"userid": "z", "tweet_time": t, "like_count": 60, "retweet_count": 12},
        {"userid": "z", "tweet_time": t, "like_count": 50, "retweet_count": 10},  # not over
        {"userid": "f", "tweet_time": t, "like_count": 70, "tweet_client_name": ""},
        {"userid": "f", "tweet_time": t, "is_retweet": True, "retweet_userid": "z"},  # inside
        {"userid": "f", "tweet_time": t, "is_retweet": True, "retweet_userid": "x"},  # outside
        {"userid": "z", "tweet_time": t, "is_retweet": True, "retweet_userid": "y"},  # outside
        {"userid": "z", "tweet_time": t, "is_retweet": True, "retweet_userid": None},  # unknown
    ]
    return make_con(users, tweets)


def test_engagement_summary_on_original_tweets(eng_con):
    s = engagement.summary(eng_con)
    assert (s["original_tweets"], s["zero_engagement"]) == (5, 1)
    assert (s["tweets"], s["zero_engagement_all"]) == (9, 5)
    assert (s["like_max"], s["retweet_max"]) == (70, 12)
    assert s["like_p99"] == pytest.approx(np.quantile([0, 3, 60, 50, 70], 0.99))


def test_zero_follower_engaged_and_retweet_sources(eng_con):
    assert engagement.zero_follower_engaged(eng_con) == {"over_50_likes": 1, "over_10_retweets": 1}
    assert engagement.retweet_sources(eng_con) == {
        "retweets": 4,
        "inside": 1,
        "outside": 2,
        "unknown": 1,
    }


def test_engagement_distribution_and_clients(eng_con):
    d = engagement.distribution(eng_con)
    likes = dict(zip(d[d.metric == "likes"]["bin"], d[d.metric == "likes"]["tweets"], strict=True))
    assert likes == {"0": 1, "1-10": 1, "11-50": 1, "51+": 2}
    assert set(d["metric"]) == {"likes", "retweets", "replies", "quotes"}
    c = engagement.clients(eng_con, 2)
    assert c["client"].tolist() == ["Twitter Web App", "Android"]
    assert c["tweets"].tolist() == [7, 1] and c["share"].iloc[0] == pytest.approx(7 / 9)
    assert "none" in engagement.clients(eng_con, 5)["client"].tolist()


# --- content ----------------------------------------------------------------------------------


def test_hashtags_mentions_domains_and_shares():
    t = "2020-01-01"
    tweets = [
        {"userid": "a", "tweet_time": t, "hashtags": ["香港", "HongKong"], "user_mentions": ["u1"],
         "urls": ["https://www.YouTube.com/watch?v=1", "http://m.youtube.com/x"]},
        {"userid": "a", "tweet_time": t, "hashtags": ["hongkong"],
         "urls": ["HTTPS://youtube.com", "https://youtu.be/abc"]},
        {"userid": "a", "tweet_time": t, "hashtags": ["香港"], "user_mentions": ["u1", "u2"],
         "urls": ["https://user@mobile.Example.org:8080/p?q=1", "not a url"]},
        {"userid": "a", "tweet_time": t},
    ]  # fmt: skip
    con = make_con([], tweets)
    h = content.top_hashtags(con)
    assert list(zip(h["hashtag"], h["tweets"], strict=True)) == [
        ("香港", 2),
        ("HongKong", 1),  # case kept: a different campaign from #hongkong
        ("hongkong", 1),
    ]
    d = content.top_domains(con)
    assert list(zip(d["domain"], d["links"], strict=True)) == [
        ("youtube.com", 3),
        ("example.org", 1),
        ("youtu.be", 1),
    ]
    m = content.top_mentions(con)
    assert m["mention"].tolist() == ["u1", "u2"] and m["tweets"].tolist() == [2, 1]
    s = content.shares(con)
    assert (s["with_hashtag"], s["with_url"], s["with_mention"], s["n"]) == (0.75, 0.75, 0.5, 4)


# --- coordination -----------------------------------------------------------------------------


def _at(minute: int, base: str = "2020-02-01 06:00") -> str:
    return (pd.Timestamp(base) + pd.Timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def coord():
    variants = [
        "Support the Hong Kong police!",
        "SUPPORT THE HONG KONG POLICE @someone",
        "Support  the Hong   Kong police 👍",
        "support the hong kong police. http://bit.ly/y",
        "RT @x: Support the Hong Kong police",  # prefix stripped: a copy, not a retweet
    ]
    tw: list[dict[str, Any]] = []
    # cluster 1: accounts a-e, minutes 0-9
    for i, (acct, text) in enumerate(zip("abcde", variants, strict=True)):
        tw.append({"userid": acct, "tweet_time": _at([0, 2, 5, 7, 9][i]), "tweet_text": text})
    # a real retweet of the same text at the same time: amplification, not a copy
    tw.append({"userid": "r", "tweet_time": _at(3), "tweet_text": "RT @a: Support the Hong Kong police",
               "is_retweet": True})  # fmt: skip
    # cluster 2: the same text an hour later by a, b, f, g, h
    for i, acct in enumerate("abfgh"):
        tw.append({"userid": acct, "tweet_time": _at(60 + i), "tweet_text": variants[0]})
    # a chain: six accounts, four minutes apart, 20 minutes end to end
    for i, acct in enumerate("pqrstu"):
        tw.append(
            {"userid": acct, "tweet_time": _at(200 + 4 * i), "tweet_text": "a chain of copies here"}
        )
    # four accounts are fewer than k = 5
    for i, acct in enumerate("abcd"):
        tw.append(
            {
                "userid": acct,
                "tweet_time": _at(300 + i),
                "tweet_text": "only four accounts post this",
            }
        )
    # one account five times
    for i in range(5):
        tw.append(
            {"userid": "a", "tweet_time": _at(400 + i), "tweet_text": "one account five times"}
        )
    # a short common text by six accounts (normalized under 12 characters)
    for i, acct in enumerate("abcdef"):
        tw.append({"userid": acct, "tweet_time": _at(500 + i), "tweet_text": "Good night!!"})
    return make_con([], tw)


def test_coordination_clusters(coord):
    summary, members = coordination.clusters(coord, window_minutes=10, min_accounts=5)
    assert summary["cluster"].tolist() == [1, 2]
    assert summary["accounts"].tolist() == [5, 5] and summary["tweets"].tolist() == [5, 5]
    assert summary["key"].tolist() == ["support the hong kong police"] * 2
    assert summary["example"].iloc[0] == "Support the Hong Kong police!"
    assert pd.Timestamp(summary["start"].iloc[0]) == pd.Timestamp("2020-02-01 06:00", tz="UTC")
    assert pd.Timestamp(summary["end"].iloc[0]) == pd.Timestamp("2020-02-01 06:09", tz="UTC")
    by = members.groupby("cluster")["userid"].apply(sorted).to_dict()
    assert by == {1: list("abcde"), 2: list("abfgh")}
    assert "r" not in set(members["userid"])  # the retweet


def test_coordination_window_and_k_are_parameters(coord):
    # a 20-minute window admits the chain; k = 4 admits the four accounts
    s, _ = coordination.clusters(coord, window_minutes=20, min_accounts=5)
    assert "a chain of copies here" in set(s["key"])
    s, _ = coordination.clusters(coord, window_minutes=10, min_accounts=4)
    assert "only four accounts post this" in set(s["key"])
    assert "one account five times" not in set(s["key"])


def test_account_edges_and_layout(coord):
    _, members = coordination.clusters(coord, window_minutes=10, min_accounts=5)
    e = coordination.account_edges(members)
    assert len(e) == 10 + 10 - 1
    assert e.iloc[0].tolist() == ["a", "b", 2]
    assert (e["a"] < e["b"]).all() and e["clusters"].iloc[1:].eq(1).all()
    pos = coordination.layout(e, iterations=50)
    assert sorted(pos["userid"]) == sorted(set("abcdefgh"))
    assert pos[["x", "y"]].min().min() >= 0 and pos[["x", "y"]].max().max() <= 1
    pd.testing.assert_frame_equal(pos, coordination.layout(e, iterations=50))
    empty = coordination.account_edges(members.iloc[0:0])
    assert empty.empty and coordination.layout(empty).empty
