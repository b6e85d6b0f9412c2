"""Volume over time: daily tweets and active accounts, and the days that spike.

A spike is a day whose count exceeds the centred 29-day rolling median by more than 6 scaled
MADs (and is at least twice that median): robust to the slow growth of the network's activity.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

SPIKE_MADS = 6.0


def daily(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tweets and distinct active accounts per UTC day, zero days included."""
    return con.execute(
        """WITH d AS (SELECT CAST(tweet_time AT TIME ZONE 'UTC' AS DATE) AS day, count(*) AS tweets,
                             count(DISTINCT userid) AS accounts FROM tweets GROUP BY 1),
                r AS (SELECT CAST(unnest(generate_series(min(day), max(day), INTERVAL 1 DAY)) AS DATE) AS day FROM d)
           SELECT r.day, coalesce(d.tweets, 0) AS tweets, coalesce(d.accounts, 0) AS accounts
           FROM r LEFT JOIN d USING (day) ORDER BY r.day"""
    ).df()


def spikes(days: pd.DataFrame, column: str = "tweets", window: int = 29) -> pd.DataFrame:
    """Days far above their local level, with the size of the excess."""
    x = days[column].astype(float)
    med = x.rolling(window, center=True, min_periods=7).median()
    mad = (x - med).abs().rolling(window, center=True, min_periods=7).median() * 1.4826
    limit = med + SPIKE_MADS * np.maximum(mad, 1.0)
    flag = (x > limit) & (x >= 2 * med) & (x >= 10)
    out = days.loc[flag, ["day", column]].copy()
    out["baseline"] = med[flag].round(1)
    out["ratio"] = (x[flag] / med[flag].clip(lower=1)).round(2)
    return out.reset_index(drop=True)
