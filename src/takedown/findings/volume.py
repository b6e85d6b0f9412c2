"""Volume over time: daily tweets and active accounts, and the days that spike.

A spike is a day whose count exceeds its baseline (the centred 29-day rolling median, floored at
a few tweets a day) by more than 6 scaled MADs and is at least twice that baseline: robust to
slow growth or decline of the activity. Spikes are ranked by their excess, the tweets above the
baseline, so a quiet day's 14 tweets over a baseline of 0 never outrank the busiest day.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from takedown.findings.contract import Coverage, Finding, first_missing, ok, unavailable
from takedown.findings.stats import count_median
from takedown.profile import Profile

SPIKE_MADS = 6.0
SPIKE_WINDOW = 29
MIN_DAYS = 7  # a rolling baseline needs at least this many days
BASELINE_FLOOR = 5  # tweets a day: below it, a day's ratio to its baseline means little
SPIKE_MIN_RATIO = 2  # a spike is at least this many times its baseline
SPIKE_METHOD = (
    f"days whose tweet count exceeds its baseline (the centred {SPIKE_WINDOW}-day rolling median, "
    f"at least {BASELINE_FLOOR} tweets) by more than {SPIKE_MADS:g} scaled MADs (MAD at least 1) "
    f"and is at least {SPIKE_MIN_RATIO} times that baseline; ranked by tweets above the baseline"
)

_SPECS: dict[str, tuple[str, str]] = {
    "days": ("count", "Days from first to last tweet (UTC)"),
    "active_days": ("count", "Days with at least one tweet"),
    "median_daily_tweets": ("number", "Median tweets per day"),
    "median_daily_between": (
        "text",
        "The two middle days' tweets, when the median is halfway between them",
    ),
    "peak_day": ("date", "Busiest day (UTC)"),
    "peak_day_tweets": ("count", "Tweets on the busiest day"),
    "peak_day_accounts": ("count", "Accounts active on the busiest day"),
    "max_daily_accounts": ("count", "Most accounts active on one day"),
    "spike_count": ("count", "Spike days"),
    "spike_window_days": ("days", "Spike rule: days in the centred window of the baseline"),
    "spike_mads": ("number", "Spike rule: scaled MADs a spike stands above its baseline"),
    "spike_min_ratio": ("number", "Spike rule: least ratio of a spike to its baseline"),
    "spike_baseline_floor": ("count", "Spike rule: least baseline (tweets a day)"),
    "top_spike_day": ("date", "Spike day with the most tweets above its local baseline (UTC)"),
    "top_spike_tweets": ("count", "Tweets on that spike day"),
    "top_spike_baseline": ("count", "That day's local baseline (tweets a day)"),
    "top_spike_excess": ("count", "That day's tweets above its local baseline"),
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
    """Days far above their local level, largest excess first (earliest on a tie).

    The baseline is the lower median of the window (a day's count, never half of one, where the
    series' ends leave an even number of days), floored at BASELINE_FLOOR tweets.
    """
    x = days[column].astype(float)
    roll = x.rolling(window, center=True, min_periods=MIN_DAYS)
    base = roll.quantile(0.5, interpolation="lower").clip(lower=BASELINE_FLOOR)
    med = roll.median()
    mad = (x - med).abs().rolling(window, center=True, min_periods=MIN_DAYS).median() * 1.4826
    flag = (x > base + SPIKE_MADS * np.maximum(mad, 1.0)) & (x >= SPIKE_MIN_RATIO * base)
    out = days.loc[flag, ["day", column]].copy()
    out["baseline"] = base[flag].astype("int64")
    out["excess"] = out[column].astype("int64") - out["baseline"]
    out["ratio"] = (x[flag] / base[flag]).round(2)
    out = out.sort_values(["excess", "day"], ascending=[False, True], kind="stable")
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
        *_median(days["tweets"].to_numpy(), n),
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
        out += [_unavailable(k, why) for k in _SPECS if k.startswith(("spike_", "top_spike_"))]
    else:
        s = spikes(days)
        out.append(ok("volume.spike_count", len(s), unit="count", label=_SPECS["spike_count"][1],
                      n=n, method=SPIKE_METHOD))  # fmt: skip
        out += _spike_rule()
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


def _median(tweets: np.ndarray, n: int) -> list[Finding]:
    """The median day's tweets, and the two middle days' when it is halfway between them."""
    m = count_median(
        tweets, "days' tweet counts (every day of the span, days without tweets included)"
    )
    out = [ok("volume.median_daily_tweets", m.value, unit="number",
              label=_SPECS["median_daily_tweets"][1], n=n, method=m.method)]  # fmt: skip
    if m.between:
        out.append(ok("volume.median_daily_between", f"{m.between[0]:,} and {m.between[1]:,}",
                      unit="text", label=_SPECS["median_daily_between"][1], n=n, method=m.method))  # fmt: skip
    else:
        out.append(_unavailable("median_daily_between", "the median is one day's count"))
    return out


def _spike_rule() -> list[Finding]:
    """The spike rule's parameters, so the text quotes them from the same numbers the rule uses."""
    values = {"spike_window_days": SPIKE_WINDOW, "spike_mads": SPIKE_MADS,
              "spike_min_ratio": SPIKE_MIN_RATIO, "spike_baseline_floor": BASELINE_FLOOR}  # fmt: skip
    return [
        ok(f"volume.{k}", v, unit=_SPECS[k][0], label=_SPECS[k][1], method=SPIKE_METHOD)
        for k, v in values.items()
    ]


def _top_spike(s: pd.DataFrame) -> list[Finding]:
    """The spike with the most tweets above its baseline (earliest on a tie), or why none."""
    names = ("top_spike_day", "top_spike_tweets", "top_spike_baseline", "top_spike_excess",
             "top_spike_ratio")  # fmt: skip
    if s.empty:
        why = "no day stood out from its local level"
        return [_unavailable(k, why) for k in names]
    top = s.iloc[0]  # `spikes` ranks by excess, earliest first on a tie
    base = f"centred {SPIKE_WINDOW}-day rolling median, at least {BASELINE_FLOOR} tweets"
    return [
        ok("volume.top_spike_day", pd.Timestamp(top["day"]).date().isoformat(), unit="date",
           label=_SPECS["top_spike_day"][1], method="the spike day with the most tweets above its baseline"),
        ok("volume.top_spike_tweets", int(top["tweets"]), unit="count",
           label=_SPECS["top_spike_tweets"][1]),
        ok("volume.top_spike_baseline", int(top["baseline"]), unit="count",
           label=_SPECS["top_spike_baseline"][1], method=base),
        ok("volume.top_spike_excess", int(top["excess"]), unit="count",
           label=_SPECS["top_spike_excess"][1], method=f"tweets minus the baseline ({base})"),
        ok("volume.top_spike_ratio", float(top["ratio"]), unit="ratio",
           label=_SPECS["top_spike_ratio"][1], method=f"tweets / baseline ({base})"),
    ]  # fmt: skip


def _unavailable(name: str, reason: str) -> Finding:
    unit, label = _SPECS[name]
    return unavailable(f"volume.{name}", unit=unit, label=label, reason=reason)
