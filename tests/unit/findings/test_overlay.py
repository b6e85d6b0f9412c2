"""Overlay frames for takedown compare, on tiny tables with hand-worked answers."""

from __future__ import annotations

import duckdb
import pytest

from takedown.findings import overlay


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone='UTC'")
    c.execute(
        """CREATE TABLE users AS SELECT * FROM (VALUES
           ('a', 0, TIMESTAMPTZ '2019-09-03 00:00+00'), ('b', 0, TIMESTAMPTZ '2019-09-20 00:00+00'),
           ('c', 3, TIMESTAMPTZ '2019-11-01 00:00+00'), ('d', NULL, NULL))
           AS t(userid, follower_count, account_creation_date)"""
    )
    # 2020-01-06 is a Monday: 01:00 UTC is Monday 09:00 in Asia/Shanghai (hour of week 9).
    c.execute(
        """CREATE TABLE tweets AS SELECT * FROM (VALUES
           (TIMESTAMPTZ '2020-01-06 01:00+00'), (TIMESTAMPTZ '2020-01-06 01:30+00'),
           (TIMESTAMPTZ '2020-01-07 23:00+00')) AS t(tweet_time)"""
    )
    return c


def test_hour_of_week_on_each_clock(con):
    utc = overlay.hour_of_week(con, "UTC")
    sh = overlay.hour_of_week(con, "Asia/Shanghai")
    assert len(sh) == 168 and sh["share"].sum() == pytest.approx(1)
    assert sh.loc[9, "share"] == pytest.approx(2 / 3) and utc.loc[1, "share"] == pytest.approx(
        2 / 3
    )
    # Tuesday 23:00 UTC is Wednesday 07:00 in Shanghai: hour 2 * 24 + 7.
    assert sh.loc[55, "share"] == pytest.approx(1 / 3)


def test_hour_of_week_of_nothing():
    c = duckdb.connect()
    c.execute("CREATE TABLE tweets (tweet_time TIMESTAMPTZ)")
    assert overlay.hour_of_week(c, "UTC")["share"].sum() == 0


def test_creation_monthly(con):
    m = overlay.creation_monthly(con)
    assert [str(x.date()) for x in m["month"]] == ["2019-09-01", "2019-11-01"]
    assert m["accounts"].tolist() == [2, 1]
    assert m["share"].tolist() == pytest.approx([2 / 3, 1 / 3])


def test_follower_ecdf(con):
    e = overlay.follower_ecdf(con)
    assert e["followers"].tolist() == [0, 3]
    assert e["share"].tolist() == pytest.approx([2 / 3, 1.0])
