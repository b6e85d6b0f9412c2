"""Whether the latest version of a report is already what this render would compose.

A render records every input in its manifest: each notebook's cache key (its source, the exact
data folder, the profile, the library files it imports), the profile file, the parameters, the
code and library versions, the locked environment and package versions, the engine and its
version, and `compose_sha256`, the report sources, templates and fonts the composer reads. When
the latest version holds the same values for all of them and no notebook of it failed, a new
compose would give the same report under a new id and date only. render then names that
version instead of composing it again (`--force` renders a new one), as `takedown archive`
renders nothing for an unchanged operation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from takedown.errors import TakedownError
from takedown.fonts import cjk_font_path, color_emoji_font_path, emoji_font_path
from takedown.hashing import sha256_file
from takedown.pipeline.closure import Modules
from takedown.pipeline.composer import engine_versions
from takedown.pipeline.execute import LIBRARY_DIR, cache_key, library_version, profile_hash
from takedown.pipeline.job import RenderJob
from takedown.pipeline.manifest import code_version, lock_sha256, package_versions
from takedown.pipeline.versions import read_manifest

# A context entry naming an image reads a file outside the profile: never taken as unchanged.
IMAGE_MARKS = ("![", "<img")


def compose_sha256(root: Path) -> str:
    """sha256 of what the composer reads besides the findings and notebooks: _quarto.yml and
    report/, every file of the library (templates and filters included), and the fonts."""
    h = hashlib.sha256()
    project = [root / "_quarto.yml", *_files(root / "report")]
    for base, files in ((root, project), (LIBRARY_DIR, _files(LIBRARY_DIR))):
        for p in files:
            h.update(f"{p.relative_to(base).as_posix()}\0".encode())
            h.update(p.read_bytes())
            h.update(b"\0")
    for font in (cjk_font_path(), emoji_font_path(), color_emoji_font_path()):
        if font is not None:  # a package file: its path, size and time say which one
            st = font.stat()
            h.update(f"{font}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    """Regular files under folder, sorted, without bytecode caches."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.relative_to(folder).parts
    )


def render_inputs(job: RenderJob, notebooks: Iterable[Path], data: str) -> dict[str, Any]:
    """Every input of a render as its manifest records it (manifest.render_manifest)."""
    profile = profile_hash(job.profile_path)
    memo: Modules = {}  # the library read once for every notebook's key
    return {
        "dataset_fingerprint": job.ds.fingerprint,
        "profile_sha256": sha256_file(job.profile_path),
        "parameters": {
            "dataset_dir": str(job.dataset_dir.resolve()),
            "profile": str(job.profile_path.resolve()),
        },
        "code_version": code_version(job.root),
        "library_version": library_version(),
        "lock_sha256": lock_sha256(job.root),
        "engine": job.engine,
        "engine_versions": engine_versions(job.engine),
        "packages": package_versions(),
        "compose_sha256": compose_sha256(job.root),
        "notebooks": [[nb.stem, cache_key(nb, data, profile, memo)] for nb in notebooks],
    }


def recorded_inputs(manifest: dict[str, Any]) -> dict[str, Any]:
    """The same fields read back from a version's manifest.json."""
    return {
        "dataset_fingerprint": manifest.get("dataset", {}).get("fingerprint"),
        "profile_sha256": manifest.get("profile", {}).get("sha256"),
        "parameters": manifest.get("parameters"),
        **{
            k: manifest.get(k)
            for k in (
                "code_version",
                "library_version",
                "lock_sha256",
                "engine",
                "engine_versions",
                "packages",
                "compose_sha256",
            )
        },
        "notebooks": [[n.get("name"), n.get("cache_key")] for n in manifest.get("notebooks", [])],
    }


def latest_version(base: Path) -> Path | None:
    """The newest folder under base that is a version (ids sort by time), or None."""
    names = sorted(
        (d for d in base.iterdir() if not d.name.startswith(".")),
        key=lambda d: d.name,
        reverse=True,
    )
    return next((d for d in names if d.is_dir() and (d / "manifest.json").is_file()), None)


def current_version(job: RenderJob, inputs: dict[str, Any]) -> tuple[Path, dict] | None:
    """(folder, manifest) of the latest version when its inputs are `inputs` (render_inputs)
    and it is whole, else None."""
    if any(
        mark in e.text for es in job.profile.context.values() for e in es for mark in IMAGE_MARKS
    ):
        return None
    latest = latest_version(job.base) if job.base.is_dir() else None
    if latest is None:
        return None
    try:
        manifest = read_manifest(latest / "manifest.json")
    except (TakedownError, OSError):
        return None  # the render lands a new version; `versions` names the unreadable one
    if any(n.get("status") not in ("ok", "cached") for n in manifest.get("notebooks", [])):
        return None
    if not all(
        (latest / name).is_file() for name in ("report.html", "report.pdf", "findings.json")
    ):
        return None
    if recorded_inputs(manifest) != inputs:
        return None
    return latest, manifest
