"""Read many files of one kind and header in one DuckDB scan, keeping per-file accounting.

One read and COPY per shard cost about 60 ms of fixed work each: 100,000 tiny shards would take
hours (issue 20 item 15). Here one read_csv over the list writes one Parquet part whose rows
name their file; kept rows, CSV rejects and record numbers are still counted per file, and the
reason pass runs only for the files that lost rows. Anything unusual (mixed line endings, a
read error) falls back to the one-file reader, which names the file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from takedown.errors import IngestError
from takedown.ingest.discover import ArchiveFile
from takedown.ingest.normalize import kept_select, lit
from takedown.ingest.plan import counted, csv_rows, parse_once
from takedown.ingest.read import (
    Progress,
    clear_csv_rejects,
    quote_then_cr,
    read_csv_sql,
    read_file,
    run,
    value_rejects,
)
from takedown.ingest.verify import Checks

# The column of a batch part that names each row's file (its path as given to read_csv).
SOURCE = "_src_file"

Counts = tuple[int, int, int]


# DuckDB's read over a list of files costs more per file the longer the list (1,000 tiny files
# 2.8 s, 3,000 15 s): batches of this many keep the ingest linear in the number of shards.
BATCH = 256


def groups(files: list[ArchiveFile]) -> list[list[ArchiveFile]]:
    """Runs of consecutive files with one kind, header and compression, in the files' order."""
    out: list[list[ArchiveFile]] = []
    for f in files:
        if (
            out
            and len(out[-1]) < BATCH
            and _batchable(f)
            and _batchable(out[-1][0])
            and _key(f) == _key(out[-1][0])
        ):
            out[-1].append(f)
        else:
            out.append([f])
    return out


def _key(f: ArchiveFile) -> tuple:
    return (f.kind, f.columns, f.path.name.lower().endswith(".gz"))


def _batchable(f: ArchiveFile) -> bool:
    return f.read_from is None and SOURCE not in f.columns


def read_batch(
    con: duckdb.DuckDBPyConnection, files: list[ArchiveFile], out: Path, progress: Progress
) -> dict[str, Counts] | None:
    """Counts per file label as read_file gives them, or None: read these files one by one."""
    first = files[0]
    paths = [f.path.as_posix() for f in files]
    src = read_csv_sql(first, paths, SOURCE)
    profile = out.with_suffix(".profile.json")
    sql = (
        f"COPY ({kept_select(first.kind, (*first.columns, SOURCE), src)}) "
        f"TO {lit(out.as_posix())} (FORMAT parquet, COMPRESSION snappy)"
    )
    try:
        with parse_once(con), counted(con, profile):
            run(con, sql, f"reading {len(files)} {first.kind} files", progress)
        retry = quote_then_cr(con)
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise
    except duckdb.Error:
        retry = True
    if retry:
        clear_csv_rejects(con)
        out.unlink(missing_ok=True)
        return None
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE batch_files AS SELECT unnest({_list(paths)}) AS path,
            unnest({_list([f.label for f in files])}) AS label"""
    )
    csv_bad = _csv_rejects(con, first.kind)
    part = f"read_parquet({lit(out.as_posix())})"
    kept = dict(con.execute(f"SELECT {SOURCE}, count(*) FROM {part} GROUP BY 1").fetchall())
    suspects = _suspects(con, files, src, kept, csv_bad, csv_rows(profile))
    counts: dict[str, Counts] = {}
    for f in files:
        path = f.path.as_posix()
        bad = value_rejects(con, f, read_csv_sql(f), progress) if path in suspects else 0
        k, c = int(kept.get(path, 0)), csv_bad.get(f.label, 0)
        if k == 0 and bad == 0 and c == 0:
            raise IngestError(f"{f.label}: header only, no data rows; re-download it")
        counts[f.label] = (k, bad, c)
    return counts


def _list(items: list[str]) -> str:
    return "[" + ", ".join(lit(x) for x in items) + "]"


def _suspects(
    con: duckdb.DuckDBPyConnection,
    files: list[ArchiveFile],
    src: str,
    kept: dict[str, int],
    csv_bad: dict[str, int],
    parsed: int | None,
) -> set[str]:
    """Paths of the files that may hold value rejects: those whose reader rows exceed kept.

    The per-file count pass runs only when the batch as a whole lost rows; like read_file's,
    it is a trigger, never a count (count(*) skips values)."""
    if parsed is not None and parsed == sum(kept.values()) and not any(csv_bad.values()):
        return set()
    per_file = dict(con.execute(f"SELECT {SOURCE}, count(*) FROM {src} GROUP BY 1").fetchall())
    clear_csv_rejects(con)
    by_path = {f.path.as_posix(): f.label for f in files}
    return {
        p
        for p, label in by_path.items()
        if per_file.get(p, 0) != kept.get(p, 0) or csv_bad.get(label, 0)
    }


def _csv_rejects(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, int]:
    """DuckDB's CSV-level rejects of the batch into ours, per file label (see read.py)."""
    scans = """FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)
               JOIN batch_files b ON b.path = s.file_path"""
    try:
        con.execute(
            f"""INSERT INTO rejects SELECT b.label, {lit(kind)}, e.line, e.line - 1, NULL,
                arg_min(e.error_type || ': ' || e.error_message, coalesce(e.column_idx, -1)),
                left(ltrim(any_value(e.csv_line), chr(13) || chr(10)), 500)
                {scans} GROUP BY b.label, e.line"""
        )
        n = dict(
            con.execute(f"SELECT b.label, count(DISTINCT e.line) {scans} GROUP BY 1").fetchall()
        )
    except duckdb.CatalogException:  # no reject tables: DuckDB rejected nothing
        return {}
    clear_csv_rejects(con)
    return {k: int(v) for k, v in n.items()}


def read_all(
    con: duckdb.DuckDBPyConnection,
    files: list[ArchiveFile],
    checks: Checks,
    work: Path,
    progress: Progress,
) -> tuple[dict[str, tuple[int, int, int]], dict[str, list[tuple[ArchiveFile, Path]]]]:
    """Every file to Parquet parts: (counts per file label, parts per kind).

    Shards of one kind and header are read in one scan (read_batch below), so the work per
    shard does not grow the ingest (issue 20 item 15); files of one part share its path.
    """
    counts: dict[str, tuple[int, int, int]] = {}
    parts: dict[str, list[tuple[ArchiveFile, Path]]] = {"users": [], "tweets": []}
    for i, group in enumerate(groups(files)):
        try:
            got = None
            if len(group) > 1:
                got = read_batch(con, group, work / f"batch_{i}.parquet", progress)
                if got is not None:
                    counts.update(got)
                    parts[group[0].kind].extend((f, work / f"batch_{i}.parquet") for f in group)
            for j, f in enumerate(group if got is None else []):
                p = work / f"part_{i}_{j}.parquet"
                counts[f.label] = read_file(con, f, p, progress)
                parts[f.kind].append((f, p))
        except IngestError:
            # A failed byte-level check (corrupt gzip, bomb) interrupts DuckDB: its error wins.
            failed = checks.failed()
            if failed is not None:
                raise failed from None
            raise
    return counts, parts
