"""Engagement and amplification: how little the network's tweets were engaged with, and whom it retweeted."""

from __future__ import annotations

import duckdb
import pandas as pd

METRICS = ("like_count", "retweet_count", "reply_count", "quote_count")
NAMES = {"like_count": "likes", "retweet_count": "retweets", "reply_count": "replies",
         "quote_count": "quotes"}  # fmt: skip


def summary(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """Zero-engagement share and upper quantiles, on original tweets (retweets carry no counts of
    their own: the archive gives a retweet zero likes), plus the zero count over all tweets."""
    row = con.execute(
        """WITH t AS (SELECT coalesce(is_retweet, false) AS rt, like_count, retweet_count,
                             coalesce(like_count,0) + coalesce(retweet_count,0)
                             + coalesce(reply_count,0) + coalesce(quote_count,0) = 0 AS zero
                      FROM tweets)
           SELECT count(*) FILTER (WHERE NOT rt), count(*) FILTER (WHERE zero AND NOT rt),
                  quantile_cont(like_count, 0.99) FILTER (WHERE NOT rt),
                  quantile_cont(retweet_count, 0.99) FILTER (WHERE NOT rt),
                  max(like_count) FILTER (WHERE NOT rt), max(retweet_count) FILTER (WHERE NOT rt),
                  count(*), count(*) FILTER (WHERE zero)
           FROM t"""
    ).fetchone()
    n, zero, l99, r99, lmax, rmax, n_all, zero_all = row
    return {
        "original_tweets": int(n),
        "zero_engagement": int(zero),
        "like_p99": float(l99 or 0),
        "retweet_p99": float(r99 or 0),
        "like_max": int(lmax or 0),
        "retweet_max": int(rmax or 0),
        "tweets": int(n_all),
        "zero_engagement_all": int(zero_all),
    }


def zero_follower_engaged(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """ASPI's check: tweets from zero-follower accounts that still drew >50 likes or >10 retweets."""
    row = con.execute(
        """SELECT count(*) FILTER (WHERE t.like_count > 50), count(*) FILTER (WHERE t.retweet_count > 10)
           FROM tweets t JOIN users u USING (userid) WHERE u.follower_count = 0"""
    ).fetchone()
    return {"over_50_likes": int(row[0]), "over_10_retweets": int(row[1])}


def retweet_sources(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Retweets of accounts inside the network (in the users file) vs outside it; retweets whose
    source account is not recorded are counted apart (`unknown`) and in neither group."""
    row = con.execute(
        """SELECT count(*), count(*) FILTER (WHERE u.userid IS NOT NULL),
                  count(*) FILTER (WHERE coalesce(t.retweet_userid, '') = '')
           FROM tweets t LEFT JOIN (SELECT DISTINCT userid FROM users) u ON t.retweet_userid = u.userid
           WHERE coalesce(t.is_retweet, false)"""
    ).fetchone()
    n, inside, unknown = (int(x) for x in row)
    return {"retweets": n, "inside": inside, "outside": n - inside - unknown, "unknown": unknown}


def distribution(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Original tweets per engagement bin, per metric (long format for a grouped bar chart)."""
    parts = " UNION ALL ".join(
        f"SELECT '{NAMES[m]}' AS metric, {m} AS x FROM tweets "
        f"WHERE NOT coalesce(is_retweet, false) AND {m} IS NOT NULL"
        for m in METRICS
    )
    return con.execute(
        f"""SELECT metric, CASE WHEN x = 0 THEN '0' WHEN x <= 10 THEN '1-10' WHEN x <= 50 THEN '11-50'
                                ELSE '51+' END AS bin, count(*) AS tweets
            FROM ({parts}) GROUP BY ALL ORDER BY metric, bin"""
    ).df()


def clients(con: duckdb.DuckDBPyConnection, n: int = 8) -> pd.DataFrame:
    return con.execute(
        """SELECT coalesce(NULLIF(tweet_client_name, ''), 'none') AS client, count(*) AS tweets,
                  count(*) / sum(count(*)) OVER () AS share
           FROM tweets GROUP BY 1 ORDER BY tweets DESC, client LIMIT ?""",
        [n],
    ).df()
