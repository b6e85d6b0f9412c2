"""One operation of an archive: ingest it, pick or draft its profile, render it.

Runs in a process of its own (see fanout), so that one operation's crash, or a worker killed
mid-run, touches no other. Its result is one JSON-able row for the atlas; an error is that
row's reason, never an exception that stops the others.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from takedown.errors import TakedownError
from takedown.hashing import sha256_file
from takedown.pipeline.archive.discover import Operation


def pick_profile(op: Operation, data_dir: Path, profiles: Path, changed: bool) -> tuple[Path, bool]:
    """P/<name>.yml when it exists; else the draft P/drafts/<name>.yml, redrafted on new data or
    when another library wrote it."""
    from takedown.pipeline.profile_draft import draft, drafted_by

    if op.profile is not None:
        return op.profile, False
    own = profiles / f"{op.name}.yml"
    if own.is_file():
        return own, False
    drafted = profiles / "drafts" / f"{op.name}.yml"
    if changed or _first_line(drafted) != drafted_by():
        draft(op.name, data_dir=data_dir, out=drafted, force=True)
    return drafted, True


def _first_line(path: Path) -> str:
    """A file's first line with its newline, or "" when it cannot be read."""
    try:
        with path.open(encoding="utf-8") as fh:
            return fh.readline()
    except (OSError, UnicodeDecodeError):
        return ""


def ingest_operation(op: Operation, data_dir: Path) -> tuple[Any, bool]:
    """Ingest the operation's files; a no-op (cached) when their content is unchanged."""
    from takedown.ingest import ingest
    from takedown.profile import load_profile

    source = load_profile(op.profile).source if op.profile else None
    fmt = source.format if source else "auto"
    return ingest(list(op.files), op.name, data_dir, force=False, fmt=fmt, source=source,
                  on_wait=lambda holder: None)  # fmt: skip


def run_operation(
    op: Operation,
    *,
    data_dir: Path,
    out_root: Path,
    profiles: Path,
    engine: str,
    jobs: int,
    say: Callable[[str], None] = lambda s: None,
) -> dict[str, Any]:
    """Ingest, profile, render one operation; the row says what happened, or where and why not."""
    row: dict[str, Any] = {"name": op.name, "folder": str(op.folder), "status": "failed",
                           "stage": "ingest", "reason": "", "seconds": {}}  # fmt: skip
    try:
        t0 = time.perf_counter()
        say("ingest")
        ds, cached = ingest_operation(op, data_dir)
        row.update(ingested="unchanged" if cached else "ingested", accounts=ds.counts.users,
                   tweets=ds.counts.tweets, fingerprint=ds.fingerprint)  # fmt: skip
        row["seconds"]["ingest"] = round(time.perf_counter() - t0, 3)
        row["stage"] = "profile"
        say("profile")
        t0 = time.perf_counter()
        profile, is_draft = pick_profile(op, data_dir, profiles, changed=not cached)
        row.update(profile=str(profile), draft_profile=is_draft)
        row["seconds"]["profile"] = round(time.perf_counter() - t0, 3)
        row["stage"] = "render"
        _render(op, row, out_root, data_dir, profile, engine, jobs, say)
    except TakedownError as exc:
        row["reason"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - one operation's crash is its row, not the run's
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        row["reason"] = f"{type(exc).__name__}: {first}"
    return row


def _timings(folder: Path) -> dict[str, float]:
    """Where the render's time went (its manifest's timings: notebooks, kernels, compose)."""
    import json

    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["timings"]
    except (OSError, ValueError, KeyError):
        return {}


def _render(op: Operation, row: dict, out_root: Path, data_dir: Path, profile: Path,
            engine: str, jobs: int, say: Callable[[str], None]) -> None:  # fmt: skip
    """Render, or name the latest version when it is already this render."""
    from takedown.pipeline.render import render

    t0 = time.perf_counter()
    say("render")
    # render itself names the latest version when every input it records is unchanged (data,
    # profile, code, lock, packages, engine and its version, report sources): one rule for both.
    result = render(op.name, data_dir=data_dir, profile_path=profile, out_root=out_root,
                    engine=engine, jobs=jobs)  # fmt: skip
    row.update(status="unchanged" if result.unchanged else "rendered", stage="done",
               version=result.version, report=str(result.folder))  # fmt: skip
    if not result.unchanged:
        row["timings"] = _timings(result.folder)
    if result.failed:
        names = ", ".join(o.name for o in result.failed)
        row.update(status="failed", stage="render", reason=f"notebooks failed: {names}")
    row["seconds"]["render"] = round(time.perf_counter() - t0, 3)
    row["findings_sha256"] = sha256_file(Path(row["report"]) / "findings.json")
