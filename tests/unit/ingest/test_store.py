"""The store file: ingest writes only into folders it can prove it made (issue 20 item 1)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from takedown.errors import IngestError
from takedown.ingest import ingest
from takedown.ingest.dataset import load_dataset, resolve_dataset
from takedown.ingest.store import STORE, read_store
from tests.conftest import make_archive


def tree(root: Path) -> dict[str, bytes | str]:
    """Every path under root with its bytes (files) or link target: what must survive."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(dirpath) / name
            rel = str(p.relative_to(root))
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file():
                out[rel] = p.read_bytes()
            else:
                out[rel] = "dir"
    return out


def test_raw_files_kept_in_the_dataset_folder_are_refused_and_kept(tmp_path):
    """Reported: `takedown ingest data/ira --dataset ira` deleted the raw CSVs and NOTES.txt."""
    data = tmp_path / "data"
    raw = make_archive(data / "ira", users=3, tweets=10)
    (raw / "NOTES.txt").write_text("my notes")
    before = tree(tmp_path)
    with pytest.raises(IngestError, match="lies inside the dataset folder .*data/ira.*move"):
        ingest([raw], "ira", data)
    assert tree(tmp_path) == before  # nothing written, nothing removed (no lock, no scratch)


def test_an_unrelated_folder_named_like_the_dataset_is_refused_and_kept(tmp_path):
    """Reported: `--data-dir . --dataset raw2` deleted an unrelated raw2/ with thesis.docx."""
    (tmp_path / "raw2").mkdir()
    (tmp_path / "raw2" / "thesis.docx").write_bytes(b"PK\x03\x04 my thesis")
    raw = make_archive(tmp_path / "in", users=3, tweets=10)
    before = tree(tmp_path)
    with pytest.raises(IngestError, match=rf"raw2: not a folder takedown ingest made \(no {STORE}"):
        ingest([raw], "raw2", tmp_path)
    assert tree(tmp_path) == before


@pytest.mark.slow
def test_every_ingest_writes_the_marker_with_name_format_and_versions(tmp_path):
    raw = make_archive(tmp_path / "in", users=3, tweets=10)
    ingest([raw], "d", tmp_path / "data")
    store = read_store(tmp_path / "data" / "d")
    assert store is not None and store.dataset == "d" and store.takedown_store == 1
    current = resolve_dataset(tmp_path / "data" / "d")
    assert list(store.versions) == [current.name]
    assert set(store.versions[current.name].files) >= {"tweets.parquet", "dataset.json"}


def _as_older_takedown_left_it(tmp_path: Path) -> Path:
    """A versioned dataset folder as the ingest before the store file left it."""
    raw = make_archive(tmp_path / "in", users=3, tweets=10)
    ingest([raw], "d", tmp_path / "data")
    home = tmp_path / "data" / "d"
    (home / STORE).unlink()
    return home


@pytest.mark.slow
def test_a_versioned_folder_of_an_older_takedown_is_adopted_and_users_files_stay(tmp_path):
    home = _as_older_takedown_left_it(tmp_path)
    old = resolve_dataset(home)
    (home / "NOTES.txt").write_text("mine")
    (home / "versions" / "mine").mkdir()
    (home / "versions" / "mine" / "a.txt").write_text("mine too")
    ingest([make_archive(tmp_path / "in2", users=3, tweets=20)], "d", tmp_path / "data")
    assert load_dataset(home).counts.tweets == 20
    assert not old.exists()  # proven ours (content hashes to its name): listed, then pruned
    assert (home / "NOTES.txt").read_text() == "mine"
    assert (home / "versions" / "mine" / "a.txt").read_text() == "mine too"
    assert list(read_store(home).versions) == [resolve_dataset(home).name]


@pytest.mark.slow
def test_a_current_link_to_a_folder_that_does_not_prove_itself_is_refused(tmp_path):
    home = _as_older_takedown_left_it(tmp_path)
    real = resolve_dataset(home)
    fake = home / "versions" / "fakefakefake"
    shutil.copytree(real, fake)
    (home / "current").unlink()
    (home / "current").symlink_to("versions/fakefakefake")
    before = tree(home)
    with pytest.raises(IngestError, match="not a folder takedown ingest made"):
        ingest([make_archive(tmp_path / "in2", tweets=20)], "d", tmp_path / "data")
    assert tree(home) == before


@pytest.mark.slow
def test_a_folder_from_before_versions_with_a_users_file_is_refused_and_kept(tmp_path):
    raw = make_archive(tmp_path / "in", users=3, tweets=10)
    ingest([raw], "d", tmp_path / "data")
    flat = tmp_path / "data" / "flat"
    shutil.copytree(resolve_dataset(tmp_path / "data" / "d"), flat)
    (flat / "thesis.docx").write_text("mine")
    before = tree(flat)
    with pytest.raises(IngestError, match="flat: not a folder takedown ingest made"):
        ingest([raw], "flat", tmp_path / "data", force=True)
    assert tree(flat) == before


@pytest.mark.slow
def test_a_folder_from_before_versions_whose_files_were_edited_is_refused(tmp_path):
    raw = make_archive(tmp_path / "in", users=3, tweets=10)
    ingest([raw], "d", tmp_path / "data")
    flat = tmp_path / "data" / "flat"
    shutil.copytree(resolve_dataset(tmp_path / "data" / "d"), flat)
    doc = json.loads((flat / "dataset.json").read_text())
    doc["fingerprint"] = "0" * 64
    (flat / "dataset.json").chmod(0o644)
    (flat / "dataset.json").write_text(json.dumps(doc))
    before = tree(flat)
    with pytest.raises(IngestError, match="do not match its dataset.json"):
        ingest([raw], "flat", tmp_path / "data", force=True)
    assert tree(flat) == before


@pytest.mark.slow
def test_an_empty_folder_is_taken(tmp_path):
    (tmp_path / "data" / "d").mkdir(parents=True)
    ingest([make_archive(tmp_path / "in", tweets=10)], "d", tmp_path / "data")
    assert load_dataset(tmp_path / "data" / "d").counts.tweets == 10


@pytest.mark.slow
def test_a_damaged_store_file_is_one_line_and_nothing_is_touched(tmp_path):
    raw = make_archive(tmp_path / "in", users=3, tweets=10)
    ingest([raw], "d", tmp_path / "data")
    home = tmp_path / "data" / "d"
    (home / STORE).write_text("[]")
    before = tree(home)
    with pytest.raises(Exception, match=f"{STORE}: damaged; restore it, or move"):
        ingest([raw], "d", tmp_path / "data", force=True)
    assert tree(home) == before
