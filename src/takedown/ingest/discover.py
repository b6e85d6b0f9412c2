"""Find the users and tweets files of one takedown archive among the paths a user gives.

Twitter named its files `<operation>_<users|tweets>_csv_<hashed|unhashed>[_N].csv`, shipped
plain, gzipped or zipped; media zips and other files in a folder are ignored and listed.
"""

from __future__ import annotations

import csv
import errno
import gzip
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from takedown.errors import IngestError
from takedown.ingest.limits import Budget, Limits
from takedown.schema import REQUIRED_TWEET_COLUMNS, REQUIRED_USER_COLUMNS

NAME = re.compile(
    r"^(?P<op>.+?)_(?P<kind>users|tweets)_csv_(?P<variant>hashed|unhashed)"
    r"(?:_(?P<shard>\d+))?\.(?P<ext>csv|csv\.gz|zip)$",
    re.IGNORECASE,
)
# Some vintages renamed a column; map the old name onto the archive's usual one.
COLUMN_ALIASES = {"tweet_id": "tweetid", "user_id": "userid"}
SNIFF_BYTES = 1 << 16


@dataclass(frozen=True)
class ArchiveFile:
    """One CSV to read: where it came from (for checksums) and where DuckDB reads it."""

    source: Path  # the file the user gave (a .zip for zipped members)
    path: Path  # a readable .csv or .csv.gz
    kind: str  # "users" or "tweets"
    operation: str
    variant: str
    shard: int
    columns: tuple[str, ...] = field(default=())
    read_from: Path | None = None  # a normalized copy DuckDB reads instead of `path`

    @property
    def label(self) -> str:
        if self.source == self.path:
            return self.source.name
        return f"{self.source.name}:{self.path.name}"


def _inside(child: Path, folder: Path) -> bool:
    """A symlink in an input folder is followed only while it stays inside that folder."""
    try:
        return child.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop or an unreadable target
        return False


def _scan_folder(folder: Path, chosen: list[Path], ignored: list[Path]) -> None:
    """A folder's archive files are chosen; anything else in it is ignored and listed."""
    for child in sorted(folder.iterdir()):
        if child.is_symlink() and not _inside(child, folder):
            if NAME.match(child.name):
                raise IngestError(
                    f"{child}: a symlink that points outside {folder}; copy the file into "
                    "the folder or pass it by its own path"
                )
            ignored.append(child)
        elif child.is_file():
            (chosen if NAME.match(child.name) else ignored).append(child)


def _expand(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """Files named explicitly must match; files found in folders may be skipped (and are listed)."""
    chosen: list[Path] = []
    ignored: list[Path] = []
    for p in paths:
        if not p.exists():
            raise IngestError(f"{p}: no such file or folder; check the path")
        if p.is_dir():
            _scan_folder(p, chosen, ignored)
        elif NAME.match(p.name) or p.suffix.lower() == ".zip":
            chosen.append(p)
        else:
            raise IngestError(
                f"{p}: not a takedown archive file name; expected "
                "<operation>_users_csv_hashed.csv or <operation>_tweets_csv_hashed[_N].csv "
                "(.csv, .csv.gz or .zip); rename it to the archive's naming"
            )
    return chosen, ignored


def _unsafe_member(filename: str) -> bool:
    """An absolute path or a `..` step: a genuine archive never has one (issue 10 item 11)."""
    parts = filename.replace("\\", "/").split("/")
    return (
        filename.startswith(("/", "\\"))
        or ".." in parts
        or (len(filename) > 1 and filename[1] == ":")
    )


def _open_zip(zpath: Path) -> zipfile.ZipFile:
    """The zip, refused whole if it is not one or if any member could escape the scratch folder."""
    try:
        zf = zipfile.ZipFile(zpath)
    except zipfile.BadZipFile:
        raise IngestError(f"{zpath}: not a valid zip file; re-download it") from None
    for info in zf.infolist():
        if _unsafe_member(info.filename):
            zf.close()
            raise IngestError(
                f"{zpath}: member {info.filename!r} has an absolute path or '..'; refusing "
                "the zip (a genuine archive has neither); re-download it"
            )
    return zf


def _unpack_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, label: str, budget: Budget
) -> None:
    """Copy one member out in chunks, counting its expanded size against the limits as it goes."""
    written = 0
    try:
        with zf.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                budget.add(label, len(chunk), written, info.compress_size)
                dst.write(chunk)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise IngestError(
                f"{label}: the disk is full while unpacking it to {target.parent.parent.parent}; "
                "free some space or pass --data-dir on a larger disk"
            ) from None
        raise IngestError(f"{label}: corrupt zip member ({exc}); re-download it") from None
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise IngestError(f"{label}: corrupt zip member ({exc}); re-download it") from None


