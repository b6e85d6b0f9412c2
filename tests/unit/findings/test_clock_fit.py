"""The offset fit and its day bootstrap on synthetic clocks whose answers are known."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from takedown.findings import clock_fit
from takedown.profile import WorkingHours


def _con(sql_times: str) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("SET TimeZone='UTC'")
    c.execute(
        f"CREATE TABLE tweets AS SELECT CAST(t AS TIMESTAMPTZ) AS tweet_time FROM ({sql_times})"
    )
    return c


# Weekdays (local) of 2020-01-06 .. 2020-03-29, tweets every 10 minutes in a UTC block.
DAYS = "generate_series(TIMESTAMP '2020-01-06', TIMESTAMP '2020-03-29', INTERVAL 1 DAY) g(d)"


def _block(first_utc_hour: int, hours: int, where: str = "true") -> str:
    return f"""SELECT d + INTERVAL ({first_utc_hour}) HOUR + INTERVAL (m * 10) MINUTE AS t
               FROM {DAYS}, range({hours * 6}) r(m)
               WHERE isodow(d) <= 5 AND {where}"""


def test_office_hours_at_plus_8():
    # 01:00-09:00 UTC on weekdays is 09:00-17:00 at UTC+8.
    con = _con(_block(1, 8))
    fit = clock_fit.fit_offset(con, WorkingHours(start=9, end=17))
    assert (fit.best, fit.low, fit.high, fit.plausible, fit.ambiguous) == (8, 8, 8, [8], False)
    assert fit.share == pytest.approx(1.0)
    assert fit.days == 60 and fit.tweets == 60 * 48
    hours, weekdays = clock_fit.local_hours(con, fit.best)
    assert hours[9:17].tolist() == [60 * 6] * 8 and hours.sum() == 60 * 48
    assert weekdays.tolist() == [12 * 48] * 5 + [0, 0]
    assert clock_fit.working_hours(hours, weekdays) == WorkingHours(start=9, end=17)


def test_two_clocks_cannot_be_told_apart():
    # Alternate days at 00-09 UTC (+8 fits 08-17) and 01-10 UTC (+7 fits 08-17): equal evidence.
    con = _con(
        _block(0, 9, "dayofyear(d) % 2 = 0") + " UNION ALL " + _block(1, 9, "dayofyear(d) % 2 = 1")
    )
    fit = clock_fit.fit_offset(con)
    assert fit.best in (7, 8)
    assert sorted(fit.plausible) == [7, 8]
    assert (fit.low, fit.high) == (7, 8)


def test_bootstrap_is_deterministic():
    con = _con(
        _block(0, 9, "dayofyear(d) % 2 = 0") + " UNION ALL " + _block(1, 9, "dayofyear(d) % 2 = 1")
    )
    assert clock_fit.fit_offset(con) == clock_fit.fit_offset(con)


def test_no_tweets_no_fit():
    con = _con("SELECT NULL AS t WHERE false")
    assert clock_fit.fit_offset(con) is None


def test_working_hours_of_nothing():
    assert clock_fit.working_hours(np.zeros(24), np.zeros(7)) is None


def test_working_hours_span_first_to_last_busy_hour():
    hours = np.zeros(24)
    hours[[7, 8, 9, 12, 14, 15]] = [10, 100, 90, 20, 60, 50]
    weekdays = np.array([10, 10, 9, 10, 6, 4, 1])
    wh = clock_fit.working_hours(hours, weekdays)
    assert (wh.start, wh.end) == (8, 16)
    assert wh.days == ["Mon", "Tue", "Wed", "Thu", "Fri"]
