"""Any other export (CSV, JSONL or Parquet) through a column mapping declared in the profile.

The mapping names, for each normalized field, the export's column (dotted paths reach into
nested JSON objects). An unmapped field is simply absent; the findings that need it are then
unavailable. Timestamps are read with the declared format on the declared clock.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from takedown.errors import IngestError
from takedown.ingest.derive import archive_file, users_from_tweets, utc_text, write_csv
from takedown.ingest.discover import ArchiveFile
from takedown.ingest.normalize import lit, q
from takedown.profile import FileMapping, Source
from takedown.schema import TIME_COLUMNS, TWEET_COLUMNS, USER_COLUMNS


def reader(path: Path) -> str:
    """DuckDB table function for an export file, chosen by its extension."""
    name = path.name.lower()
    p = lit(path.as_posix())
    if name.endswith((".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz", ".json.gz")):
        return f"read_json({p}, format='auto', maximum_object_size=67108864)"
    if name.endswith(".parquet"):
        return f"read_parquet({p})"
    if name.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz")):
        delim = "\\t" if ".tsv" in name else ","
        return (
            f"read_csv({p}, all_varchar=true, header=true, delim={lit(delim)}, quote='\"', "
            "escape='\"', max_line_size=20000000)"
        )
    raise IngestError(f"{path}: unknown export type; use .csv, .tsv, .jsonl, .json or .parquet")


def _path(column: str) -> str:
    """`user.id` -> "user"."id" (struct access); a plain name is quoted as is."""
    return ".".join(q(part) for part in column.split("."))


def _select(src: str, mapping: FileMapping, canonical: tuple[str, ...], source: Source) -> str:
    cols = []
    for field in canonical:
        if field not in mapping.columns:
            continue
        raw = f"CAST({_path(mapping.columns[field])} AS VARCHAR)"
        if field in TIME_COLUMNS:
            raw = utc_text(raw, source.time_format, source.source_timezone)
        cols.append(f"{raw} AS {q(field)}")
    extra = [
        f"CAST({_path(c)} AS VARCHAR) AS {q(name)}"
        for name, c in mapping.extra.items()
        if name not in canonical
    ]
    return f"SELECT {', '.join(cols + extra)} FROM {src}"


def _pick(files: list[Path], pattern: str | None, kind: str) -> list[Path]:
    if pattern is None:
        return []
    chosen = [p for p in files if p.match(pattern)]
    if not chosen:
        raise IngestError(
            f"profile source.{kind}.file {pattern!r} matches none of the given files "
            f"({', '.join(p.name for p in files[:5])}); fix the pattern"
        )
    return chosen


def convert(
    files: list[Path], work: Path, operation: str, source: Source
) -> tuple[list[ArchiveFile], list[Path], list[str]]:
    """Archive-layout CSVs from an export and its mapping; returns (files, ignored, notes)."""
    if source.tweets is None:
        raise IngestError("profile source.tweets: a mapped export needs a tweets mapping")
    tweets = _pick(files, source.tweets.file, "tweets") if source.tweets.file else list(files)
    users = _pick(files, source.users.file, "users") if source.users else []
    tweets = [p for p in tweets if p not in users]
    ignored = [p for p in files if p not in tweets and p not in users]
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = true")
    out: list[ArchiveFile] = []
    for kind, paths, mapping, canonical in (
        ("tweets", tweets, source.tweets, TWEET_COLUMNS),
        ("users", users, source.users, USER_COLUMNS),
    ):
        for i, p in enumerate(sorted(paths)):
            target = work / f"{operation}_{kind}_csv_converted_{i + 1}.csv"
            try:
                write_csv(con, _select(reader(p), mapping, canonical, source), target)
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0]
                raise IngestError(
                    f"{p}: cannot read it with the profile's {kind} mapping ({first}); "
                    "check the column names in source.{kind}.columns"
                ) from None
            out.append(archive_file(p, target, kind, operation))
    notes = [
        f"Export mapped by the profile's source block; timestamps on the {source.source_timezone} clock."
    ]
    if not users:
        notes.append(_derive(con, out, work, operation))
    con.close()
    return out, ignored, notes


def _derive(con: duckdb.DuckDBPyConnection, out: list[ArchiveFile], work: Path, op: str) -> str:
    """Without a users file, accounts come from the profile columns on the tweet rows."""
    tweets = [t for t in out if t.kind == "tweets"]
    header = tuple(dict.fromkeys(c for t in tweets for c in t.columns))
    target = work / f"{op}_users_csv_converted.csv"
    write_csv(con, users_from_tweets([t.path for t in tweets], header), target)
    first = next(t for t in out if t.kind == "tweets")
    out.append(archive_file(first.source, target, "users", op))
    return "Accounts derived from the tweet rows: the latest non-empty values per account."
