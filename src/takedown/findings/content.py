"""Content: the hashtags, mentions and link domains the network pushed."""

from __future__ import annotations

import duckdb
import pandas as pd

# The host of an absolute URL, lower-cased (scheme included: HTTPS://X.COM counts), with one
# leading www./m./mobile. stripped.
HOST_SQL = r"""regexp_replace(regexp_extract(lower(trim(u)), '^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)', 1), '^(www|m|mobile)\.', '')"""


def top_hashtags(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    """Hashtags as written (case kept: #香港 and #HongKong are different campaigns)."""
    return con.execute(
        """SELECT h AS hashtag, count(*) AS tweets FROM (SELECT unnest(hashtags) AS h FROM tweets)
           WHERE h <> '' GROUP BY 1 ORDER BY tweets DESC, hashtag LIMIT ?""",
        [n],
    ).df()


def top_mentions(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    return con.execute(
        """SELECT m AS mention, count(*) AS tweets FROM (SELECT unnest(user_mentions) AS m FROM tweets)
           WHERE m <> '' GROUP BY 1 ORDER BY tweets DESC, mention LIMIT ?""",
        [n],
    ).df()


def top_domains(con: duckdb.DuckDBPyConnection, n: int = 15) -> pd.DataFrame:
    """Link hosts, lower-cased, with www./m./mobile. stripped so one site counts once."""
    return con.execute(
        f"""SELECT {HOST_SQL} AS domain, count(*) AS links
            FROM (SELECT unnest(urls) AS u FROM tweets)
            WHERE {HOST_SQL} <> '' GROUP BY 1 ORDER BY links DESC, domain LIMIT ?""",
        [n],
    ).df()


def shares(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    row = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE len(hashtags) > 0),
                  count(*) FILTER (WHERE len(urls) > 0), count(*) FILTER (WHERE len(user_mentions) > 0)
           FROM tweets"""
    ).fetchone()
    n = row[0] or 1
    return {
        "with_hashtag": row[1] / n,
        "with_url": row[2] / n,
        "with_mention": row[3] / n,
        "n": row[0],
    }
