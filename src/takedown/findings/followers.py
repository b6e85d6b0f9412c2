"""Followers: the share of accounts nobody followed, the signature of a fabricated network."""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings.stats import Share, share

# Bins chosen to show the published thresholds (0, fewer than 8, fewer than 10) exactly.
BINS: tuple[tuple[str, int, int | None], ...] = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2-7", 2, 7),
    ("8-9", 8, 9),
    ("10-99", 10, 99),
    ("100-999", 100, 999),
    ("1,000+", 1000, None),
)


def below(con: duckdb.DuckDBPyConnection, threshold: int) -> Share:
    """Accounts with fewer than `threshold` followers (threshold 1 = zero followers)."""
    k, n = con.execute(
        "SELECT count(*) FILTER (WHERE follower_count < ?), count(*) FROM users "
        "WHERE follower_count IS NOT NULL",
        [threshold],
    ).fetchone()
    return share(int(k), int(n))


def quantiles(con: duckdb.DuckDBPyConnection, column: str = "follower_count") -> dict[str, float]:
    if column not in ("follower_count", "following_count"):
        raise ValueError(column)
    q = con.execute(
        f"SELECT quantile_cont({column}, [0.5, 0.9, 0.99]), max({column}) FROM users"
    ).fetchone()
    return {"median": q[0][0], "p90": q[0][1], "p99": q[0][2], "max": float(q[1])}


def binned(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Accounts per follower and following bin, long format for a grouped bar chart."""
    cases = " ".join(
        f"WHEN x BETWEEN {lo} AND {hi if hi is not None else 'x'} THEN {i}"
        for i, (_, lo, hi) in enumerate(BINS)
    )
    df = con.execute(
        f"""SELECT kind, CASE {cases} END AS bin, count(*) AS accounts FROM (
              SELECT 'followers' AS kind, follower_count AS x FROM users
              UNION ALL SELECT 'following', following_count FROM users)
            WHERE x IS NOT NULL GROUP BY ALL ORDER BY kind, bin"""
    ).df()
    df["bin"] = df["bin"].map(lambda i: BINS[int(i)][0])
    df["share"] = df["accounts"] / df.groupby("kind")["accounts"].transform("sum")
    return df
