"""Posting clock: does the network keep office hours, and in which time zone?

Hour-by-weekday counts on the profile's clock, the share inside its working hours with an
interval, a count model for the weekend dip, and the UTC offset that best fits a working day
with the offsets a bootstrap cannot tell apart from it (see `clock_offset`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import duckdb
import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.genmod import families  # not statsmodels.api: 0.3 s more of imports (issue 18)

from takedown.findings import clock_offset as co
from takedown.findings import clock_verdict as cv
from takedown.findings.contract import Coverage, Finding, ok, unavailable
from takedown.findings.stats import Share, share
from takedown.profile import WEEKDAYS, Profile, WorkingHours

MIN_RATIO_DAYS = 14  # two weeks: at least two weekend days and several weekdays


def _local(tz: str) -> str:
    return f"timezone('{tz.replace(chr(39), '')}', t)"


def _counts(con: duckdb.DuckDBPyConnection, tz: str) -> str:
    """A relation (t, n) of tweets per time that maps to the local clock of `tz` exactly.

    The 15-minute UTC buckets of `clock_offset.quarter_hours` when every bucket lies inside one
    local quarter hour: the zone's offset is a whole number of quarter hours (every zone since
    the 1970s) and does not change inside the bucket. Otherwise the tweets' own times.
    """
    table = co.quarter_hours(con)
    off = f"epoch_us({_local(tz)}) - epoch_us(t)"
    end = f"epoch_us(timezone('{tz.replace(chr(39), '')}', t + INTERVAL 899999 MICROSECOND)) - epoch_us(t + INTERVAL 899999 MICROSECOND)"
    exact = con.execute(
        f"""SELECT coalesce(bool_and(epoch_us(t) % 900000000 = 0 AND ({off}) % 900000000 = 0
                                     AND ({off}) = ({end})), true)
            FROM {table} WHERE t IS NOT NULL"""
    ).fetchone()[0]
    return table if exact else "(SELECT tweet_time AS t, count(*) AS n FROM tweets GROUP BY 1)"


def hour_weekday(con: duckdb.DuckDBPyConnection, tz: str) -> pd.DataFrame:
    """Tweets per (weekday, hour) on the local clock: a 7 x 24 matrix, Monday first."""
    df = con.execute(
        f"""SELECT isodow({_local(tz)}) - 1 AS weekday, hour({_local(tz)}) AS hour,
                   sum(n)::BIGINT AS n
            FROM {_counts(con, tz)} GROUP BY ALL"""
    ).df()
    grid = np.zeros((7, 24), dtype=np.int64)
    grid[df["weekday"].to_numpy(), df["hour"].to_numpy()] = df["n"].to_numpy()
    return pd.DataFrame(grid, index=list(WEEKDAYS), columns=range(24))


def in_working_hours(con: duckdb.DuckDBPyConnection, tz: str, wh: WorkingHours) -> Share:
    """Share of tweets posted on a working day between start and end (local, end exclusive)."""
    days = ", ".join(str(WEEKDAYS.index(d) + 1) for d in wh.days)
    k, n = con.execute(
        f"""SELECT coalesce(sum(n) FILTER (WHERE isodow({_local(tz)}) IN ({days})
                                    AND hour({_local(tz)}) >= ? AND hour({_local(tz)}) < ?), 0),
                   coalesce(sum(n), 0) FROM {_counts(con, tz)}""",
        [wh.start, wh.end],
    ).fetchone()
    return share(int(k), int(n))


def daily(con: duckdb.DuckDBPyConnection, tz: str) -> pd.DataFrame:
    """Tweets per local calendar day over the whole span, zero days included."""
    return con.execute(
        f"""WITH d AS (SELECT CAST({_local(tz)} AS DATE) AS day, sum(n)::BIGINT AS n
                       FROM {_counts(con, tz)} GROUP BY 1),
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
        fit = smf.glm("n ~ weekend", data=data, family=families.Poisson()).fit(scale="X2")
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


