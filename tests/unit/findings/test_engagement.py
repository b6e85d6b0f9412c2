"""Engagement findings on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from takedown.findings import engagement
from takedown.profile import Profile
from tests.unit.findings.tiny import absent, by_id, coverage, make_con

PROFILE = Profile(name="t", title="t")


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
    c = engagement.clients(eng_con, 5)
    # the empty client name is no client: it only counts in the denominator
    assert c["client"].tolist() == ["Twitter Web App", "Android"]
    assert c["tweets"].tolist() == [7, 1] and c["share"].iloc[0] == pytest.approx(7 / 9)


def test_summarize_known_answers(eng_con):
    f = by_id(engagement.summarize(eng_con, PROFILE, coverage(eng_con)))
    assert all(x.available for x in f.values()), [x.reason for x in f.values() if x.reason]
    assert f["engagement.original_tweets"].value == 5
    assert f["engagement.zero_engagement_share"].value == pytest.approx(1 / 5)
    assert f["engagement.zero_engagement_share"].n == 5
    assert f["engagement.zero_engagement_share_all"].value == pytest.approx(5 / 9)
    assert f["engagement.like_max"].value == 70 and f["engagement.retweet_max"].value == 12
    assert f["engagement.zero_follower_over_50_likes"].value == 1
    assert f["engagement.zero_follower_over_10_retweets"].value == 1
    assert f["engagement.retweets"].value == 4
    assert f["engagement.retweet_inside_share"].value == pytest.approx(1 / 3)
    assert f["engagement.retweet_unknown"].value == 1
    assert f["engagement.top_client"].value == "Twitter Web App"
    assert f["engagement.top_client_share"].value == pytest.approx(7 / 9)


def test_null_counts_are_left_out_not_zero():
    t = "2020-01-01"
    tweets = [
        {"userid": "a", "tweet_time": t},
        {"userid": "a", "tweet_time": t, "like_count": 4},
        {"userid": "a", "tweet_time": t, "like_count": None, "retweet_count": None,
         "reply_count": None, "quote_count": None},
    ]  # fmt: skip
    con = make_con([{"userid": "a", "account_creation_date": "2019-01-01"}], tweets)
    f = by_id(engagement.summarize(con, PROFILE, coverage(con)))
    assert f["engagement.zero_engagement_share"].value == 0.5
    assert f["engagement.zero_engagement_share"].n == 2
    assert f["engagement.zero_engagement_share_all"].n == 2
    assert f["engagement.original_tweets"].value == 3 and f["engagement.original_tweets"].n == 3


COUNT_FINDINGS = ["zero_engagement_share", "zero_engagement_share_all"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("table", "column", "gone"),
    [
        ("tweets", "like_count", [*COUNT_FINDINGS, "like_p99", "like_max",
                                  "zero_follower_over_50_likes"]),
        ("tweets", "retweet_count", [*COUNT_FINDINGS, "retweet_p99", "retweet_max",
                                     "zero_follower_over_10_retweets"]),
        ("tweets", "reply_count", COUNT_FINDINGS),
        ("tweets", "quote_count", COUNT_FINDINGS),
        ("tweets", "is_retweet", ["original_tweets", "zero_engagement_share", "like_p99",
                                  "like_max", "retweet_p99", "retweet_max", "retweets",
                                  "retweet_inside_share", "retweet_unknown"]),
        ("tweets", "retweet_userid", ["retweet_inside_share", "retweet_unknown"]),
        ("tweets", "tweet_client_name", ["top_client", "top_client_share"]),
        ("users", "follower_count", ["zero_follower_over_50_likes",
                                     "zero_follower_over_10_retweets"]),
    ],
)  # fmt: skip
def test_absent_column_is_unavailable_with_reason(eng_con, table, column, gone):
    absent(eng_con, table, column)
    f = by_id(engagement.summarize(eng_con, PROFILE, coverage(eng_con)))
    for name in gone:
        x = f[f"engagement.{name}"]
        assert not x.available and x.reason == f"{column} is not in this dataset's {table} file"
    rest = [x for x in f.values() if x.name not in gone]
    assert all(x.available for x in rest), [(x.id, x.reason) for x in rest if not x.available]


@pytest.mark.slow
def test_no_engagement_counts_at_all():
    """The second operation's case: no counts, so no '100% drew no like'."""
    con = make_con([{"userid": "a", "account_creation_date": "2019-01-01"}],
                   [{"userid": "a", "tweet_time": "2020-01-01"}])  # fmt: skip
    for m in engagement.METRICS:
        absent(con, "tweets", m)
    f = by_id(engagement.summarize(con, PROFILE, coverage(con)))
    z = f["engagement.zero_engagement_share"]
    assert not z.available and z.reason == "like_count is not in this dataset's tweets file"
    assert f["engagement.original_tweets"].value == 1 and f["engagement.retweets"].value == 0
    assert f["engagement.retweet_inside_share"].reason == "this dataset holds no retweets"


@pytest.mark.slow
def test_empty_tables_are_unavailable():
    con = make_con([], [])
    f = engagement.summarize(con, PROFILE, coverage(con))
    assert {x.id for x in f} == set(engagement.SPECS)
    assert all(x.reason == "this dataset's tweets file has no rows" for x in f)


@pytest.mark.slow
def test_distribution_equals_one_group_by_per_metric():
    """The distribution read from the counts table matches binning every tweet of each metric."""
    t = "2020-01-01"
    values = [0, 1, 10, 11, 50, 51, 1000, -1, None]
    tweets = [{"userid": "a", "tweet_time": t, "like_count": v, "retweet_count": v,
               "reply_count": 7, "quote_count": None} for v in values]  # fmt: skip
    tweets.append({"userid": "a", "tweet_time": t, "is_retweet": True, "like_count": 5})
    con = make_con([], tweets)
    parts = " UNION ALL ".join(
        f"SELECT '{engagement.NAMES[m]}' AS metric, {m} AS x FROM tweets "
        f"WHERE NOT coalesce(is_retweet, false) AND {m} IS NOT NULL"
        for m in engagement.METRICS
    )
    want = con.execute(
        f"""SELECT metric, CASE WHEN x = 0 THEN '0' WHEN x <= 10 THEN '1-10' WHEN x <= 50
                THEN '11-50' ELSE '51+' END AS bin, count(*) AS tweets
            FROM ({parts}) GROUP BY ALL ORDER BY metric, bin"""
    ).df()
    got = engagement.distribution(con)
    assert got.equals(want)
    assert "quotes" not in set(got["metric"])  # a metric with no recorded count has no rows
    empty = engagement.distribution(make_con([], []))
    assert empty.empty and list(empty.columns) == ["metric", "bin", "tweets"]
