"""Ingest a Twitter information-operations archive into normalized Parquet with DuckDB.

One pass per raw file stages typed rows plus a reject reason; duplicates are found on the
staged Parquet; kept rows and rejects are then split. Nothing is dropped silently.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from takedown import __version__
from takedown.engine import connect
from takedown.errors import IngestError
from takedown.hashing import sha256_file, sha256_json, sha256_tree
from takedown.ingest.dataset import Counts, Dataset, FileRecord, load_dataset, write_dataset
from takedown.ingest.discover import ArchiveFile, discover
from takedown.ingest.normalize import id_column, lit, normalized_select, q
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


def _stage_file(
    con: duckdb.DuckDBPyConnection, f: ArchiveFile, out: Path, progress: Progress
) -> None:
    select = normalized_select(f.kind, f.columns, _read_csv_sql(f))
    sql = f"COPY ({select}) TO {lit(out.as_posix())} (FORMAT parquet, COMPRESSION zstd)"
    try:
        _run(con, sql, f"reading {f.label}", progress)
    except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException):
        raise
    except duckdb.Error as exc:
        raise _duckdb_error(f, exc) from None
    if con.execute(f"SELECT count(*) FROM read_parquet({lit(out.as_posix())})").fetchone()[0] == 0:
        bad = con.execute("SELECT count(*) FROM reject_errors").fetchone()[0]
        if bad == 0:
            raise IngestError(f"{f.label}: header only, no data rows; re-download it")


def _collect_csv_rejects(con: duckdb.DuckDBPyConnection, f: ArchiveFile) -> int:
    """Move DuckDB's CSV-level rejects (wrong column count, bad quoting) into our rejects table."""
    con.execute(
        f"""INSERT INTO rejects SELECT {lit(f.label)}, {lit(f.kind)}, line, NULL, NULL,
            arg_min(error_type || ': ' || error_message, column_idx), left(any_value(csv_line), 500)
            FROM reject_errors GROUP BY line"""
    )
    n = con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchone()[0]
    con.execute("DELETE FROM reject_errors")
    con.execute("DELETE FROM reject_scans")
    return int(n)


