"""Read one raw archive CSV with DuckDB: kept rows to Parquet, every other row to `rejects`.

Accounting invariant (issue 10 item 5): records in the file = kept + value rejects + CSV
rejects, and each reject carries its record number (1 = first row after the header).
"""

from __future__ import annotations

import errno
import gzip
import re
import threading
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb

from takedown.errors import IngestError
from takedown.ingest.discover import ArchiveFile
from takedown.ingest.limits import CSV_ROW_OPTIONS
from takedown.ingest.normalize import kept_select, lit, rejected_select
from takedown.ingest.plan import counted, csv_rows, parse_once

Progress = Callable[[str, float | None], None]
# DuckDB messages can quote values from the file; errors never repeat file contents.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def run(con: duckdb.DuckDBPyConnection, sql: str, stage: str, progress: Progress) -> None:
    """Execute sql while reporting DuckDB's own progress estimate.

    On Ctrl-C or TERM the query is interrupted and waited for before the caller unwinds: a
    query still running when the interpreter shuts down aborts the process (issue 20 item 19).
    The wait is on an Event, never Thread.join: in Python 3.11 a join that a signal cuts short
    can mark the thread as stopped while it still runs (bpo-45274), and then nothing waits.
    """
    errors: list[BaseException] = []
    done = threading.Event()

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)
        finally:
            done.set()

    threading.Thread(target=work).start()
    try:
        while not done.wait(0.2):
            progress(stage, _progress(con))
    except BaseException:
        con.interrupt()
        while not done.wait(1.0):
            con.interrupt()
        raise
    if errors:
        raise errors[0]
    progress(stage, 1.0)


def _progress(con: duckdb.DuckDBPyConnection) -> float | None:
    try:
        pct = con.query_progress()
    except duckdb.Error:
        return None
    return pct / 100 if pct is not None and pct >= 0 else None


def read_csv_sql(f: ArchiveFile, paths: list[str] | None = None, filename: str = "") -> str:
    """Columns from our own header check, so DuckDB never has to sniff (a bad row can fool it).

    Strict mode stays on: without it DuckDB silently drops a row's surplus fields. `paths`
    reads several files of f's header in one scan, naming each row's file in column `filename`.
    """
    cols = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in f.columns) + "}"
    where = [(f.read_from or f.path).as_posix()] if paths is None else paths
    files = lit(where[0]) if paths is None else "[" + ", ".join(lit(x) for x in where) + "]"
    named = f", filename={lit(filename)}" if filename else ""
    return (
        f"read_csv({files}, columns={cols}, header=true, auto_detect=false, "
        f"delim=',', quote='\"', escape='\"', store_rejects=true, {CSV_ROW_OPTIONS}, "
        f"null_padding=false, encoding='utf-8'{named})"
    )


def mixed_line_endings(exc: duckdb.Error) -> bool:
    """DuckDB's strict parser refuses a file whose lines end in both LF and CRLF."""
    return "state machine reached an invalid state" in str(exc)


def quote_then_cr(con: duckdb.DuckDBPyConnection) -> bool:
    """A row rejected for a stray quote whose line ending differs from the header's.

    DuckDB takes the line ending from the first line; a CRLF row after an LF header (or the
    reverse) whose last field is quoted is then an "UNQUOTED VALUE" reject, not the error the
    mixed-endings fallback catches (issue 20 item 6). Checked only when rows were rejected.
    """
    try:
        return bool(
            con.execute(
                """SELECT count(*) > 0 FROM reject_errors WHERE error_type = 'UNQUOTED VALUE'
                   AND (csv_line LIKE '%"' || chr(13) OR csv_line LIKE '%"' || chr(13) || chr(10)
                        OR csv_line LIKE '%"' || chr(10)) LIMIT 1"""
            ).fetchone()[0]
        )
    except duckdb.CatalogException:  # no reject table: DuckDB rejected nothing yet
        return False


def to_lf(f: ArchiveFile, scratch: Path) -> ArchiveFile:
    """A copy of the file with every CRLF as LF (also inside quoted text), for DuckDB to read.

    Only for files DuckDB refused as mixed; rows and record numbers are unchanged.
    """
    opener = gzip.open if f.path.name.lower().endswith(".gz") else open
    target = scratch / f"lf{len(list(scratch.glob('lf*')))}_{f.path.name.removesuffix('.gz')}"
    carry = b""
    try:
        with opener(f.path, "rb") as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                chunk = carry + chunk
                carry = b"\r" if chunk.endswith(b"\r") else b""
                dst.write(chunk[: len(chunk) - len(carry)].replace(b"\r\n", b"\n"))
            dst.write(carry)
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full_error(f.label) from None
        raise IngestError(f"{f.label}: cannot read it ({exc}); re-download it") from None
    except (EOFError, zlib.error) as exc:
        raise IngestError(f"{f.label}: corrupt or truncated gzip ({exc}); re-download it") from None
    return replace(f, read_from=target)


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC from Python, or DuckDB's wording of it."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "no space left on device" in text or "disk quota exceeded" in text


def disk_full_error(where: str) -> IngestError:
    return IngestError(
        f"{where}: the disk is full (writing the ingested data); free some space or pass "
        "--data-dir on a larger disk"
    )