# The clock of the input timestamps, as ingest recorded it: the archive writes UTC; other exports
# declare theirs in the profile's source block and ingest converts them to UTC.
CLOCK = "UTC, as the archive writes them"
CLOCK_METHOD = "Twitter's archive writes its timestamps in UTC; ingest keeps them as they are"


def source_clock(source_format: str, source_timezone: str) -> tuple[str, str]:
    """(what the report says about the timestamps' clock, the method) from dataset.json."""
    if source_format in ("twitter", "tweets-only"):
        return CLOCK, CLOCK_METHOD
    if source_timezone != "UTC":
        return (
            f"UTC, converted at ingest from the export's declared {source_timezone} clock",
            f"the profile's source block declares {source_timezone}; ingest converted to UTC",
        )
    if source_format == "mapped":
        return "UTC, as the profile's source block declares", "declared in the profile"
    return (
        "UTC by assumption, since the export does not state its clock",
        "the export's publishers state no clock; ingest read its timestamps as UTC",
    )


def _spec(profile: Profile) -> dict[str, tuple[str, str]]:
    tz, wh = profile.timezone, profile.working_hours
    hours = (
        f"{', '.join(wh.days)} {wh.start:02d}:00-{wh.end:02d}:00 {tz}"
        if tz and wh
        else "none declared"
    )
    return {
        "clock_shown": ("text", "Clock the hour-by-weekday counts are read on"),
        "operator_clock": ("text", "Which clock the section shows, and why"),
        "working_hours_share": ("share", f"Tweets inside working hours ({hours})"),
        "weekday_weekend_rate_ratio": ("ratio", "Weekday / weekend daily tweet rate"),
        "peak_hour": ("hours", "Busiest hour of the day, on the clock shown"),
        "timestamp_clock": ("text", "Clock the timestamps are read in"),
        "best_utc_offset": ("offset", "UTC offset whose clock best fits a working day"),
        "best_utc_offset_low": ("offset", "Lowest offset the data allows"),
        "best_utc_offset_high": ("offset", "Highest offset the data allows"),
        "indistinguishable_offsets": ("text", "Offsets that cannot be told apart from the best"),
        "best_offset_share": ("share", "Share of tweets inside working hours at the best offset"),
        "offset_ambiguous": ("text", "The offset fit is ambiguous (true/false)"),
        "offset_reading": ("text", "How clearly the data singles out one offset"),
        "local_start_known": ("text", "The working day's local start is declared, not read off this data (true/false)"),
        "working_day_utc": ("text", "When the working day falls in UTC, at the best offset"),
        "median_tweet_date": ("date", "Date of the median tweet (UTC)"),
        "profile_utc_offset": ("text", f"UTC offset of {tz or 'the profile timezone'} at the median tweet time"),
        "profile_offset_agrees": ("text", "The profile's offset is among those the data allows (true/false)"),
        "profile_offset_verdict": ("text", "The data on the profile's timezone: consistent or contradicted"),
        "profile_offset_reading": ("text", "How the profile's offset compares with the fit"),
    }  # fmt: skip


