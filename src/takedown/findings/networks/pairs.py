"""Events to weighted account pairs within a time window, in DuckDB SQL, bounded.

Pairs come from events, never from all accounts: only items two or more accounts posted can join
a pair, so every other event is dropped first. The rest are joined to the events of the same item
in the same or a neighbouring window-long time bucket, then kept when at most the window apart.
A post with more than `cap` posts of the same item within the window on either side (a hashtag
thousands of accounts use that hour) is left out before the join, so the join is at most `cap`
partners per post: a documented blind spot, counted and reported.
The weight of a pair is the number of distinct items both accounts posted within the window of
each other. The join runs on compact columns: a 64-bit hash of the item and a dense account
number (in userid order, so a < b is kept); a hash collision would need two different items
posted by the same two accounts within the window of each other, about 2^-64 per such pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

CAP = 500  # posts of one item within the window either side of a post; above it, left out
# An item posted by more than half of a trace's accounts (and by more than COMMON_FLOOR of them)
# is the operation's common theme, not a sign of which accounts act together: it alone would join
# most pairs (a hashtag of 8,000 accounts: 32 million pairs, a billion post pairs at 45 million
# tweets). It is left out of the trace, counted and reported, as the cap's posts are.
COMMON_SHARE = 0.5
COMMON_FLOOR = 1_000
SHUFFLE_SEED = 20_240_519
# A post's seeded draw: DuckDB's multi-argument hash has weak low bits (posts a minute apart
# mostly land on the same residue), so the event's own hash is hashed once more, whole.
DRAW = "hash(xor(e.k, hash(e.s, e.u, {seed})))"
ACCOUNT_HASH = "hash(userid)"  # 64 bits, used only where no two accounts share one (tests force it)


def temp_table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether this connection holds the temp table (one step may reuse another's tables)."""
    sql = "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary"
    return bool(con.execute(sql, [table]).fetchall()[0][0])


@dataclass(frozen=True)
class Pairs:
    """A trace's pair table (a, b, weight with a < b) and what the cap left out."""

    table: str
    edges: int
    accounts: int
    skipped_posts: int
    skipped_items: int
    largest: int = -1  # accounts in the largest connected component (-1: not measured)
    common_items: int = 0  # items left out as common to most of the trace's accounts
    common_posts: int = 0
    keys: str = ""  # temp table (k): the hashed items the pairs come from (2+ accounts, not common)


def two_accounts(con: duckdb.DuckDBPyConnection, rows: str) -> str:
    """SQL true for a group of `rows` (with a userid column) posted by two or more accounts.

    Where no two of the accounts' ids share a 64-bit hash (checked here, a tenth of a second at
    45 million rows), the hashes' min and max differ exactly when two accounts do: at 45 million
    tweets, 4 s against the 16 s of count(DISTINCT userid) over 38 million texts."""
    return _two_accounts(*_account_counts(con, rows))


def _account_counts(con: duckdb.DuckDBPyConnection, rows: str) -> tuple[int, int]:
    """The distinct accounts of `rows` and their distinct 64-bit hashes, in one pass."""
    sql = f"SELECT count(DISTINCT userid), count(DISTINCT {ACCOUNT_HASH}) FROM {rows}"
    accounts, hashes = con.execute(sql).fetchall()[0]
    return int(accounts), int(hashes)


def _two_accounts(accounts: int, hashes: int) -> str:
    """two_accounts' SQL, from counts already taken."""
    if accounts == hashes:
        return f"min({ACCOUNT_HASH}) <> max({ACCOUNT_HASH})"
    return "count(DISTINCT userid) >= 2"


def common_limit(events: str, accounts: int | None = None) -> str:
    """SQL of the most accounts an item of `events` (with a userid column) may have before it is
    left out as common (COMMON_SHARE, COMMON_FLOOR); `accounts`: their number, when counted."""
    count = f"(SELECT count(DISTINCT userid) FROM {events})" if accounts is None else accounts
    return f"greatest({COMMON_FLOOR}, {COMMON_SHARE} * {count})"


def shared_events(con: duckdb.DuckDBPyConnection, events: str, out: str) -> str:
    """Write temp tables `out` (k, u, s): the events of items two or more accounts posted (and
    not common: COMMON_SHARE), with the item hashed, the account numbered and the time in epoch
    seconds; `out`_keys (k): those items; `out`_ids (userid, u): the accounts, numbered in userid
    order; and `out`_common (items, posts): the common items left out."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out}_all AS
            SELECT hash(key) AS k, userid, CAST(epoch(t) AS BIGINT) AS s FROM {events}"""
    )
    accounts, hashes = _account_counts(con, f"{out}_all")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out}_k AS
            SELECT k, count(DISTINCT userid) AS a, count(*) AS n FROM {out}_all
            WHERE k IN (SELECT k FROM {out}_all GROUP BY k HAVING {_two_accounts(accounts, hashes)})
            GROUP BY k"""
    )
    limit = common_limit(f"{out}_all", accounts)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out}_common AS
            SELECT count(*) AS items, coalesce(sum(n), 0) AS posts FROM {out}_k WHERE a > {limit}"""
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out}_keys AS SELECT k FROM {out}_k WHERE a <= {limit}"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out}_x AS
            SELECT * FROM {out}_all WHERE k IN (SELECT k FROM {out}_keys)"""
    )
    con.execute(f"DROP TABLE {out}_all")
    con.execute(f"DROP TABLE {out}_k")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out}_ids AS
            SELECT userid, CAST(row_number() OVER (ORDER BY userid) AS INTEGER) AS u
            FROM (SELECT DISTINCT userid FROM {out}_x)"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out} AS
            SELECT k, u, s FROM {out}_x JOIN {out}_ids USING (userid)"""
    )
    con.execute(f"DROP TABLE {out}_x")
    return out


