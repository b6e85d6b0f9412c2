"""Shared steps of the non-archive adapters: write archive-shaped CSVs and derive accounts.

An adapter maps a foreign export onto the archive's columns with one DuckDB query and writes
the result as an archive-layout CSV in the ingest's scratch folder. The ordinary typed pass then
reads it, so every format gets the same types, rejects, coverage and checksums (the checksums
are of the user's own files: `ArchiveFile.source`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from takedown.ingest.discover import ArchiveFile, read_header
from takedown.ingest.limits import CSV_ROW_OPTIONS
from takedown.ingest.normalize import source_time
from takedown.ingest.values import TIME_FORMATS, lit, present, q, typed_sql
from takedown.schema import USER_COLUMNS

# What the converted files are called: the archive's naming, so the rest of ingest applies.
VARIANT = "converted"


def utc_text(raw: str, time_format: str | None, source_timezone: str) -> str:
    """SQL: a timestamp text on the source's clock -> 'YYYY-MM-DD HH:MM:SS' in UTC.

    A value that does not parse passes through unchanged, so the typed pass rejects its row
    with the reason instead of the adapter dropping it.
    """
    value, _ = source_time(raw, time_format, source_timezone)
    return f"coalesce({value}, {raw})"


def write_csv(con: duckdb.DuckDBPyConnection, select_sql: str, path: Path) -> tuple[str, ...]:
    """COPY a query to an archive-layout CSV (NULL as empty); returns its header."""
    con.execute(
        f"COPY ({select_sql}) TO {lit(path.as_posix())} "
        "(HEADER, DELIMITER ',', QUOTE '\"', ESCAPE '\"')"
    )
    return read_header(path, path.name)


def users_from_tweets(
    tweets_csvs: list[Path], header: tuple[str, ...], extra: tuple[str, ...] = ()
) -> str:
    """SQL: one row per account from the profile columns repeated on its tweet rows.

    An account exists if any of its rows names it (issue 20 item 9). Each column takes its
    latest value by tweet_time among the rows where that value parses as the users pass will
    read it, so one bad count on the latest row never rejects the whole account.
    """
    ts = f"try_strptime(tweet_time, [{', '.join(lit(f) for f in TIME_FORMATS)}])"
    cols = [c for c in USER_COLUMNS[1:] if c in header] + [c for c in extra if c in header]
    picks = "".join(
        f", arg_max({present(q(c))}, _ts) FILTER (WHERE {_parses(c)}) AS {q(c)}" for c in cols
    )
    files = "[" + ", ".join(lit(p.as_posix()) for p in tweets_csvs) + "]"
    src = (
        f"read_csv({files}, all_varchar=true, header=true, union_by_name=true, delim=',', "
        f"quote='\"', escape='\"', ignore_errors=true, {CSV_ROW_OPTIONS})"
    )
    # Rows whose time does not parse still make their account; the tweets pass rejects them.
    return (
        f"SELECT userid{picks} FROM (SELECT *, coalesce({ts}, TIMESTAMP '0001-01-01') AS _ts "
        f"FROM {src}) WHERE {present('userid')} IS NOT NULL GROUP BY userid ORDER BY userid"
    )


def _parses(col: str) -> str:
    """SQL: the column's value is present and parses as its users-table type."""
    expr, reason = typed_sql(col, q(col))
    if col not in USER_COLUMNS or reason is None:
        return f"{present(q(col))} IS NOT NULL"
    return f"({expr}) IS NOT NULL"


def archive_file(source: Path, path: Path, kind: str, operation: str) -> ArchiveFile:
    return ArchiveFile(
        source=source,
        path=path,
        kind=kind,
        operation=operation,
        variant=VARIANT,
        shard=0,
        columns=read_header(path, f"{source.name}:{path.name}"),
    )
