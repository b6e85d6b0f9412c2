"""Frames for figures that overlay several operations on one axis (takedown compare).

Each is normalized (shares, not counts) so operations of different sizes share an axis, and
each is one SQL aggregate over a dataset's Parquet files.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings.posting_clock import hour_weekday


def hour_of_week(con: duckdb.DuckDBPyConnection, tz: str) -> pd.DataFrame:
    """Share of tweets per hour of the week (0 = Monday 00:00) on the clock of zone `tz`."""
    grid = hour_weekday(con, tz).to_numpy().reshape(-1)
    total = grid.sum()
    return pd.DataFrame(
        {"hour_of_week": range(168), "share": grid / total if total else grid.astype(float)}
    )


def creation_monthly(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Share of accounts created per calendar month (accounts with a creation date)."""
    return con.execute(
        """SELECT CAST(date_trunc('month', account_creation_date) AS DATE) AS month,
                  count(*) AS accounts, count(*) / sum(count(*)) OVER () AS share
           FROM users WHERE account_creation_date IS NOT NULL GROUP BY 1 ORDER BY 1"""
    ).df()


def follower_ecdf(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Share of accounts with at most `followers` followers, at each observed follower count."""
    return con.execute(
        """SELECT follower_count AS followers,
                  sum(count(*)) OVER (ORDER BY follower_count) / sum(count(*)) OVER () AS share
           FROM users WHERE follower_count IS NOT NULL GROUP BY 1 ORDER BY 1"""
    ).df()
