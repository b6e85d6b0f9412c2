"""How the typed read runs in DuckDB: each value parsed once, and the rows the reader produced.

Both serve the one-pass read (issue 11): the typed COPY must cost about what a bare copy does,
and the reject check must not need a second pass over the CSV to know whether rows are missing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb


@contextmanager
def parse_once(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Keep the reject filter above the projection that parses each value.

    DuckDB's filter pushdown copies every parse expression into the filter below it, so each
    value is parsed twice: the typed COPY took 2.5x as long on a 2M-tweet file (issue 11).
    """
    con.execute("SET disabled_optimizers = 'filter_pushdown'")
    try:
        yield
    finally:
        try:
            con.execute("RESET disabled_optimizers")
        except duckdb.Error:  # an interrupted connection is not used again
            pass


@contextmanager
def counted(con: duckdb.DuckDBPyConnection, profile: Path) -> Iterator[None]:
    """Profile the query run inside, so `csv_rows(profile)` can read what its CSV reader made."""
    con.execute("SET enable_profiling = 'json'")
    con.execute(f"SET profiling_output = '{profile.as_posix().replace(chr(39), chr(39) * 2)}'")
    try:
        yield
    finally:
        try:
            con.execute("PRAGMA disable_profiling")
        except duckdb.Error:
            pass


def csv_rows(profile: Path) -> int | None:
    """Rows DuckDB's CSV reader emitted in the profiled query (CSV-level rejects excluded).

    None when the profile is missing or has no single CSV scan with agreeing counts: the
    caller then counts with a second pass instead of trusting a guess.
    """
    try:
        tree = json.loads(profile.read_text())
    except (OSError, ValueError):
        return None
    scans: list[dict] = []
    todo = list(tree.get("operator") or tree.get("children") or [])
    while todo:
        node = todo.pop()
        if not isinstance(node, dict):
            continue
        info = node.get("extra_info")
        if isinstance(info, dict) and info.get("Function") == "READ_CSV":
            scans.append(node)
        todo.extend(node.get("children") or [])
    if len(scans) != 1:
        return None
    emitted, scanned = scans[0].get("intermediate_rows"), scans[0].get("rows_scanned")
    if not isinstance(emitted, int) or emitted != scanned:
        return None
    return emitted
