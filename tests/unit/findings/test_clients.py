"""The automation-client share on tiny tables with a hand count."""

from __future__ import annotations

import duckdb

from takedown.findings.clients import automation_share


def _con(rows: list[str | None], with_column: bool = True) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if with_column:
        con.execute("CREATE TABLE tweets (tweetid VARCHAR, tweet_client_name VARCHAR)")
        for i, r in enumerate(rows):
            con.execute("INSERT INTO tweets VALUES (?, ?)", [str(i), r])
    else:
        con.execute("CREATE TABLE tweets (tweetid VARCHAR)")
    return con


def test_share_counts_named_clients_of_tweets_with_a_client():
    f = automation_share(_con(["dlvr.it", "IFTTT", "Twitter Web Client", "ifttt", None, ""]))
    assert f.available and f.n == 4 and f.value == 3 / 4
    assert f.interval[0] < 0.75 < f.interval[1]


def test_empty_client_column_is_unavailable_not_zero():
    f = automation_share(_con([None, ""]))
    assert not f.available and "empty" in f.reason


def test_missing_column_is_unavailable():
    f = automation_share(_con([], with_column=False))
    assert not f.available and "tweet_client_name" in f.reason


def test_no_tweets_is_unavailable():
    assert not automation_share(_con([])).available
