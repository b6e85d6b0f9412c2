"""Coordination: the same text posted by many accounts within minutes.

Text is normalized in SQL (case, URLs, @mentions, the retweet prefix, punctuation, emoji and
whitespace removed), so near-identical copies that differ only in those collapse to one key.
Copies of one key are split into bursts wherever two consecutive copies are more than the
window apart; a burst is a cluster when at least `min_accounts` distinct accounts posted it and
it lasted no longer than the window. One sort per key: O(n log n), no pairwise comparison.
Retweets are left out: they are amplification, which the engagement finding measures. An
export without `is_retweet` marks retweets by their "RT @" prefix instead (the method says so).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from takedown.findings.contract import Coverage, Finding, Unit, ok
from takedown.findings.proportion import missing_all
from takedown.profile import Profile

# One RE2 pass over lower(tweet_text), identical in result to the four passes it replaced
# (RT prefix, then URLs, then @mentions, then each run of non-letters/digits to one space).
# A run of removable pieces becomes one space, tried leftmost-first in that order. Two details
# keep it exact: a mention whose name runs into a URL ("@abchttp://x") loses the URL as well
# (the sequential version removed the URL first), and '@' is kept out of the punctuation class
# so that "!@name" still removes the whole mention. tests/unit/findings/test_coordination.py
# proves it against the sequential version on tricky cases, random strings and real archives.
_URL = r"(?:https?://|www\.)\S+"
NORMALIZE_PATTERN = (
    rf"(?:^rt @\w+:\s*|{_URL}|@\w*?{_URL}|@\w+|@|[^\p{{L}}\p{{N}}@]+)+"
)
NORMALIZE_SQL = f"trim(regexp_replace(lower(tweet_text), '{NORMALIZE_PATTERN}', ' ', 'g'))"

MIN_CHARS = 12  # normalized texts shorter than this ("ok", "good morning") are too common to mean coordination
RETWEET_FLAG = "coalesce(is_retweet, false)"
RETWEET_PREFIX = "regexp_matches(tweet_text, '^RT @\\w+:')"

SPECS: dict[str, tuple[Unit, str]] = {
    "coordination.clusters": (Unit.count, "Coordinated clusters"),
    "coordination.accounts_involved": (Unit.count, "Accounts in at least one cluster"),
    "coordination.tweets_involved": (Unit.count, "Tweets in clusters"),
    "coordination.largest_cluster_accounts": (Unit.count, "Accounts in the largest cluster"),
    "coordination.median_cluster_accounts": (Unit.number, "Accounts in the median cluster"),
    "coordination.window_minutes": (Unit.count, "Coordination window (minutes, from the profile)"),
    "coordination.min_accounts": (Unit.count, "Accounts needed for a cluster (from the profile)"),
}


def clusters(
    con: duckdb.DuckDBPyConnection,
    window_minutes: int = 10,
    min_accounts: int = 5,
    retweet_sql: str = RETWEET_FLAG,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clusters, members): one row per cluster, and one row per tweet in a cluster.

    `retweet_sql` marks the retweets left out (RETWEET_PREFIX when the export has no is_retweet).
    """
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE coord_members AS
        WITH norm AS (
            SELECT tweetid, userid, tweet_time, tweet_text, {NORMALIZE_SQL} AS key
            FROM tweets WHERE tweet_text IS NOT NULL AND NOT {retweet_sql}),
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
    return frames(con)


def frames(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clusters, members) of the last `clusters` run on this connection (its temp table), so the
    notebook draws what `summarize` found without a second scan."""
    summary = con.execute(
        """SELECT dense_rank() OVER (ORDER BY min(tweet_time), key) AS cluster,
                  key, count(*) AS tweets, count(DISTINCT userid) AS accounts,
                  min(tweet_time) AS start, max(tweet_time) AS "end",
                  list(tweet_text ORDER BY tweet_time, tweetid)[1] AS example
           FROM coord_members GROUP BY key, burst ORDER BY cluster"""
    ).df()
    members = con.execute(
        """SELECT dense_rank() OVER (ORDER BY t0, key) AS cluster, tweetid, userid, tweet_time
           FROM coord_members ORDER BY cluster, tweet_time, tweetid"""
    ).df()
    return summary, members


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
        f"(copies split wherever consecutive copies are more than {w} minutes apart; a burst lasting "
        f"longer than {w} minutes is not a cluster); {retweets} excluded"
    )


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
    summary, members = clusters(con, w, k, RETWEET_PREFIX if by_prefix else RETWEET_FLAG)

    def f(name: str, value: object, **kw: object) -> Finding:
        unit, label = SPECS[f"coordination.{name}"]
        return ok(f"coordination.{name}", value, unit=unit, label=label, **kw)  # type: ignore[arg-type]

    out = [
        f("clusters", len(summary), method=rule),
        f("accounts_involved", int(members["userid"].nunique()), method=rule),
        f("tweets_involved", len(members), n=coverage.rows.get("tweets", 0), method=rule),
    ]
    if len(summary):
        out.append(f("largest_cluster_accounts", int(summary["accounts"].max())))
        out.append(f("median_cluster_accounts", float(summary["accounts"].median())))
    else:
        none = f"no text was posted by {k} or more accounts within {w} minutes"
        out += missing_all(
            {i: SPECS[i] for i in ("coordination.largest_cluster_accounts",
                                   "coordination.median_cluster_accounts")}, none)  # fmt: skip
    out.append(f("window_minutes", w))
    out.append(f("min_accounts", k))
    return out


def account_edges(members: pd.DataFrame) -> pd.DataFrame:
    """Pairs of accounts that shared at least one cluster, weighted by how many (for the network figure)."""
    if members.empty:
        return pd.DataFrame(columns=["a", "b", "clusters"])
    return duckdb.sql(
        """SELECT m1.userid AS a, m2.userid AS b, count(DISTINCT m1.cluster) AS clusters
           FROM members m1 JOIN members m2 ON m1.cluster = m2.cluster AND m1.userid < m2.userid
           GROUP BY ALL ORDER BY clusters DESC, a, b"""
    ).df()


def layout(
    edges: pd.DataFrame, iterations: int = 150, seed: int = 0, gravity: float = 5.0
) -> pd.DataFrame:
    """Force-directed (Fruchterman-Reingold) positions for the accounts in `edges`, in numpy.

    A pull towards the centre (`gravity`) keeps separate clusters on one page instead of flying
    apart. Columns userid, x, y in [0, 1]. Deterministic for a given seed; O(accounts^2) memory
    per step, so callers keep it to a few thousand accounts.
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
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        dist = np.maximum(np.sqrt(dx * dx + dy * dy), 0.01)
        force = k * k / (dist * dist) - adj * (dist / k)
        np.fill_diagonal(force, 0.0)
        disp = np.stack([(dx * force).sum(axis=1), (dy * force).sum(axis=1)], axis=1)
        disp -= gravity * (pos - pos.mean(axis=0))
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 0.01)
        pos += disp * (np.minimum(length, step) / length)[:, None]
        step -= cool
    pos -= pos.min(axis=0)
    pos /= np.maximum(pos.max(axis=0), 1e-12)
    return pd.DataFrame({"userid": nodes, "x": pos[:, 0], "y": pos[:, 1]})
