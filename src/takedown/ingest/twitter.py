"""Ingest a Twitter information-operations archive into normalized Parquet with DuckDB.

Per raw file, one pass writes the rows whose values all parse, and a lighter second pass reads
only the columns that can fail to list the others with their reasons. Duplicate ids are found
on the Parquet. Nothing is dropped silently.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from takedown import __version__
from takedown.engine import connect
from takedown.errors import IngestError
from takedown.hashing import sha256_file, sha256_json, sha256_tree
from takedown.ingest.dataset import (
    Counts,
    Dataset,
    FileRecord,
    check_dataset_name,
    load_dataset,
    publish_version,
    write_dataset,
)
from takedown.ingest.discover import ArchiveFile, discover
from takedown.ingest.normalize import id_column, kept_select, lit, q, rejected_select
from takedown.schema import OPTIONAL_TWEET_COLUMNS, SCHEMA_VERSION, TWEET_COLUMNS, USER_COLUMNS

Progress = Callable[[str, float | None], None]
INGEST_DIR = Path(__file__).parent


def _noop(stage: str, fraction: float | None) -> None:
    return None


def ingest_version() -> str:
    """Code identity of the ingest stage: a change to it invalidates cached datasets."""
    return f"{__version__}+{sha256_tree(INGEST_DIR)[:12]}"


def _run(con: duckdb.DuckDBPyConnection, sql: str, stage: str, progress: Progress) -> None:
    """Execute sql while reporting DuckDB's own progress estimate."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)

    t = threading.Thread(target=work)
    t.start()
    while t.is_alive():
        t.join(0.2)
        try:
            pct = con.query_progress()
        except duckdb.Error:
            pct = -1
        progress(stage, pct / 100 if pct is not None and pct >= 0 else None)
    if errors:
        raise errors[0]
    progress(stage, 1.0)


def _read_csv_sql(f: ArchiveFile) -> str:
    """Columns from our own header check, so DuckDB never has to sniff (a bad row can fool it)."""
    cols = "{" + ", ".join(f"{lit(c)}: 'VARCHAR'" for c in f.columns) + "}"
    return (
        f"read_csv({lit(f.path.as_posix())}, columns={cols}, header=true, auto_detect=false, "
        f"delim=',', quote='\"', escape='\"', store_rejects=true, max_line_size=20000000, "
        f"null_padding=false, encoding='utf-8')"
    )


def _duckdb_error(f: ArchiveFile, exc: duckdb.Error) -> IngestError:
    first = str(exc).strip().splitlines()[0]
    if "GZIP" in first.upper() or "gzip" in first:
        return IngestError(f"{f.label}: truncated or corrupt gzip ({first}); re-download it")
    if "unicode" in first.lower() or "utf" in first.lower():
        return IngestError(f"{f.label}: not UTF-8 text ({first}); convert it to UTF-8")
    return IngestError(f"{f.label}: cannot read as CSV ({first}); check the file is an archive CSV")


def _guarded(
    con: duckdb.DuckDBPyConnection, f: ArchiveFile, sql: str, stage: str, progress: Progress
) -> None:
    try:
        _run(con, sql, stage, progress)
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise
    except duckdb.Error as exc:
        raise _duckdb_error(f, exc) from None


