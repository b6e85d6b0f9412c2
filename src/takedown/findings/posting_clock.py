"""Posting clock: does the network keep office hours, and in which time zone?

ASPI read Beijing office hours off hour-by-weekday counts; here the same counts come with a
share, a count model for the weekend dip, and the UTC offset that best fits a working day.
"""

from __future__ import annotations

import math
import warnings

import duckdb
import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf

from takedown.findings.stats import Share, share
from takedown.profile import WEEKDAYS, WorkingHours

OFFSETS = range(-12, 15)


def _local(tz: str) -> str:
    return f"timezone('{tz.replace(chr(39), '')}', tweet_time)"


def hour_weekday(con: duckdb.DuckDBPyConnection, tz: str) -> pd.DataFrame:
    """Tweets per (weekday, hour) on the local clock: a 7 x 24 matrix, Monday first."""
    df = con.execute(
        f"""SELECT isodow({_local(tz)}) - 1 AS weekday, hour({_local(tz)}) AS hour, count(*) AS n
            FROM tweets GROUP BY ALL"""
    ).df()
    grid = np.zeros((7, 24), dtype=np.int64)
    grid[df["weekday"].to_numpy(), df["hour"].to_numpy()] = df["n"].to_numpy()
    return pd.DataFrame(grid, index=list(WEEKDAYS), columns=range(24))


def in_working_hours(con: duckdb.DuckDBPyConnection, tz: str, wh: WorkingHours) -> Share:
    """Share of tweets posted on a working day between start and end (local, end exclusive)."""
    days = ", ".join(str(WEEKDAYS.index(d) + 1) for d in wh.days)
    k, n = con.execute(
        f"""SELECT count(*) FILTER (WHERE isodow({_local(tz)}) IN ({days})
                                    AND hour({_local(tz)}) >= ? AND hour({_local(tz)}) < ?),
                   count(*) FROM tweets""",
        [wh.start, wh.end],
    ).fetchone()
    return share(int(k), int(n))


def daily(con: duckdb.DuckDBPyConnection, tz: str) -> pd.DataFrame:
    """Tweets per local calendar day over the whole span, zero days included."""
    return con.execute(
        f"""WITH d AS (SELECT CAST({_local(tz)} AS DATE) AS day, count(*) AS n FROM tweets GROUP BY 1),
                 r AS (SELECT CAST(unnest(generate_series(min(day), max(day), INTERVAL 1 DAY)) AS DATE)
                              AS day FROM d)
            SELECT r.day, coalesce(d.n, 0) AS n, isodow(r.day) >= 6 AS weekend
            FROM r LEFT JOIN d USING (day) ORDER BY r.day"""
    ).df()


def weekday_weekend_ratio(days: pd.DataFrame) -> dict[str, float | str]:
    """Weekday/weekend daily rate ratio from a negative binomial count model with a weekend term.

    With one binary term the estimate equals the ratio of mean daily counts; the model adds an
    interval that allows for overdispersion, which a Poisson interval would understate.
    """
    data = pd.DataFrame({"n": days["n"].astype(float), "weekend": days["weekend"].astype(int)})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = smf.negativebinomial("n ~ weekend", data=data).fit(disp=0, maxiter=200)
        method = (
            "negative binomial regression of daily counts on a weekend indicator; 95% Wald interval"
        )
        if (
            not fit.mle_retvals.get("converged", True)
            or not np.isfinite(fit.conf_int().loc["weekend"]).all()
        ):
            raise RuntimeError("negative binomial fit did not converge")
    except Exception:  # noqa: BLE001 - fall back to quasi-Poisson, and say so
        fit = smf.glm("n ~ weekend", data=data, family=sm.families.Poisson()).fit(scale="X2")
        method = "quasi-Poisson GLM of daily counts on a weekend indicator; 95% Wald interval"
    b = float(fit.params["weekend"])
    lo, hi = (float(x) for x in fit.conf_int().loc["weekend"])
    return {
        "ratio": math.exp(-b),
        "low": math.exp(-hi),
        "high": math.exp(-lo),
        "weekday_mean": float(data.loc[data.weekend == 0, "n"].mean()),
        "weekend_mean": float(data.loc[data.weekend == 1, "n"].mean()),
        "days": int(len(data)),
        "method": method,
    }


def utc_grid(con: duckdb.DuckDBPyConnection) -> np.ndarray:
    """Tweets per UTC (weekday, hour) as a flat 168-vector, Monday 00:00 first."""
    return hour_weekday(con, "UTC").to_numpy().reshape(-1)


def offset_scores(utc: np.ndarray, wh: WorkingHours) -> pd.DataFrame:
    """For each whole-hour UTC offset, the share of tweets that fall inside the working day.

    Criterion: the best offset maximizes that share (ties go to the offset nearest UTC).
    """
    mask = np.zeros(168, dtype=bool)
    for d in wh.days:
        base = WEEKDAYS.index(d) * 24
        mask[base + wh.start : base + wh.end] = True
    total = utc.sum()
    rows = []
    for off in OFFSETS:
        local = np.roll(utc, off)  # UTC cell i lands on local cell i + off
        rows.append((off, float(local[mask].sum() / total) if total else 0.0))
    return pd.DataFrame(rows, columns=["offset", "share_in_working_hours"])


def best_offset(scores: pd.DataFrame) -> int:
    top = scores["share_in_working_hours"].max()
    best = scores.loc[np.isclose(scores["share_in_working_hours"], top), "offset"]
    return int(min(best, key=abs))
