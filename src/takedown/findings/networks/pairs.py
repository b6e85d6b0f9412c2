"""Events to weighted account pairs within a time window, in DuckDB SQL, bounded.

Pairs come from events, never from all accounts: events of one item are joined to the events of
the same item in the same or a neighbouring window-long time bucket, then kept when at most the
window apart. A post with more than `cap` posts of the same item within the window on either
side (a hashtag thousands of accounts use that hour) is left out before the join, so the join
is at most `cap` partners per post: a documented blind spot, counted and reported.
The weight of a pair is the number of distinct items both accounts posted within the window of
each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

CAP = 500  # posts of one item within the window either side of a post; above it, left out
SHUFFLE_SEED = 20_240_519


@dataclass(frozen=True)
class Pairs:
    """A trace's pair table (a, b, weight with a < b) and what the cap left out."""

    table: str
    edges: int
    accounts: int
    skipped_posts: int
    skipped_items: int


def build_pairs(
    con: duckdb.DuckDBPyConnection, events: str, out: str, window_minutes: int, cap: int = CAP
) -> Pairs:
    """Write temp table `out` (a, b, weight) from the events table (key, userid, t)."""
    w = int(window_minutes) * 60
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out}_crowd AS
            WITH multi AS (SELECT key FROM {events} GROUP BY key
                           HAVING count(DISTINCT userid) >= 2),
                 e AS (SELECT key, userid, CAST(epoch(t) AS BIGINT) AS s
                       FROM {events} SEMI JOIN multi USING (key))
            SELECT *, count(*) OVER (PARTITION BY key ORDER BY s
                                     RANGE BETWEEN {w} PRECEDING AND {w} FOLLOWING) AS crowd
            FROM e"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out} AS
            WITH k AS (SELECT key, userid, s, s // {w} AS b FROM {out}_crowd
                       WHERE crowd <= {int(cap)}),
                 a AS (SELECT k.*, k.b + d.d AS jb FROM k, (VALUES (-1), (0), (1)) AS d(d))
            SELECT a.userid AS a, k.userid AS b, CAST(count(DISTINCT a.key) AS BIGINT) AS weight
            FROM a JOIN k ON a.key = k.key AND a.jb = k.b AND a.userid < k.userid
                         AND abs(a.s - k.s) <= {w}
            GROUP BY a.userid, k.userid"""
    )
    skipped, items = con.execute(
        f"""SELECT count(*), count(DISTINCT key) FROM {out}_crowd WHERE crowd > {int(cap)}"""
    ).fetchone()
    con.execute(f"DROP TABLE {out}_crowd")
    edges, accounts = con.execute(
        f"""SELECT (SELECT count(*) FROM {out}),
                   (SELECT count(*) FROM (SELECT a FROM {out} UNION SELECT b FROM {out}))"""
    ).fetchone()
    return Pairs(out, int(edges), int(accounts), int(skipped), int(items))


def shuffle_events(
    con: duckdb.DuckDBPyConnection, events: str, out: str, seed: int = SHUFFLE_SEED
) -> str:
    """Write temp table `out`: the events with each account's timestamps permuted among its own.

    Every account keeps its items and the times it was active (so its active days and hours),
    but which item went out when is shuffled: the time-shuffle null. Seeded, so repeatable.
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out} AS
            WITH x AS (SELECT key, userid, t,
                              row_number() OVER (PARTITION BY userid
                                                 ORDER BY hash(key, t, {int(seed)}), key, t) AS i,
                              row_number() OVER (PARTITION BY userid ORDER BY t, key) AS j
                       FROM {events})
            SELECT x1.key, x1.userid, x2.t FROM x AS x1 JOIN x AS x2
            ON x1.userid = x2.userid AND x1.i = x2.j"""
    )
    return out
