"""One table per kind from the per-file Parquet parts: duplicate ids to rejects, coverage."""

from __future__ import annotations

from pathlib import Path

import duckdb

from takedown.ingest.batch import SOURCE
from takedown.ingest.discover import ArchiveFile
from takedown.ingest.normalize import id_column, lit, q
from takedown.ingest.read import Progress, run
from takedown.schema import LIST_COLUMNS, ColumnCoverage, Coverage

# Up to this many parts the union of one scan per part is cheap and keeps the rows' order.
FEW_PARTS = 64


def combine(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    parts: list[tuple[ArchiveFile, Path]],
    out: Path,
    columns: list[str],
    progress: Progress,
) -> dict[str, int]:
    """One Parquet file per table; later copies of a duplicate id go to rejects.

    The common case (one file, no duplicates) is a rename, not another pass over the data.
    Returns duplicates removed per file.
    """
    idc = q(id_column(kind))
    _kept_view(con, kind, parts)
    # Fixed-width hashes first: a lighter aggregate than one over every id's text (issue 11).
    # Equal ids have equal hashes, so no suspect means no duplicate; a suspect (a real
    # duplicate or a hash collision) is settled by the exact grouping below.
    suspects = con.execute(
        f"SELECT count(*) FROM (SELECT hash({idc}) FROM kept_{kind} GROUP BY 1 HAVING count(*) > 1)"
    ).fetchone()[0]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_{kind} AS
            SELECT {idc} AS id, arg_min(_file, (_fileno, file_row_number)) AS first_file,
                   min((_fileno, file_row_number)) AS first_pos
            FROM kept_{kind} WHERE {"true" if suspects else "false"}
            GROUP BY 1 HAVING count(*) > 1"""
    )
    n_dups = con.execute(f"SELECT count(*) FROM dup_{kind}").fetchone()[0]
    first = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(parts[0][1].as_posix())})")
    if n_dups == 0 and len(parts) == 1 and [c[0] for c in first.fetchall()] == columns:
        parts[0][1].rename(out)
        return {}
    later = f"""SELECT k.* FROM kept_{kind} k JOIN dup_{kind} d ON k.{idc} = d.id
                WHERE (k._fileno, k.file_row_number) <> d.first_pos"""
    # A kept row's record number in its file: its position among kept rows plus the rejects
    # (already numbered) before it.
    con.execute(
        """CREATE OR REPLACE TEMP TABLE rec_map AS SELECT file, record AS rec,
           row_number() OVER (PARTITION BY file ORDER BY record) AS idx
           FROM rejects WHERE record IS NOT NULL"""
    )

    def record(file: str, pos: str) -> str:
        return (
            f"({pos} + 1 + (SELECT count(*) FROM rec_map m "
            f"WHERE m.file = {file} AND m.rec - m.idx < {pos} + 1))"
        )

    con.execute(
        f"""INSERT INTO rejects SELECT _file, {lit(kind)}, NULL,
                   {record("k._file", "k.file_row_number")}, {idc},
                   'duplicate {id_column(kind)} (first seen in ' || d.first_file || ' record '
                   || {record("d.first_file", "d.first_pos[2]")} || ')', NULL
            FROM ({later}) k JOIN dup_{kind} d ON k.{idc} = d.id"""
    )
    per_file = dict(con.execute(f"SELECT _file, count(*) FROM ({later}) GROUP BY 1").fetchall())
    cols = ", ".join(q(c) for c in columns)
    sql = f"""COPY (SELECT {cols} FROM kept_{kind} k WHERE NOT EXISTS (
                SELECT 1 FROM dup_{kind} d
                WHERE d.id = k.{idc} AND d.first_pos <> (k._fileno, k.file_row_number))
                {"ORDER BY k._fileno, k.file_row_number" if _listed(parts) else ""})
              TO {lit(out.as_posix())} (FORMAT parquet, COMPRESSION snappy)"""
    run(con, sql, f"writing {out.name}", progress)
    return {k: int(v) for k, v in per_file.items()}


def _kept_view(
    con: duckdb.DuckDBPyConnection, kind: str, parts: list[tuple[ArchiveFile, Path]]
) -> None:
    """View `kept_<kind>`: every part's rows with their file's label, number and row position.

    Many parts are one read_parquet over the list, labelled through a join with a small table:
    a UNION of one scan per part grew the plan with the shard count (5,000 shards took 4 GB and
    most of the ingest's time, issue 20 item 15). A join does not keep the rows' order, so the
    table is then written ORDER BY file and row; a few parts keep the order-preserving UNION.
    A batch part (ingest/batch.py) holds several files, told apart by its SOURCE column; a
    row's position in its file is its position in the part less the file's first row.
    """
    if not _listed(parts):
        union = " UNION ALL BY NAME ".join(
            f"SELECT *, {lit(f.label)} AS _file, {i} AS _fileno "
            f"FROM read_parquet({lit(p.as_posix())}, file_row_number=true)"
            for i, (f, p) in enumerate(parts)
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW kept_{kind} AS {union}")
        return
    batched = len({p for _, p in parts}) < len(parts)
    paths = _list([p.as_posix() for p in dict.fromkeys(p for _, p in parts)])
    files = [(p.as_posix(), f.path.as_posix(), f.label) for f, p in parts]
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE parts_{kind} AS SELECT unnest({_list([x[0] for x in files])})
            AS _part, unnest({_list([x[1] for x in files])}) AS _src,
            unnest({_list([x[2] for x in files])}) AS _file, unnest(range({len(files)})) AS _fileno"""
    )
    src = f"read_parquet({paths}, filename='_part', file_row_number=true, union_by_name=true)"
    if batched:
        # Only batch parts have SOURCE; in a single-file part it reads as NULL (union_by_name).
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE starts_{kind} AS SELECT _part, {SOURCE} AS _src,
                min(file_row_number) AS _start FROM {src} GROUP BY ALL"""
        )
        on = f"m._part = k._part AND (m._src = k.{SOURCE} OR k.{SOURCE} IS NULL)"
        con.execute(
            f"""CREATE OR REPLACE TEMP VIEW kept_{kind} AS
                SELECT k.* EXCLUDE (_part, {SOURCE}, file_row_number), m._file, m._fileno,
                       k.file_row_number - coalesce(st._start, 0) AS file_row_number
                FROM {src} k JOIN parts_{kind} m ON {on}
                LEFT JOIN starts_{kind} st ON st._part = k._part AND st._src = k.{SOURCE}"""
        )
        return
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW kept_{kind} AS SELECT k.* EXCLUDE (_part), m._file,
            m._fileno FROM {src} k JOIN parts_{kind} m USING (_part)"""
    )


