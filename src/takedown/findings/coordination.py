"""Coordination: the same text posted by many accounts within minutes.

Text is normalized in SQL (case, URLs, @mentions, the retweet prefix, punctuation, emoji and
whitespace removed), so near-identical copies that differ only in those collapse to one key.
Copies of one key are split into bursts wherever two consecutive copies are more than the
window apart; a burst is a cluster when some window-long stretch of it holds at least
`min_accounts` distinct accounts (a sliding window in SQL, so one late copy cannot erase a
cluster), and its members are the copies inside such stretches (split again where two members are
more than the window apart). One sort per key: O(n log n), no pairwise comparison.
At tens of millions of tweets the regex is the cost: it runs once per tweet, which keeps only
two hashes; text and exact keys are read again only for tweets whose key hash has enough copies.
Retweets are left out: they are amplification, which the engagement finding measures. An
export without `is_retweet` marks retweets by their "RT @" prefix instead (the method says so).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from takedown.findings.contract import Coverage, Finding, Unit, ok
from takedown.findings.proportion import missing_all
from takedown.findings.stats import count_median
from takedown.findings.text_keys import (  # noqa: F401 (re-exported: the rule lives there)
    MIN_CHARS,
    NORMALIZE_PATTERN,
    NORMALIZE_SQL,
    SPACE,
    ensure,
)
from takedown.profile import Profile

RETWEET_FLAG = "coalesce(is_retweet, false)"
RETWEET_PREFIX = "regexp_matches(tweet_text, '^RT @\\w+:')"

SPECS: dict[str, tuple[Unit, str]] = {
    "coordination.clusters": (Unit.count, "Coordinated clusters"),
    "coordination.accounts_involved": (Unit.count, "Accounts in at least one cluster"),
    "coordination.tweets_involved": (Unit.count, "Tweets in clusters"),
    "coordination.largest_cluster_accounts": (Unit.count, "Accounts in the largest cluster"),
    "coordination.median_cluster_accounts": (Unit.number, "Accounts in the median cluster"),
    "coordination.median_cluster_between": (
        Unit.text,
        "The two middle clusters' accounts, when the median falls halfway between them",
    ),
    "coordination.window_minutes": (Unit.count, "Coordination window (minutes, from the profile)"),
    "coordination.min_accounts": (Unit.count, "Accounts needed for a cluster (from the profile)"),
}


def build(
    con: duckdb.DuckDBPyConnection,
    window_minutes: int = 10,
    min_accounts: int = 5,
    retweet_sql: str = RETWEET_FLAG,
) -> None:
    """Write the temp table `coord_members`: one row per tweet in a cluster.

    The regex runs once per tweet (text_keys, shared with the co-tweet trace), and only two
    64-bit hashes per tweet are kept (of its id and of its key). A key can only reach
    `min_accounts` accounts if its hash has at least that many copies; only those candidate
    tweets are read again, with their exact key, so a hash collision can add candidates but
    never change a cluster: the clustering below runs on exact keys as before.
    """
    rows = f"FROM tweets WHERE tweet_text IS NOT NULL AND NOT {retweet_sql}"
    keys = ensure(con, retweet_sql)  # the one pass of the regex, shared with the networks
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE coord_candidates AS
        SELECT DISTINCT th FROM {keys}
        WHERE h IN (SELECT h FROM {keys} WHERE h IS NOT NULL
                    GROUP BY h HAVING count(*) >= {min_accounts})"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE coord_rows AS
        SELECT tweetid, userid, tweet_time, tweet_text {rows}
        AND hash(tweetid) IN (SELECT th FROM coord_candidates)"""
    )
    con.execute("DROP TABLE coord_candidates")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE coord_members AS
        WITH keyed AS (
            SELECT * FROM (SELECT *, {NORMALIZE_SQL} AS key FROM coord_rows)
            WHERE length(key) >= {MIN_CHARS}),
        shared AS (
            SELECT * FROM keyed
            WHERE key IN (SELECT key FROM keyed GROUP BY key HAVING count(DISTINCT userid) >= {min_accounts})),
        gaps AS (
            SELECT *, CASE WHEN tweet_time - lag(tweet_time) OVER w > INTERVAL {window_minutes} MINUTE
                           THEN 1 ELSE 0 END AS brk
            FROM shared WINDOW w AS (PARTITION BY key ORDER BY tweet_time, tweetid)),
        bursts AS (
            SELECT *, sum(brk) OVER (PARTITION BY key ORDER BY tweet_time, tweetid) AS burst FROM gaps),
        reach AS (
            SELECT *, count(DISTINCT userid) OVER (
                          PARTITION BY key, burst ORDER BY tweet_time
                          RANGE BETWEEN CURRENT ROW AND INTERVAL {window_minutes} MINUTE FOLLOWING) AS ahead
            FROM bursts),
        inside AS (
            SELECT *, max(ahead) OVER (
                          PARTITION BY key, burst ORDER BY tweet_time
                          RANGE BETWEEN INTERVAL {window_minutes} MINUTE PRECEDING AND CURRENT ROW) AS best
            FROM reach),
        kept AS (
            SELECT * EXCLUDE (burst, brk), burst AS whole,
                   CASE WHEN tweet_time - lag(tweet_time) OVER (PARTITION BY key, burst ORDER BY tweet_time, tweetid)
                             > INTERVAL {window_minutes} MINUTE THEN 1 ELSE 0 END AS brk
            FROM inside WHERE best >= {min_accounts}),
        parts AS (
            -- two qualifying stretches joined only by copies outside them are two clusters
            SELECT *, sum(brk) OVER (PARTITION BY key, whole ORDER BY tweet_time, tweetid) AS part
            FROM kept),
        split AS (SELECT *, dense_rank() OVER (PARTITION BY key ORDER BY whole, part) AS burst FROM parts)
        SELECT key, burst, tweetid, userid, tweet_time, tweet_text,
               count(DISTINCT userid) OVER (PARTITION BY key, burst) AS accounts,
               min(tweet_time) OVER (PARTITION BY key, burst) AS t0,
               max(tweet_time) OVER (PARTITION BY key, burst) AS t1
        FROM split"""
    )
    con.execute("DROP TABLE coord_rows")


def clusters(
    con: duckdb.DuckDBPyConnection,
    window_minutes: int = 10,
    min_accounts: int = 5,
    retweet_sql: str = RETWEET_FLAG,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clusters, members): one row per cluster, and one row per tweet in a cluster.

    `retweet_sql` marks the retweets left out (RETWEET_PREFIX when the export has no is_retweet).
    """
    build(con, window_minutes, min_accounts, retweet_sql)
    return frames(con)


