"""takedown-store.json: the proof that ingest made a dataset folder, and its index of versions.

Ingest deletes only what it can prove it created (issue 20 items 1, 2). The proof is this file,
written by ingest into DATA_DIR/NAME: the dataset's name, a format number, and every version
ingest landed there with the sha256, size and stat of each of its files. A folder without it is
never written into or removed from, with two exceptions whose structure proves them ours (they
are then adopted: the store file is written and nothing is removed):
- a folder made by the versioned ingest before this file existed: `current` is a symlink to
  `versions/<id>`, a real folder whose dataset.json validates and whose content hashes to <id>;
- a folder from before versions: nothing in it but our file names, regular files, with a valid
  dataset.json whose fingerprint matches the Parquet files (its files move to versions/<id>).
An empty folder is taken as it is. Anything else is refused with one line.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from takedown.errors import IngestError, TakedownError
from takedown.hashing import sha256_file, sha256_json
from takedown.ingest.dataset import (
    CURRENT,
    FILES,
    VERSIONS,
    Dataset,
    content_id,
)
from takedown.schema import SCHEMA_VERSION

STORE = "takedown-store.json"
FORMAT = 1
MAX_STORE_BYTES = 16 << 20


class FileEntry(BaseModel):
    """One file of a version: content, and the stat that lets a render skip re-hashing it."""

    model_config = ConfigDict(extra="forbid")
    sha256: str
    bytes: int
    stat: list[int] | None = None  # inode, size, mtime_ns, ctime_ns once it was read-only


class VersionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    files: dict[str, FileEntry]
    state: Literal["live", "pruning"] = "live"


class Store(BaseModel):
    model_config = ConfigDict(extra="forbid")
    takedown_store: int
    dataset: str
    versions: dict[str, VersionEntry] = {}


def stat_key(st: os.stat_result) -> list[int]:
    """What changes whenever a file's bytes or metadata change (ctime cannot be set back)."""
    return [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def record_file(path: Path, known: str | None = None) -> FileEntry:
    """A file's entry; `known` is its sha256 when the caller already computed it."""
    st = path.lstat()
    return FileEntry(sha256=known or sha256_file(path), bytes=st.st_size, stat=stat_key(st))


def file_intact(path: Path, entry: FileEntry) -> bool:
    """The file is the one recorded: same stat (no read), else the same sha256 (e.g. a copy)."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or st.st_size != entry.bytes:
        return False
    if entry.stat is not None and stat_key(st) == entry.stat:
        return True
    return sha256_file(path) == entry.sha256


def read_store(dataset_dir: Path) -> Store | None:
    """The folder's store file, or None when it has none; a damaged one is one clear error."""
    path = dataset_dir / STORE
    if not os.path.lexists(path):
        return None
    how = f"restore it, or move {dataset_dir} away and ingest again"
    st = path.lstat()
    if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_STORE_BYTES:
        raise TakedownError(f"{path}: not the file takedown ingest writes; {how}")
    try:
        store = Store.model_validate(json.loads(path.read_bytes()))
    except (ValueError, ValidationError):
        raise TakedownError(f"{path}: damaged; {how}") from None
    if store.takedown_store > FORMAT:
        raise TakedownError(f"{path}: written by a newer takedown; upgrade takedown-report")
    return store


def write_store(dataset_dir: Path, store: Store) -> None:
    """Replace the store file atomically: a reader sees the old or the new one, never half."""
    tmp = dataset_dir / f".{STORE}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    text = json.dumps(store.model_dump(), indent=1, sort_keys=True) + "\n"
    with open(tmp, "x", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, dataset_dir / STORE)


def _valid_dataset(folder: Path) -> Dataset | None:
    path = folder / "dataset.json"
    try:
        if not stat.S_ISREG(path.lstat().st_mode) or path.lstat().st_size > MAX_STORE_BYTES:
            return None
        return Dataset.model_validate(json.loads(path.read_bytes()))
    except (OSError, ValueError, ValidationError):
        return None


def fingerprint_holds(folder: Path, ds: Dataset) -> bool:
    """The Parquet files are those dataset.json's fingerprint was computed from (full hashes)."""
    tables = {}
    for name in ("users", "tweets"):
        p = folder / f"{name}.parquet"
        if not os.path.lexists(p) or not stat.S_ISREG(p.lstat().st_mode):
            return False
        tables[name] = sha256_file(p)
    return ds.fingerprint == sha256_json({"schema": SCHEMA_VERSION, **tables})


def proven_version(folder: Path) -> bool:
    """A version folder of the versioned ingest: a real folder whose content hashes to its name."""
    if folder.is_symlink() or not folder.is_dir() or _valid_dataset(folder) is None:
        return False
    try:
        return content_id(folder) == folder.name
    except (OSError, ValueError):
        return False


def _legacy_current(dataset_dir: Path) -> Path | None:
    """`current` -> versions/<id> with `versions` a real folder: the versioned layout's shape."""
    pointer, versions = dataset_dir / CURRENT, dataset_dir / VERSIONS
    if not pointer.is_symlink() or versions.is_symlink() or not versions.is_dir():
        return None
    parts = Path(os.readlink(pointer)).parts
    if len(parts) != 2 or parts[0] != VERSIONS or parts[1] in ("..", "."):
        return None
    return versions / parts[1]


def _flat_ours(dataset_dir: Path, entries: list[Path]) -> bool:
    """A folder from before versions holding only our files, all of them regular files."""
    names = {p.name for p in entries}
    if not names <= set(FILES) or not {"dataset.json", "users.parquet"} <= names:
        return False
    return all(stat.S_ISREG(p.lstat().st_mode) for p in entries)


def ownership(dataset_dir: Path) -> str:
    """What DATA_DIR/NAME is: new, ours, empty, legacy, flat; anything else is refused."""
    if not os.path.lexists(dataset_dir):
        return "new"
    if not dataset_dir.is_dir():
        raise IngestError(
            f"{dataset_dir}: exists and is not a folder; move it away or pick another --dataset"
        )
    if read_store(dataset_dir) is not None:
        if (dataset_dir / VERSIONS).is_symlink():
            raise IngestError(
                f"{dataset_dir / VERSIONS}: a symlink; ingest keeps versions in a real folder: "
                "replace the link with the folder it points to"
            )
        return "ours"
    entries = list(dataset_dir.iterdir())
    if not entries:
        return "empty"
    current = _legacy_current(dataset_dir)
    if current is not None and proven_version(current):
        return "legacy"
    if _flat_ours(dataset_dir, entries) and _valid_dataset(dataset_dir) is not None:
        return "flat"
    raise IngestError(
        f"{dataset_dir}: not a folder takedown ingest made (no {STORE}), so ingest will not "
        "write into it; move it away or pick another --dataset"
    )


def check_target(paths: list[Path], dataset_dir: Path) -> None:
    """Before anything is written: no input inside the dataset folder, and a folder ingest may
    write into (see ownership)."""
    home = dataset_dir.resolve()
    for p in paths:
        if p.resolve() == home or p.resolve().is_relative_to(home):
            raise IngestError(
                f"{p}: lies inside the dataset folder {dataset_dir}, which ingest manages; move "
                f"the raw files elsewhere (e.g. raw/{dataset_dir.name}) and ingest them from there"
            )
    ownership(dataset_dir)


def version_entry(folder: Path, known: dict[str, str] | None = None) -> VersionEntry:
    """The entry of a finished version folder: each of its regular files, hashed."""
    files = {}
    for p in sorted(folder.iterdir()):
        if p.name in FILES and stat.S_ISREG(p.lstat().st_mode):
            files[p.name] = record_file(p, (known or {}).get(p.name))
    return VersionEntry(files=files)


def claim(dataset_dir: Path) -> Store:
    """The dataset folder's store, adopting a folder whose structure proves it ours (see above).

    The caller holds the dataset's ingest lock."""
    kind = ownership(dataset_dir)
    if kind == "ours":
        store = read_store(dataset_dir)
        assert store is not None
        return store.model_copy(update={"dataset": dataset_dir.name})
    store = Store(takedown_store=FORMAT, dataset=dataset_dir.name)
    if kind == "new":
        dataset_dir.mkdir()
    elif kind == "legacy":
        for v in sorted((dataset_dir / VERSIONS).iterdir()):
            ds = _valid_dataset(v) if proven_version(v) else None
            if ds is not None and fingerprint_holds(v, ds):
                store.versions[v.name] = version_entry(v)
    elif kind == "flat":
        _adopt_flat(dataset_dir, store)
    write_store(dataset_dir, store)
    return store


def _adopt_flat(dataset_dir: Path, store: Store) -> None:
    """Move the files of a folder from before versions into versions/<id>, listed first."""
    ds = _valid_dataset(dataset_dir)
    if ds is None or not fingerprint_holds(dataset_dir, ds):
        raise IngestError(
            f"{dataset_dir}: its Parquet files do not match its dataset.json, so ingest will "
            "not replace them; move the folder away and ingest again"
        )
    vid = content_id(dataset_dir)
    store.versions[vid] = version_entry(dataset_dir)
    write_store(dataset_dir, store)  # listed before it exists: a kill leaves nothing unlisted
    target = dataset_dir / VERSIONS / vid
    target.mkdir(parents=True)
    for name, entry in store.versions[vid].files.items():
        os.rename(dataset_dir / name, target / name)
        entry.stat = stat_key((target / name).lstat())  # a rename changes ctime
    os.symlink(f"{VERSIONS}/{vid}", dataset_dir / CURRENT)
