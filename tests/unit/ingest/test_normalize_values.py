"""Per-value normalizing SQL with real DuckDB: a bad count or coordinate is one row's reject
reason, never an error that stops the file (issue 10 item 3)."""

from __future__ import annotations

import duckdb
import pytest

from takedown.ingest.normalize import _typed


def norm(col: str, value: str | None):
    expr, reason = _typed(col, "x")
    con = duckdb.connect()
    src = "FROM (SELECT CAST(? AS VARCHAR) AS x)"
    val = con.execute(f"SELECT {expr} {src}", [value]).fetchone()[0]
    why = con.execute(f"SELECT {reason} {src}", [value]).fetchone()[0] if reason else None
    return val, why


@pytest.mark.parametrize(
    "raw",
    ["inf", "-inf", "Infinity", "NaN", "nan", "1e30", "99999999999999999999", "-1", "-0.5e3",
     "12abc", "9007199254740993"],
)  # fmt: skip
def test_bad_count_is_a_reason_not_an_error(raw):
    val, why = norm("like_count", raw)
    assert val is None
    assert why == f"like_count: cannot parse {raw} (expected a whole number from 0 up)"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0", 0), ("12", 12), ("12.0", 12), (" 7 ", 7), ("1e3", 1000), ("", None), (None, None)],
)
def test_good_count_values(raw, expected):
    assert norm("follower_count", raw) == (expected, None)


@pytest.mark.parametrize("raw", ["inf", "NaN", "91", "-90.5", "1e30"])
def test_bad_latitude_is_a_reason(raw):
    val, why = norm("latitude", raw)
    assert val is None and why.startswith(f"latitude: cannot parse {raw} ")


@pytest.mark.parametrize(("raw", "expected"), [("absent", None), ("-33.5", -33.5), ("", None)])
def test_good_latitude(raw, expected):
    assert norm("latitude", raw) == (expected, None)


def test_longitude_range_is_180():
    assert norm("longitude", "179.5") == (179.5, None)
    assert norm("longitude", "181")[0] is None
