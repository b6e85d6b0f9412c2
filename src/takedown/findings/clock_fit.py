"""The operator's clock read from the data alone: a UTC offset with its uncertainty, the working
day and the working week, for a profile draft that a person then checks.

The point estimate is posting_clock's (the offset whose clock puts the most tweets inside a
working day). Its uncertainty comes from a bootstrap over UTC calendar days: tweets cluster by
day (a campaign day, a holiday), so days, not tweets, are the units resampled. When f1's
`posting_clock.summarize` carries the same bootstrap, `fit_offset` should call it instead: this
module is the one place the profile draft gets its clock from.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np

from takedown.findings.posting_clock import OFFSETS, best_offset, offset_scores
from takedown.profile import WEEKDAYS, WorkingHours

DRAWS = 200
SEED = 0
# An offset that wins in at least this share of bootstrap draws cannot be told apart from the best.
PLAUSIBLE_SHARE = 0.025
# Hours (and weekdays) at least this fraction of the busiest one count as working time.
BUSY_FRACTION = 0.5
# fit_offset's default working day starts at DEFAULT_START; real ones start between these.
DEFAULT_START, EARLIEST_START, LATEST_START = 8, 7, 10


@dataclass(frozen=True)
class OffsetFit:
    best: int  # whole hours east of UTC
    share: float  # share of tweets inside the working day at the best offset
    low: int  # 2.5th and 97.5th percentiles of the bootstrap's best offsets
    high: int
    plausible: list[int]  # offsets that won in >= PLAUSIBLE_SHARE of the draws, best first
    draws: int
    days: int
    tweets: int

    @property
    def ambiguous(self) -> bool:
        return len(self.plausible) > 1


def _day_hour(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray]:
    """Tweets per UTC day and hour as a (days x 168) matrix, each day in its weekday's block."""
    df = con.execute(
        """SELECT CAST(tweet_time AS DATE) AS day, isodow(tweet_time) - 1 AS wd,
                  hour(tweet_time) AS h, count(*) AS n
           FROM tweets WHERE tweet_time IS NOT NULL GROUP BY ALL ORDER BY day, h"""
    ).df()
    days, idx = np.unique(df["day"].to_numpy(), return_inverse=True)
    m = np.zeros((len(days), 168), dtype=np.float64)
    m[idx, df["wd"].to_numpy() * 24 + df["h"].to_numpy()] = df["n"].to_numpy()
    return m, days


def _scores(grids: np.ndarray, wh: WorkingHours) -> np.ndarray:
    """Working-day share for every grid (rows) and offset (columns), as offset_scores computes."""
    mask = np.zeros(168, dtype=bool)
    for d in wh.days:
        mask[WEEKDAYS.index(d) * 24 + wh.start : WEEKDAYS.index(d) * 24 + wh.end] = True
    # local = roll(utc, off): UTC cell i lands on local cell i + off, so use mask rolled by -off.
    k = np.stack([np.roll(mask, -off) for off in OFFSETS]).astype(np.float64)
    totals = grids.sum(axis=1, keepdims=True)
    return np.divide(grids @ k.T, totals, out=np.zeros((len(grids), len(k))), where=totals > 0)


def _winners(scores: np.ndarray) -> np.ndarray:
    """Best offset per row; ties go to the offset nearest UTC (as posting_clock.best_offset)."""
    offsets = np.array(list(OFFSETS))
    top = scores.max(axis=1, keepdims=True)
    tied = np.isclose(scores, top)
    # Among tied offsets pick the smallest |offset|, then the smaller one.
    rank = np.where(tied, np.abs(offsets)[None, :] * 2 + (offsets[None, :] > 0), 10**6)
    return offsets[rank.argmin(axis=1)]


def fit_offset(
    con: duckdb.DuckDBPyConnection,
    wh: WorkingHours | None = None,
    *,
    draws: int = DRAWS,
    seed: int = SEED,
) -> OffsetFit | None:
    """Best UTC offset for a working day `wh` (default Mon-Fri 08-17), with a day bootstrap.

    None when there are no timed tweets.
    """
    wh = wh or WorkingHours()
    m, days = _day_hour(con)
    if not len(days):
        return None
    utc = m.sum(axis=0)
    scores = offset_scores(utc, wh)
    best = best_offset(scores)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(days), np.full(len(days), 1 / len(days)), size=draws)
    wins = _winners(_scores(weights @ m, wh))
    counts = {int(o): int(c) for o, c in zip(*np.unique(wins, return_counts=True), strict=True)}
    plausible = sorted(
        (o for o, c in counts.items() if c / draws >= PLAUSIBLE_SHARE or o == best),
        key=lambda o: (o != best, -counts.get(o, 0), abs(o)),
    )
    low, high = (int(x) for x in np.percentile(wins, [2.5, 97.5], method="nearest"))
    share = float(scores.loc[scores.offset == best, "share_in_working_hours"].iloc[0])
    return OffsetFit(
        best=best, share=share, low=min(low, best), high=max(high, best), plausible=plausible,
        draws=draws, days=len(days), tweets=int(utc.sum()),
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
