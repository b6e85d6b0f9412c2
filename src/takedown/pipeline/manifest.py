"""What a version records about itself: findings.json, manifest.json and their provenance.

findings.json holds only what the data and profile decide (same inputs, same bytes);
manifest.json adds what varies per run: times, code and package versions, the engine.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from takedown import __version__
from takedown.hashing import sha256_file, sha256_json
from takedown.ingest.dataset import Dataset
from takedown.pipeline.composer import engine_versions
from takedown.pipeline.execute import Outcome, library_version
from takedown.pipeline.job import RenderJob
from takedown.profile import Profile

PACKAGES = (
    "duckdb", "pandas", "numpy", "pyarrow", "papermill", "ipykernel", "matplotlib", "seaborn",
    "statsmodels", "pypandoc-binary", "typst", "pydantic", "typer", "rich",
)  # fmt: skip


def code_version(root: Path) -> str:
    """git describe when the project is a checkout, else the package version and library hash."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        return f"{__version__} ({out.stdout.strip()})"
    except (OSError, subprocess.SubprocessError):
        return library_version()


def package_versions() -> dict[str, str]:
    out = {}
    for p in PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = "not installed"
    return out


def findings_document(ds: Dataset, profile: Profile, outcomes: list[Outcome]) -> str:
    """findings.json: sorted, stable floats, no times: the same inputs give the same bytes."""
    findings = sorted((f for o in outcomes for f in o.findings), key=lambda f: f["id"])
    doc = {
        "dataset": ds.name,
        "fingerprint": ds.fingerprint,
        "profile": profile.name,
        "failed_notebooks": sorted(o.name for o in outcomes if o.status in ("failed", "skipped")),
        "findings": findings,
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def lock_sha256(root: Path) -> str | None:
    """sha256 of requirements.lock: which exact environment the numbers were computed in."""
    lock = root / "requirements.lock"
    return sha256_file(lock) if lock.is_file() else None


def render_manifest(
    job: RenderJob, outcomes: list[Outcome], findings_text: str, version: str, created: datetime
) -> dict[str, Any]:
    """manifest.json of one render, less its timings (added once the composer is done)."""
    ds, profile, profile_path = job.ds, job.profile, job.profile_path
    return {
        "version": version,
        "created_at": created.isoformat(timespec="seconds"),
        "dataset": {
            "name": ds.name, "fingerprint": ds.fingerprint, "synthetic": ds.synthetic,
            "counts": ds.counts.model_dump(),
            "files": [{"name": f.name, "sha256": f.sha256, "bytes": f.bytes, "rows_kept": f.rows_kept,
                       "rows_rejected": f.rows_rejected} for f in ds.files],
        },
        "profile": {"path": str(profile_path), "name": profile.name, "sha256": sha256_file(profile_path),
                    "content": profile.model_dump(mode="json")},
        "parameters": {"dataset_dir": str(job.dataset_dir.resolve()),
                       "profile": str(profile_path.resolve())},
        "code_version": code_version(job.root),
        "library_version": library_version(),
        "engine": job.engine,
        "engine_versions": engine_versions(job.engine),
        "packages": package_versions(),
        "lock_sha256": lock_sha256(job.root),
        "notebooks": [
            {"name": o.name, "status": o.status, "seconds": round(o.seconds, 3), "cache_key": o.cache_key,
             "error": o.error, "findings": len(o.findings)} for o in outcomes
        ],
        "findings_sha256": sha256_json(findings_text),
    }  # fmt: skip


def write_json(path: Path, doc: dict[str, Any]) -> None:
    """manifest.json's layout: indented, sorted keys, UTF-8 as is."""
    path.write_text(
        json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
