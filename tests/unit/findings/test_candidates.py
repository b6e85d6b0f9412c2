"""Candidate topic keywords on tiny tables: counts, grouping, keyness, tokenization."""

from __future__ import annotations

import duckdb
import pytest

from takedown.findings import candidates as c


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    # Q1 2020: 10 tweets #香港 + #HongKong (5 accounts), 6 tweets #早安 (3 accounts).
    # Q2 2020: 10 tweets #COVID19 (5 accounts), 6 tweets #早安 (3 accounts), 2 hostile tags.
    con.execute(
        """CREATE TABLE tweets AS
           SELECT 'q1hk' || i AS tweetid, 'u' || (i % 5) AS userid,
                  TIMESTAMPTZ '2020-02-01 00:00+00' + INTERVAL (i) HOUR AS tweet_time,
                  ['香港', CASE WHEN i % 3 = 0 THEN 'hongkong' ELSE 'HongKong' END] AS hashtags,
                  '香港的暴徒必须受到法律制裁 https://t.co/x' AS tweet_text
           FROM range(10) r(i)
           UNION ALL SELECT 'q1am' || i, 'v' || (i % 3), TIMESTAMPTZ '2020-02-02 00:00+00',
                  ['早安'], 'Good morning everyone, the sunrise' FROM range(6) r(i)
           UNION ALL SELECT 'q2cv' || i, 'w' || (i % 5), TIMESTAMPTZ '2020-05-01 00:00+00',
                  ['COVID19'], 'Stay strong Wuhan, the coronavirus ' || i FROM range(10) r(i)
           UNION ALL SELECT 'q2am' || i, 'v' || (i % 3), TIMESTAMPTZ '2020-05-02 00:00+00',
                  ['早安', 'a<b>' || chr(10) || 'x', 'x y'], 'Good morning everyone' FROM range(6) r(i)"""
    )
    return con


def test_top_hashtags_fold_case_and_drop_unsafe(con):
    top = c.top_hashtags(con, 10)
    assert list(top.itertuples(index=False, name=None)) == [
        ("早安", 12, 3), ("COVID19", 10, 5), ("HongKong", 10, 5), ("香港", 10, 5),
    ]  # fmt: skip


def test_groups_by_co_occurrence(con):
    groups = c.hashtag_groups(con, c.top_hashtags(con, 10))
    assert sorted(map(sorted, groups)) == [["COVID19"], ["HongKong", "香港"], ["早安"]]
    assert groups[0] == ["HongKong", "香港"]  # 20 hashtag uses before 早安's 12


def test_groups_of_nothing(con):
    assert c.hashtag_groups(con, c.top_hashtags(con, 0)) == []


@pytest.mark.slow
def test_distinctive_hashtags_per_quarter(con):
    by_q = c.hashtags_by_quarter(con, per_quarter=2)
    got = {q: sorted(g["keyword"]) for q, g in by_q.groupby("quarter")}
    # 早安 is as common in both quarters: never distinctive.
    assert got == {"2020-Q1": ["HongKong", "香港"], "2020-Q2": ["COVID19"]}
    assert (by_q["keyness"] > 0).all()


@pytest.mark.slow
def test_tokenize_chinese_and_latin():
    words = c.tokenize("香港的暴徒必须受到法律制裁 #香港 @someone https://t.co/x")
    # jieba's segmentation; single characters (mostly particles such as 的) are left out.
    assert words == ["香港", "暴徒", "必须", "受到", "法律制裁"]
    assert c.tokenize("The rioters in Hong Kong must face the law. #HK") == [
        "rioters", "hong", "kong", "must", "face", "law",
    ]  # fmt: skip


def test_terms_by_quarter(con):
    terms = c.terms_by_quarter(con, per_quarter=3)
    # Only Q2 has 5+ distinct texts sharing words (stay, strong, wuhan, coronavirus; "the" is a
    # stopword, digits are not words); ties go alphabetically.
    assert list(terms[["quarter", "keyword", "tweets", "accounts"]].itertuples(index=False, name=None)) == [
        ("2020-Q2", "coronavirus", 10, 5), ("2020-Q2", "stay", 10, 5), ("2020-Q2", "strong", 10, 5),
    ]  # fmt: skip


def test_terms_sample_is_bounded(con):
    terms = c.terms_by_quarter(con, per_quarter=5, sample=1)
    assert terms.empty  # one text per quarter cannot reach MIN_TWEETS


def test_hashtags_from_the_text_when_the_data_has_no_hashtags_column():
    """Without a hashtags column, candidates are the hashtags twitter-text finds in the text."""
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE tweets AS SELECT 't' || i AS tweetid, 'u' || (i % 4) AS userid,
                  TIMESTAMPTZ '2020-02-01 00:00+00' AS tweet_time,
                  'Новости #Сирия https://t.co/a#x &#39; #' || i AS tweet_text
           FROM range(6) r(i)"""
    )
    top = c.top_hashtags(con, 10)
    assert list(top.itertuples(index=False, name=None)) == [("Сирия", 6, 4)]
