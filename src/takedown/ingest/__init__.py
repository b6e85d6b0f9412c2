"""Ingest: raw archive files to normalized Parquet plus dataset.json.

`ingest` here is the one entry point: it serializes ingests of one dataset with a lock (the
second waits and says so on stderr), refuses a target folder it did not make (ingest/store.py)
before writing anything, and removes the scratch that killed ingests left behind before it
starts its own.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from takedown.errors import IngestError
from takedown.ingest.dataset import Dataset, check_new_dataset_name, load_dataset
from takedown.ingest.store import check_target
from takedown.scratch import exclusive, sweep

__all__ = ["Dataset", "ingest", "load_dataset"]


def _say_waiting(dataset: str) -> Callable[[str], None]:
    def on_wait(holder: str) -> None:
        who = f" (pid {holder})" if holder else ""
        print(
            f"note: another ingest of {dataset} is running{who}; waiting for it to finish",
            file=sys.stderr,
            flush=True,
        )

    return on_wait


def ingest(
    paths: list[Path],
    dataset: str,
    data_dir: Path,
    *,
    on_wait: Callable[[str], None] | None = None,
    **options: Any,
) -> tuple[Dataset, bool]:
    """Ingest paths into data_dir/dataset, one ingest of a dataset at a time.

    `options` go to `twitter.ingest` (force, progress, limits, fmt, source). DuckDB and the
    readers are imported here: a render, which reads only dataset.json, never loads them."""
    from takedown.ingest import twitter

    check_new_dataset_name(dataset, "--dataset")
    check_target(paths, data_dir / dataset)  # before anything is written
    lock = data_dir / f".{dataset}.lock"
    created = [p for p in (data_dir, *data_dir.parents) if not p.exists()]
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        held = exclusive(lock, on_wait or _say_waiting(dataset))
        held.__enter__()
    except OSError as exc:
        raise IngestError(
            f"--data-dir {data_dir}: cannot create it ({exc.strerror}); pass a folder"
        ) from None
    ok = False
    try:
        # We hold the lock: every ingest scratch of this dataset belongs to a dead process.
        # (Never `.NAME.old-*`: an older takedown moved whole folders there, users' included.)
        sweep(data_dir, f".{dataset}.tmp-*", unowned_are_dead=True)
        result = twitter.ingest(paths, dataset, data_dir, **options)
        ok = True
        return result
    finally:
        held.__exit__(None, None, None)
        if not ok:
            twitter.remove_empty(created)  # a failed first ingest leaves no empty --data-dir