def summarize(
    con: duckdb.DuckDBPyConnection,
    profile: Profile,
    coverage: Coverage,
    clock: tuple[str, str] = (CLOCK, CLOCK_METHOD),
) -> list[Finding]:
    """Working-hours share, weekend dip, busiest hour and the offset fit with its uncertainty.

    `clock` is what ingest recorded about the timestamps' clock (`source_clock`). The counts are
    read on the profile's clock only when it declares one the fit does not call into doubt
    (`clock_verdict.choose_clock`), else on UTC with no working-hours share."""
    spec = _spec(profile)

    def f(name: str, value: object, **kw: object) -> Finding:
        return ok(f"posting_clock.{name}", value, unit=spec[name][0], label=spec[name][1], **kw)  # type: ignore[arg-type]

    def na(names: list[str], reason: str) -> list[Finding]:
        return [unavailable(f"posting_clock.{k}", unit=spec[k][0], label=spec[k][1], reason=reason)
                for k in names]  # fmt: skip

    reason = coverage.missing("tweets", "tweet_time")
    if reason:
        return na(list(spec), reason)
    weekday, counts = co.day_hour_counts(con)
    fit = co.fit(weekday, counts, cv.fit_hours(profile)) if len(weekday) >= co.MIN_DAYS else None
    shown = cv.choose_clock(con, profile, fit)
    grid = hour_weekday(con, shown.shown)
    total = int(grid.to_numpy().sum())
    out = [
        f("clock_shown", shown.shown, method="the profile's timezone when it declares one that the "
          "offset fit does not call into doubt; UTC otherwise"),
        f("operator_clock", shown.reading),
        f("peak_hour", int(grid.sum(axis=0).idxmax()), n=total,
          method=f"hour of the day with the most tweets on {shown.shown} (earliest on a tie)"),
        f("timestamp_clock", clock[0], method=clock[1]),
    ]  # fmt: skip
    out += _share(con, profile, shown, f, na)
    days = daily(con, shown.shown)
    why = _ratio_unavailable(days)
    if why:
        out += na(["weekday_weekend_rate_ratio"], why)
    else:
        rr = weekday_weekend_ratio(days)
        out.append(f("weekday_weekend_rate_ratio", rr["ratio"], interval=(rr["low"], rr["high"]),
                     n=rr["days"], method=f"{rr['method']}; days on {shown.shown}"))  # fmt: skip
    fit_names = list(spec)[list(spec).index("best_utc_offset") :]
    if fit is None:
        return out + na(
            fit_names,
            f"tweets fall on {len(weekday)} days; the offset fit needs at least {co.MIN_DAYS}",
        )
    return out + cv.offset_findings(con, profile, fit, f, na)


def _share(
    con: duckdb.DuckDBPyConnection, profile: Profile, shown: cv.Clock,
    f: Callable[..., Finding], na: Callable[[list[str], str], list[Finding]],
) -> list[Finding]:  # fmt: skip
    """The share inside the declared working hours on the declared clock, or why there is none."""
    if shown.no_share or profile.working_hours is None:
        return na(
            ["working_hours_share"], shown.no_share or "the profile declares no working hours"
        )
    work = in_working_hours(con, shown.shown, profile.working_hours)
    return [f("working_hours_share", work.value, interval=(work.low, work.high), n=work.n,
              method=f"local clock of the profile's timezone; {work.method}")]  # fmt: skip


def _ratio_unavailable(days: pd.DataFrame) -> str | None:
    if len(days) < MIN_RATIO_DAYS:
        return f"the tweets span {len(days)} days, fewer than the {MIN_RATIO_DAYS} a weekday/weekend rate needs"
    weekend = days["weekend"].astype(bool)
    if days.loc[weekend, "n"].sum() == 0:
        return "no tweet falls on a weekend day, so the weekday/weekend ratio has no finite value"
    if days.loc[~weekend, "n"].sum() == 0:
        return "no tweet falls on a weekday, so the weekday/weekend ratio is zero by construction"
    return None


def offset_curve(con: duckdb.DuckDBPyConnection, profile: Profile) -> pd.DataFrame:
    """The figure's frame: each offset's share in working hours, the best, those the bootstrap
    cannot tell apart from it, and those the data allows (same fit as `summarize`)."""
    weekday, counts = co.day_hour_counts(con)
    fit = co.fit(weekday, counts, cv.fit_hours(profile))
    out = fit.scores.copy()
    out["best"] = out["offset"] == fit.best
    out["indistinguishable"] = out["offset"].isin(fit.indistinguishable)
    out["allowed"] = out["offset"].isin(cv.allowed(fit, profile))  # the finding's interval
    return out
