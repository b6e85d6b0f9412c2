"""tables/<label>.csv: the shown columns, unformatted, formula cells neutralized as in rejects.csv."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from takedown.notebook import cell_label
from takedown.tables_csv import as_frame, table_path, write_csv

FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_formula_cells_get_a_leading_quote_and_numbers_stay_numbers(tmp_path) -> None:
    frame = pd.DataFrame({"text": [*FORMULAS, "plain", None], "n": [-5, 1, 2, 3, 4, 5, 6, 7]})
    path = write_csv(frame, tmp_path / "tables" / "tbl-x.csv")
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["text"] for r in rows] == ["'" + s for s in FORMULAS] + ["plain", ""]
    assert [r["n"] for r in rows] == ["-5", "1", "2", "3", "4", "5", "6", "7"]


@pytest.mark.slow
def test_a_borrowed_database_writes_the_same_bytes_and_leaves_its_session_alone(tmp_path) -> None:
    """Notebooks write through their own connection's database: same file, nothing left in it."""
    from takedown.db import connect

    when = pd.Timestamp("2020-01-31 23:30", tz="UTC")
    frame = pd.DataFrame({"text": [*FORMULAS, "plain"], "at": [when] * 7, "n": range(7)})
    con = connect()
    con.execute("SET TimeZone = 'America/New_York'")
    con.execute("CREATE TABLE frame AS SELECT 1 AS mine")
    own = write_csv(frame, tmp_path / "own.csv")
    borrowed = write_csv(frame, tmp_path / "borrowed.csv", con)
    assert borrowed.read_bytes() == own.read_bytes()
    assert "2020-01-31 23:30:00" in own.read_text()  # UTC, whatever the borrowed session says
    assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("America/New_York",)
    assert con.execute("SELECT * FROM frame").fetchall() == [(1,)]


@pytest.mark.slow
def test_as_frame_picks_and_renames_like_md_table() -> None:
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [0.5, 0.25]})
    out = as_frame(df, {"c": "share", "a": "tweets"})
    assert list(out.columns) == ["share", "tweets"]
    assert out["share"].tolist() == [0.5, 0.25]  # unformatted
    rows = as_frame([{"k": "v", "n": 3}])
    assert rows.to_dict("records") == [{"k": "v", "n": 3}]


@pytest.mark.slow
def test_empty_table_writes_its_header(tmp_path) -> None:
    path = write_csv(as_frame(pd.DataFrame({"a": [], "b": []})), tmp_path / "t.csv")
    assert path.read_text().strip() == "a,b"


def test_only_a_label_names_a_file(tmp_path) -> None:
    assert table_path(tmp_path, "fig-a_b-1") == tmp_path / "tables" / "fig-a_b-1.csv"
    for bad in ("../x", "fig-../x", "tbl-a/b", "sec-x", ""):
        with pytest.raises(ValueError):
            table_path(tmp_path, bad)


def test_cell_label_reads_the_quarto_option() -> None:
    assert cell_label('#| label: tbl-top-accounts\n#| tbl-cap: "x"\nnb.table(t)') == (
        "tbl-top-accounts"
    )
    assert cell_label("#| label: fig-a\n") == "fig-a"
    assert cell_label("x = 1  # label: tbl-no") is None
    assert cell_label("#| label: sec-intro") is None


@pytest.mark.slow
def test_a_large_frame_keeps_its_row_order(tmp_path) -> None:
    """DuckDB scans a DataFrame in parallel chunks: without the row numbers, a COPY of 300,000
    rows wrote its 2,048-row chunks out of order (10 times in 10)."""
    from takedown.db import connect

    n = 300_000
    frame = pd.DataFrame({"key": [f"k{i:07d}" for i in range(n)], "n": range(n)})
    for db in (None, connect()):
        back = pd.read_csv(write_csv(frame, tmp_path / "big.csv", db))
        assert back["key"].tolist() == frame["key"].tolist()
        assert list(back.columns) == ["key", "n"]
