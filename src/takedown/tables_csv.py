"""The data behind a figure or table as CSV, safe to open in a spreadsheet.

Written by DuckDB's COPY, text cells neutralized exactly as rejects.csv neutralizes them (a
cell a spreadsheet would read as a formula gets a leading quote), so hostile text stays text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from takedown.ingest.normalize import lit, q
from takedown.ingest.rejects import neutralize
from takedown.text import _normalize

# A Quarto cross-reference label: the file name of its CSV, so no path can come out of it.
LABEL = re.compile(r"(fig|tbl)-[A-Za-z0-9_-]+")


def as_frame(data: Any, columns: Sequence[str] | Mapping[str, str] | None = None) -> pd.DataFrame:
    """The columns a table shows (picked and renamed as md_table does), values unformatted."""
    keys, headers, rows = _normalize(data, columns)
    if isinstance(data, pd.DataFrame):
        return data[keys].set_axis(headers, axis=1).reset_index(drop=True)
    return pd.DataFrame(rows, columns=headers)


ROW = "__frame_row"  # the frame's row number, which the COPY orders by


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its row numbers (ROW): DuckDB scans a DataFrame in parallel chunks, and a
    COPY of it wrote 2,048-row chunks out of order (300,000 rows, 10 times in 10), whatever
    preserve_insertion_order says."""
    return frame.assign(**{ROW: range(len(frame))})


def write_csv(frame: pd.DataFrame, path: Path, db: duckdb.DuckDBPyConnection | None = None) -> Path:
    """Write `frame` to `path` with a header; text columns neutralized, rows in frame order.

    `db`: a connection whose database to borrow (a cursor of it) rather than start a new one,
    which costs about 15 ms, once per table of every notebook.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect() if db is None else db.cursor()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("frame", in_order(frame.reset_index(drop=True)))
        types = con.execute("DESCRIBE frame").fetchall()
        cols = ", ".join(
            f"{neutralize(q(name))} AS {q(name)}" if kind == "VARCHAR" else q(name)
            for name, kind, *_ in types
            if name != ROW
        )
        con.execute(
            f"COPY (SELECT {cols} FROM frame ORDER BY {ROW}) TO {lit(path.as_posix())} "
            "(HEADER, DELIMITER ',')"
        )
    finally:
        con.close()
    return path


def table_path(folder: Path, label: str) -> Path:
    """folder/tables/<label>.csv, for a label that is a figure's or table's Quarto label."""
    if not LABEL.fullmatch(label):
        raise ValueError(f"{label!r} is not a fig- or tbl- label")
    return folder / "tables" / f"{label}.csv"
