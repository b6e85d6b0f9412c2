"""A render names the latest version instead of composing it again only when every input is
the same: the compose inputs' hash, the newest whole version, the manifest fields compared."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from takedown.pipeline.render_current import compose_sha256, latest_version, recorded_inputs
from tests.conftest import ROOT


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "report").mkdir(parents=True)
    shutil.copy2(ROOT / "_quarto.yml", root / "_quarto.yml")
    shutil.copytree(ROOT / "report", root / "report", dirs_exist_ok=True)
    return root


def test_compose_hash_is_the_content_not_the_place(tmp_path):
    a, b = _project(tmp_path / "a"), _project(tmp_path / "b")
    assert compose_sha256(a) == compose_sha256(b) == compose_sha256(ROOT)


def test_compose_hash_moves_with_any_report_source_or_the_project_file(tmp_path):
    root = _project(tmp_path)
    seen = {compose_sha256(root)}
    section = root / "report" / "_01_overview.qmd"
    section.write_text(section.read_text(encoding="utf-8") + "\nOne more sentence.\n")
    seen.add(compose_sha256(root))
    (root / "report" / "_99_new.qmd").write_text("# New\n")  # a file added
    seen.add(compose_sha256(root))
    (root / "report" / "_99_new.qmd").rename(root / "report" / "_98_new.qmd")  # renamed
    seen.add(compose_sha256(root))
    (root / "_quarto.yml").write_text((root / "_quarto.yml").read_text() + "\n# edited\n")
    seen.add(compose_sha256(root))
    assert len(seen) == 5


def _version(base: Path, name: str, manifest: bool = True) -> Path:
    folder = base / name
    folder.mkdir(parents=True)
    if manifest:
        (folder / "manifest.json").write_text("{}")
    return folder


def test_the_latest_version_is_the_newest_whole_folder(tmp_path):
    assert latest_version(tmp_path) is None
    _version(tmp_path, "20260101T000000Z-aaaaaaaa-00000000")
    newest = _version(tmp_path, "20260102T000000Z-bbbbbbbb-00000000")
    _version(tmp_path, ".20260103T000000Z-cccccccc-00000000.tmp-x")  # scratch of a render
    _version(tmp_path, "20260104T000000Z-dddddddd-00000000", manifest=False)  # no version
    (tmp_path / "20260105T000000Z-eeeeeeee-00000000").write_text("a file")
    assert latest_version(tmp_path) == newest


def test_recorded_inputs_read_every_compared_field_of_a_manifest():
    m = {
        "dataset": {"fingerprint": "f"}, "profile": {"sha256": "p"},
        "parameters": {"dataset_dir": "/d", "profile": "/p.yml"}, "code_version": "c",
        "library_version": "l", "lock_sha256": "k", "engine": "builtin",
        "engine_versions": {"pandoc": "3"}, "packages": {"duckdb": "1"}, "compose_sha256": "s",
        "notebooks": [{"name": "01_overview", "cache_key": "x", "status": "cached"}],
    }  # fmt: skip
    got = recorded_inputs(json.loads(json.dumps(m)))
    assert got == {
        "dataset_fingerprint": "f", "profile_sha256": "p",
        "parameters": {"dataset_dir": "/d", "profile": "/p.yml"}, "code_version": "c",
        "library_version": "l", "lock_sha256": "k", "engine": "builtin",
        "engine_versions": {"pandoc": "3"}, "packages": {"duckdb": "1"}, "compose_sha256": "s",
        "notebooks": [["01_overview", "x"]],
    }  # fmt: skip
    # A manifest from before compose_sha256 was recorded never matches a render's inputs.
    assert (
        recorded_inputs({k: v for k, v in m.items() if k != "compose_sha256"})["compose_sha256"]
        is None
    )
