"""takedown archive, start to end: discover, fan out one task per operation, build the atlas."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from takedown.errors import TakedownError
from takedown.pipeline.archive import fanout
from takedown.pipeline.archive.atlas import ATLAS, build_atlas
from takedown.pipeline.archive.discover import discover_operations
from takedown.pipeline.composer import resolve_engine
from takedown.pipeline.render import project_root

RUN_FILE = "archive-run.json"  # the last run's row per operation: stages, reasons, timings


def common_spec(folders: list[Path], engine: str, jobs: int) -> dict[str, Any]:
    """What every operation's task shares: the data, report and profile folders (absolute), the
    composer, the notebook workers per render, and the project the workers render from."""
    return {"data_dir": str(folders[0]), "out_root": str(folders[1]), "profiles": str(folders[2]),
            "engine": engine, "jobs": jobs,
            "env": {"TAKEDOWN_PROJECT": str(project_root())}}  # fmt: skip


def write_run(path: Path, rows: list[dict[str, Any]]) -> None:
    """OUT/archive-run.json, replaced whole (written beside it, then renamed)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(
        json.dumps({"operations": rows}, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    os.replace(tmp, path)


@dataclass
class ArchiveResult:
    rows: list[dict[str, Any]]
    atlas: Path | None
    atlas_new: bool


def run_archive(
    root: Path, *, data_dir: Path, out_root: Path, profiles: Path, workers: int = 0,
    scheduler: str | None = None, engine: str = "auto",
    on_row: Callable[[dict, int, int], Any] = lambda r, d, t: None,
    on_stage: Callable[[str], Any] = lambda s: None,
) -> ArchiveResult:  # fmt: skip
    """Every operation under root, ingested and rendered (each alone), then the atlas."""
    engine = resolve_engine(engine)  # auto: Quarto when on PATH, the same for every operation
    ops = discover_operations(root, profiles)
    if not ops:
        raise TakedownError(
            f"{root}: no operations found; expected <dataset>_users_csv_hashed.csv and "
            "<dataset>_tweets_csv_hashed.csv files at any depth"
        )
    if any(op.name == ATLAS for op in ops):
        raise TakedownError(
            f"{root}: an operation is named {ATLAS}, which the atlas's reports use; rename its files"
        )
    folders = [p.resolve() for p in (data_dir, out_root, profiles)]
    n = workers or fanout.default_workers()
    common = common_spec(folders, engine, jobs=max(1, (os.cpu_count() or 2) // n))
    on_stage(f"{len(ops)} operations, {'on ' + scheduler if scheduler else f'{n} local workers'}")
    done = [0]

    def row_done(row: dict) -> None:
        done[0] += 1
        on_row(row, done[0], len(ops))

    with fanout.client(n, scheduler) as c:
        fanout.check_shared(c, folders)
        rows = fanout.run_all(c, ops, common, row_done)
    write_run(folders[1] / RUN_FILE, rows)
    atlas, new = build_atlas(rows, data_dir=folders[0], out_root=folders[1], engine=engine,
                             on_stage=on_stage)  # fmt: skip
    return ArchiveResult(rows, atlas, new)
