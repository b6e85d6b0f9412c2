"""Real Quarto composes into relative --out paths and paths with spaces (issue 17 item 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from takedown.pipeline.composer import run_engine

pytestmark = pytest.mark.slow

DOC = """---
title: "Paths"
---

# One section

A paragraph.
"""


def _project(folder: Path) -> Path:
    (folder / "report").mkdir(parents=True)
    (folder / "_quarto.yml").write_text(
        "project:\n  type: default\n  render:\n    - report/report.qmd\n", encoding="utf-8"
    )
    (folder / "report" / "report.qmd").write_text(DOC, encoding="utf-8")
    return folder


@pytest.mark.parametrize("where", ["scratch/project", "with space/pro ject"])
def test_quarto_composes_into_relative_paths(quarto_bin, tmp_path, monkeypatch, where):
    monkeypatch.chdir(tmp_path)
    project = _project(Path(where))
    out = Path(where).parent / "out dir"
    out.mkdir()
    run_engine("quarto", project, out)
    assert (tmp_path / out / "report.html").stat().st_size > 0
    assert (tmp_path / out / "report.pdf").read_bytes().startswith(b"%PDF")
