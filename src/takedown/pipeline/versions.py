"""Version folders of rendered reports: their ids, the write check, the landing, the listing.

A report lands as out_root/<dataset>/<version>/ by one rename of a finished scratch folder, so
a folder that looks like a version is always complete.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from takedown.errors import RenderError
from takedown.ingest.dataset import check_dataset_name

# Less free space than this after a failure: the failure is reported as a full disk.
DISK_FULL_BYTES = 1 << 20


def new_version(digest: str) -> str:
    """A version id unique per run, sortable by time: UTC second, findings hash, random tag.

    Two renders in the same second get different ids (the random tag), so neither can land on
    the other's folder.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{digest[:8]}-{secrets.token_hex(4)}"


def writable_out(base: Path, out_root: Path) -> None:
    """--out must take a new folder: checked before any notebook runs."""
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenderError(
            f"--out {out_root}: cannot create {base} ({exc.strerror}); pass a folder"
        ) from None
    try:
        probe = Path(tempfile.mkdtemp(prefix=".write-check-", dir=base))
        probe.rmdir()
    except OSError as exc:
        raise RenderError(
            f"--out {out_root}: cannot write into {base} ({exc.strerror}); pass a writable folder"
        ) from None


def disk_full(folder: Path, exc: BaseException) -> bool:
    """True when `folder`'s file system has (almost) no room left, or exc says so."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC and exc.filename:
        return Path(exc.filename).is_relative_to(folder)
    try:
        st = os.statvfs(folder)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < DISK_FULL_BYTES


def land(folder: Path, base: Path, version: str) -> Path:
    """Rename the finished `folder` to base/<version>: the one step that makes it a version."""
    final = base / version
    if final.exists():
        raise RenderError(f"{final}: already exists; render again")
    folder.rename(final)
    return final


def list_versions(out_root: Path, dataset: str) -> list[dict[str, Any]]:
    """Complete versions of a dataset's report, oldest first (scratch folders are skipped)."""
    check_dataset_name(dataset, "dataset")
    base = out_root / dataset
    rows = []
    for d in sorted(base.iterdir()) if base.exists() else []:
        m = d / "manifest.json"
        if d.name.startswith(".") or not m.exists():
            continue
        try:
            doc = json.loads(m.read_text(encoding="utf-8"))
        except ValueError:
            continue  # an unreadable manifest is not a version anyone can trace
        rows.append(
            {
                "version": doc["version"],
                "created_at": doc["created_at"],
                "findings_sha256": doc["findings_sha256"][:12],
                "failed": [
                    n["name"]
                    for n in doc["notebooks"]
                    if n["status"] != "ok" and n["status"] != "cached"
                ],
                "code_version": doc["code_version"],
                "path": str(d),
            }
        )
    return rows
