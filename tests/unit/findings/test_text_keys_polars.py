"""text_keys_polars: the same text-key rows as DuckDB's one pass, with the regex in polars.

Each test compares the file polars writes with the one DuckDB's select_sql writes, on the
normalization tests' traps, on random strings of the risky pieces, and on code points whose
Unicode class the two engines' own tables read differently.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takedown.findings import coordination, text_keys, text_keys_polars
from tests.unit.findings.test_coordination_normalize import PIECES, TRAPS

FLAG = coordination.RETWEET_FLAG
NEWER = "\u1c89"  # CYRILLIC CAPITAL LETTER TJE (Unicode 16): a letter to polars, not to RE2 here
pytestmark = pytest.mark.slow  # each runs both engines over a table
ROWS = "SELECT th, h, userid, tweet_time FROM read_parquet(?) ORDER BY th"


def _con(texts: list[str | None]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE tweets AS
           SELECT CAST(i AS VARCHAR) AS tweetid, CAST(i % 3 AS VARCHAR) AS userid,
                  TIMESTAMPTZ '2020-01-01 00:00:00+00' + INTERVAL (i) MINUTE AS tweet_time,
                  t AS tweet_text, i % 5 = 4 AS is_retweet
           FROM (SELECT unnest($1) AS t, generate_subscripts($1, 1) AS i)""",
        [texts],
    )
    return con


_CLASSES = Path(tempfile.mkdtemp(prefix="re2-classes-"))  # spelled once for the module


def _both(tmp: Path, texts: list[str | None]) -> tuple[list, list]:
    """(DuckDB's rows, polars' rows) of the same texts."""
    con = _con(texts)
    duck, rust = tmp / "duck.parquet", tmp / "rust.parquet"
    con.execute(f"COPY ({text_keys.select_sql(FLAG)}) TO '{duck}' (FORMAT parquet)")
    text_keys_polars.copy(con, FLAG, rust, _CLASSES)
    return (con.execute(ROWS, [str(duck)]).fetchall(), con.execute(ROWS, [str(rust)]).fetchall())


def test_the_same_rows_as_duckdb_on_the_traps(tmp_path: Path):
    texts = [*TRAPS, None, f"ab{NEWER}cd and more words here", f"{NEWER} Support the police!"]
    duck, rust = _both(tmp_path, texts)
    assert rust == duck
    assert sum(h is not None for _, h, _, _ in duck) >= 15  # not vacuous: many traps have a key


def test_rusts_own_tables_would_key_a_newer_letter_otherwise(tmp_path: Path):
    """With Rust's own \\p{L}, a text holding U+1C89 gets another key than DuckDB's; the
    classes spelled as RE2 reads them give DuckDB's."""
    import polars as pl

    text = f"ab{NEWER}cd and more words here"
    con = duckdb.connect()
    duck_key = con.execute(f"SELECT {text_keys.NORMALIZE_SQL} FROM (SELECT ? AS tweet_text)",
                           [text]).fetchall()[0][0]  # fmt: skip
    low = pl.Series([con.execute("SELECT lower(?)", [text]).fetchall()[0][0]])
    own_tables = text_keys.NORMALIZE_PATTERN.replace(r"\s", r"[\t\n\f\r ]").replace(
        r"\w", "[0-9A-Za-z_]"
    )
    assert low.str.replace_all(own_tables, " ").str.strip_chars(" ")[0] != duck_key
    spelled = text_keys_polars.pattern(con, tmp_path)
    assert low.str.replace_all(spelled, " ").str.strip_chars(" ")[0] == duck_key
    duck, rust = _both(tmp_path, [text])
    assert rust == duck


def test_the_pattern_spells_every_class(tmp_path: Path):
    spelled = text_keys_polars.pattern(duckdb.connect(), tmp_path)
    assert r"\p{" not in spelled and r"\w" not in spelled and r"\s" not in spelled


def test_no_rows_writes_an_empty_file_of_the_same_columns(tmp_path: Path):
    duck, rust = _both(tmp_path, [None, None, None])
    assert duck == rust == []


def test_a_failure_leaves_the_connection_usable(tmp_path: Path, monkeypatch):
    def broken(*_a):
        raise RuntimeError("polars failed")

    monkeypatch.setattr(text_keys_polars, "_keyed", broken)
    monkeypatch.setattr(text_keys_polars, "BATCH", 1)  # the reader still holds rows on failure
    con = _con(["Support the police now!"] * 20_000)  # batches of 2,048 rows at the least
    with pytest.raises(Exception, match="polars failed") as failed:
        text_keys_polars.copy(con, FLAG, tmp_path / "keys.parquet", _CLASSES)
    # while the traceback lives (a kernel keeps the last one), so do its frames' objects
    assert failed.tb is not None
    assert con.sql("SELECT count(*) FROM tweets").fetchall() == [(20_000,)]


@pytest.mark.parametrize("way", ["share", "ensure"])
def test_share_and_ensure_take_polars_above_min_rows(tmp_path: Path, monkeypatch, way):
    texts = ["Support the police now!", "support THE police now", "short", None] * 5
    own = _con(texts)
    text_keys.ensure(own, FLAG)
    expected = own.execute(f"SELECT * FROM {text_keys.RELATION} ORDER BY th").fetchall()
    called = []
    real = text_keys_polars.copy
    monkeypatch.setattr(text_keys_polars, "MIN_ROWS", 10)
    monkeypatch.setattr(text_keys_polars, "copy", lambda *a: called.append(1) or real(*a))
    con = _con(texts)
    if way == "share":
        text_keys.share(con, FLAG, "fp", tmp_path)
    else:
        assert text_keys.ensure(con, FLAG) == text_keys.RELATION
    assert called == [1]
    assert con.execute(f"SELECT * FROM {text_keys.RELATION} ORDER BY th").fetchall() == expected


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    st.lists(
        st.lists(st.sampled_from([*PIECES, NEWER, "\U0002ebf0"]), max_size=12).map("".join),
        min_size=1,
        max_size=40,
    )  # fmt: skip
)
def test_the_same_rows_as_duckdb_on_random_strings(tmp_path: Path, texts):
    duck, rust = _both(tmp_path, texts)
    assert rust == duck
