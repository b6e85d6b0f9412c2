"""The drafted clock on planted truth: a clear working day gets its zone and hours; a flat or
round-the-clock one gets no timezone, no working hours, and the candidates with the reason."""

from __future__ import annotations

from datetime import datetime

import duckdb
import numpy as np
import pytest
import yaml

from takedown.findings import clock_fit
from takedown.pipeline.profile_clock import clock_lines
from takedown.pipeline.profile_draft import _clock_facts

WHEN = datetime(2020, 2, 11, 12)
DAYS = "generate_series(TIMESTAMP '2020-01-06', TIMESTAMP '2020-03-29', INTERVAL 1 DAY) g(d)"


def _con(select: str) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.execute("SET TimeZone='UTC'")
    c.execute(f"CREATE TABLE tweets AS SELECT CAST(t AS TIMESTAMPTZ) AS tweet_time FROM ({select})")
    return c


def _draft(con: duckdb.DuckDBPyConnection, langs: list[str]) -> tuple[dict, dict, str]:
    fit = clock_fit.fit_offset(con)
    facts = {"fit": fit, "missing": {}, **_clock_facts(con, fit, WHEN, langs)}
    text = "\n".join(clock_lines(facts))
    return facts, yaml.safe_load(text) or {}, text


@pytest.mark.slow
def test_clear_working_day_at_plus_8_drafts_its_zone_and_hours():
    # Mon-Fri 00:00-09:00 UTC (08:00-17:00 at UTC+8), every 10 minutes; one tweet a night hour.
    office = f"""SELECT d + INTERVAL (m * 10) MINUTE AS t FROM {DAYS}, range(54) r(m)
                 WHERE isodow(d) <= 5
                 UNION ALL SELECT d + INTERVAL (h) HOUR FROM {DAYS}, range(10, 24) r(h)"""
    facts, values, text = _draft(_con(office), ["zh"])
    fit = facts["fit"]
    assert (fit.best, fit.low, fit.high, fit.ambiguous) == (8, 8, 8, False)
    assert facts["working_day"] and facts["night_share"] <= clock_fit.NIGHT_SHARE_MAX
    assert values["timezone"] == "Asia/Shanghai"
    assert values["working_hours"] == {"start": 8, "end": 17, "from_data": True,
                                       "days": ["Mon", "Tue", "Wed", "Thu", "Fri"]}  # fmt: skip
    assert "NOT DRAFTED" not in text


@pytest.mark.slow
def test_flat_clock_drafts_no_timezone_and_no_working_hours():
    flat = f"SELECT d + INTERVAL (m * 10) MINUTE AS t FROM {DAYS}, range(144) r(m)"
    facts, values, text = _draft(_con(flat), ["ru"])
    fit = facts["fit"]
    assert fit.ambiguous and fit.high - fit.low >= 12  # a wide interval, never a point
    assert not facts["working_day"] and abs(facts["night_share"] - 1 / 3) < 1e-9
    assert "timezone" not in values and "working_hours" not in values
    assert "the offset fit is ambiguous" in text and "show no working day" in text
    assert "#   Candidate offsets" in text
    for o in (fit.low, fit.best, fit.high):  # every candidate offset is listed, with its share
        assert f"UTC{o:+d} " in text or (o == 0 and "UTC " in text)


@pytest.mark.slow
def test_round_the_clock_shifts_with_a_peak_draft_no_zone():
    """Twice as busy 12:00-18:00 UTC, yet a full night: a peak is not a working day."""
    shifts = f"""SELECT d + INTERVAL (m * 10) MINUTE AS t FROM {DAYS}, range(144) r(m)
                 UNION ALL SELECT d + INTERVAL (12 * 60 + m * 10) MINUTE FROM {DAYS}, range(36) r(m)"""
    facts, values, _ = _draft(_con(shifts), [])
    assert not facts["working_day"]
    assert "timezone" not in values and "working_hours" not in values


def test_night_share_is_read_round_the_clock():
    hours = np.zeros(24)
    hours[[22, 23, 0, 1, 2, 3, 4, 5]] = 0  # an empty night across midnight
    hours[6:22] = 10
    assert clock_fit.night_share(hours) == 0.0 and clock_fit.shows_working_day(hours)
    assert clock_fit.night_share(np.ones(24)) == 1 / 3
    assert not clock_fit.shows_working_day(np.ones(24))
    assert clock_fit.night_share(np.zeros(24)) == 1.0
