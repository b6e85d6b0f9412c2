"""Overview: how big the archive is, the span it covers, and who posts most."""

from __future__ import annotations

import duckdb
import pandas as pd


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, object]:
    """Headline counts in one SQL pass per table."""
    accounts = con.execute("SELECT count(*) FROM users").fetchone()[0]
    row = con.execute(
        """SELECT count(*), count(DISTINCT userid), min(tweet_time), max(tweet_time),
                  avg(CAST(is_retweet AS INTEGER))
           FROM tweets"""
    ).fetchone()
    tweets, active, first, last, rt_share = row
    per = con.execute(
        "SELECT median(n), avg(n), max(n) FROM (SELECT count(*) AS n FROM tweets GROUP BY userid)"
    ).fetchone()
    return {
        "accounts": int(accounts),
        "tweets": int(tweets),
        "active_accounts": int(active),
        "first_tweet": first.date().isoformat() if first else None,
        "last_tweet": last.date().isoformat() if last else None,
        "span_days": (last.date() - first.date()).days + 1 if first else 0,
        "retweet_share": float(rt_share or 0.0),
        "tweets_per_account_median": float(per[0] or 0),
        "tweets_per_account_mean": float(per[1] or 0),
        "tweets_per_account_max": int(per[2] or 0),
    }


def monthly(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tweets per calendar month (UTC), months without tweets included as zero."""
    return con.execute(
        """WITH m AS (SELECT date_trunc('month', tweet_time AT TIME ZONE 'UTC') AS month, count(*) AS tweets
                      FROM tweets GROUP BY 1),
                r AS (SELECT unnest(generate_series(min(month), max(month), INTERVAL 1 MONTH)) AS month FROM m)
           SELECT r.month, coalesce(m.tweets, 0) AS tweets FROM r LEFT JOIN m USING (month)
           ORDER BY r.month"""
    ).df()


def top_accounts(con: duckdb.DuckDBPyConnection, n: int = 10) -> pd.DataFrame:
    """The most active accounts with their self-description (hostile text: display escaped)."""
    return con.execute(
        """SELECT u.user_screen_name AS screen_name, u.user_display_name AS display_name,
                  u.user_profile_description AS description, u.follower_count AS followers,
                  t.tweets
           FROM (SELECT userid, count(*) AS tweets FROM tweets GROUP BY userid) t
           JOIN users u USING (userid)
           ORDER BY t.tweets DESC, u.userid LIMIT ?""",
        [n],
    ).df()
