"""Any other export (CSV, JSONL or Parquet) through a column mapping declared in the profile.

The mapping names, for each normalized field, the export's column (dotted paths reach into
nested JSON objects; see fields.py). An unmapped field is simply absent; the findings that need
it are then unavailable. Timestamps are read with the declared format on the declared clock; a
value the adapter cannot convert rejects its row with the reason (the REJECT column).
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from takedown.errors import IngestError
from takedown.ingest.derive import archive_file, users_from_tweets, write_csv
from takedown.ingest.discover import ArchiveFile
from takedown.ingest.fields import (
    extract_sql,
    json_sql,
    presence_sql,
    split_path,
    struct_sql,
)
from takedown.ingest.limits import CSV_ROW_OPTIONS, MAX_ROW_BYTES, long_row_error
from takedown.ingest.normalize import REJECT, lit, q, source_time
from takedown.profile_source import FileMapping, Source
from takedown.schema import LIST_COLUMNS, TIME_COLUMNS, TWEET_COLUMNS, USER_COLUMNS

JSON_NAMES = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz", ".json.gz")
# DuckDB messages can quote values from the file; errors never repeat file contents.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def reader(path: Path) -> str:
    """DuckDB table function for an export file, chosen by its extension.

    JSON is read one object at a time as its raw text (column `json`), so that values keep
    their text exactly as written (fields.json_sql)."""
    name = path.name.lower()
    p = lit(path.as_posix())
    if name.endswith(JSON_NAMES):
        return f"read_json_objects({p}, format='auto', maximum_object_size={MAX_ROW_BYTES})"
    if name.endswith(".parquet"):
        return f"read_parquet({p})"
    if name.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz")):
        delim = "\\t" if ".tsv" in name else ","
        return (
            f"read_csv({p}, all_varchar=true, header=true, delim={lit(delim)}, quote='\"', "
            f"escape='\"', {CSV_ROW_OPTIONS})"
        )
    raise IngestError(
        f"{path}: unknown export type; use .csv, .tsv, .jsonl, .json or .parquet (or .gz of them)"
    )


def _select(
    path: Path, mapping: FileMapping, canonical: tuple[str, ...], source: Source, kind: str
) -> str:
    """The export's rows in archive columns, with the reasons a row cannot be converted."""
    is_json = path.name.lower().endswith(JSON_NAMES)
    wanted = {f: c for f, c in mapping.columns.items() if f in canonical}
    wanted |= {n: c for n, c in mapping.extra.items() if n not in canonical}
    cols, reasons = [], []
    for i, (field, column) in enumerate(wanted.items(), 1):
        where = f"source.{kind}.{'columns' if field in mapping.columns else 'extra'}.{field}"
        if is_json:
            raw, reason = json_sql("json", f"_v[{i}]", column, field, where)
            reasons.append(reason)
        else:
            raw = struct_sql(column)
        if field in TIME_COLUMNS:
            raw, bad = source_time(raw, source.time_format, source.source_timezone)
            reasons.append(f"{lit(field + ': ')} || ({bad})")
        cols.append(f"{raw} AS {q(field)}")
    reject = f"NULLIF(concat_ws('; ', {', '.join(reasons)}), '')" if reasons else "NULL"
    src = reader(path)
    if is_json:
        src = f"(SELECT json, {extract_sql('json', list(wanted.values()))} AS _v FROM {src})"
    return f"SELECT {', '.join(cols)}, {reject} AS {q(REJECT)} FROM {src}"


def _check_columns(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: FileMapping, kind: str
) -> None:
    """Every mapped column is in the file (in some object of a JSON export) and, in a Parquet
    file, holds one value per row rather than a struct or list; or one line naming the field."""
    mapped = {**mapping.columns, **mapping.extra}
    where = {
        f: f"source.{kind}.{'columns' if f in mapping.columns else 'extra'}.{f}" for f in mapped
    }
    if path.name.lower().endswith(JSON_NAMES):
        sql = presence_sql("json", reader(path), list(mapped.values()), MAX_ROW_BYTES)
        too_long, *found = con.execute(sql).fetchone()
        if too_long:
            raise long_row_error(path, str(path))
        types = ["VARCHAR"] * len(mapped)
    else:
        found, types = [], []
        for column in mapped.values():
            expr = ".".join(q(part) for part in split_path(column))
            try:
                t = con.execute(f"DESCRIBE SELECT {expr} FROM {reader(path)}").fetchone()[1]
            except (duckdb.BinderException, duckdb.CatalogException):
                t = None
            found.append(t is not None)
            types.append(t or "")
    for (field, column), ok, t in zip(mapped.items(), found, types, strict=True):
        if not ok:
            raise IngestError(
                f"{path}: no column {column!r} in the file ({where[field]}); check the name "
                "against the file (a dot reaches into a nested object; write \\. for a dot in "
                "a name)"
            )
        nested = "list" if t.endswith("]") else t.split("(")[0].lower()
        if nested in ("struct", "map", "union", "list") and not (
            field in LIST_COLUMNS and t.endswith("[]")
        ):
            raise IngestError(
                f"{path}: column {column!r} holds a nested {nested} value where one value is "
                f"mapped ({where[field]}); map a field inside it with a dot"
            )


def _read_error(path: Path, kind: str, exc: duckdb.Error) -> IngestError:
    """One line naming the file and what to do, never quoting the file's text."""
    text = str(exc)
    if "Maximum line size of" in text:  # the error itself, not DuckDB's list of hints
        return long_row_error(path, str(path))
    first = _QUOTED.sub("'…'", text.strip().splitlines()[0])[:160]
    return IngestError(
        f"{path}: cannot read it with the profile's {kind} mapping ({first}); check the "
        f"file and source.{kind}.columns"
    )


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
                _check_columns(con, p, mapping, kind)
                write_csv(con, _select(p, mapping, canonical, source, kind), target)
            except duckdb.Error as exc:
                raise _read_error(p, kind, exc) from None
            out.append(archive_file(p, target, kind, operation))
    notes = [
        f"Export mapped by the profile's source block; timestamps on the {source.source_timezone} clock."
    ]
    if not users:
        try:
            notes.append(_derive(con, out, work, operation))
        except duckdb.Error as exc:
            raise _read_error(out[0].source, "tweets", exc) from None
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
