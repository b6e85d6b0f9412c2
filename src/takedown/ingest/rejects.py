"""rejects.csv for people (spreadsheet-safe) and rejects.jsonl for programs (raw bytes).

A rejected row is hostile text: opened in a spreadsheet, a cell starting with `=`, `+`, `-`,
`@`, tab or carriage return can run as a formula. rejects.csv prefixes such cells with a single
quote (OWASP's rule for CSV injection); rejects.jsonl holds the same rows unchanged.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from takedown.ingest.normalize import lit, q

TEXT_COLUMNS = ("file", "kind", "id", "reason", "raw")
COLUMNS = ("file", "kind", "line", "record", "id", "reason", "raw")
ORDER = "kind, file, coalesce(record, 0), coalesce(line, 0)"


def neutralize(expr: str) -> str:
    """SQL: the text with a leading quote when a spreadsheet would read it as a formula."""
    return (
        f"CASE WHEN left({expr}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "
        f"THEN '''' || {expr} ELSE {expr} END"
    )


def write_rejects(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """Write out/rejects.csv (neutralized) and out/rejects.jsonl (verbatim) from `rejects`."""
    cols = ", ".join(
        f"{neutralize(q(c))} AS {q(c)}" if c in TEXT_COLUMNS else q(c) for c in COLUMNS
    )
    con.execute(
        f"""COPY (SELECT {cols} FROM rejects ORDER BY {ORDER})
            TO {lit((out / "rejects.csv").as_posix())} (HEADER, DELIMITER ',')"""
    )
    raw = ", ".join(q(c) for c in COLUMNS)
    con.execute(
        f"""COPY (SELECT {raw} FROM rejects ORDER BY {ORDER})
            TO {lit((out / "rejects.jsonl").as_posix())} (FORMAT json)"""
    )
