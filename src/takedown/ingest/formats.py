"""Which adapter reads the given files: chosen by --format or the profile, else from headers.

Every adapter yields archive-layout `ArchiveFile`s, so ingest proper is one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from takedown.errors import IngestError
from takedown.ingest import ira538, mapped
from takedown.ingest.derive import archive_file, users_from_tweets, write_csv
from takedown.ingest.discover import NAME, ArchiveFile, _inside, discover, read_header
from takedown.ingest.limits import Budget, long_row, long_row_error
from takedown.ingest.read import duckdb_error
from takedown.ingest.verify import check_gzips
from takedown.profile import Source
from takedown.schema import REQUIRED_TWEET_COLUMNS

FORMATS = ("auto", "twitter", "tweets-only", "ira538", "mapped")
READABLE = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".jsonl", ".ndjson", ".json", ".parquet", ".zip")
READABLE += (".jsonl.gz", ".ndjson.gz", ".json.gz")
TWEET_HEADER = frozenset(REQUIRED_TWEET_COLUMNS) | {"user_screen_name"}


@dataclass
class Inputs:
    """The files ingest reads, and what the data appendix should say about how they were read."""

    files: list[ArchiveFile]
    ignored: list[Path]
    format: str
    notes: list[str] = field(default_factory=list)
    source_timezone: str = "UTC"
    # sha256 of the gzips checked against the expansion limits before conversion.
    checked: dict[str, str] = field(default_factory=dict)


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if not p.exists():
            raise IngestError(f"{p}: no such file or folder; check the path")
        if p.is_dir():
            for c in sorted(p.iterdir()):
                if c.is_symlink() and not _inside(c, p):
                    if c.name.lower().endswith(READABLE):
                        raise IngestError(
                            f"{c}: a symlink that points outside {p}; copy the file into the "
                            "folder or pass it by its own path"
                        )
                    continue  # not an export file; discover lists it as ignored
                if c.is_file():
                    out.append(c)
        else:
            out.append(p)
    return out


def _header(p: Path) -> frozenset[str]:
    if not p.name.lower().endswith((".csv", ".csv.gz")):
        return frozenset()
    try:
        return frozenset(read_header(p, p.name))
    except IngestError:
        return frozenset()


def detect(paths: list[Path]) -> str:
    """The format of the given files, from their names and headers; one line when unsure."""
    files = _files(paths)
    if any(NAME.match(p.name) for p in files):
        kinds = {NAME.match(p.name)["kind"].lower() for p in files if NAME.match(p.name)}
        return (
            "twitter"
            if "users" in kinds or any(p.suffix == ".zip" for p in files)
            else ("tweets-only")
        )
    found = {}
    for p in files:
        h = _header(p)
        if ira538.ORIGINAL <= h or ira538.BY_AUTHOR <= h:
            found[p] = "ira538"
        elif TWEET_HEADER <= h:
            found[p] = "tweets-only"
    kinds = sorted(set(found.values()))
    if len(kinds) == 1:
        return kinds[0]
    if len(kinds) > 1:
        listing = ", ".join(f"{p.name} looks like {k}" for p, k in found.items())
        raise IngestError(f"the files are of several formats ({listing}); pass --format")
    shown = ", ".join(p.name for p in files[:3]) or "(no files)"
    raise IngestError(
        f"{shown}: cannot tell the export's format from the file names and headers; pass "
        "--format twitter|tweets-only|ira538, or declare a column mapping in the profile's "
        "source: block and pass --profile"
    )


def resolve(
    paths: list[Path],
    work: Path,
    fmt: str,
    source: Source,
    operation: str,
    budget: Budget | None = None,
) -> Inputs:
    """Files for ingest in archive layout, whatever the export; `operation` names converted ones.

    `budget` bounds what zips and gzips may expand to (archive zips are unpacked here)."""
    if fmt == "auto":
        fmt = source.format
    if fmt == "auto":
        fmt = "mapped" if source.tweets is not None else detect(paths)
    if fmt not in FORMATS:
        raise IngestError(f"--format {fmt!r}: use one of {', '.join(FORMATS[1:])}")
    clock = source.source_timezone
    if fmt == "twitter":
        files, ignored = discover(paths, work, budget)
        return Inputs(files, ignored, fmt, source_timezone="UTC")
    if fmt == "tweets-only":
        checked = check_gzips(_files(paths), budget)
        files, ignored, notes = _tweets_only(paths, work, operation)
        return Inputs(files, ignored, fmt, notes, "UTC", checked)
    if fmt == "mapped" and source.tweets is None:
        raise IngestError(
            "--format mapped needs a profile with a source: block (tweets: columns: ...); "
            "pass --profile"
        )
    candidates = [p for p in _files(paths) if p.name.lower().endswith(READABLE)]
    if not candidates:
        raise IngestError(
            f"{paths[0]}: no readable export files (.csv, .tsv, .jsonl, .json or .parquet, or "
            ".gz of the text ones) found"
        )
    checked = check_gzips(candidates, budget)  # before DuckDB expands them into scratch
    if fmt == "ira538":
        files, ignored, notes = ira538.convert(candidates, work, operation, clock)
    else:
        files, ignored, notes = mapped.convert(candidates, work, operation, source)
    return Inputs(files, ignored, fmt, notes, clock, checked)


def _tweets_only(
    paths: list[Path], work: Path, operation: str
) -> tuple[list[ArchiveFile], list[Path], list[str]]:
    """Tweets files with the account columns on every row: accounts derived from them."""
    files = _files(paths)
    named = [
        p for p in files if NAME.match(p.name) and NAME.match(p.name)["kind"].lower() == "tweets"
    ]
    chosen = named or [p for p in files if TWEET_HEADER <= _header(p)]
    if not chosen:
        raise IngestError(
            f"{paths[0]}: no tweets file found (needs the columns tweetid, userid, "
            "user_screen_name and tweet_time); pass a tweets CSV with them"
        )
    ignored = [p for p in files if p not in chosen]
    tweets: list[ArchiveFile] = []
    for i, p in enumerate(chosen):
        m = NAME.match(p.name)
        f = archive_file(p, p, "tweets", m["op"] if m else operation)
        tweets.append(
            ArchiveFile(
                **{
                    **f.__dict__,
                    "variant": m["variant"].lower() if m else "hashed",
                    "shard": int(m["shard"] or 0) if m else i + 1,
                }
            )  # fmt: skip
        )
    op = tweets[0].operation
    target = work / f"{op}_users_csv_derived.csv"
    header = tuple(dict.fromkeys(c for t in tweets for c in t.columns))
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    try:
        write_csv(con, users_from_tweets([t.path for t in tweets], header), target)
    except duckdb.Error as exc:
        raise _derive_error(tweets, exc) from None
    finally:
        con.close()
    users = archive_file(tweets[0].source, target, "users", op)
    note = (
        "Tweets-only archive: accounts derived from the profile columns on the tweet rows, "
        "each with its latest non-empty values by tweet_time."
    )
    return [users, *tweets], ignored, [note]


def _derive_error(tweets: list[ArchiveFile], exc: duckdb.Error) -> IngestError:
    """One line for a tweets file DuckDB could not read while deriving the accounts."""
    if "Maximum line size of" in str(exc):
        long = [t for t in tweets if long_row(t.path) is not None]
        return long_row_error(long[0].path if long else tweets[0].path, (long or tweets)[0].label)
    named = [t for t in tweets if str(t.path) in str(exc)]
    return duckdb_error((named or tweets)[0], exc)