def frames(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clusters, members) of the last `build` on this connection (its temp table), so the
    notebook draws what `summarize` found without a second scan."""
    return table(con), members(con)


def table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per cluster of the last `build`: its number, key, copies, accounts, first and
    last copy, and the first copy's text."""
    return con.execute(
        """SELECT dense_rank() OVER (ORDER BY min(tweet_time), key) AS cluster,
                  key, count(*) AS tweets, count(DISTINCT userid) AS accounts,
                  min(tweet_time) AS start, max(tweet_time) AS "end",
                  first(tweet_text ORDER BY tweet_time, tweetid) AS example
           FROM coord_members GROUP BY key, burst ORDER BY cluster"""
    ).df()


def members(con: duckdb.DuckDBPyConnection, only: list[int] | None = None) -> pd.DataFrame:
    """One row per tweet in a cluster of the last `build` (cluster, tweetid, userid, tweet_time),
    or only in the clusters numbered `only`: at scale the figure needs a few clusters, not all."""
    where = "" if only is None else "WHERE cluster IN (SELECT unnest($only))"
    return con.execute(
        f"""SELECT * FROM (
                SELECT dense_rank() OVER (ORDER BY t0, key) AS cluster, tweetid, userid, tweet_time
                FROM coord_members) {where}
           ORDER BY cluster, tweet_time, tweetid""",
        {} if only is None else {"only": [int(c) for c in only]},
    ).df()


