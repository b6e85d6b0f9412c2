"""The normalizing SQL on single values, with real DuckDB."""

from __future__ import annotations

import duckdb
import pytest

from takedown.ingest.values import lit
from takedown.ingest.values import typed_sql as _typed


def norm(col: str, value: str | None):
    expr, reason = _typed(col, "x")
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    src = "FROM (SELECT CAST(? AS VARCHAR) AS x)"
    val = con.execute(f"SELECT {expr} {src}", [value]).fetchone()[0]
    why = con.execute(f"SELECT {reason} {src}", [value]).fetchone()[0] if reason else None
    return val, why


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[]", []),
        ("", []),
        (None, []),
        ("[a, b]", ["a", "b"]),
        ("['a', 'b']", ["a", "b"]),
        ('["香港", "HK"]', ["香港", "HK"]),
        ("[香港]", ["香港"]),
        (
            "['https://t.co/x?a=1', 'http://youtu.be/y']",
            ["https://t.co/x?a=1", "http://youtu.be/y"],
        ),
    ],
)
def test_list_columns_parse_both_styles(raw, expected):
    assert norm("hashtags", raw)[0] == expected


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2020-04-17 23:59", "2020-04-17T23:59:00+00:00"),
        ("2020-04-17 23:59:07", "2020-04-17T23:59:07+00:00"),
        ("2019-09-03", "2019-09-03T00:00:00+00:00"),
        ("4/17/2020 8:05", "2020-04-17T08:05:00+00:00"),
        ("9/3/2019", "2019-09-03T00:00:00+00:00"),
    ],
)
def test_times_are_utc(raw, iso):
    val, why = norm("tweet_time", raw)
    assert val.isoformat() == iso
    assert val.utcoffset().total_seconds() == 0
    assert why is None


def test_unparseable_time_is_a_reason_not_a_silent_null():
    val, why = norm("tweet_time", "yesterday")
    assert val is None
    assert why == "tweet_time: cannot parse yesterday (use YYYY-MM-DD HH:MM)"


@pytest.mark.parametrize(("raw", "n"), [("0", 0), ("0.0", 0), ("12.0", 12), (" 7 ", 7), ("", None)])
def test_counts_accept_integers_and_floats(raw, n):
    val, why = norm("follower_count", raw)
    assert val == n and why is None


def test_bad_count_gives_reason():
    assert norm("like_count", "lots")[1].startswith("like_count: cannot parse lots")


@pytest.mark.parametrize(
    ("raw", "b"), [("True", True), ("False", False), ("true", True), ("0", False)]
)
def test_booleans(raw, b):
    assert norm("is_retweet", raw) == (b, None)


@pytest.mark.slow
def test_absent_coordinates_are_null_and_numbers_parse():
    assert norm("latitude", "absent") == (None, None)
    assert norm("latitude", "22.3") == (22.3, None)
    assert norm("latitude", "north")[1].startswith("latitude: cannot parse north")


def test_literal_quoting():
    assert lit("it's") == "'it''s'"


def convert(value: str | None, fmt: str | None, tz: str = "UTC") -> tuple:
    from takedown.ingest.normalize import source_time

    v, r = source_time("x", fmt, tz)
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    return con.execute(f"SELECT {v}, {r} FROM (SELECT CAST(? AS VARCHAR) AS x)", [value]).fetchone()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("raw", "fmt", "tz", "expected"),
    [
        ("01.03.2021 10:00", "%d.%m.%Y %H:%M", "Europe/Moscow", ("2021-03-01 07:00:00", None)),
        (
            "2021-03-01 10:00",
            "%d.%m.%Y %H:%M",
            "Europe/Moscow",
            (None, "not in the declared time_format %d.%m.%Y %H:%M"),
        ),
        ("2021-03-01 10:00", None, "Europe/Moscow", ("2021-03-01 07:00:00", None)),
        ("2021-03-01T10:00:00+05:45", None, "UTC", ("2021-03-01 04:15:00", None)),
        ("1614582000", "epoch", "UTC", ("2021-03-01 07:00:00", None)),
        ("1614582000000", "epoch_ms", "UTC", ("2021-03-01 07:00:00", None)),
        ("abc", "epoch", "UTC", (None, "not a number of seconds since 1970")),
        ("1e20", "epoch", "UTC", (None, "not a number of seconds since 1970")),
        ("inf", "epoch_ms", "UTC", (None, "not a number of milliseconds since 1970")),
        ("", "epoch", "UTC", (None, None)),
        (None, "%d.%m.%Y", "UTC", (None, None)),
    ],
)
def test_source_time_declared_format_is_the_only_format(raw, fmt, tz, expected):
    assert convert(raw, fmt, tz) == expected
