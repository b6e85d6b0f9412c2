"""Coordination: the same text posted by many accounts within minutes.

Text is normalized in SQL (case, URLs, @mentions, the retweet prefix, punctuation, emoji and
whitespace removed), so near-identical copies that differ only in those collapse to one key.
Copies of one key are split into bursts wherever two consecutive copies are more than the
window apart; a burst is a cluster when at least `min_accounts` distinct accounts posted it and
it lasted no longer than the window. One sort per key: O(n log n), no pairwise comparison.
Retweets are left out: they are amplification, which the engagement finding measures.
"""

from __future__ import annotations

import duckdb
import pandas as pd

NORMALIZE_SQL = r"""trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    lower(tweet_text), '^rt @\w+:\s*', ''), '(https?://|www\.)\S+', ' ', 'g'),
    '@\w+', ' ', 'g'), '[^\p{L}\p{N}]+', ' ', 'g'))"""

MIN_CHARS = 12  # normalized texts shorter than this ("ok", "good morning") are too common to mean coordination


def clusters(
    con: duckdb.DuckDBPyConnection, window_minutes: int = 10, min_accounts: int = 5
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clusters, members): one row per cluster, and one row per tweet in a cluster."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE coord_members AS
        WITH norm AS (
            SELECT tweetid, userid, tweet_time, tweet_text, {NORMALIZE_SQL} AS key
            FROM tweets WHERE NOT coalesce(is_retweet, false) AND tweet_text IS NOT NULL),
        keyed AS (
            SELECT * FROM norm WHERE length(key) >= {MIN_CHARS}
            AND key IN (SELECT key FROM norm GROUP BY key HAVING count(DISTINCT userid) >= {min_accounts})),
        gaps AS (
            SELECT *, CASE WHEN tweet_time - lag(tweet_time) OVER w > INTERVAL {window_minutes} MINUTE
                           THEN 1 ELSE 0 END AS brk
            FROM keyed WINDOW w AS (PARTITION BY key ORDER BY tweet_time, tweetid)),
        bursts AS (
            SELECT *, sum(brk) OVER (PARTITION BY key ORDER BY tweet_time, tweetid) AS burst FROM gaps),
        sized AS (
            SELECT *, count(DISTINCT userid) OVER (PARTITION BY key, burst) AS accounts,
                      min(tweet_time) OVER (PARTITION BY key, burst) AS t0,
                      max(tweet_time) OVER (PARTITION BY key, burst) AS t1
            FROM bursts)
        SELECT key, burst, tweetid, userid, tweet_time, tweet_text, accounts, t0, t1 FROM sized
        WHERE accounts >= {min_accounts} AND t1 - t0 <= INTERVAL {window_minutes} MINUTE"""
    )
    summary = con.execute(
        """SELECT dense_rank() OVER (ORDER BY min(tweet_time), key) AS cluster,
                  key, count(*) AS tweets, count(DISTINCT userid) AS accounts,
                  min(tweet_time) AS start, max(tweet_time) AS "end",
                  arg_min(tweet_text, tweet_time) AS example
           FROM coord_members GROUP BY key, burst ORDER BY cluster"""
    ).df()
    members = con.execute(
        """SELECT dense_rank() OVER (ORDER BY t0, key) AS cluster, tweetid, userid, tweet_time
           FROM coord_members ORDER BY cluster, tweet_time, tweetid"""
    ).df()
    return summary, members


def account_edges(members: pd.DataFrame) -> pd.DataFrame:
    """Pairs of accounts that shared at least one cluster, weighted by how many (for the network figure)."""
    if members.empty:
        return pd.DataFrame(columns=["a", "b", "clusters"])
    return duckdb.sql(
        """SELECT m1.userid AS a, m2.userid AS b, count(DISTINCT m1.cluster) AS clusters
           FROM members m1 JOIN members m2 ON m1.cluster = m2.cluster AND m1.userid < m2.userid
           GROUP BY ALL ORDER BY clusters DESC, a, b"""
    ).df()
