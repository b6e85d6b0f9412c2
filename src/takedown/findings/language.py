"""Language: the archive's language labels, and which Chinese script the text is really in.

Script detection uses hanzidentifier's CC-CEDICT character sets, applied in SQL as two
character classes so the check runs inside DuckDB rather than a Python loop over tweets.
"""

from __future__ import annotations

from functools import cache

import duckdb
import pandas as pd
from hanzidentifier import helpers

SCRIPTS = ("simplified", "traditional", "mixed", "either")
DEFINITE = ("simplified", "traditional", "mixed")


@cache
def _classes() -> tuple[str, str]:
    """RE2 character classes of the simplified-only and traditional-only characters."""
    simp = sorted(helpers.SIMPLIFIED_CHARACTERS - helpers.SHARED_CHARACTERS)
    trad = sorted(helpers.TRADITIONAL_CHARACTERS - helpers.SHARED_CHARACTERS)
    return "[" + "".join(simp) + "]", "[" + "".join(trad) + "]"


def label_shares(con: duckdb.DuckDBPyConnection, column: str, table: str) -> pd.DataFrame:
    """Share of rows per archive language label (empty labels shown as 'none')."""
    if (table, column) not in (("tweets", "tweet_language"), ("users", "account_language")):
        raise ValueError(f"{table}.{column}")
    return con.execute(
        f"""SELECT coalesce(NULLIF({column}, ''), 'none') AS language, count(*) AS n,
                   count(*) / sum(count(*)) OVER () AS share
            FROM {table} GROUP BY 1 ORDER BY n DESC, language"""
    ).df()


def script_sql() -> str:
    """SQL expression classifying tweet_text as simplified, traditional, mixed, either or none."""
    simp, trad = (c.replace("'", "''") for c in _classes())
    return f"""CASE
        WHEN regexp_matches(tweet_text, '{simp}') AND regexp_matches(tweet_text, '{trad}') THEN 'mixed'
        WHEN regexp_matches(tweet_text, '{simp}') THEN 'simplified'
        WHEN regexp_matches(tweet_text, '{trad}') THEN 'traditional'
        WHEN regexp_matches(tweet_text, '\\p{{Han}}') THEN 'either'
        ELSE 'none' END"""


def script_by_label(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tweets per (archive label, detected script): agreement between label and text."""
    return con.execute(
        f"""SELECT coalesce(NULLIF(tweet_language, ''), 'none') AS label, {script_sql()} AS script,
                   count(*) AS n
            FROM tweets GROUP BY ALL ORDER BY label, script"""
    ).df()


def script_counts(by_label: pd.DataFrame, label: str = "zh") -> dict[str, int]:
    """Tweets labelled `label` per detected script (every script and 'none'), and their total."""
    sub = by_label[by_label["label"] == label]
    out = {s: int(sub.loc[sub.script == s, "n"].sum()) for s in (*SCRIPTS, "none")}
    out["total"] = int(sub["n"].sum())
    return out


def script_shares(by_label: pd.DataFrame, label: str = "zh") -> dict[str, float]:
    """Shares among tweets labelled `label` whose text holds Han characters of a definite script
    (simplified, traditional, or both: 'mixed'); texts whose Han characters are common to both
    scripts ('either') cannot be assigned and are left out. Zero when there are none."""
    c = script_counts(by_label, label)
    total = sum(c[s] for s in DEFINITE)
    return {s: c[s] / total if total else 0.0 for s in DEFINITE}
