"""Topics: the profile's keyword lexicons applied to every tweet, and their shares over time.

A tweet's topic is the first of the profile's topics whose keywords it contains (case-folded
substring match, keywords in every script the data uses); a tweet matching none is `other`.
Keywords are literal (regex metacharacters escaped). The unmatched share is reported, so a thin
lexicon shows. Rises are found on 7-day sums and dated to their onset.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd

from takedown.profile import Profile

OTHER = "other"


def _pattern(keywords: list[str]) -> str | None:
    """A case-folded RE2 alternation of literal keywords, quoted for a SQL string literal."""
    words = [re.escape(k.lower()) for k in keywords if k.strip()]
    return "|".join(words).replace("'", "''") if words else None


def topic_sql(profile: Profile) -> str:
    """SQL CASE assigning each tweet its topic id."""
    if not profile.topics:
        return f"'{OTHER}'"
    whens = []
    for tid, topic in profile.topics.items():
        pattern = _pattern(topic.keywords)
        if pattern is None:
            continue
        tid_sql = tid.replace("'", "''")
        whens.append(f"WHEN regexp_matches(lower(tweet_text), '{pattern}') THEN '{tid_sql}'")
    if not whens:
        return f"'{OTHER}'"
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


def matching(con: duckdb.DuckDBPyConnection, profile: Profile, ids: list[str]) -> tuple[int, int]:
    """(tweets whose text holds a keyword of any of the topics `ids`, all tweets): "about A, B or
    both", whichever topic the first-match rule assigned the tweet to."""
    pattern = _pattern([k for t in ids for k in profile.topics[t].keywords])
    cond = f"regexp_matches(lower(tweet_text), '{pattern}')" if pattern else "false"
    k, n = con.execute(f"SELECT count(*) FILTER (WHERE {cond}), count(*) FROM tweets").fetchone()
    return int(k), int(n)


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
    days = sorted(df["day"].unique())
    wide = df.dropna(subset=["topic"]).pivot_table(
        index="day", columns="topic", values="n", aggfunc="sum", fill_value=0
    )
    # days without tweets have no topic: put them back as zeros, so positions are days
    wide = wide.reindex(days, fill_value=0)
    wide.index.name = "day"
    for t in [*topics, OTHER]:
        if t not in wide:
            wide[t] = 0
    return wide[[*topics, OTHER]].astype("int64")


def rises(series: pd.Series, factor: float = 3.0, min_share_of_peak: float = 0.1) -> list[str]:
    """Days a topic takes off, dated to the rise's onset.

    A rise is flagged when the topic's 7-day sum reaches `factor` x the previous 7 days' (and at
    least `min_share_of_peak` of its highest 7-day sum); runs of flagged days count once. The
    date given is the onset: the first day of that 7-day window whose count stands above the
    previous week's level (its daily mean + 3 x its square root, the Poisson noise), so a rise is
    not dated up to six days late by the trailing sum.
    """
    x = series.astype(float).to_numpy()
    days = [pd.Timestamp(d) for d in series.index]
    # full weeks only: a partial first week would make any topic "rise" off the series' edge
    s = pd.Series(x).rolling(7, min_periods=7).sum().to_numpy()
    prev = pd.Series(s).shift(7).to_numpy()
    peak = float(np.nanmax(s)) if np.isfinite(s).any() else 0.0
    if peak == 0:
        return []
    floor = max(min_share_of_peak * peak, 1.0)
    with np.errstate(invalid="ignore"):
        flag = (s >= factor * np.maximum(prev, floor / factor)) & (s >= floor)
    out: list[str] = []
    last: int | None = None
    for i in np.flatnonzero(flag):
        if last is None or (days[i] - days[last]).days > 7:
            level = prev[i] / 7
            limit = level + 3 * np.sqrt(level)
            lo = max(0, i - 6)
            above = np.flatnonzero(x[lo : i + 1] > limit)
            onset = lo + int(above[0]) if above.size else int(i)
            out.append(days[onset].date().isoformat())
        last = int(i)
    return out


def peak_week(series: pd.Series) -> str | None:
    """First day of the topic's busiest 7-day window (None if it never occurs)."""
    s = series.astype(float).rolling(7, min_periods=1).sum().to_numpy()
    if not len(s) or s.max() <= 0:
        return None
    end = int(np.argmax(s))
    return pd.Timestamp(series.index[max(0, end - 6)]).date().isoformat()
