"""Which UTC offset makes the posting clock look like a working day, and how sure that is.

The fit reads the timestamps as UTC (Twitter's archive gives UTC) and scores every whole-hour
offset by the share of tweets it would put inside the profile's working hours. One SQL query
pulls a small (day x hour) count matrix; the bootstrap resamples days with replacement on that
matrix, so the work is a few matrix products whatever the size of the archive.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from takedown.profile import WEEKDAYS, WorkingHours

OFFSETS = range(-12, 15)
BOOT_REPS = 400
BOOT_SEED = 20200611
ALPHA = 0.05  # an offset cannot be told apart when it ties or beats the best in >= 5% of resamples
AMBIGUOUS_POINTS = 0.02  # ... or when it scores within 2 percentage points of the best: too small
# a difference to read as another clock, however many days the bootstrap has.
AMBIGUOUS_HOURS = 3  # the fit is ambiguous when that set reaches this far from the best
MIN_DAYS = 14  # days with tweets the fit needs: two weeks of a weekly rhythm
# Where a working day's local start is not known, real ones start between these hours: the data
# fixes when the day falls in UTC, and each hour of start moves the offset by an hour.
EARLIEST_START, LATEST_START = 7, 10

METHOD = (
    f"timestamps read as UTC; each whole-hour UTC offset from {OFFSETS[0]:+d} to {OFFSETS[-1]:+d} "
    f"scored by the share of tweets it puts inside the profile's working hours; the best has the "
    f"highest share (ties to the offset nearest UTC). Uncertainty: {BOOT_REPS} bootstrap resamples "
    f"of UTC days (seed {BOOT_SEED}); an offset cannot be told apart from the best when it scores "
    f"at least as high in {ALPHA:.0%} or more of the resamples or scores within "
    f"{100 * AMBIGUOUS_POINTS:g} percentage points of it; the interval spans those offsets. "
    f"Ambiguous when one of them lies {AMBIGUOUS_HOURS} or more hours from the best"
)


@dataclass(frozen=True)
class OffsetFit:
    best: int
    best_share: float
    indistinguishable: tuple[int, ...]  # ascending, always holds `best`
    ambiguous: bool
    days: int  # UTC days with at least one tweet
    scores: pd.DataFrame  # offset, share_in_working_hours (on all days)


QUARTER_HOURS = "clock_quarter_hours"


def quarter_hours(con: duckdb.DuckDBPyConnection) -> str:
    """Name of a temp table of tweets per 15-minute UTC bucket: (t TIMESTAMPTZ, n BIGINT).

    Tweets without a time are one row with t NULL, so totals still count them. Built with one
    scan of tweet_time per connection; every clock question (UTC days and hours, a zone's local
    hours and days, the offset fit) then reads some ten thousand rows instead of every tweet.
    A bucket maps to one local hour whenever the zone's offset is a whole number of quarter
    hours and does not change inside it (`posting_clock` checks, and reads tweets otherwise).
    """
    q = 900_000_000  # microseconds in 15 minutes; integer arithmetic is cheaper than time_bucket
    con.execute(
        f"""CREATE TEMP TABLE IF NOT EXISTS {QUARTER_HOURS} AS
            SELECT make_timestamp(us) AT TIME ZONE 'UTC' AS t, n FROM (
                SELECT epoch_us(tweet_time) - ((epoch_us(tweet_time) % {q}) + {q}) % {q} AS us,
                       count(*) AS n
                FROM tweets GROUP BY 1)"""
    )
    return QUARTER_HOURS


def day_hour_counts(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray]:
    """(weekday per UTC day with tweets, Monday = 0; tweets per day and UTC hour, days x 24)."""
    df = con.execute(
        f"""SELECT CAST(u AS DATE) AS day, isodow(u) - 1 AS weekday, hour(u) AS hour,
                   sum(n)::BIGINT AS n
            FROM (SELECT t AT TIME ZONE 'UTC' AS u, n FROM {quarter_hours(con)} WHERE t IS NOT NULL)
            GROUP BY ALL ORDER BY day, hour"""
    ).df()
    days, index = np.unique(df["day"].to_numpy(), return_inverse=True)
    counts = np.zeros((len(days), 24), dtype=np.float64)
    np.add.at(counts, (index, df["hour"].to_numpy()), df["n"].to_numpy())
    weekday = np.zeros(len(days), dtype=np.int64)
    weekday[index] = df["weekday"].to_numpy()
    return weekday, counts


def week_matrix(weekday: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each day's 24 hourly counts placed in its weekday's slots of a 168-hour week (days x 168)."""
    m = np.zeros((len(weekday), 168))
    m[np.arange(len(weekday))[:, None], weekday[:, None] * 24 + np.arange(24)] = counts
    return m