def _read_file(
    con: duckdb.DuckDBPyConnection, f: ArchiveFile, out: Path, progress: Progress
) -> tuple[int, int, int]:
    """Two passes over one raw file: kept rows to Parquet, then the reasons rows were rejected.

    Returns (kept, value-level rejects, CSV-level rejects).
    """
    src = _read_csv_sql(f)
    sql = (
        f"COPY ({kept_select(f.kind, f.columns, src)}) TO {lit(out.as_posix())} "
        f"(FORMAT parquet, COMPRESSION snappy)"
    )
    _guarded(con, f, sql, f"reading {f.label}", progress)
    csv_bad = _collect_csv_rejects(con, f)
    kept = con.execute(f"SELECT count(*) FROM read_parquet({lit(out.as_posix())})").fetchone()[0]
    # A bare count is cheap; only when rows are missing is the reason pass worth its cost.
    # (count(*) skips values, so a row rejected above for a bad byte may still count here: the
    # reason pass then finds nothing for it, and it stays counted once, as a CSV-level reject.)
    parsed = con.execute(f"SELECT count(*) FROM {src}").fetchone()[0]
    value_bad = 0
    if parsed != kept:
        sql = f"""INSERT INTO rejects SELECT {lit(f.label)}, {lit(f.kind)}, NULL, _rec, _id, _reason, NULL
                  FROM ({rejected_select(f.kind, f.columns, src)})"""
        before = con.execute("SELECT count(*) FROM rejects").fetchone()[0]
        _guarded(con, f, sql, f"checking {f.label}", progress)
        value_bad = con.execute("SELECT count(*) FROM rejects").fetchone()[0] - before
    con.execute("DELETE FROM reject_errors")
    con.execute("DELETE FROM reject_scans")
    if kept == 0 and value_bad == 0 and csv_bad == 0:
        raise IngestError(f"{f.label}: header only, no data rows; re-download it")
    return int(kept), int(value_bad), int(csv_bad)


def _collect_csv_rejects(con: duckdb.DuckDBPyConnection, f: ArchiveFile) -> int:
    """Move DuckDB's CSV-level rejects (wrong column count, bad quoting) into our rejects table."""
    con.execute(
        f"""INSERT INTO rejects SELECT {lit(f.label)}, {lit(f.kind)}, line, NULL, NULL,
            arg_min(error_type || ': ' || error_message, coalesce(column_idx, -1)), left(any_value(csv_line), 500)
            FROM reject_errors GROUP BY line"""
    )
    n = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchone()[0]
    con.execute("DELETE FROM reject_errors")
    con.execute("DELETE FROM reject_scans")
    return int(n)


