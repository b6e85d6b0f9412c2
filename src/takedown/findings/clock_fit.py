"""The operator's clock read from the data alone: a UTC offset with its uncertainty, the working
day and the working week, for a profile draft that a person then checks.

The offset and its day bootstrap are clock_offset's, the same fit the posting-clock finding
reports, so a draft and a report never disagree about the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np

from takedown.findings import clock_offset
from takedown.profile import WEEKDAYS, WorkingHours

# Hours (and weekdays) at least this fraction of the busiest one count as working time.
BUSY_FRACTION = 0.5
# "Shows a working day": the quietest NIGHT_HOURS consecutive hours of the weekday hour histogram
# (read round the clock, so the test does not depend on the offset) hold at most NIGHT_SHARE_MAX
# of weekday tweets: half what a flat clock puts there (8/24). An office day, even with evening
# overtime, leaves a night nearly empty; round-the-clock shifts or a flat clock fill it.
NIGHT_HOURS = 8
NIGHT_SHARE_MAX = NIGHT_HOURS / 24 / 2
# fit_offset's default working day starts at DEFAULT_START; real ones start between
# clock_offset's EARLIEST_START and LATEST_START.
DEFAULT_START = WorkingHours().start
EARLIEST_START, LATEST_START = clock_offset.EARLIEST_START, clock_offset.LATEST_START


@dataclass(frozen=True)
class OffsetFit:
    best: int  # whole hours east of UTC
    share: float  # share of tweets inside the working day at the best offset
    low: int  # lowest and highest offset the bootstrap cannot tell apart from the best
    high: int
    plausible: list[int]  # those offsets, best first, then by distance from it
    ambiguous: bool
    draws: int
    days: int
    tweets: int
    shares: dict[int, float] = field(default_factory=dict)  # offset -> share inside the day


def fit_offset(con: duckdb.DuckDBPyConnection, wh: WorkingHours | None = None) -> OffsetFit | None:
    """Best UTC offset for a working day `wh` (default Mon-Fri 08-17), with a day bootstrap.

    None when there are no timed tweets.
    """
    weekday, counts = clock_offset.day_hour_counts(con)
    if not len(weekday):
        return None
    f = clock_offset.fit(weekday, counts, wh or WorkingHours())
    plausible = sorted(f.indistinguishable, key=lambda o: (o != f.best, abs(o - f.best), o))
    return OffsetFit(
        best=f.best, share=f.best_share, low=min(f.indistinguishable),
        high=max(f.indistinguishable), plausible=plausible, ambiguous=f.ambiguous,
        draws=clock_offset.BOOT_REPS, days=f.days, tweets=int(counts.sum()),
        shares={int(o): float(x) for o, x in f.scores.itertuples(index=False)},
    )  # fmt: skip


def local_hours(con: duckdb.DuckDBPyConnection, offset: int) -> tuple[np.ndarray, np.ndarray]:
    """Tweets per local hour on Mon-Fri (24) and per local weekday (7) at a fixed UTC offset."""
    local = f"(tweet_time + INTERVAL ({int(offset)}) HOUR)"
    df = con.execute(
        f"""SELECT isodow({local}) - 1 AS wd, hour({local}) AS h, count(*) AS n
            FROM tweets WHERE tweet_time IS NOT NULL GROUP BY ALL"""
    ).df()
    grid = np.zeros((7, 24), dtype=np.int64)
    grid[df["wd"].to_numpy(), df["h"].to_numpy()] = df["n"].to_numpy()
    return grid[:5].sum(axis=0), grid.sum(axis=1)


def working_hours(hours: np.ndarray, weekdays: np.ndarray) -> WorkingHours | None:
    """The working day read off the histograms: from the first to the last hour at least
    BUSY_FRACTION of the busiest weekday hour, on the weekdays at least BUSY_FRACTION of the
    busiest weekday. None when there is nothing to read."""
    if hours.max(initial=0) <= 0 or weekdays.max(initial=0) <= 0:
        return None
    busy = np.flatnonzero(hours >= BUSY_FRACTION * hours.max())
    days = [WEEKDAYS[i] for i in np.flatnonzero(weekdays >= BUSY_FRACTION * weekdays.max())]
    return WorkingHours(start=int(busy[0]), end=int(busy[-1]) + 1, days=days)


def night_share(hours: np.ndarray) -> float:
    """Share of the tweets in the quietest NIGHT_HOURS consecutive hours of a 24-hour histogram,
    read round the clock (23:00 is followed by 00:00); 1/3 for a flat clock."""
    total = float(hours.sum())
    if total <= 0:
        return 1.0
    ring = np.concatenate([hours, hours[: NIGHT_HOURS - 1]]).astype(np.float64)
    windows = np.convolve(ring, np.ones(NIGHT_HOURS), mode="valid")[:24]
    return float(windows.min() / total)


def shows_working_day(hours: np.ndarray) -> bool:
    """The weekday hour histogram shows a working day: a night at most NIGHT_SHARE_MAX full."""
    return night_share(hours) <= NIGHT_SHARE_MAX