def offset_kernel(wh: WorkingHours) -> np.ndarray:
    """168 x offsets: 1 where UTC week hour i falls inside working hours on the clock UTC+offset."""
    mask = np.zeros(168, dtype=bool)
    for d in wh.days:
        base = WEEKDAYS.index(d) * 24
        mask[base + wh.start : base + wh.end] = True
    i = np.arange(168)[:, None]
    return mask[(i + np.array(list(OFFSETS))[None, :]) % 168].astype(np.float64)


def offset_scores(utc: np.ndarray, wh: WorkingHours) -> pd.DataFrame:
    """For each whole-hour UTC offset, the share of tweets that fall inside the working day.

    `utc` is tweets per UTC (weekday, hour), a flat 168-vector, Monday 00:00 first.
    """
    total = float(utc.sum())
    share = utc @ offset_kernel(wh) / total if total else np.zeros(len(OFFSETS))
    return pd.DataFrame({"offset": list(OFFSETS), "share_in_working_hours": share})


def best_offset(scores: pd.DataFrame) -> int:
    top = scores["share_in_working_hours"].max()
    best = scores.loc[np.isclose(scores["share_in_working_hours"], top), "offset"]
    return int(min(best, key=abs))


def fit(weekday: np.ndarray, counts: np.ndarray, wh: WorkingHours,
        reps: int = BOOT_REPS, seed: int = BOOT_SEED) -> OffsetFit:  # fmt: skip
    """The best offset, the offsets that cannot be told apart from it (a day bootstrap ties them,
    or they score within AMBIGUOUS_POINTS of it), and whether that set reaches far (ambiguous)."""
    week = week_matrix(weekday, counts)
    kernel = offset_kernel(wh)
    scores = offset_scores(week.sum(axis=0), wh)
    best = best_offset(scores)
    b = list(OFFSETS).index(best)
    n = len(weekday)
    draws = np.random.default_rng(seed).multinomial(n, np.full(n, 1.0 / n), size=reps)
    grids = draws @ week  # reps x 168: each resample's week
    boot = (grids @ kernel) / grids.sum(axis=1, keepdims=True)  # reps x offsets
    ties_or_beats = ((boot - boot[:, [b]]) >= -1e-12).mean(axis=0)
    share = scores["share_in_working_hours"].to_numpy()
    close = (share[b] - share) <= AMBIGUOUS_POINTS + 1e-12
    indist = tuple(int(o) for o, p, c in zip(OFFSETS, ties_or_beats, close, strict=True)
                   if p >= ALPHA or c)  # fmt: skip
    ambiguous = any(abs(o - best) >= AMBIGUOUS_HOURS for o in indist)
    return OffsetFit(best=best, best_share=float(share[b]), indistinguishable=indist,
                     ambiguous=ambiguous, days=n, scores=scores)  # fmt: skip


def start_band(offsets: tuple[int, ...], start: int) -> tuple[int, ...]:
    """The offsets a fit allows once the working day's local start is unknown: each offset the
    fit could not tell apart, on a day scored from `start`, moved as a start from EARLIEST_START
    to LATEST_START would move it; kept within OFFSETS (a wider shift names no real zone)."""
    shifts = range(EARLIEST_START - start, LATEST_START - start + 1)
    moved = {o + d for o in offsets for d in shifts}
    return tuple(sorted(o for o in moved if OFFSETS[0] <= o <= OFFSETS[-1]))


def utc_window(best: int, wh: WorkingHours) -> str:
    """When the working day scored at offset `best` falls in UTC: "00:00–09:00 UTC"."""
    start, end = (wh.start - best) % 24, (wh.end - best) % 24
    night = " (across midnight)" if end <= start and end != 0 else ""
    return f"{start:02d}:00–{end or 24:02d}:00 UTC{night}"


def utc_label(hours: float) -> str:
    """UTC+8, UTC−5, UTC+5:30 (the minus sign the report's offsets use)."""
    sign = "+" if hours >= 0 else "−"
    h, m = divmod(round(abs(hours) * 60), 60)
    return f"UTC{sign}{h}" + (f":{m:02d}" if m else "")
