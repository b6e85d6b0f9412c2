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

from pydantic import BaseModel, ValidationError

from takedown.errors import RenderError
from takedown.ingest.dataset import check_dataset_name
from takedown.userfiles import MB, read_regular

# Less free space than this after a failure: the failure is reported as a full disk.
DISK_FULL_BYTES = 1 << 20
MAX_MANIFEST_BYTES = 32 * MB  # a real manifest.json is tens of KB


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


class _NotebookRow(BaseModel):
    name: str
    status: str


class ManifestRow(BaseModel):
    """The fields of a manifest.json that `versions` lists; the rest is not looked at here."""

    version: str
    created_at: str
    findings_sha256: str
    notebooks: list[_NotebookRow]
    code_version: str


class _ProfileRef(BaseModel):
    sha256: str


class _ProfileFull(_ProfileRef):
    content: dict[str, Any]


class _DatasetRef(BaseModel):
    fingerprint: str


class PickedManifest(ManifestRow):
    """What compare's pick_version reads of a manifest."""

    profile: _ProfileRef


class InputManifest(ManifestRow):
    """What compare's load_input reads of a manifest: a missing key is one line, not a KeyError."""

    profile: _ProfileFull
    dataset: _DatasetRef


def read_manifest(path: Path, model: type[BaseModel] = ManifestRow) -> dict[str, Any]:
    """A manifest.json with at least `model`'s fields, as a dict, or one line naming it that
    never quotes what it holds."""
    how = "re-render, or move the folder out of the reports folder"
    try:
        doc = json.loads(read_regular(path, MAX_MANIFEST_BYTES, how, RenderError))
        model.model_validate(doc)
    except (ValueError, RecursionError) as exc:
        why = _first_error(exc) if isinstance(exc, ValidationError) else "not valid JSON"
        raise RenderError(f"{path}: not a takedown manifest.json ({why}); {how}") from None
    return doc


def _first_error(exc: ValidationError) -> str:
    e = exc.errors()[0]
    where = ".".join(str(p) for p in e["loc"]) or "top level"
    return f"{where}: {e['msg']}"


def scan_versions(out_root: Path, dataset: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Complete versions of a dataset's report, oldest first, and one warning per folder whose
    manifest.json cannot be read (skipped: the others are still listed)."""
    check_dataset_name(dataset, "dataset")
    base = out_root / dataset
    rows, warnings = [], []
    for d in sorted(base.iterdir()) if base.is_dir() else []:
        m = d / "manifest.json"
        if d.name.startswith(".") or not d.is_dir() or not os.path.lexists(m):
            continue  # scratch, or a folder that is no version
        try:
            doc = ManifestRow.model_validate(read_manifest(m))
        except RenderError as exc:
            warnings.append(f"{exc}; skipped")
            continue
        rows.append(
            {
                "version": doc.version,
                "created_at": doc.created_at,
                "findings_sha256": doc.findings_sha256[:12],
                "failed": [n.name for n in doc.notebooks if n.status not in ("ok", "cached")],
                "code_version": doc.code_version,
                "path": str(d),
            }
        )
    return rows, warnings


def list_versions(out_root: Path, dataset: str) -> list[dict[str, Any]]:
    """Complete versions of a dataset's report, oldest first (unreadable ones are skipped)."""
    return scan_versions(out_root, dataset)[0]
