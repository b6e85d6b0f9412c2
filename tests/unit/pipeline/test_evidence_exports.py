"""Files a notebook exports land in the version folder; a failed notebook's do not."""

from __future__ import annotations

from takedown.notebook import EXPORTS_DIR
from takedown.pipeline.evidence import copy_exports
from takedown.pipeline.execute import Outcome


def _work(tmp_path, name: str, files: dict[str, str]):
    work = tmp_path / "work" / name
    (work / "findings").mkdir(parents=True)
    (work / f"{name}.ipynb").write_text("{}")
    for rel, text in files.items():
        path = work / EXPORTS_DIR / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return work / f"{name}.ipynb"


def test_exports_are_copied_into_the_version_folder(tmp_path):
    ok = _work(tmp_path, "11_networks", {"network/edges.csv": "Source,Target,Weight\n"})
    bad = _work(tmp_path, "12_x", {"x/y.csv": "no"})
    plain = _work(tmp_path, "01_overview", {})
    out = tmp_path / "out"
    out.mkdir()
    copy_exports([Outcome("11_networks", "ok", ok), Outcome("12_x", "failed", bad),
                   Outcome("01_overview", "cached", plain)], out)  # fmt: skip
    assert (out / "network" / "edges.csv").read_text() == "Source,Target,Weight\n"
    assert not (out / "x").exists()