def duckdb_error(f: ArchiveFile, exc: duckdb.Error) -> IngestError:
    """One line naming the file, without any text DuckDB quoted from it."""
    if is_disk_full(exc):
        return disk_full_error(f.label)
    first = _QUOTED.sub("'…'", str(exc).strip().splitlines()[0])[:160]
    if "GZIP" in first.upper():
        return IngestError(f"{f.label}: truncated or corrupt gzip ({first}); re-download it")
    if "unicode" in first.lower() or "utf" in first.lower():
        return IngestError(f"{f.label}: not UTF-8 text ({first}); convert it to UTF-8")
    return IngestError(f"{f.label}: cannot read as CSV ({first}); check the file is an archive CSV")


def guarded(
    con: duckdb.DuckDBPyConnection, f: ArchiveFile, sql: str, stage: str, progress: Progress
) -> None:
    try:
        run(con, sql, stage, progress)
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise
    except duckdb.Error as exc:
        raise duckdb_error(f, exc) from None


def read_file(
    con: duckdb.DuckDBPyConnection, f: ArchiveFile, out: Path, progress: Progress
) -> tuple[int, int, int]:
    """Kept rows to Parquet; then, only when rows are missing, the reasons they were rejected.

    Returns (kept, value-level rejects, CSV-level rejects).
    """
    src = read_csv_sql(f)
    sql = (
        f"COPY ({kept_select(f.kind, f.columns, src)}) TO {lit(out.as_posix())} "
        f"(FORMAT parquet, COMPRESSION snappy)"
    )
    try:
        with parse_once(con), counted(con, out.with_suffix(".profile.json")):
            run(con, sql, f"reading {f.label}", progress)
    except duckdb.InvalidInputException as exc:
        if f.read_from is not None or not mixed_line_endings(exc):
            raise duckdb_error(f, exc) from None
        clear_csv_rejects(con)
        return read_file(con, to_lf(f, out.parent), out, progress)
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise
    except duckdb.Error as exc:
        raise duckdb_error(f, exc) from None
    if f.read_from is None and quote_then_cr(con):
        clear_csv_rejects(con)
        return read_file(con, to_lf(f, out.parent), out, progress)
    csv_bad = _collect_csv_rejects(con, f)
    kept = con.execute(f"SELECT count(*) FROM read_parquet({lit(out.as_posix())})").fetchone()[0]
    # Only when rows are missing is the reason pass worth its cost. The reader's own row count
    # comes from the COPY's profile; without it, a count(*) pass over the CSV (which skips
    # values, so it is only the trigger, never a count).
    parsed = csv_rows(out.with_suffix(".profile.json"))
    if parsed is None:
        parsed = con.execute(f"SELECT count(*) FROM {src}").fetchone()[0]
    value_bad = 0
    if parsed != kept or csv_bad:
        value_bad = value_rejects(con, f, src, progress)
    if kept == 0 and value_bad == 0 and csv_bad == 0:
        raise IngestError(f"{f.label}: header only, no data rows; re-download it")
    return int(kept), int(value_bad), int(csv_bad)


def value_rejects(
    con: duckdb.DuckDBPyConnection, f: ArchiveFile, src: str, progress: Progress
) -> int:
    """Rows the CSV reader accepted but whose values did not parse, at their file record number.

    The pass reads every column, so the CSV reader rejects exactly the rows it rejected in the
    kept pass (a row is never counted twice); row_number() there counts accepted rows only, and
    the CSV rejects before a row are added back to give its record number in the file.
    """
    label = lit(f.label)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE csv_recs AS
            SELECT record AS rec, row_number() OVER (ORDER BY record) AS idx
            FROM rejects WHERE file = {label} AND line IS NOT NULL"""
    )
    sql = f"""INSERT INTO rejects SELECT {label}, {lit(f.kind)}, NULL,
                  _rec + (SELECT count(*) FROM csv_recs WHERE rec - idx < _rec), _id, _reason, NULL
              FROM ({rejected_select(f.kind, f.columns, src)})"""
    before = con.execute("SELECT count(*) FROM rejects").fetchone()[0]
    with parse_once(con):
        guarded(con, f, sql, f"checking {f.label}", progress)
    con.execute("DELETE FROM reject_errors")
    con.execute("DELETE FROM reject_scans")
    return int(con.execute("SELECT count(*) FROM rejects").fetchone()[0] - before)


def _collect_csv_rejects(con: duckdb.DuckDBPyConnection, f: ArchiveFile) -> int:
    """Move DuckDB's CSV-level rejects (wrong column count, bad quoting, bad UTF-8) into ours.

    DuckDB's `line` counts records with the header as line 1, so the record is line - 1.
    """
    con.execute(
        f"""INSERT INTO rejects SELECT {lit(f.label)}, {lit(f.kind)}, line, line - 1, NULL,
            arg_min(error_type || ': ' || error_message, coalesce(column_idx, -1)),
            left(ltrim(any_value(csv_line), chr(13) || chr(10)), 500)
            FROM reject_errors GROUP BY line"""
    )
    n = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchone()[0]
    con.execute("DELETE FROM reject_errors")
    con.execute("DELETE FROM reject_scans")
    return int(n)


def clear_csv_rejects(con: duckdb.DuckDBPyConnection) -> None:
    """Forget what DuckDB stored of a failed read (its tables exist only after a read)."""
    for table in ("reject_errors", "reject_scans"):
        try:
            con.execute(f"DELETE FROM {table}")
        except duckdb.CatalogException:
            pass