def _split(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    staged: list[tuple[ArchiveFile, Path]],
    out: Path,
    columns: list[str],
    progress: Progress,
) -> tuple[dict[str, tuple[int, int]], int]:
    """Write kept rows to out; value-level rejects and duplicate ids to the rejects table."""
    idc = id_column(kind)
    parts = " UNION ALL BY NAME ".join(
        f"SELECT *, {lit(f.label)} AS _file, {i} AS _fileno FROM read_parquet({lit(p.as_posix())})"
        for i, (f, p) in enumerate(staged)
    )
    con.execute(f"CREATE OR REPLACE TEMP VIEW stage_{kind} AS {parts}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dup_{kind} AS
            SELECT {q(idc)} AS id, arg_min(_file, (_fileno, _rec)) AS first_file,
                   min((_fileno, _rec)) AS first_pos, count(*) AS n
            FROM stage_{kind} WHERE _reason IS NULL GROUP BY 1 HAVING count(*) > 1"""
    )
    con.execute(
        f"""INSERT INTO rejects
            SELECT _file, {lit(kind)}, NULL, _rec, {q(idc)}, _reason, NULL
            FROM stage_{kind} WHERE _reason IS NOT NULL"""
    )
    con.execute(
        f"""INSERT INTO rejects
            SELECT s._file, {lit(kind)}, NULL, s._rec, s.{q(idc)},
                   'duplicate {idc} (first seen in ' || d.first_file || ' record '
                   || d.first_pos[2] || ')', NULL
            FROM stage_{kind} s JOIN dup_{kind} d ON s.{q(idc)} = d.id
            WHERE s._reason IS NULL AND (s._fileno, s._rec) <> d.first_pos"""
    )
    cols = ", ".join(q(c) for c in columns)
    sql = f"""COPY (SELECT {cols} FROM stage_{kind} s
              WHERE _reason IS NULL AND NOT EXISTS (
                SELECT 1 FROM dup_{kind} d
                WHERE d.id = s.{q(idc)} AND d.first_pos <> (s._fileno, s._rec)))
              TO {lit(out.as_posix())} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"""
    _run(con, sql, f"writing {out.name}", progress)
    counts = con.execute(
        f"""SELECT _file, count(*) FILTER (WHERE _reason IS NULL),
                   count(*) FILTER (WHERE _reason IS NOT NULL)
            FROM stage_{kind} GROUP BY 1"""
    ).fetchall()
    dup_count = con.execute(f"SELECT coalesce(sum(n - 1), 0) FROM dup_{kind}").fetchone()[0]
    dup_by_file = dict(
        con.execute(
            f"""SELECT s._file, count(*) FROM stage_{kind} s JOIN dup_{kind} d ON s.{q(idc)} = d.id
                WHERE s._reason IS NULL AND (s._fileno, s._rec) <> d.first_pos GROUP BY 1"""
        ).fetchall()
    )
    per_file = {
        name: (int(ok) - int(dup_by_file.get(name, 0)), int(bad) + int(dup_by_file.get(name, 0)))
        for name, ok, bad in counts
    }
    return per_file, int(dup_count)


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
    import json

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
    if not dataset or "/" in dataset or dataset.startswith("."):
        raise IngestError(f"--dataset {dataset!r}: use a plain name such as china_052020")
    target = data_dir / dataset
    previous: Dataset | None = None
    if (target / "dataset.json").exists():
        try:
            previous = load_dataset(target)
        except Exception:  # noqa: BLE001 - an unreadable cache is simply rebuilt
            previous = None
    data_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dataset}.tmp-", dir=data_dir))
    try:
        files, ignored = discover(paths, work)
        progress("hashing inputs", None)
        hashes = _hash_sources(files, previous)
        version = ingest_version()
        cache_key = sha256_json(
            {
                "schema": SCHEMA_VERSION,
                "ingest": version,
                "inputs": sorted((f.label, f.kind, hashes[str(f.source.resolve())]) for f in files),
            }
        )
        if (
            not force
            and previous is not None
            and previous.cache_key == cache_key
            and (target / "tweets.parquet").exists()
            and (target / "users.parquet").exists()
        ):
            return previous, True
        dataset_obj = _build(files, ignored, hashes, dataset, version, cache_key, work, progress)
        if _is_synthetic(paths):
            dataset_obj = dataset_obj.model_copy(update={"synthetic": True})
            write_dataset(dataset_obj, work / "out" / "dataset.json")
        final = work / "out"
        if target.exists():
            trash = data_dir / f".{dataset}.old-{os.getpid()}-{time.time_ns()}"
            target.rename(trash)
            final.rename(target)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            final.rename(target)
        return dataset_obj, False
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _build(
    files: list[ArchiveFile],
    ignored: list[Path],
    hashes: dict[str, str],
    dataset: str,
    version: str,
    cache_key: str,
    work: Path,
    progress: Progress,
) -> Dataset:
    out = work / "out"
    out.mkdir()
    (work / "spill").mkdir()
    con = connect(work / "spill")
    con.execute(
        """CREATE TABLE rejects (file VARCHAR, kind VARCHAR, line BIGINT, record BIGINT,
           id VARCHAR, reason VARCHAR, raw VARCHAR)"""
    )
    csv_rejects: dict[str, int] = {}
    staged: dict[str, list[tuple[ArchiveFile, Path]]] = {"users": [], "tweets": []}
    for i, f in enumerate(files):
        p = work / f"stage_{i}.parquet"
        _stage_file(con, f, p, progress)
        csv_rejects[f.label] = _collect_csv_rejects(con, f)
        staged[f.kind].append((f, p))

    columns: dict[str, list[str]] = {}
    extras: dict[str, list[str]] = {}
    per_file: dict[str, tuple[int, int]] = {}
    dups: dict[str, int] = {}
    for kind, canonical in (("users", USER_COLUMNS), ("tweets", TWEET_COLUMNS)):
        seen = [c for f, _ in staged[kind] for c in f.columns]
        opt = [c for c in OPTIONAL_TWEET_COLUMNS if kind == "tweets"]
        extra = sorted({c for c in seen if c not in canonical and c not in opt})
        columns[kind] = list(canonical) + opt + extra
        extras[kind] = extra
        pf, dups[kind] = _split(
            con, kind, staged[kind], out / f"{kind}.parquet", columns[kind], progress
        )
        per_file.update(pf)

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

    records = []
    for f in files:
        kept, bad = per_file.get(f.label, (0, 0))
        bad += csv_rejects.get(f.label, 0)
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
    )
    write_dataset(ds, out / "dataset.json")
    return ds
