"""Find every operation under an archive root, at any depth, by the archive's file names.

Twitter named each operation's files `<dataset>_users_csv_hashed.csv` and
`<dataset>_tweets_csv_hashed[_N].csv` (also `_unhashed`, `.gz`, `.zip`); a folder may hold one
operation or several. A profile whose `source:` block maps another export names its folder.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from takedown.errors import TakedownError
from takedown.ingest.dataset import RESERVED_NAMES
from takedown.ingest.discover import NAME

SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Operation:
    """One operation to ingest and render: its dataset name and the files it is made of."""

    name: str
    folder: Path
    files: tuple[Path, ...]
    profile: Path | None = None  # a profile whose source: block says how to read the folder


def _walk(root: Path) -> list[tuple[Path, list[str]]]:
    """Folders under root (sorted, hidden ones skipped, symlinked folders not followed)."""
    found: list[tuple[Path, list[str]]] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=None, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.append((Path(dirpath), sorted(f for f in filenames if not f.startswith("."))))
    return sorted(found)


def _archive_groups(root: Path) -> dict[tuple[Path, str], list[Path]]:
    """(folder, operation) -> its archive files, by the archive's naming rule."""
    groups: dict[tuple[Path, str], list[Path]] = {}
    for folder, files in _walk(root):
        for name in files:
            m = NAME.match(name)
            if m and (folder / name).is_file():
                groups.setdefault((folder, m["op"]), []).append(folder / name)
    return groups


def _mapped_folders(root: Path, profiles: Path | None) -> dict[str, tuple[Path, Path]]:
    """Profiles in P whose source: block maps an export: name -> (its folder, the profile)."""
    if profiles is None or not profiles.is_dir():
        return {}
    from takedown.profile import load_profile

    found: dict[str, tuple[Path, Path]] = {}
    folders = {f.name: f for f, _ in _walk(root)}
    for path in sorted(profiles.glob("*.yml")):
        if path.stem not in folders:
            continue
        if load_profile(path).source.format in ("auto", "twitter"):
            continue
        found[path.stem] = (folders[path.stem], path)
    return found


def _unique(base: str, folder: Path, root: Path, taken: set[str]) -> str:
    """The operation's name, or with its folder's path when another folder has the same one."""
    name = SAFE.sub("_", base).strip("._") or "operation"
    if name in taken or name in RESERVED_NAMES:
        rel = folder.relative_to(root).as_posix() if folder != root else "root"
        name = SAFE.sub("_", f"{rel}_{name}").strip("._")[:120]
    return name


def discover_operations(root: Path, profiles: Path | None = None) -> list[Operation]:
    """Every operation under root, in a stable order (by folder, then name)."""
    if not root.is_dir():
        raise TakedownError(f"{root}: no such folder; pass the folder that holds the archive")
    mapped = _mapped_folders(root, profiles)
    mapped_dirs = {folder for folder, _ in mapped.values()}
    taken: set[str] = set()
    ops: list[Operation] = []
    for (folder, op), files in sorted(_archive_groups(root).items()):
        if folder in mapped_dirs:
            continue
        name = _unique(op, folder, root, taken)
        taken.add(name)
        ops.append(Operation(name, folder, tuple(sorted(files))))
    for stem, (folder, profile) in sorted(mapped.items()):
        name = _unique(stem, folder, root, taken)
        taken.add(name)
        ops.append(Operation(name, folder, (folder,), profile))
    return ops
