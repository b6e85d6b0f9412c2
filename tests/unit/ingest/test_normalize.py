"""The normalizing SQL on single values, with real DuckDB."""

from __future__ import annotations

import duckdb
import pytest

from takedown.ingest.normalize import _typed, lit


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


def test_absent_coordinates_are_null_and_numbers_parse():
    assert norm("latitude", "absent") == (None, None)
    assert norm("latitude", "22.3") == (22.3, None)
    assert norm("latitude", "north")[1].startswith("latitude: cannot parse north")


def test_literal_quoting():
    assert lit("it's") == "'it''s'"
