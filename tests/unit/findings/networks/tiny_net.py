"""Tiny tweets tables for the network traces: every column a trace reads, worked out by hand."""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from tests.unit.findings.tiny import make_con

EXTRA = ("retweet_tweetid", "in_reply_to_tweetid")


def at(minute: int, base: str = "2020-02-01 06:00") -> str:
    return (pd.Timestamp(base) + pd.Timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M")


def net_con(tweets: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    """make_con plus retweet_tweetid and in_reply_to_tweetid, filled from the rows given."""
    base = [{k: v for k, v in r.items() if k not in EXTRA} for r in tweets]
    con = make_con([], base)
    for col in EXTRA:
        con.execute(f"ALTER TABLE tweets ADD COLUMN {col} VARCHAR")
        for i, r in enumerate(tweets, start=1):
            if r.get(col) is not None:
                con.execute(f"UPDATE tweets SET {col} = ? WHERE tweetid = ?", [r[col], str(i)])
    return con