def method(window_minutes: int, min_accounts: int, by_prefix: bool = False) -> str:
    """The clustering rule in words, with the profile's parameters."""
    w, k = window_minutes, min_accounts
    retweets = (
        "retweets (text starting 'RT @', as the export has no is_retweet)"
        if by_prefix
        else "retweets"
    )
    return (
        f"normalized text (lowercase; URLs, mentions, RT prefix, punctuation, emoji, whitespace removed; "
        f"at least {MIN_CHARS} characters), exact match, >= {k} distinct accounts within {w} minutes "
        f"(copies split into bursts wherever consecutive copies are more than {w} minutes apart; a "
        f"burst is a cluster when some {w}-minute stretch of it holds >= {k} accounts, and its "
        f"members are the copies inside such stretches, split where two are more than {w} minutes "
        f"apart); {retweets} excluded"
    )


def retweet_rule(coverage: Coverage) -> str:
    """How a tweet with text is known as a retweet: is_retweet, or the 'RT @' prefix without it."""
    return RETWEET_FLAG if coverage.has("tweets", "is_retweet") else RETWEET_PREFIX


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """Clusters of copied text and the accounts behind them, or unavailable without tweet text."""
    why = coverage.missing("tweets", "tweet_text")
    if why:
        return missing_all(SPECS, why)
    w, k = profile.coordination.window_minutes, profile.coordination.min_accounts
    by_prefix = not coverage.has("tweets", "is_retweet")
    rule = method(w, k, by_prefix)
    build(con, w, k, retweet_rule(coverage))
    tweets, accounts = con.execute(
        "SELECT count(*), count(DISTINCT userid) FROM coord_members"
    ).fetchone()
    sizes = con.execute(
        "SELECT count(DISTINCT userid) AS accounts FROM coord_members GROUP BY key, burst"
    ).df()["accounts"]

    def f(name: str, value: object, **kw: object) -> Finding:
        unit, label = SPECS[f"coordination.{name}"]
        return ok(f"coordination.{name}", value, unit=unit, label=label, **kw)  # type: ignore[arg-type]

    out = [
        f("clusters", len(sizes), method=rule),
        f("accounts_involved", int(accounts), method=rule),
        f("tweets_involved", int(tweets), n=coverage.rows.get("tweets", 0), method=rule),
    ]
    if len(sizes):
        out.append(f("largest_cluster_accounts", int(sizes.max())))
        out += _median(sizes.to_numpy())
    else:
        none = f"no text was posted by {k} or more accounts within {w} minutes"
        out += missing_all({i: SPECS[i] for i in SPECS if "_cluster_" in i}, none)
    out.append(f("window_minutes", w))
    out.append(f("min_accounts", k))
    return out


def _median(sizes: np.ndarray) -> list[Finding]:
    """The median cluster's accounts, and the two middle clusters' when it is halfway between."""
    m = count_median(sizes, "clusters' account counts")
    mid, between = "coordination.median_cluster_accounts", "coordination.median_cluster_between"
    out = [ok(mid, m.value, unit=SPECS[mid][0], label=SPECS[mid][1], method=m.method)]
    if m.between:
        text = f"{m.between[0]:,} and {m.between[1]:,}"
        out.append(ok(between, text, unit=SPECS[between][0], label=SPECS[between][1],
                      method=m.method))  # fmt: skip
    else:
        out += missing_all({between: SPECS[between]}, "the median is one cluster's count")
    return out


def account_edges(members: pd.DataFrame) -> pd.DataFrame:
    """Pairs of accounts that shared at least one cluster, weighted by how many (for the network figure)."""
    if members.empty:
        return pd.DataFrame(columns=["a", "b", "clusters"])
    # One row per account and cluster first: an account posting a text ten times would
    # otherwise join a hundred times with each partner.
    return duckdb.sql(
        """WITH m AS (SELECT DISTINCT cluster, userid FROM members)
           SELECT m1.userid AS a, m2.userid AS b, count(*) AS clusters
           FROM m m1 JOIN m m2 ON m1.cluster = m2.cluster AND m1.userid < m2.userid
           GROUP BY ALL ORDER BY clusters DESC, a, b"""
    ).df()


