"""Version ids: unique per run even within one second, and sortable by time."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from takedown.errors import TakedownError
from takedown.ingest import ingest
from takedown.ingest.dataset import resolve_dataset
from takedown.ingest.publish import pinned
from takedown.pipeline.render import render
from takedown.pipeline.versions import list_versions, new_version
from tests.conftest import ROOT, make_archive

PROFILE = ROOT / "profiles/generic.yml"


def test_ids_made_in_the_same_second_never_collide_and_sort_by_time():
    ids = [new_version("ab" * 32) for _ in range(300)]
    assert len(set(ids)) == len(ids)
    for v in ids:
        assert re.fullmatch(r"\d{8}T\d{6}Z-abababab-[0-9a-f]{8}", v), v
    stamps = [v.split("-")[0] for v in ids]
    assert stamps == sorted(stamps)


# Issue 20 item 11: render refuses a dataset version that is not exactly what ingest recorded,
# before any notebook runs (so also when every notebook would come from the cache).


def _ingested(tmp_path: Path) -> Path:
    ingest([make_archive(tmp_path / "raw", users=3, tweets=2000)], "d", tmp_path / "data")
    return tmp_path / "data" / "d"


def _render(tmp_path: Path) -> None:
    render("d", data_dir=tmp_path / "data", profile_path=PROFILE, out_root=tmp_path / "reports",
           cache_dir=tmp_path / "cache")  # fmt: skip


@pytest.mark.slow
def test_render_refuses_a_tweets_file_cut_inside_a_version(tmp_path):
    """Reported: tweets.parquet cut from 2,000 rows to 8 rendered as 8 tweets."""
    v = resolve_dataset(_ingested(tmp_path))
    pq = v / "tweets.parquet"
    v.chmod(0o755)
    cut = tmp_path / "cut.parquet"
    duckdb.execute(f"COPY (SELECT * FROM '{pq}' LIMIT 8) TO '{cut}' (FORMAT parquet)")
    pq.unlink()
    shutil.copy(cut, pq)
    with pytest.raises(TakedownError, match=r"tweets.parquet: changed since ingest wrote it"):
        _render(tmp_path)
    assert not (tmp_path / "reports" / "d").exists() or not list((tmp_path / "reports/d").iterdir())


@pytest.mark.slow
def test_render_refuses_an_edit_that_keeps_size_and_mtime(tmp_path):
    v = resolve_dataset(_ingested(tmp_path))
    pq = v / "tweets.parquet"
    st = pq.stat()
    pq.chmod(0o644)
    with open(pq, "r+b") as f:  # one byte in the middle, same size
        f.seek(st.st_size // 2)
        b = f.read(1)
        f.seek(st.st_size // 2)
        f.write(bytes([b[0] ^ 1]))
    pq.chmod(0o444)
    os.utime(pq, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(TakedownError, match="tweets.parquet: changed since ingest wrote it"):
        _render(tmp_path)


@pytest.mark.slow
def test_render_refuses_a_hand_made_version(tmp_path):
    """Reported: a hand-made versions/fakefakefake was accepted."""
    home = _ingested(tmp_path)
    shutil.copytree(resolve_dataset(home), home / "versions" / "fakefakefake")
    (home / "current").unlink()
    (home / "current").symlink_to("versions/fakefakefake")
    with pytest.raises(TakedownError, match="fakefakefake: not a version takedown ingest made"):
        _render(tmp_path)


@pytest.mark.slow
def test_render_refuses_an_edited_dataset_json(tmp_path):
    """Reported: an edited dataset.json was rendered (from the cache)."""
    v = resolve_dataset(_ingested(tmp_path))
    doc = json.loads((v / "dataset.json").read_text())
    doc["counts"]["tweets"] = 1
    (v / "dataset.json").chmod(0o644)
    (v / "dataset.json").write_text(json.dumps(doc))
    with pytest.raises(TakedownError, match="dataset.json: changed since ingest wrote it"):
        _render(tmp_path)


@pytest.mark.slow
def test_a_copied_data_folder_still_verifies_by_its_checksums(tmp_path):
    """New inodes (a backup restored, a copy): the stat differs, the sha256 still matches."""
    home = _ingested(tmp_path)
    shutil.copytree(home, tmp_path / "copy" / "d", symlinks=True)
    with pinned(tmp_path / "copy" / "d") as folder:
        assert folder == resolve_dataset(tmp_path / "copy" / "d")


@pytest.mark.slow
def test_versions_are_read_only(tmp_path):
    v = resolve_dataset(_ingested(tmp_path))
    assert oct(v.stat().st_mode)[-3:] == "555"
    assert {oct(p.stat().st_mode)[-3:] for p in v.iterdir()} == {"444"}


# Issue 20 item 20: one bad manifest.json no longer breaks `takedown versions`.


def _version(reports: Path, name: str, **over) -> Path:
    d = reports / "ds" / name
    d.mkdir(parents=True)
    doc = {"version": name, "created_at": "2020-01-01T00:00:00+00:00",
           "findings_sha256": "ab" * 32, "notebooks": [{"name": "01_x", "status": "ok"}],
           "code_version": "1.0"} | over  # fmt: skip
    (d / "manifest.json").write_text(json.dumps(doc))
    return d


@pytest.mark.slow
@pytest.mark.parametrize("bad", ["{}", "[]", "folder", "fifo", "not json"])
def test_a_bad_manifest_is_skipped_with_a_warning_naming_it(tmp_path, bad):
    reports = tmp_path / "reports"
    _version(reports, "20200101T000000Z-aaaa")
    broken = reports / "ds" / "20200102T000000Z-bbbb"
    broken.mkdir(parents=True)
    if bad == "folder":
        (broken / "manifest.json").mkdir()
    elif bad == "fifo":
        os.mkfifo(broken / "manifest.json")
    else:
        (broken / "manifest.json").write_text(bad)
    _version(reports, "20200103T000000Z-cccc")
    r = subprocess.run([sys.executable, "-m", "takedown.cli", "versions", "ds", "--out", reports],
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert [line.split("\t")[0] for line in r.stdout.splitlines()] == [
        "20200101T000000Z-aaaa", "20200103T000000Z-cccc"]  # fmt: skip
    (warning,) = r.stderr.strip().splitlines()
    assert warning.startswith(f"warning: {broken / 'manifest.json'}: not a ")
    assert warning.endswith("; skipped")


@pytest.mark.slow
def test_escape_sequences_in_a_manifest_are_shown_escaped(tmp_path):
    reports = tmp_path / "reports"
    _version(reports, "20200101T000000Z-aaaa", code_version="\x1b]0;owned\x07\x1b[2J",
             notebooks=[{"name": "\x1b[31mred", "status": "failed"}])  # fmt: skip
    rows = list_versions(reports, "ds")
    assert rows[0]["failed"] == ["\x1b[31mred"]  # the data is kept as it is ...
    r = subprocess.run([sys.executable, "-m", "takedown.cli", "versions", "ds", "--out", reports],
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 0 and "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "\\x1b[31mred" in r.stdout  # ... and printed inert


def test_a_dataset_cannot_be_rendered_under_the_comparisons_name(tmp_path):
    with pytest.raises(TakedownError, match="dataset compare: reserved for the reports of"):
        render("compare", data_dir=tmp_path, profile_path=PROFILE, out_root=tmp_path / "r")
    assert not (tmp_path / "r").exists()
