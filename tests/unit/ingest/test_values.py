"""The typed read's fast forms give exactly what the plain forms give, on every awkward value.

The fast forms parse the raw text first and trim only where that fails, try the archive's own
format before the others, and test a prefix before trimming an id. Each plain form below is the
rule as first written: trim, then parse. A wrong shortcut changes a value here.
"""

from __future__ import annotations

import itertools

import duckdb
import pytest

from takedown.ingest.values import TIME_FORMATS, filled, lit, typed_sql
from takedown.schema import BOOL_COLUMNS, COUNT_COLUMNS, FLOAT_COLUMNS, LIST_COLUMNS, TIME_COLUMNS

V = "NULLIF(trim(x), '')"
# Every space separator DuckDB's trim strips, and characters it does not (tab, newline, NEL).
PADS = ["", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2007", "\u1680", "\u0085"]


def plain(col: str) -> str:
    """The reference: trim, then parse by the original rules."""
    every = "[" + ", ".join(lit(f) for f in TIME_FORMATS) + "]"
    if col in TIME_COLUMNS:
        return f"timezone('UTC', try_strptime({V}, {every}))"
    if col in COUNT_COLUMNS:
        d = f"try_cast({V} AS DOUBLE)"
        return f"CAST(CASE WHEN {d} BETWEEN 0 AND {2**53 - 1} AND {d} = floor({d}) THEN {d} END AS BIGINT)"
    if col in BOOL_COLUMNS:
        return (
            f"CASE lower({V}) WHEN 'true' THEN true WHEN 'false' THEN false "
            f"WHEN '1' THEN true WHEN '0' THEN false END"
        )
    if col in FLOAT_COLUMNS:
        d = f"try_cast({V} AS DOUBLE)"
        b = 90 if col == "latitude" else 180
        return (
            f"CASE WHEN lower({V}) = 'absent' THEN NULL WHEN {d} BETWEEN -{b} AND {b} THEN {d} END"
        )
    return (
        f"CASE WHEN {V} IS NULL OR {V} = '[]' THEN []::VARCHAR[] "
        f"WHEN {V}[1] <> '[' THEN list_transform(string_split({V}, ','), lambda s: trim(s)) "
        f"WHEN {V}[2] IN ('''', '\"') "
        f"THEN string_split_regex({V}[3:-3], '[''\"]\\s*,\\s*[''\"]') "
        f"ELSE list_filter(list_transform(string_split({V}[2:-2], ','), "
        f"lambda s: trim(s)), lambda s: s <> '') END"
    )


BASES = {
    "time": ["2020-01-02 03:04", "2020-01-02", "2020-01-02 03:04:05", "2020-01-02T03:04:05",
             "2020-01-02T03:04:05Z", "1/2/2020 03:04", "01/02/2020", "1/2/2020 3:04:05",
             "2020-1-2 3:4", "2020-01-02  03:04", "2020-01-02 03:04 ", "2020-13-02", "03:04",
             "2020-01-02 03:04:05.5", "garbage", "", "0001-01-01", "9999-12-31 23:59"],
    "count": ["12", "12.0", "1.5", "-1", "-0", "inf", "NaN", "1e3", "0x1F", "1_000", "+7", "",
              "9007199254740993", "abc", "0"],
    "bool": ["True", "False", "true", "TRUE", "1", "0", "yes", "", "Tru e", "false"],
    "float": ["absent", "Absent", "ABSENT", "12.5", "-90", "91", "-180.5", "", "nan", "x"],
    "list": ["[]", "['a']", "['a', 'b']", "[\"it's\"]", "[a, b]", "[a,,b]", "a, b", "a",
             "['a,b', 'c']", "['']", "['a', \"b's\"]", "[", "['", "']", "['a'", "[ ]", "[,]",
             "['a' , 'b']", "['a','b']", "[\"a\", \"b\"]", "['a, b']", "['x']extra", ""],
}  # fmt: skip
KIND = {**dict.fromkeys(TIME_COLUMNS, "time"), **dict.fromkeys(COUNT_COLUMNS, "count"),
        **dict.fromkeys(BOOL_COLUMNS, "bool"), **dict.fromkeys(FLOAT_COLUMNS, "float"),
        **dict.fromkeys(LIST_COLUMNS, "list")}  # fmt: skip


def corpus(kind: str) -> list[str | None]:
    """Each base value with every pad on the left, the right, or both."""
    out: list[str | None] = [None]
    for base, (left, right) in itertools.product(BASES[kind], itertools.product(PADS, PADS)):
        if left == right or "" in (left, right):
            out.append(left + base + right)
    return out


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    return c


@pytest.mark.parametrize("col", sorted(KIND))
def test_fast_form_equals_the_plain_one(con, col):
    values = corpus(KIND[col])
    fast, _ = typed_sql(col, "x")
    con.execute("CREATE OR REPLACE TEMP TABLE t (i INTEGER, x VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    differ = con.execute(
        f"SELECT i, x, ({fast}) AS fast, ({plain(col)}) AS plain FROM t "
        f"WHERE ({fast}) IS DISTINCT FROM ({plain(col)}) ORDER BY i"
    ).fetchall()
    assert differ == []
    # The corpus reaches the fallbacks: some values parse only once trimmed.
    if KIND[col] != "list":
        assert con.execute(f"SELECT count(*) FROM t WHERE ({fast}) IS NOT NULL").fetchone()[0] > 5


def test_filled_is_present_after_trim(con):
    ids = [None, "", "abc", "0", "!", "~x", "\x7f", "é", "\u00a0", "\u00a0x", " x", "x ", "\t",
           "\u3000\u3000", " \u2007 ", "\u1680", "\u0085", "\u200b", "\x01"] + PADS  # fmt: skip
    con.execute("CREATE OR REPLACE TEMP TABLE ids (i INTEGER, x VARCHAR)")
    con.executemany("INSERT INTO ids VALUES (?, ?)", list(enumerate(ids)))
    differ = con.execute(
        f"SELECT i, x FROM ids WHERE ({filled('x')}) IS DISTINCT FROM ({V} IS NOT NULL)"
    ).fetchall()
    assert differ == []
    assert con.execute(f"SELECT count(*) FROM ids WHERE {filled('x')}").fetchone()[0] > 5