def _extract_zip(zpath: Path, scratch: Path, budget: Budget) -> list[tuple[Path, Path]]:
    """Unpack the CSV members of a zip (DuckDB cannot read zips without a network extension).

    zipfile checks each member's CRC-32 as it reads; the expanded size is counted against the
    limits as it is written, since a member's declared size can lie.
    """
    out: list[tuple[Path, Path]] = []
    with _open_zip(zpath) as zf:
        for info in zf.infolist():
            name = Path(info.filename).name
            if info.is_dir() or not NAME.match(name) or name.lower().endswith(".zip"):
                continue
            folder = scratch / f"zip{len(list(scratch.glob('zip*')))}"
            folder.mkdir()
            _unpack_member(zf, info, folder / name, f"{zpath.name}:{name}", budget)
            out.append((zpath, folder / name))
    if not out:
        raise IngestError(
            f"{zpath}: the zip holds no <operation>_users/tweets_csv_hashed.csv file; "
            "pass the archive's CSV zips, not its media zips"
        )
    return out


def read_header(path: Path, label: str) -> tuple[str, ...]:
    """The header row, after checking the file is non-empty text (not binary, not empty)."""
    if path.stat().st_size == 0:
        raise IngestError(f"{label}: file is empty (0 bytes); re-download it")
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            head = f.read(SNIFF_BYTES)
    except (OSError, EOFError) as exc:
        raise IngestError(f"{label}: corrupt or truncated gzip ({exc}); re-download it") from None
    if not head.strip():
        raise IngestError(f"{label}: file has no header row; re-download it")
    nul = head.find(b"\0")
    if nul >= 0:
        raise IngestError(
            f"{label}: binary data at byte {nul}, not a CSV text file; pass the archive's CSV files"
        )
    text = head.decode("utf-8-sig", errors="replace")
    stream = io.StringIO(text)
    try:
        first = next(csv.reader(stream), [])
    except csv.Error:
        raise IngestError(
            f"{label}: line 1 is not a CSV header (carriage-return-only line endings?); "
            "convert the file to LF or CRLF line endings"
        ) from None
    if len(head) == SNIFF_BYTES and not stream.read():
        # The header did not end in the bytes read: its tail would be read as data and every
        # row rejected as having too many columns (issue 20 item 10).
        raise IngestError(
            f"{label}: the header (line 1) is longer than {SNIFF_BYTES // 1024} KiB; "
            "check the file is an archive CSV with one header line"
        )
    cols = tuple(COLUMN_ALIASES.get(c.strip(), c.strip()) for c in first)
    if "" in cols:
        # DuckDB cannot name an empty column; say where it is instead of a SQL error.
        at = cols.index("") + 1
        hint = "a trailing comma?" if at == len(cols) else "two commas in a row?"
        raise IngestError(
            f"{label}: the header (line 1) has an empty column name at column {at} ({hint}); "
            "remove it from the header"
        )
    return cols


def _check_columns(f: ArchiveFile) -> None:
    required = REQUIRED_USER_COLUMNS if f.kind == "users" else REQUIRED_TWEET_COLUMNS
    missing = [c for c in required if c not in f.columns]
    # Messages name our own column names and positions, never text from the file (issue 10).
    if missing:
        raise IngestError(
            f"{f.label}: missing required column {missing[0]!r} (the header's "
            f"{len(f.columns)} columns have none by that name); is this a Twitter IO {f.kind} file?"
        )
    seen: dict[str, int] = {}
    for i, c in enumerate(f.columns, 1):
        if c in seen:
            raise IngestError(
                f"{f.label}: header columns {seen[c]} and {i} have the same name; rename one"
            )
        seen[c] = i


def discover(
    paths: list[Path], scratch: Path, budget: Budget | None = None
) -> tuple[list[ArchiveFile], list[Path]]:
    """Resolve paths to checked archive files of one operation; returns (files, ignored)."""
    budget = budget or Budget(Limits())
    chosen, ignored = _expand(paths)
    pairs: list[tuple[Path, Path]] = []
    for p in chosen:
        if p.name.lower().endswith(".zip"):
            pairs.extend(_extract_zip(p, scratch, budget))
        else:
            pairs.append((p, p))
    files: list[ArchiveFile] = []
    for source, path in pairs:
        m = NAME.match(path.name)
        assert m is not None
        f = ArchiveFile(
            source=source,
            path=path,
            kind=m["kind"].lower(),
            operation=m["op"],
            variant=m["variant"].lower(),
            shard=int(m["shard"] or 0),
        )
        f = ArchiveFile(**{**f.__dict__, "columns": read_header(path, f.label)})
        _check_columns(f)
        files.append(f)
    if not files:
        where = ", ".join(str(p) for p in paths)
        raise IngestError(
            f"{where}: no takedown archive files found; expected "
            "<operation>_users_csv_hashed.csv and <operation>_tweets_csv_hashed.csv"
        )
    ops = sorted({f.operation for f in files})
    if len(ops) > 1:
        raise IngestError(
            f"found files of {len(ops)} operations ({', '.join(ops)}); ingest one operation at a time"
        )
    kinds = {f.kind for f in files}
    if "tweets" not in kinds:
        users = next(f for f in files if f.kind == "users")
        raise IngestError(
            f"{users.label}: users file without a tweets file; pass "
            f"{users.operation}_tweets_csv_{users.variant}.csv too"
        )
    if "users" not in kinds:
        tw = next(f for f in files if f.kind == "tweets")
        raise IngestError(
            f"{tw.label}: tweets file without a users file; pass "
            f"{tw.operation}_users_csv_{tw.variant}.csv too"
        )
    files.sort(key=lambda f: (f.kind, f.shard, f.label))
    return files, ignored
