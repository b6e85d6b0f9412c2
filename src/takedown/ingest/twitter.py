"""Ingest a Twitter information-operations archive into normalized Parquet with DuckDB.

Per raw file, one pass writes the rows whose values all parse; only for a file with rejects, a
second pass lists the others with their reasons and record numbers (ingest/read.py). The raw
bytes are hashed and gzip-checked beside it (ingest/verify.py). Duplicate ids are found on the
Parquet (ingest/combine.py). Nothing is dropped silently.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from takedown import __version__
from takedown.db import connect
from takedown.errors import IngestError
from takedown.hashing import sha256_file, sha256_json, sha256_tree
from takedown.ingest.batch import read_all
from takedown.ingest.combine import combine, coverage_of
from takedown.ingest.dataset import (
    Counts,
    Dataset,
    FileRecord,
    check_dataset_name,
    load_dataset,
    write_dataset,
)
from takedown.ingest.discover import ArchiveFile
from takedown.ingest.formats import resolve
from takedown.ingest.limits import Budget, Limits
from takedown.ingest.normalize import REJECT, lit
from takedown.ingest.publish import intact, publish_version
from takedown.ingest.read import Progress, disk_full_error, is_disk_full
from takedown.ingest.rejects import write_rejects
from takedown.ingest.verify import Checks, hash_sources
from takedown.profile import Source
from takedown.schema import (
    OPTIONAL_TWEET_COLUMNS,
    SCHEMA_VERSION,
    TWEET_COLUMNS,
    USER_COLUMNS,
)
from takedown.scratch import remove_tree

INGEST_DIR = Path(__file__).parent


def _noop(stage: str, fraction: float | None) -> None:
    return None


def ingest_version() -> str:
    """Code identity of the ingest stage: a change to it invalidates cached datasets."""
    return f"{__version__}+{sha256_tree(INGEST_DIR)[:12]}"


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
    limits: Limits | None = None,
    fmt: str = "auto",
    source: Source | None = None,
) -> tuple[Dataset, bool]:
    """Ingest the archive at paths into data_dir/dataset; returns (dataset, reused_from_cache)."""
    check_dataset_name(dataset, "--dataset")
    budget = Budget(limits or Limits())
    target = data_dir / dataset
    previous: Dataset | None = None
    if (target / "dataset.json").exists():
        try:
            previous = load_dataset(target)
        except Exception:  # noqa: BLE001 - an unreadable cache is simply rebuilt
            previous = None
    # data_dir exists: ingest/__init__.py created it (and holds the dataset's lock in it).
    if fmt != "auto":
        source = (source or Source()).model_copy(update={"format": fmt})
    try:
        return _ingest(
            paths, dataset, data_dir, target, previous, force, progress, budget, source or Source()
        )
    except (OSError, duckdb.IOException) as exc:
        # Anything not already named by a reader: disk full is said as such, never "corrupt".
        if is_disk_full(exc):
            raise disk_full_error(str(data_dir)) from None
        where = getattr(exc, "filename", None) or data_dir
        why = getattr(exc, "strerror", None) or str(exc).splitlines()[0][:120]
        raise IngestError(f"{where}: {why}; check the path and its permissions") from None


def _ingest(
    paths: list[Path],
    dataset: str,
    data_dir: Path,
    target: Path,
    previous: Dataset | None,
    force: bool,
    progress: Progress,
    budget: Budget,
    source: Source,
) -> tuple[Dataset, bool]:
    work = Path(tempfile.mkdtemp(prefix=f".{dataset}.tmp-", dir=data_dir))
    try:
        inputs = resolve(paths, work, source.format, source, dataset, budget)
        files, ignored = inputs.files, inputs.ignored
        version = ingest_version()
        hashes: dict[str, str] = {}
        if previous is not None and not force:
            # Content, never size+mtime alone: a file edited in place keeps both (issue 10).
            progress("hashing inputs", None)
            hashes = hash_sources(files)
            if previous.cache_key == _cache_key(files, hashes, version) and intact(target):
                return previous, True
        # Checksum (and gzip-check) the inputs while DuckDB reads them.
        checks = Checks(files, budget, hashes, inputs.checked)
        try:
            dataset_obj, tables = _build(
                files, ignored, checks, dataset, version, _is_synthetic(paths), work, progress
            )
        except BaseException:
            checks.cancel()
            raise
        dataset_obj = dataset_obj.model_copy(
            update={
                "source_format": inputs.format,
                "source_notes": inputs.notes,
                "source_timezone": inputs.source_timezone,
            }
        )
        write_dataset(dataset_obj, work / "out" / "dataset.json")
        publish_version(work / "out", target, known=tables)
        return dataset_obj, False
    finally:
        remove_tree(work)  # even when a Ctrl-C lands in the middle of the removal


def remove_empty(folders: list[Path]) -> None:
    """Remove the folders an ingest created, innermost first, while they are empty."""
    for p in folders:
        try:
            p.rmdir()
        except OSError:
            return


def _build(
    files: list[ArchiveFile],
    ignored: list[Path],
    checks: Checks,
    dataset: str,
    version: str,
    synthetic: bool,
    work: Path,
    progress: Progress,
) -> tuple[Dataset, dict[str, str]]:
    """Read every file into work/out; returns the dataset and the sha256 of its Parquet files."""
    out = work / "out"
    out.mkdir()
    (work / "spill").mkdir()
    con = connect(work / "spill", progress=True)
    con.execute(
        """CREATE TABLE rejects (file VARCHAR, kind VARCHAR, line BIGINT, record BIGINT,
           id VARCHAR, reason VARCHAR, raw VARCHAR)"""
    )
    checks.watch(con)
    counts, parts = read_all(con, files, checks, work, progress)

    columns: dict[str, list[str]] = {}
    extras: dict[str, list[str]] = {}
    dup_by_file: dict[str, int] = {}
    dups: dict[str, int] = {}
    for kind, canonical in (("users", USER_COLUMNS), ("tweets", TWEET_COLUMNS)):
        seen = [c for f, _ in parts[kind] for c in f.columns if c != REJECT]
        opt = [c for c in OPTIONAL_TWEET_COLUMNS if kind == "tweets"]
        extra = sorted({c for c in seen if c not in canonical and c not in opt})
        columns[kind] = list(canonical) + opt + extra
        extras[kind] = extra
        removed = combine(con, kind, parts[kind], out / f"{kind}.parquet", columns[kind], progress)
        dup_by_file.update(removed)
        dups[kind] = sum(removed.values())

    write_rejects(con, out)
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
    coverage = coverage_of(con, parts, users_pq, tweets_pq)
    con.close()

    hashes = checks.hashes()
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
    tables = {f"{t}.parquet": sha256_file(out / f"{t}.parquet") for t in ("users", "tweets")}
    fingerprint = sha256_json(
        {
            "schema": SCHEMA_VERSION,
            "users": tables["users.parquet"],
            "tweets": tables["tweets.parquet"],
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
        coverage=coverage,
    )
    write_dataset(ds, out / "dataset.json")
    return ds, tables
