"""Slowest notebooks start first, so the render does not end on one long notebook alone."""

from __future__ import annotations

import json
from pathlib import Path

from takedown.pipeline.execute import longest_first

NAMES = ["01_overview", "05_volume", "07_topics", "10_coordination", "11_new"]


def _pending(tmp: Path) -> list[tuple[Path, str, Path]]:
    return [(tmp / f"{n}.ipynb", "key", tmp / n) for n in NAMES]


def test_without_history_the_typical_order(tmp_path: Path) -> None:
    order = [p[0].stem for p in longest_first(_pending(tmp_path), tmp_path / "none")]
    assert order == ["10_coordination", "07_topics", "05_volume", "01_overview", "11_new"]


def test_history_wins_when_every_notebook_has_one(tmp_path: Path) -> None:
    history = tmp_path / "notebooks"
    for i, n in enumerate(NAMES):
        (history / f"{n}-abc").mkdir(parents=True)
        # the new notebook turned out slowest; overview fastest
        (history / f"{n}-abc" / "done").write_text(json.dumps({"seconds": [1, 5, 7, 9, 30][i]}))
    order = [p[0].stem for p in longest_first(_pending(tmp_path), history)]
    assert order == ["11_new", "10_coordination", "07_topics", "05_volume", "01_overview"]
