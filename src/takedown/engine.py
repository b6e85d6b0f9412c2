"""The DuckDB connection every stage uses, with bounded memory and a spill folder."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

DEFAULT_MEMORY_LIMIT = os.environ.get("TAKEDOWN_MEMORY_LIMIT", "3GB")


def connect(
    temp_dir: Path | None = None, *, memory_limit: str = DEFAULT_MEMORY_LIMIT
) -> duckdb.DuckDBPyConnection:
    """In-memory DuckDB, UTC session, memory capped so large archives spill instead of swap."""
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": os.cpu_count() or 2})
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = true")
    if temp_dir is not None:
        con.execute(f"SET temp_directory = '{temp_dir.as_posix()}'")
    return con
