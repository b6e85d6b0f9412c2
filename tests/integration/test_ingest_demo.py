"""Round trip: the demo archive through ingest keeps every row, every hostile byte, real types."""

from __future__ import annotations

import json

import duckdb
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def con(demo):
    c = duckdb.connect()
    d = demo["data"] / "demo"
    c.execute(f"CREATE VIEW tweets AS SELECT * FROM '{d}/tweets.parquet'")
    c.execute(f"CREATE VIEW users AS SELECT * FROM '{d}/users.parquet'")
    return c


def test_row_counts_equal_truth(demo, con):
    truth = demo["truth"]
    assert con.execute("SELECT count(*) FROM users").fetchone()[0] == truth["accounts"]
    assert con.execute("SELECT count(*) FROM tweets").fetchone()[0] == truth["tweets"]
    ds = json.loads((demo["data"] / "demo/dataset.json").read_text())
    assert ds["counts"]["rejected"] == 0 and ds["synthetic"] is True
    assert {f["name"] for f in ds["files"]} == {truth["files"]["users"], truth["files"]["tweets"]}


def test_hostile_strings_survive_byte_for_byte(demo, con):
    samples = demo["truth"]["hostile_samples"]
    assert len(samples) >= 20
    for s in samples:
        table, key = ("tweets", "tweetid") if s["file"] == "tweets" else ("users", "userid")
        rows = con.execute(
            f'SELECT DISTINCT "{s["column"]}" FROM {table} WHERE {key} = ?', [s["id"]]
        ).fetchall()
        expected = s["value"] or None  # an empty CSV field reads as NULL
        assert rows == [(expected,)], s


def test_list_columns_are_lists(con):
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE tweets)").fetchall())
    assert types["hashtags"] == types["urls"] == types["user_mentions"] == "VARCHAR[]"
    n, with_tags = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE len(hashtags) > 0) FROM tweets"
    ).fetchone()
    assert 0 < with_tags < n
    assert (
        con.execute(
            "SELECT count(*) FROM (SELECT unnest(urls) AS x FROM tweets) WHERE NOT regexp_matches(x, '^https?://')"
        ).fetchone()[0]
        == 0
    )


def test_timestamps_are_utc_and_types_normalized(demo, con):
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE tweets)").fetchall())
    assert types["tweet_time"] == "TIMESTAMP WITH TIME ZONE"
    assert types["is_retweet"] == "BOOLEAN" and types["like_count"] == "BIGINT"
    assert types["tweetid"] == types["userid"] == "VARCHAR"
    con.execute("SET TimeZone = 'UTC'")
    first, last = con.execute(
        "SELECT min(tweet_time)::DATE, max(tweet_time)::DATE FROM tweets"
    ).fetchone()
    assert (first.isoformat(), last.isoformat()) == (
        demo["truth"]["first_tweet_date"],
        demo["truth"]["last_tweet_date"],
    )
    share = con.execute("SELECT avg(CAST(follower_count = 0 AS INTEGER)) FROM users").fetchone()[0]
    assert share == pytest.approx(demo["truth"]["zero_follower_share"], abs=1e-6)