def _listed(parts: list[tuple[ArchiveFile, Path]]) -> bool:
    """Read the parts as one list: many of them, or batch parts shared by several files."""
    return len(parts) > FEW_PARTS or len({p for _, p in parts}) < len(parts)


def _list(items: list[str]) -> str:
    return "[" + ", ".join(lit(x) for x in items) + "]"


def coverage_of(
    con: duckdb.DuckDBPyConnection,
    parts: dict[str, list[tuple[ArchiveFile, Path]]],
    users_pq: str,
    tweets_pq: str,
) -> Coverage:
    """Per column: did the input have it, and how many values it holds (issue 7).

    When shards of one kind disagree (one has a column, another lacks it), the column counts
    as present if any file had it; the rows of the file without it hold NULL there, and
    `values` says how many rows really have one. Scalar columns are counted from the Parquet
    footer's null counts, not by reading their values (issue 11); only the rest is scanned.
    """
    rows: dict[str, int] = {}
    columns: dict[str, dict[str, ColumnCoverage]] = {}
    for table, pq in (("users", users_pq), ("tweets", tweets_pq)):
        had = [set(f.columns) for f, _ in parts[table]]
        names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({pq})").fetchall()]
        n = con.execute(f"SELECT count(*) FROM read_parquet({pq})").fetchone()[0]
        # A chunk without the statistic makes its column NULL here, so it is scanned instead.
        nulls = dict(
            con.execute(
                f"""SELECT path_in_schema, CASE WHEN count(*) = count(stats_null_count)
                    THEN sum(stats_null_count) END FROM parquet_metadata({pq}) GROUP BY 1"""
            ).fetchall()
        )
        values: dict[str, int] = {}
        for c in names:
            if not any(c in h for h in had):
                values[c] = 0  # absent from every file: NULL in every row
            elif nulls.get(c) is not None:
                values[c] = n - int(nulls[c])
            elif c in LIST_COLUMNS and all(c in h for h in had):
                values[c] = n  # normalize writes [] for an empty list: never NULL when present
        rest = [c for c in names if c not in values]
        if rest:
            exprs = ", ".join(f"count({q(c)})" for c in rest)
            counts = con.execute(f"SELECT {exprs} FROM read_parquet({pq})").fetchone()
            values.update(zip(rest, (int(v) for v in counts), strict=True))
        rows[table] = int(n)
        columns[table] = {
            c: ColumnCoverage(present=any(c in h for h in had), values=values[c]) for c in names
        }
    return Coverage(rows=rows, columns=columns)
