"""Land, prune, pin and verify dataset versions, touching only what takedown-store.json lists.

Publishing lists a version in the store before it appears, so a kill never leaves a version
ingest cannot later prove its own. Pruning removes, of a listed version that nobody reads, only
the files recorded for it, and the folder once empty; it never follows a symlink. A render pins
the current version and checks it against the store before reading it (issue 20 item 11).
"""

from __future__ import annotations

import fcntl
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from takedown.errors import IngestError, TakedownError
from takedown.ingest.dataset import (
    CURRENT,
    FILES,
    VERSIONS,
    content_id,
    load_dataset,
    resolve_dataset,
)
from takedown.ingest.store import (
    STORE,
    Store,
    VersionEntry,
    claim,
    file_intact,
    fingerprint_holds,
    proven_version,
    read_store,
    stat_key,
    version_entry,
    write_store,
)


def _readers_lock(version: Path) -> Path:
    return version.parent / f".{version.name}.readers"


def _open_readers_lock(version: Path) -> int | None:
    try:
        return os.open(_readers_lock(version), os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        try:
            return os.open(_readers_lock(version), os.O_RDONLY)
        except OSError:
            return None


def verify_version(dataset_dir: Path, folder: Path) -> None:
    """Refuse, with one line, a version ingest did not list or whose files changed since."""
    how = f"re-run `takedown ingest PATH --dataset {dataset_dir.name} --force`"
    store = read_store(dataset_dir) if folder.parent.name == VERSIONS else None
    if store is None:  # no store: a dataset from an older takedown, checked by full hashes
        proven = proven_version(folder) if folder.parent.name == VERSIONS else True
        if not proven or not fingerprint_holds(folder, load_dataset(folder)):
            raise TakedownError(f"{folder}: its files do not match its dataset.json; {how}")
        return
    entry = store.versions.get(folder.name)
    if entry is None or entry.state != "live":
        raise TakedownError(f"{folder}: not a version takedown ingest made (not in {STORE}); {how}")
    for name, rec in sorted(entry.files.items()):
        if not file_intact(folder / name, rec):
            raise TakedownError(f"{folder / name}: changed since ingest wrote it; {how}")


def intact(dataset_dir: Path) -> bool:
    """The current version is one ingest listed and its files are unchanged."""
    try:
        verify_version(dataset_dir, resolve_dataset(dataset_dir))
    except (OSError, TakedownError):
        return False
    return True


@contextmanager
def pinned(dataset_dir: Path) -> Iterator[Path]:
    """The current version, verified, and guarded against pruning while the caller reads it."""
    for _ in range(5):
        folder = resolve_dataset(dataset_dir)
        if folder.parent.name != VERSIONS:
            verify_version(dataset_dir, folder)
            yield folder  # a folder from before versions: nothing to guard
            return
        fd = _open_readers_lock(folder)
        if fd is None:  # a read-only data folder: no ingest can prune it either
            verify_version(dataset_dir, folder)
            yield folder
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            if (folder / "dataset.json").is_file():  # not pruned between resolve and lock
                verify_version(dataset_dir, folder)  # under the lock: no prune is under way
                yield folder
                return
        finally:
            os.close(fd)
    raise TakedownError(f"{dataset_dir}: the dataset keeps changing under this run; try again")


def _sweep_own_leftovers(dataset_dir: Path) -> None:
    """What a killed ingest of ours leaves: a half-made `current` link or store file."""
    for p in dataset_dir.glob(f".{CURRENT}.tmp-*"):
        if p.is_symlink():
            p.unlink()
    for p in dataset_dir.glob(f".{STORE}.tmp-*"):
        if not p.is_symlink() and p.is_file():
            p.unlink()


def publish_version(out: Path, dataset_dir: Path, known: dict[str, str] | None = None) -> Path:
    """Land a finished ingest folder `out` as a new version and make it current, atomically.

    Same content as an intact listed version: that version is reused. `known`: sha256 of files
    in `out` the caller already computed. The caller holds the dataset's ingest lock.
    """
    store = claim(dataset_dir)
    versions = dataset_dir / VERSIONS
    versions.mkdir(exist_ok=True)
    _sweep_own_leftovers(dataset_dir)
    vid = content_id(out)
    target = versions / vid
    _clear_slot(store, dataset_dir, vid)
    if vid not in store.versions:
        if os.path.lexists(target):
            raise IngestError(
                f"{target}: not a version takedown ingest made; move it out of {versions}"
            )
        for f in out.iterdir():
            f.chmod(0o444)
        store.versions[vid] = version_entry(out, known)
        write_store(dataset_dir, store)  # listed before it exists
        out.rename(target)
        target.chmod(0o555)
    tmp = dataset_dir / f".{CURRENT}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    os.symlink(f"{VERSIONS}/{vid}", tmp)
    os.replace(tmp, dataset_dir / CURRENT)
    for name in FILES:
        link = dataset_dir / name
        if not os.path.lexists(link):  # never over a file of the user's
            os.symlink(f"{CURRENT}/{name}", link)
    prune_versions(dataset_dir)
    return target


def _clear_slot(store: Store, dataset_dir: Path, vid: str) -> None:
    """Make versions/<vid> reusable: finish a cut-short prune, unlist a vanished version, and
    set a changed one aside under a new name (its files are kept: someone edited them)."""
    entry = store.versions.get(vid)
    if entry is None:
        return
    target = dataset_dir / VERSIONS / vid
    if entry.state == "pruning" or not os.path.lexists(target):
        if os.path.lexists(target):
            _remove_recorded(target, entry)
        del store.versions[vid]
    elif target.is_symlink():
        raise IngestError(f"{target}: a symlink where ingest's version was; move it away")
    elif not all(file_intact(target / n, r) for n, r in entry.files.items()):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        os.rename(target, target.with_name(f"{vid}-changed-{stamp}"))
        del store.versions[vid]
    else:
        return
    write_store(dataset_dir, store)


def _remove_recorded(folder: Path, entry: VersionEntry) -> None:
    """Remove the files ingest recorded for a version, then the folder if nothing else is in it."""
    if folder.is_symlink() or not folder.is_dir():
        return
    folder.chmod(0o755)
    names = sorted(entry.files, key=lambda n: n != "dataset.json")  # never looks whole again
    for name in names:
        p = folder / name
        if file_intact(p, entry.files[name]):
            p.unlink()
    try:
        folder.rmdir()
    except OSError:
        folder.chmod(0o555)  # the user's own files are in it: the folder stays, theirs now


def prune_versions(dataset_dir: Path) -> list[str]:
    """Remove listed versions that are not current and that no render reads; returns their ids."""
    store = read_store(dataset_dir)
    versions = dataset_dir / VERSIONS
    if store is None or versions.is_symlink() or not versions.is_dir():
        return []
    pointer = dataset_dir / CURRENT
    current = Path(os.readlink(pointer)).name if pointer.is_symlink() else None
    removed = []
    for vid in sorted(store.versions):
        if vid != current and _prune_one(store, dataset_dir, vid):
            removed.append(vid)
    return removed


def _prune_one(store: Store, dataset_dir: Path, vid: str) -> bool:
    """Prune one listed version unless a render holds it; False when it was left."""
    v = dataset_dir / VERSIONS / vid
    try:
        mode = v.lstat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        fd = os.open(_readers_lock(v), os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False  # a render is reading it: the next ingest prunes it
        try:
            store.versions[vid].state = "pruning"
            write_store(dataset_dir, store)
            _remove_recorded(v, store.versions[vid])
            _readers_lock(v).unlink(missing_ok=True)
        finally:
            os.close(fd)
    # Gone, pruned, or replaced by something not ours (a symlink, a file): no longer listed.
    del store.versions[vid]
    write_store(dataset_dir, store)
    return mode is not None and stat.S_ISDIR(mode)


__all__ = ["intact", "pinned", "prune_versions", "publish_version", "stat_key", "verify_version"]
