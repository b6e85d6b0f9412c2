"""Volume over time: daily tweets and active accounts, and the days that spike.

A spike is a day whose count exceeds the centred 29-day rolling median by more than 6 scaled
MADs (and is at least twice that median): robust to slow growth or decline of the activity.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from takedown.findings.contract import Coverage, Finding, first_missing, ok, unavailable
from takedown.profile import Profile

SPIKE_MADS = 6.0
SPIKE_WINDOW = 29
MIN_DAYS = 7  # a rolling baseline needs at least this many days
SPIKE_METHOD = (
    f"days whose tweet count exceeds the centred {SPIKE_WINDOW}-day rolling median by more than "
    f"{SPIKE_MADS:g} scaled MADs (MAD at least 1), and is at least twice that median and at least "
    f"10 tweets"
)

_SPECS: dict[str, tuple[str, str]] = {
    "days": ("count", "Days from first to last tweet (UTC)"),
    "active_days": ("count", "Days with at least one tweet"),
    "median_daily_tweets": ("number", "Median tweets per day"),
    "peak_day": ("date", "Busiest day (UTC)"),
    "peak_day_tweets": ("count", "Tweets on the busiest day"),
    "peak_day_accounts": ("count", "Accounts active on the busiest day"),
    "max_daily_accounts": ("count", "Most accounts active on one day"),
    "spike_count": ("count", "Spike days"),
    "top_spike_day": ("date", "Day furthest above its local baseline (UTC)"),
    "top_spike_ratio": ("ratio", "That day's tweets over its local baseline"),
    "topics_available": ("count", "Topic lexicons the profile defines, drawn per day"),
}


def daily(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tweets and distinct active accounts per UTC day, zero days included.

    One pass groups tweets by day and account (distinct accounts then are that table's rows per
    day, cheaper than count(DISTINCT) at tens of millions of tweets). The few hundred rows are
    kept in the temp table volume_days, so the notebook's figure does not scan the tweets again:
    `tweets` is a read-only view of the dataset's Parquet file.
    """
    con.execute(
        """CREATE TEMP TABLE IF NOT EXISTS volume_days AS
           WITH u AS (SELECT CAST(tweet_time AT TIME ZONE 'UTC' AS DATE) AS day, userid,
                             count(*) AS n
                      FROM tweets GROUP BY ALL),
                d AS (SELECT day, CAST(sum(n) AS BIGINT) AS tweets, count(userid) AS accounts
                      FROM u GROUP BY day),
                r AS (SELECT CAST(unnest(generate_series(min(day), max(day), INTERVAL 1 DAY)) AS DATE) AS day FROM d)
           SELECT r.day, coalesce(d.tweets, 0) AS tweets, coalesce(d.accounts, 0) AS accounts
           FROM r LEFT JOIN d USING (day)"""
    )
    return con.execute("SELECT * FROM volume_days ORDER BY day").df()


def spikes(days: pd.DataFrame, column: str = "tweets", window: int = SPIKE_WINDOW) -> pd.DataFrame:
    """Days far above their local level, with the size of the excess."""
    x = days[column].astype(float)
    med = x.rolling(window, center=True, min_periods=MIN_DAYS).median()
    mad = (x - med).abs().rolling(window, center=True, min_periods=MIN_DAYS).median() * 1.4826
    limit = med + SPIKE_MADS * np.maximum(mad, 1.0)
    flag = (x > limit) & (x >= 2 * med) & (x >= 10)
    out = days.loc[flag, ["day", column]].copy()
    out["baseline"] = med[flag].round(1)
    out["ratio"] = (x[flag] / med[flag].clip(lower=1)).round(2)
    return out.reset_index(drop=True)


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """Daily volume findings; spikes need a week of days, the topic split a text column and lexicons."""
    reason = coverage.missing("tweets", "tweet_time")
    if reason:
        return [_unavailable(k, reason) for k in _SPECS]
    days = daily(con)
    n = len(days)
    peak = days.sort_values(["tweets", "day"], ascending=[False, True]).iloc[0]
    out = [
        ok("volume.days", n, unit="count", label=_SPECS["days"][1]),
        ok("volume.active_days", int((days["tweets"] > 0).sum()), unit="count",
           label=_SPECS["active_days"][1], n=n),
        ok("volume.median_daily_tweets", float(days["tweets"].median()), unit="number",
           label=_SPECS["median_daily_tweets"][1], n=n, method="median over every day of the span, days without tweets included"),
        ok("volume.peak_day", pd.Timestamp(peak["day"]).date().isoformat(), unit="date",
           label=_SPECS["peak_day"][1], method="the earliest of the days with the most tweets"),
        ok("volume.peak_day_tweets", int(peak["tweets"]), unit="count", label=_SPECS["peak_day_tweets"][1]),
        ok("volume.peak_day_accounts", int(peak["accounts"]), unit="count",
           label=_SPECS["peak_day_accounts"][1]),
        ok("volume.max_daily_accounts", int(days["accounts"].max()), unit="count",
           label=_SPECS["max_daily_accounts"][1], method="distinct userid per UTC day"),
    ]  # fmt: skip
    if n < MIN_DAYS:
        why = f"the tweets span {n} days, fewer than the {MIN_DAYS} a local baseline needs"
        out += [_unavailable(k, why) for k in ("spike_count", "top_spike_day", "top_spike_ratio")]
    else:
        s = spikes(days)
        out.append(ok("volume.spike_count", len(s), unit="count", label=_SPECS["spike_count"][1],
                      n=n, method=SPIKE_METHOD))  # fmt: skip
        out += _top_spike(s)
    reason = first_missing(coverage, ("tweets", "tweet_text"))
    if reason is None and not profile.topics:
        reason = "the profile defines no topic keywords"
    if reason:
        out.append(_unavailable("topics_available", reason))
    else:
        out.append(ok("volume.topics_available", len(profile.topics), unit="count",
                      label=_SPECS["topics_available"][1],
                      method="tweets assigned to the profile's topic lexicons (first match)"))  # fmt: skip
    return out


def _top_spike(s: pd.DataFrame) -> list[Finding]:
    """The spike furthest above its baseline (earliest on a tie), or why there is none."""
    if s.empty:
        why = "no day stood out from its local level"
        return [_unavailable(k, why) for k in ("top_spike_day", "top_spike_ratio")]
    top = s.sort_values(["ratio", "day"], ascending=[False, True]).iloc[0]
    return [
        ok("volume.top_spike_day", pd.Timestamp(top["day"]).date().isoformat(), unit="date",
           label=_SPECS["top_spike_day"][1], method="the spike day with the highest ratio to its baseline"),
        ok("volume.top_spike_ratio", float(top["ratio"]), unit="ratio",
           label=_SPECS["top_spike_ratio"][1], method=f"tweets / centred {SPIKE_WINDOW}-day rolling median"),
    ]  # fmt: skip


def _unavailable(name: str, reason: str) -> Finding:
    unit, label = _SPECS[name]
    return unavailable(f"volume.{name}", unit=unit, label=label, reason=reason)
