"""The DuckDB connection every stage uses, with bounded memory and a spill folder."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from takedown.interrupts import track
from takedown.schema import ColumnCoverage, Coverage

DEFAULT_MEMORY_LIMIT = os.environ.get("TAKEDOWN_MEMORY_LIMIT", "3GB")


def sql_string(text: str) -> str:
    """Text as a DuckDB string literal (a path, a pattern, a label): quotes doubled."""
    return "'" + text.replace("'", "''") + "'"


def connect(
    temp_dir: Path | None = None,
    *,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    progress: bool = False,
) -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB, UTC session, memory capped so large archives spill instead of swap."""
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": os.cpu_count() or 2})
    track(con)  # Ctrl-C and TERM stop its query through interrupt() (issue 20 item 19)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = true")
    if progress:
        # Track progress for our rich bar without DuckDB printing its own. Not inside Jupyter
        # kernels, where DuckDB would insist on ipywidgets to draw one.
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
    if temp_dir is not None:
        # Escaped: a folder name may hold an apostrophe (issue 10 item 15).
        con.execute(f"SET temp_directory = '{temp_dir.as_posix().replace(chr(39), chr(39) * 2)}'")
    return con


def open_dataset(dataset_dir: Path) -> duckdb.DuckDBPyConnection:
    """A connection with `users` and `tweets` views over an ingested dataset's Parquet files."""
    con = connect()
    for table in ("users", "tweets"):
        path = (dataset_dir / f"{table}.parquet").as_posix().replace("'", "''")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    return con


def measure_coverage(
    con: duckdb.DuckDBPyConnection, present: dict[str, list[str]] | None = None
) -> Coverage:
    """Rows per table and non-NULL values per column of the `users` and `tweets` relations.

    `present` names the columns each input file really had; without it a column counts as
    present when it holds any value. One aggregate scan per table.
    """
    rows: dict[str, int] = {}
    columns: dict[str, dict[str, ColumnCoverage]] = {}
    for table in ("users", "tweets"):
        names = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        exprs = ", ".join(["count(*)"] + [f'count("{n}")' for n in names])
        counts = con.execute(f"SELECT {exprs} FROM {table}").fetchone()
        rows[table] = int(counts[0])
        had = set(present.get(table, [])) if present is not None else None
        columns[table] = {
            n: ColumnCoverage(
                present=(n in had) if had is not None else v > 0,
                values=int(v),
            )
            for n, v in zip(names, counts[1:], strict=True)
        }
    return Coverage(rows=rows, columns=columns)
