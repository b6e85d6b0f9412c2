"""Data the notebooks of one render share, computed by the render while its kernels start.

A cold render's first notebooks wait for the kernel zygote's imports (about 2.5 s, on one
core), and the coordination and network notebooks, which start first as the slowest, then both
need every tweet's text key (findings.text_keys), one computing while the other waits on its
lock. The render computes that file itself on the core the imports leave idle. The notebooks
still call `share_text_keys`: they find the file or wait on its lock, and a notebook run on its
own computes the keys itself. A failure here only leaves the work to the notebooks, which
report it in their own cell.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

CALL = "share_text_keys"  # what a notebook's source calls when it needs the shared keys


def needs_text_keys(notebooks: list[Path]) -> bool:
    """Whether any of these notebooks reads the shared text keys."""
    return any(CALL in nb.read_text(encoding="utf-8") for nb in notebooks)


@contextmanager
def text_keys_ahead(dataset_dir: Path, derived_dir: Path, wanted: bool) -> Iterator[None]:
    """Compute the shared text keys in a thread for the block's duration (if `wanted`).

    Leaving the block waits for the thread; leaving it by an error or an interrupt stops its
    query first, so a stopped render does not wait for a scan of the whole archive."""
    if not wanted:
        yield
        return
    box: dict[str, duckdb.DuckDBPyConnection] = {}
    thread = threading.Thread(
        target=_share, args=(dataset_dir, derived_dir, box), name="text-keys", daemon=True
    )
    thread.start()
    try:
        yield
    except BaseException:
        if "con" in box:
            box["con"].interrupt()
        raise
    finally:
        thread.join()


def _share(dataset_dir: Path, derived_dir: Path, box: dict[str, duckdb.DuckDBPyConnection]) -> None:
    from takedown.db import measure_coverage, open_dataset
    from takedown.ingest.dataset import load_dataset
    from takedown.notebook import share_text_keys

    try:
        dataset = load_dataset(dataset_dir)
        with open_dataset(dataset_dir) as con:
            box["con"] = con
            coverage = dataset.coverage or measure_coverage(con)
            share_text_keys(con, coverage, dataset.fingerprint, derived_dir)
    except Exception:  # noqa: BLE001 - the notebooks compute the keys and report the error
        return
