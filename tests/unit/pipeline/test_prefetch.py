"""The render's text keys, computed while kernels start, are the file the notebooks would write."""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from takedown.db import open_dataset
from takedown.ingest import ingest
from takedown.ingest.dataset import load_dataset
from takedown.notebook import share_text_keys
from takedown.pipeline import prefetch
from tests.conftest import make_archive, tweet_row, write_csv

NOTEBOOKS = Path(__file__).resolve().parents[3] / "notebooks"


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    raw = make_archive(tmp_path / "raw", users=3, tweets=30)
    # Texts long enough to have keys, some repeated, one retweet (no key of its own).
    rows = [
        tweet_row(i, i % 3, tweet_text=f"the same long message number {i % 4}") for i in range(29)
    ]
    rows.append(
        tweet_row(29, 0, tweet_text="RT @u1: the same long message number 1", is_retweet="True")
    )
    write_csv(raw / "test_012020_tweets_csv_hashed.csv", rows)
    ingest([raw], "tiny", tmp_path / "data")
    return (tmp_path / "data" / "tiny" / "current").resolve()


def _by_notebook(dataset: Path, folder: Path) -> Path:
    """What a notebook's Session.share_text_keys writes, in a folder of its own."""
    d = load_dataset(dataset)
    with open_dataset(dataset) as con:
        share_text_keys(con, d.coverage, d.fingerprint, folder)
    (path,) = folder.glob("text-keys-*.parquet")
    return path


def test_the_render_writes_the_file_the_notebooks_read(dataset, tmp_path):
    with prefetch.text_keys_ahead(dataset, tmp_path / "render", wanted=True):
        pass
    (ahead,) = (tmp_path / "render").glob("text-keys-*.parquet")
    mine = _by_notebook(dataset, tmp_path / "notebook")
    assert ahead.name == mine.name  # same dataset fingerprint and rule: the notebooks find it
    a, b = (pq.read_table(p).sort_by("th") for p in (ahead, mine))
    assert a.num_rows == 29 and a.equals(b)
    assert not list((tmp_path / "render").glob(".*tmp*")) and not list(
        (tmp_path / "render").glob("*.lock")
    )


def test_nothing_is_computed_unless_wanted(dataset, tmp_path):
    with prefetch.text_keys_ahead(dataset, tmp_path / "render", wanted=False):
        pass
    assert not (tmp_path / "render").exists()


def test_a_broken_dataset_leaves_the_work_to_the_notebooks(tmp_path):
    (tmp_path / "ds").mkdir()
    with prefetch.text_keys_ahead(tmp_path / "ds", tmp_path / "render", wanted=True):
        pass  # no error here: the notebooks compute the keys and report the failure in a cell
    assert not list(tmp_path.glob("render/*.parquet"))


def test_an_error_in_the_block_is_raised_at_once(dataset, tmp_path):
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        with prefetch.text_keys_ahead(dataset, tmp_path / "render", wanted=True):
            raise KeyboardInterrupt
    assert time.perf_counter() - t0 < 5


def test_only_the_coordination_and_network_notebooks_need_the_keys():
    need = sorted(nb.stem for nb in NOTEBOOKS.glob("*.ipynb") if prefetch.needs_text_keys([nb]))
    assert need == ["10_coordination", "11_networks"]
    assert not prefetch.needs_text_keys([NOTEBOOKS / "01_overview.ipynb"])
