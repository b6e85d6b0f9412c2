"""The one-pass read: values parsed once, and the reader's row count taken from its profile."""

from __future__ import annotations

from pathlib import Path

import duckdb

from takedown.ingest.plan import counted, csv_rows, parse_once

CSV = "a,b\nx,1\ny,not-a-number\nz,3\nq,5,6\nw,4\n"  # one value reject, one CSV-level reject


def _copy(con: duckdb.DuckDBPyConnection, src: Path, out: Path) -> None:
    con.execute(
        f"""COPY (SELECT a, bi FROM (SELECT a, try_cast(b AS INT) AS bi, b FROM read_csv(
                '{src}', columns={{'a': 'VARCHAR', 'b': 'VARCHAR'}}, header=true,
                auto_detect=false, store_rejects=true))
            WHERE NOT (b IS NOT NULL AND bi IS NULL)) TO '{out}' (FORMAT parquet)"""
    )


def test_csv_rows_counts_what_the_reader_emitted(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    src.write_text(CSV)
    con = duckdb.connect()
    with parse_once(con), counted(con, tmp_path / "p.json"):
        _copy(con, src, tmp_path / "t.parquet")
    kept = con.execute(f"SELECT count(*) FROM '{tmp_path / 't.parquet'}'").fetchone()[0]
    # 5 records: the reader emits 4 (one has too many fields), the filter keeps 3.
    assert kept == 3
    assert csv_rows(tmp_path / "p.json") == 4


def test_settings_are_restored(tmp_path: Path) -> None:
    con = duckdb.connect()
    with parse_once(con), counted(con, tmp_path / "p.json"):
        assert (
            "filter_pushdown"
            in con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0]
        )
    assert con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0] == ""
    con.execute("SELECT 42").fetchall()
    assert not (tmp_path / "p.json").exists() or csv_rows(tmp_path / "p.json") is None


def test_filter_stays_above_the_parse(tmp_path: Path) -> None:
    """Without parse_once DuckDB copies the parse into the filter; with it, the plan parses once."""
    src = tmp_path / "t.csv"
    src.write_text(CSV.replace("q,5,6\n", ""))
    con = duckdb.connect()
    sql = (
        f"SELECT * FROM (SELECT a, try_cast(b AS INT) AS bi, b FROM read_csv('{src}', "
        "all_varchar=true)) WHERE NOT (b IS NOT NULL AND bi IS NULL)"
    )

    def filter_over_parse() -> bool:
        plan = con.execute("EXPLAIN " + sql).fetchall()[0][1]
        return plan.index("Filter") < plan.index("Projection")

    assert not filter_over_parse()  # pushed below the parse: the parse runs twice
    with parse_once(con):
        assert filter_over_parse()


def test_unreadable_profile_means_no_count(tmp_path: Path) -> None:
    assert csv_rows(tmp_path / "missing.json") is None
    (tmp_path / "bad.json").write_text("{not json")
    assert csv_rows(tmp_path / "bad.json") is None
    (tmp_path / "none.json").write_text('{"operator": []}')
    assert csv_rows(tmp_path / "none.json") is None
