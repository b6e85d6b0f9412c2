"""Pruning removes only versions the store lists, never through a symlink (issue 20 item 2)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from takedown.errors import IngestError, TakedownError
from takedown.ingest import ingest
from takedown.ingest.dataset import resolve_dataset
from takedown.ingest.publish import pinned, prune_versions, verify_version
from takedown.ingest.store import read_store
from tests.conftest import make_archive
from tests.unit.ingest.test_store import tree


def _ingest(tmp_path: Path, tweets: int) -> Path:
    raw = make_archive(tmp_path / f"raw{tweets}", users=3, tweets=tweets)
    ingest([raw], "d", tmp_path / "data")
    return tmp_path / "data" / "d"


@pytest.mark.slow
def test_a_versions_link_to_another_disk_is_never_pruned_through(tmp_path):
    """Reported: with versions/ a symlink, sibling folders on the other disk were deleted."""
    home = _ingest(tmp_path, 10)
    disk = tmp_path / "disk"
    shutil.move(home / "versions", disk)
    (home / "versions").symlink_to(disk)
    (disk / "photos").mkdir()
    (disk / "photos" / "a.jpg").write_bytes(b"\xff\xd8 photo")
    (disk / "old-project").mkdir()
    before = tree(disk)
    assert prune_versions(home) == []
    with pytest.raises(IngestError, match="versions: a symlink; .*replace the link"):
        _ingest(tmp_path, 20)
    assert tree(disk) == before


@pytest.mark.slow
def test_a_users_folder_inside_versions_is_never_pruned(tmp_path):
    """Reported: a user's own folder inside versions/ was deleted."""
    home = _ingest(tmp_path, 10)
    mine = home / "versions" / "my-notes"
    mine.mkdir()
    (mine / "n.txt").write_text("mine")
    _ingest(tmp_path, 20)
    _ingest(tmp_path, 30)
    assert prune_versions(home) == []
    assert (mine / "n.txt").read_text() == "mine"
    assert sorted(p.name for p in (home / "versions").iterdir()) == sorted(
        ["my-notes", resolve_dataset(home).name]
    )


@pytest.mark.slow
def test_pruning_a_version_keeps_a_file_the_user_put_into_it(tmp_path):
    home = _ingest(tmp_path, 10)
    old = resolve_dataset(home)
    old.chmod(0o755)
    (old / "my-analysis.csv").write_text("mine")
    _ingest(tmp_path, 20)
    assert sorted(p.name for p in old.iterdir()) == ["my-analysis.csv"]
    assert old.name not in read_store(home).versions  # the folder is the user's now


@pytest.mark.slow
def test_a_listed_version_replaced_by_a_symlink_is_not_followed(tmp_path):
    home = _ingest(tmp_path, 10)
    with pinned(home) as old:  # a render reads it: the next ingest leaves it listed
        _ingest(tmp_path, 20)
    assert old.name in read_store(home).versions
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "tweets.parquet").write_text("not ours")
    shutil.rmtree(old)
    old.symlink_to(elsewhere)
    assert prune_versions(home) == []
    assert (elsewhere / "tweets.parquet").read_text() == "not ours" and old.is_symlink()
    assert old.name not in read_store(home).versions


@pytest.mark.slow
def test_only_listed_versions_are_pruned_and_each_once(tmp_path):
    home = _ingest(tmp_path, 10)
    first = resolve_dataset(home)
    _ingest(tmp_path, 20)
    assert not first.exists()
    assert list(read_store(home).versions) == [resolve_dataset(home).name]
    assert not list((home / "versions").glob(".*"))  # no readers lock left beside it


@pytest.mark.slow
def test_reingesting_over_an_edited_version_sets_it_aside_and_lands_a_fresh_one(tmp_path):
    home = _ingest(tmp_path, 10)
    v = resolve_dataset(home)
    (v / "dataset.json").chmod(0o644)
    (v / "dataset.json").write_text((v / "dataset.json").read_text() + " ")
    with pytest.raises(TakedownError, match="changed since ingest wrote it"):
        verify_version(home, v)
    _ingest(tmp_path, 10)  # same inputs: the cache is not trusted over an edited version
    verify_version(home, resolve_dataset(home))
    assert resolve_dataset(home).name == v.name
    (aside,) = (home / "versions").glob(f"{v.name}-changed-*")
    assert (aside / "dataset.json").read_text().endswith(" ")  # the edit is kept, not deleted