# Rows of the n x n force arrays computed at a time: five such blocks stay in the CPU's cache,
# where five whole arrays did not (703 accounts, the China demo: 0.87 s -> 0.51 s, same bytes).
LAYOUT_ROWS = 64


def layout(
    edges: pd.DataFrame, iterations: int = 150, seed: int = 0, gravity: float = 5.0
) -> pd.DataFrame:
    """Force-directed (Fruchterman-Reingold) positions for the accounts in `edges`, in numpy.

    A pull towards the centre (`gravity`) keeps separate clusters on one page instead of flying
    apart. Columns userid, x, y in [0, 1]. Deterministic for a given seed; O(accounts^2) memory
    (the weights), so callers keep it to a few thousand accounts.
    """
    if edges.empty:
        return pd.DataFrame(columns=["userid", "x", "y"])
    nodes = sorted(set(edges["a"]) | set(edges["b"]))
    index = {u: i for i, u in enumerate(nodes)}
    n = len(nodes)
    adj = np.zeros((n, n))
    ia = edges["a"].map(index).to_numpy()
    ib = edges["b"].map(index).to_numpy()
    w = edges["clusters"].to_numpy(dtype=float)
    adj[ia, ib] = w
    adj[ib, ia] = w
    pos = np.random.default_rng(seed).random((n, 2))
    k = 1.0 / np.sqrt(n)
    step = 0.1
    cool = step / (iterations + 1)
    buffers = tuple(np.empty((min(LAYOUT_ROWS, n), n)) for _ in range(5))
    disp = np.empty((n, 2))
    for _ in range(iterations):
        for first in range(0, n, LAYOUT_ROWS):
            _forces(pos, adj, k, first, buffers, disp)
        disp -= gravity * (pos - pos.mean(axis=0))
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 0.01)
        pos += disp * (np.minimum(length, step) / length)[:, None]
        step -= cool
    pos -= pos.min(axis=0)
    pos /= np.maximum(pos.max(axis=0), 1e-12)
    return pd.DataFrame({"userid": nodes, "x": pos[:, 0], "y": pos[:, 1]})


def _forces(
    pos: np.ndarray,
    adj: np.ndarray,
    k: float,
    first: int,
    buffers: tuple[np.ndarray, ...],
    disp: np.ndarray,
) -> None:
    """Net force on the accounts first..first+LAYOUT_ROWS, into `disp`: per pair, dx = pos_i -
    pos_j, dist = max(sqrt(dx²+dy²), 0.01), force = k²/dist² - adj·dist/k (0 for i = j). Each
    row holds the same numbers in the same order as over the whole array, so the sums are too."""
    n = len(pos)
    last = min(n, first + LAYOUT_ROWS)
    dx, dy, dist, force, tmp = (b[: last - first] for b in buffers)
    np.subtract(pos[first:last, 0, None], pos[None, :, 0], out=dx)
    np.subtract(pos[first:last, 1, None], pos[None, :, 1], out=dy)
    np.multiply(dx, dx, out=dist)
    np.multiply(dy, dy, out=tmp)
    np.add(dist, tmp, out=dist)
    np.sqrt(dist, out=dist)
    np.maximum(dist, 0.01, out=dist)
    np.multiply(dist, dist, out=force)
    np.divide(k * k, force, out=force)
    np.divide(dist, k, out=tmp)
    np.multiply(adj[first:last], tmp, out=tmp)
    np.subtract(force, tmp, out=force)
    # The diagonal (row r, column first + r), zeroed as the whole-array form did; dx and dy are
    # 0 there, so it adds nothing either way.
    force.ravel()[first :: n + 1][: last - first] = 0.0
    np.multiply(dx, force, out=tmp)
    disp[first:last, 0] = tmp.sum(axis=1)
    np.multiply(dy, force, out=tmp)
    disp[first:last, 1] = tmp.sum(axis=1)
