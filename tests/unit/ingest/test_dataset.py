"""Dataset versions: immutable folders, an atomic pointer, pinned reads, the old layout."""

from __future__ import annotations

import os
import shutil

import pytest

from takedown.errors import TakedownError
from takedown.ingest import ingest
from takedown.ingest.dataset import data_id, load_dataset, resolve_dataset
from takedown.ingest.publish import pinned, prune_versions
from tests.conftest import make_archive


def _ingest(tmp_path, tweets: int):
    raw = make_archive(tmp_path / f"raw{tweets}", users=3, tweets=tweets)
    ds, _ = ingest([raw], "d", tmp_path / "data")
    return ds


@pytest.mark.slow
def test_each_ingest_is_a_read_only_version_behind_current(tmp_path):
    a = _ingest(tmp_path, 10)
    home = tmp_path / "data" / "d"
    first = resolve_dataset(home)
    assert first.parent == (home / "versions").resolve()
    assert os.readlink(home / "current") == f"versions/{first.name}"
    assert not os.access(first / "tweets.parquet", os.W_OK) or os.geteuid() == 0
    assert oct((first / "tweets.parquet").stat().st_mode)[-3:] == "444"
    # The old paths still lead to the current data.
    assert (home / "tweets.parquet").read_bytes() == (first / "tweets.parquet").read_bytes()
    b = _ingest(tmp_path, 20)
    second = resolve_dataset(home)
    assert second != first and load_dataset(home).fingerprint == b.fingerprint != a.fingerprint
    assert not first.exists()  # nobody was reading it: pruned
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["d"]


@pytest.mark.slow
def test_a_pinned_version_survives_a_new_ingest_until_released(tmp_path):
    a = _ingest(tmp_path, 10)
    home = tmp_path / "data" / "d"
    with pinned(home) as folder:
        _ingest(tmp_path, 20)
        assert load_dataset(folder).fingerprint == a.fingerprint  # still there, unchanged
        assert resolve_dataset(home) != folder
    assert prune_versions(home) == [folder.name]
    assert not folder.exists()


@pytest.mark.slow
def test_same_content_reuses_its_version(tmp_path):
    _ingest(tmp_path, 10)
    first = resolve_dataset(tmp_path / "data" / "d")
    raw = make_archive(tmp_path / "raw10", users=3, tweets=10)
    ingest([raw], "d", tmp_path / "data", force=True)
    assert resolve_dataset(tmp_path / "data" / "d") == first


@pytest.mark.slow
def test_data_id_names_the_folder_not_the_pointer(tmp_path):
    _ingest(tmp_path, 10)
    home = tmp_path / "data" / "d"
    v1 = resolve_dataset(home)
    assert data_id(v1) == v1.name
    _ingest(tmp_path, 20)
    assert data_id(resolve_dataset(home)) != v1.name


@pytest.mark.slow
def test_a_folder_from_before_versions_is_still_read_and_then_replaced(tmp_path):
    a = _ingest(tmp_path, 10)
    home = tmp_path / "data" / "d"
    old = tmp_path / "data" / "old"
    shutil.copytree(resolve_dataset(home), old)  # parquet files directly in the folder
    assert resolve_dataset(old) == old and load_dataset(old).fingerprint == a.fingerprint
    raw = make_archive(tmp_path / "raw10", users=3, tweets=10)
    ingest([raw], "old", tmp_path / "data", force=True)
    assert (old / "current").is_symlink() and load_dataset(old).fingerprint == a.fingerprint


@pytest.mark.slow
def test_a_missing_current_version_says_reingest(tmp_path):
    _ingest(tmp_path, 10)
    home = tmp_path / "data" / "d"
    shutil.rmtree(resolve_dataset(home))
    with pytest.raises(TakedownError, match="re-run `takedown ingest PATH --dataset d --force`"):
        load_dataset(home)


def test_a_dataset_cannot_take_the_comparisons_name(tmp_path):
    """Issue 20 item 20: a dataset named `compare` mixed with reports/compare/."""
    raw = make_archive(tmp_path / "raw", users=3, tweets=10)
    with pytest.raises(TakedownError, match="--dataset compare: reserved for the reports of"):
        ingest([raw], "compare", tmp_path / "data")
    assert not (tmp_path / "data").exists()