def _combine(
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
    union = " UNION ALL BY NAME ".join(
        f"SELECT *, {lit(f.label)} AS _file, {i} AS _fileno "
        f"FROM read_parquet({lit(p.as_posix())}, file_row_number=true)"
        for i, (f, p) in enumerate(parts)
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW kept_{kind} AS {union}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_{kind} AS
            SELECT {idc} AS id, arg_min(_file, (_fileno, file_row_number)) AS first_file,
                   min((_fileno, file_row_number)) AS first_pos
            FROM kept_{kind} GROUP BY 1 HAVING count(*) > 1"""
    )
    n_dups = con.execute(f"SELECT count(*) FROM dup_{kind}").fetchone()[0]
    first = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit(parts[0][1].as_posix())})")
    if n_dups == 0 and len(parts) == 1 and [c[0] for c in first.fetchall()] == columns:
        parts[0][1].rename(out)
        return {}
    later = f"""SELECT k.* FROM kept_{kind} k JOIN dup_{kind} d ON k.{idc} = d.id
                WHERE (k._fileno, k.file_row_number) <> d.first_pos"""
    con.execute(
        f"""INSERT INTO rejects SELECT _file, {lit(kind)}, NULL, NULL, {idc},
                   'duplicate {id_column(kind)} (first seen in ' || d.first_file || ')', NULL
            FROM ({later}) k JOIN dup_{kind} d ON k.{idc} = d.id"""
    )
    per_file = dict(con.execute(f"SELECT _file, count(*) FROM ({later}) GROUP BY 1").fetchall())
    cols = ", ".join(q(c) for c in columns)
    sql = f"""COPY (SELECT {cols} FROM kept_{kind} k WHERE NOT EXISTS (
                SELECT 1 FROM dup_{kind} d
                WHERE d.id = k.{idc} AND d.first_pos <> (k._fileno, k.file_row_number)))
              TO {lit(out.as_posix())} (FORMAT parquet, COMPRESSION snappy)"""
    _run(con, sql, f"writing {out.name}", progress)
    return {k: int(v) for k, v in per_file.items()}


def _cache_key(files: list[ArchiveFile], hashes: dict[str, str], version: str) -> str:
    """Identity of an ingest: schema, ingest code and the checksum of every input file."""
    inputs = sorted((f.label, f.kind, hashes[str(f.source.resolve())]) for f in files)
    return sha256_json({"schema": SCHEMA_VERSION, "ingest": version, "inputs": inputs})


def _stats(files: list[ArchiveFile]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for src in sorted({f.source for f in files}):
        st = src.stat()
        out[str(src.resolve())] = [st.st_size, st.st_mtime_ns]
    return out


def _hash_sources(files: list[ArchiveFile], previous: Dataset | None) -> dict[str, str]:
    """sha256 per source file, reusing the previous ingest's when size and mtime are unchanged."""
    known: dict[str, str] = {}
    if previous is not None:
        for rec in previous.files:
            stat = previous.input_stats.get(rec.source)
            p = Path(rec.source)
            if stat and p.exists() and [p.stat().st_size, p.stat().st_mtime_ns] == stat:
                known[rec.source] = rec.sha256
    todo = sorted({str(f.source.resolve()) for f in files} - set(known))
    with ThreadPoolExecutor(max_workers=2) as pool:
        for src, digest in zip(todo, pool.map(lambda s: sha256_file(Path(s)), todo), strict=True):
            known[src] = digest
    return known


def _is_synthetic(paths: list[Path]) -> bool:
    """`takedown demo` leaves truth.json (synthetic: true) beside its files; reports say so."""
    for p in paths:
        truth = (p if p.is_dir() else p.parent) / "truth.json"
        try:
            if truth.exists() and json.loads(truth.read_text()).get("synthetic") is True:
                return True
        except (OSError, ValueError):
            continue
    return False


def ingest(
    paths: list[Path],
    dataset: str,
    data_dir: Path,
    *,
    force: bool = False,
    progress: Progress = _noop,
) -> tuple[Dataset, bool]:
    """Ingest the archive at paths into data_dir/dataset; returns (dataset, reused_from_cache)."""
    check_dataset_name(dataset, "--dataset")
    target = data_dir / dataset
    previous: Dataset | None = None
    if (target / "dataset.json").exists():
        try:
            previous = load_dataset(target)
        except Exception:  # noqa: BLE001 - an unreadable cache is simply rebuilt
            previous = None
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IngestError(
            f"--data-dir {data_dir}: cannot create it ({exc.strerror}); pass a folder"
        ) from None
    work = Path(tempfile.mkdtemp(prefix=f".{dataset}.tmp-", dir=data_dir))
    try:
        files, ignored = discover(paths, work)
        version = ingest_version()
        if previous is not None and not force:
            progress("hashing inputs", None)
            hashes = _hash_sources(files, previous)
            if (
                previous.cache_key == _cache_key(files, hashes, version)
                and (target / "tweets.parquet").exists()
                and (target / "users.parquet").exists()
            ):
                return previous, True
            hashes_of: Callable[[], dict[str, str]] = lambda: hashes  # noqa: E731
        else:
            # Nothing to compare against: checksum the inputs while DuckDB reads them.
            pool = ThreadPoolExecutor(max_workers=1)
            pending = pool.submit(_hash_sources, files, previous)
            pool.shutdown(wait=False)
            hashes_of = pending.result
        dataset_obj = _build(
            files, ignored, hashes_of, dataset, version, _is_synthetic(paths), work, progress
        )
        publish_version(work / "out", target)
        return dataset_obj, False
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build(
    files: list[ArchiveFile],
    ignored: list[Path],
    hashes_of: Callable[[], dict[str, str]],
    dataset: str,
    version: str,
    synthetic: bool,
    work: Path,
    progress: Progress,
) -> Dataset:
    out = work / "out"
    out.mkdir()
    (work / "spill").mkdir()
    con = connect(work / "spill", progress=True)
    con.execute(
        """CREATE TABLE rejects (file VARCHAR, kind VARCHAR, line BIGINT, record BIGINT,
           id VARCHAR, reason VARCHAR, raw VARCHAR)"""
    )
    counts: dict[str, tuple[int, int, int]] = {}
    parts: dict[str, list[tuple[ArchiveFile, Path]]] = {"users": [], "tweets": []}
    for i, f in enumerate(files):
        p = work / f"part_{i}.parquet"
        counts[f.label] = _read_file(con, f, p, progress)
        parts[f.kind].append((f, p))

    columns: dict[str, list[str]] = {}
    extras: dict[str, list[str]] = {}
    dup_by_file: dict[str, int] = {}
    dups: dict[str, int] = {}
    for kind, canonical in (("users", USER_COLUMNS), ("tweets", TWEET_COLUMNS)):
        seen = [c for f, _ in parts[kind] for c in f.columns]
        opt = [c for c in OPTIONAL_TWEET_COLUMNS if kind == "tweets"]
        extra = sorted({c for c in seen if c not in canonical and c not in opt})
        columns[kind] = list(canonical) + opt + extra
        extras[kind] = extra
        removed = _combine(con, kind, parts[kind], out / f"{kind}.parquet", columns[kind], progress)
        dup_by_file.update(removed)
        dups[kind] = sum(removed.values())

    con.execute(
        f"""COPY (SELECT * FROM rejects ORDER BY kind, file, coalesce(line, 0), coalesce(record, 0))
            TO {lit((out / "rejects.csv").as_posix())} (HEADER, DELIMITER ',')"""
    )
    users_pq, tweets_pq = (
        lit((out / "users.parquet").as_posix()),
        lit((out / "tweets.parquet").as_posix()),
    )
    n_users = con.execute(f"SELECT count(*) FROM read_parquet({users_pq})").fetchone()[0]
    n_tweets, tmin, tmax = con.execute(
        f"SELECT count(*), min(tweet_time), max(tweet_time) FROM read_parquet({tweets_pq})"
    ).fetchone()
    orphans = con.execute(
        f"""SELECT count(*) FROM read_parquet({tweets_pq}) t
            ANTI JOIN read_parquet({users_pq}) u USING (userid)"""
    ).fetchone()[0]
    n_rejects = con.execute("SELECT count(*) FROM rejects").fetchone()[0]
    con.close()

    hashes = hashes_of()
    records = []
    for f in files:
        kept, value_bad, csv_bad = counts[f.label]
        dup = dup_by_file.get(f.label, 0)
        kept, bad = kept - dup, value_bad + csv_bad + dup
        records.append(
            FileRecord(
                name=f.label,
                source=str(f.source.resolve()),
                kind=f.kind,
                sha256=hashes[str(f.source.resolve())],
                bytes=f.source.stat().st_size,
                rows_read=kept + bad,
                rows_kept=kept,
                rows_rejected=bad,
            )
        )
    cache_key = _cache_key(files, hashes, version)
    fingerprint = sha256_json(
        {
            "schema": SCHEMA_VERSION,
            "users": sha256_file(out / "users.parquet"),
            "tweets": sha256_file(out / "tweets.parquet"),
        }
    )
    ds = Dataset(
        name=dataset,
        operation=files[0].operation,
        variant=files[0].variant,
        schema_version=SCHEMA_VERSION,
        ingest_version=version,
        cache_key=cache_key,
        fingerprint=fingerprint,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        files=records,
        counts=Counts(
            users=int(n_users),
            tweets=int(n_tweets),
            rejected=int(n_rejects),
            duplicate_tweetids=dups["tweets"],
            duplicate_userids=dups["users"],
            tweets_without_user=int(orphans),
        ),
        columns=columns,
        extra_columns=extras,
        ignored_files=[p.name for p in ignored],
        tweet_time_min=tmin.isoformat() if tmin else None,
        tweet_time_max=tmax.isoformat() if tmax else None,
        input_stats=_stats(files),
        synthetic=synthetic,
    )
    write_dataset(ds, out / "dataset.json")
    return ds