def compact_pairs(
    con: duckdb.DuckDBPyConnection, shared: str, out: str, window_minutes: int, cap: int = CAP
) -> tuple[int, int]:
    """Write temp table `out` (ua, ub, weight) from compact events (k, u, s); returns the posts
    and the items the cap left out."""
    w = int(window_minutes) * 60
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out}_crowd AS
            SELECT k, u, s, count(*) OVER (PARTITION BY k ORDER BY s
                                           RANGE BETWEEN {w} PRECEDING AND {w} FOLLOWING) AS crowd
            FROM {shared}"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out} AS
            WITH k AS (SELECT k, u, s, s // {w} AS b FROM {out}_crowd WHERE crowd <= {int(cap)}),
                 a AS (SELECT k.*, k.b + d.d AS jb FROM k, (VALUES (-1), (0), (1)) AS d(d))
            SELECT ua, ub, CAST(count(*) AS BIGINT) AS weight FROM (
                SELECT DISTINCT a.u AS ua, k.u AS ub, a.k FROM a JOIN k
                ON a.k = k.k AND a.jb = k.b AND a.u < k.u AND abs(a.s - k.s) <= {w})
            GROUP BY ua, ub"""
    )
    skipped, items = con.execute(
        f"SELECT count(*), count(DISTINCT k) FROM {out}_crowd WHERE crowd > {int(cap)}"
    ).fetchone()
    con.execute(f"DROP TABLE {out}_crowd")
    return int(skipped), int(items)


def build_pairs(
    con: duckdb.DuckDBPyConnection, events: str, out: str, window_minutes: int, cap: int = CAP
) -> Pairs:
    """Write `out` (a, b, weight) from the events table (key, userid, t).

    `out` is a view of the compact pairs (`out`_c: ua, ub, weight) and the account numbers
    (`out`_sh_ids): a dense trace has tens of millions of pairs, which as two userid strings each
    would not fit the memory limit. Read it filtered (the pairs at or above a threshold).
    """
    shared = shared_events(con, events, f"{out}_sh")
    skipped, items = compact_pairs(con, shared, f"{out}_c", window_minutes, cap)
    common = con.execute(f"SELECT items, posts FROM {shared}_common").fetchone()
    con.execute(f"DROP TABLE {shared}")
    con.execute(f"DROP TABLE {shared}_common")
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW {out} AS
            SELECT ia.userid AS a, ib.userid AS b, c.weight FROM {out}_c c
            JOIN {shared}_ids ia ON ia.u = c.ua JOIN {shared}_ids ib ON ib.u = c.ub"""
    )
    edges, accounts = con.execute(
        f"""SELECT (SELECT count(*) FROM {out}_c),
                   (SELECT count(*) FROM (SELECT ua FROM {out}_c UNION SELECT ub FROM {out}_c))"""
    ).fetchone()
    largest = largest_component(con, f"{out}_c")
    return Pairs(out, int(edges), int(accounts), skipped, items, largest, *map(int, common),
                 keys=f"{shared}_keys")  # fmt: skip


def largest_component(con: duckdb.DuckDBPyConnection, compact: str) -> int:
    """Accounts in the largest connected component of compact pairs (ua, ub): scipy's
    connected_components on the integer pairs, a second or two for tens of millions of them."""
    arr = con.execute(f"SELECT ua, ub FROM {compact}").fetchnumpy()
    ua, ub = np.asarray(arr["ua"], dtype=np.int64), np.asarray(arr["ub"], dtype=np.int64)
    if ua.size == 0:
        return 0
    n = int(max(ua.max(), ub.max())) + 1
    graph = coo_matrix((np.ones(ua.size, dtype=np.int8), (ua, ub)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return int(np.bincount(labels).max())


def shuffle_events(
    con: duckdb.DuckDBPyConnection, shared: str, times: str, out: str, seed: int = SHUFFLE_SEED
) -> str:
    """Write temp table `out` (k, u, s): each shared event moved to a time drawn (seeded) from
    its own account's post times (`times`, from account_times).

    Every account keeps its items and posts only at times it was active, but which item went
    out when is random: the time-shuffle null. Each event draws on its own (with replacement),
    so a round touches only the events that can join a pair, not all of an account's posts.
    """
    draw = DRAW.format(seed=int(seed))
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out} AS
            WITH d AS (SELECT e.k, e.u, CAST({draw} % CAST(n.n AS UBIGINT) AS BIGINT) + 1 AS j
                       FROM {shared} e JOIN {times}_n n USING (u))
            SELECT d.k, d.u, p.s FROM d JOIN {times} p USING (u, j)"""
    )
    return out


def account_times(
    con: duckdb.DuckDBPyConnection, events: str, ids: str, out: str
) -> str:  # fmt: skip
    """Write temp tables `out` (u, j, s): each numbered account's event times in order, j from 1,
    and `out`_n (u, n): how many."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {out} AS
            SELECT i.u, row_number() OVER (PARTITION BY i.u ORDER BY e.t) AS j,
                   CAST(epoch(e.t) AS BIGINT) AS s
            FROM {events} e JOIN {ids} i USING (userid)"""
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {out}_n AS SELECT u, count(*) AS n FROM {out} GROUP BY u"
    )
    return out
