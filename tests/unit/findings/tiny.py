"""Tiny in-memory `users` and `tweets` tables typed as ingest writes them, and their coverage.

`absent(con, table, column)` turns a column into what ingest writes for a column the input file
lacked (all NULL) and `coverage(con)` then says so, as dataset.json would.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from takedown.db import measure_coverage
from takedown.schema import Coverage

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
    """Times are given as 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM' strings in UTC."""
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
        t[col] = t[col].map(lambda xs: None if xs is None else "\x1f".join(xs))
    con.register("t_df", t)
    lists = ", ".join(
        f"CASE WHEN {c} IS NULL THEN NULL WHEN {c} = '' THEN [] "
        f"ELSE string_split({c}, chr(31)) END AS {c}"
        for c in ("hashtags", "urls", "user_mentions")
    )
    con.execute(
        f"""CREATE TABLE tweets AS SELECT
                  CAST(tweetid AS VARCHAR) AS tweetid, CAST(userid AS VARCHAR) AS userid,
                  CAST(tweet_time AS TIMESTAMP) AT TIME ZONE 'UTC' AS tweet_time,
                  CAST(tweet_text AS VARCHAR) AS tweet_text, CAST(is_retweet AS BOOLEAN) AS is_retweet,
                  CAST(retweet_userid AS VARCHAR) AS retweet_userid,
                  CAST(like_count AS BIGINT) AS like_count, CAST(retweet_count AS BIGINT) AS retweet_count,
                  CAST(reply_count AS BIGINT) AS reply_count, CAST(quote_count AS BIGINT) AS quote_count,
                  CAST(tweet_language AS VARCHAR) AS tweet_language,
                  CAST(tweet_client_name AS VARCHAR) AS tweet_client_name, {lists}
           FROM t_df"""
    )
    if not tweets:
        con.execute("DELETE FROM tweets")
    con.execute("CREATE TEMP TABLE absent_columns (tbl VARCHAR, col VARCHAR)")
    return con


def absent(con: duckdb.DuckDBPyConnection, table: str, column: str) -> None:
    """Make `column` what ingest writes when the input file lacks it: NULL in every row."""
    con.execute(f"UPDATE {table} SET {column} = NULL")
    con.execute("INSERT INTO absent_columns VALUES (?, ?)", [table, column])


def coverage(con: duckdb.DuckDBPyConnection) -> Coverage:
    """What dataset.json records: every column present except those made `absent`."""
    gone = set(con.execute("SELECT tbl, col FROM absent_columns").fetchall())
    present = {
        t: [r[0] for r in con.execute(f"DESCRIBE {t}").fetchall() if (t, r[0]) not in gone]
        for t in ("users", "tweets")
    }
    return measure_coverage(con, present)


def by_id(findings: list) -> dict:
    """{id: Finding}, checking that ids are unique."""
    out = {f.id: f for f in findings}
    assert len(out) == len(findings), "duplicate finding ids"
    return out
