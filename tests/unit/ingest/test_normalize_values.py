"""Per-value normalizing SQL with real DuckDB: a bad count or coordinate is one row's reject
reason, never an error that stops the file (issue 10 item 3)."""

from __future__ import annotations

import duckdb
import pytest

from takedown.ingest.values import typed_sql as _typed


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


@pytest.mark.parametrize("raw", ["1.5", "2.5", "0.4", "12.01", "1e-3", "3.999999"])
def test_fractional_count_is_rejected_not_rounded(raw):
    """Issue 20 item 8: 1.5, 2.5 and 0.4 were stored as 2, 3 and 0 without a reject."""
    val, why = norm("retweet_count", raw)
    assert val is None
    assert why == f"retweet_count: cannot parse {raw} (expected a whole number from 0 up)"


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


@pytest.mark.slow
def test_length_first_time_parse_equals_trying_every_format_in_order():
    """time_sql's shortcut by length (issue 11) gives exactly the old ordered-list result."""
    import itertools

    import duckdb

    from takedown.ingest.values import TIME_FORMATS, lit, time_sql

    stamps = ["2020-01-02 03:04", "2020-01-02 03:04:05", "2020-01-02", "2020-01-02T03:04:05",
              "2020-01-02T03:04:05Z", "01/02/2020 03:04", "01/02/2020 03:04:05", "01/02/2020",
              "2020-1-2 3:04", "1/2/2020", "2020-01-02 25:00", "2020-13-02", "02/30/2020",
              "2020-01-02 03:04+05", "2020-01-02 03:04:05.123", "20200102", "2020-01-0203:04",
              "12/31/1999 23:59", "abcdefghij", "2020-01-02 3:04", "", "2020-01-02 03:04:5"]  # fmt: skip
    # Every length 10, 16 and 19 text built from those pieces, too.
    pieces = ["2020", "-", "01", "/", "02", " ", "03", ":", "04", "T", "Z", "1"]
    for n in (3, 4, 5, 6, 7):
        stamps += ["".join(p) for p in itertools.islice(itertools.product(pieces, repeat=n), 4000)]
    old = (
        f"coalesce(try_strptime(v, {lit(TIME_FORMATS[0])}), "
        f"try_strptime(v, [{', '.join(lit(f) for f in TIME_FORMATS[1:])}]))"
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest(?::VARCHAR[]) AS v", [stamps])
    diff = con.execute(
        f"SELECT v FROM t WHERE ({old}) IS DISTINCT FROM ({time_sql('v')})"
    ).fetchall()
    assert diff == []
    parsed = con.execute(f"SELECT count({time_sql('v')}) FROM t").fetchone()[0]
    assert parsed > 8  # the test holds values that parse, not only failures
