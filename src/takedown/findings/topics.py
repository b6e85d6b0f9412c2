"""Topics: the profile's keyword lexicons applied to every tweet, and their shares over time.

A tweet's topic is the first of the profile's topics whose keywords it contains (case-folded
substring match, keywords in every script the data uses); a tweet matching none is `other`.
The unmatched share is reported, so a thin lexicon shows. Rises are found on 7-day sums.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from takedown.profile import Profile

OTHER = "other"


def topic_sql(profile: Profile) -> str:
    """SQL CASE assigning each tweet its topic id."""
    if not profile.topics:
        return f"'{OTHER}'"
    whens = []
    for tid, topic in profile.topics.items():
        pattern = "|".join(re.escape(k.lower()) for k in topic.keywords).replace("'", "''")
        whens.append(f"WHEN regexp_matches(lower(tweet_text), '{pattern}') THEN '{tid}'")
    return "CASE " + " ".join(whens) + f" ELSE '{OTHER}' END"


def assign(con: duckdb.DuckDBPyConnection, profile: Profile) -> None:
    """Materialize tweet_topics(tweetid, day, month, topic) once for the other queries."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE tweet_topics AS
            SELECT tweetid, CAST(tweet_time AT TIME ZONE 'UTC' AS DATE) AS day,
                   strftime(tweet_time AT TIME ZONE 'UTC', '%Y-%m') AS month,
                   {topic_sql(profile)} AS topic
            FROM tweets"""
    )


def overall(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        """SELECT topic, count(*) AS tweets, count(*) / sum(count(*)) OVER () AS share
           FROM tweet_topics GROUP BY topic ORDER BY tweets DESC"""
    ).df()


def monthly_shares(con: duckdb.DuckDBPyConnection, topics: list[str]) -> pd.DataFrame:
    """Months x topics, each row summing to 1 (the normalized distribution ASPI published)."""
    df = con.execute("""SELECT month, topic, count(*) AS n FROM tweet_topics GROUP BY ALL""").df()
    wide = df.pivot(index="month", columns="topic", values="n").fillna(0)
    for t in [*topics, OTHER]:
        if t not in wide:
            wide[t] = 0.0
    wide = wide[[*topics, OTHER]].sort_index()
    totals = wide.sum(axis=1)
    shares = wide.div(totals, axis=0)
    shares["n"] = totals.astype(int)
    return shares


def daily(con: duckdb.DuckDBPyConnection, topics: list[str]) -> pd.DataFrame:
    """Days x topics tweet counts over the whole span, zero days included."""
    df = con.execute(
        """WITH r AS (SELECT CAST(unnest(generate_series(min(day), max(day), INTERVAL 1 DAY)) AS DATE) AS day
                      FROM tweet_topics)
           SELECT r.day, t.topic, count(t.tweetid) AS n
           FROM r LEFT JOIN tweet_topics t USING (day) GROUP BY ALL"""
    ).df()
    wide = df.pivot_table(index="day", columns="topic", values="n", aggfunc="sum", fill_value=0)
    for t in [*topics, OTHER]:
        if t not in wide:
            wide[t] = 0
    return wide[[*topics, OTHER]].sort_index()


def rises(series: pd.Series, factor: float = 3.0, min_share_of_peak: float = 0.1) -> list[str]:
    """Days a topic takes off: its 7-day sum reaches `factor` x the previous 7 days' (and at
    least `min_share_of_peak` of its highest 7-day sum). Runs of such days count once, by their first.
    """
    s = series.astype(float).rolling(7, min_periods=1).sum()
    prev = s.shift(7).fillna(0.0)
    peak = float(s.max())
    if peak == 0:
        return []
    floor = max(min_share_of_peak * peak, 1.0)
    flag = (s >= factor * prev.clip(lower=floor / factor)) & (s >= floor)
    out: list[str] = []
    last = None
    for day, f in flag.items():
        if f and (last is None or (pd.Timestamp(day) - pd.Timestamp(last)).days > 7):
            out.append(pd.Timestamp(day).date().isoformat())
        if f:
            last = day
    return out
