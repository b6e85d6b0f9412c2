"""text_keys: the one pass of the normalizing regex, shared by the clusters and the co-tweet
trace through a Parquet file per render, and the same rows whether shared or computed here."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from takedown.findings import coordination, text_keys
from takedown.findings.networks import summary
from tests.unit.findings.tiny import coverage, make_con

FLAG = coordination.RETWEET_FLAG


def _con():
    tweets = [
        {"userid": "a", "tweet_time": "2020-01-01 10:00", "tweet_text": "Support the police now!"},
        {"userid": "b", "tweet_time": "2020-01-01 10:02", "tweet_text": "support THE police now"},
        {"userid": "c", "tweet_time": "2020-01-01 10:03", "tweet_text": "short"},
        {
            "userid": "d",
            "tweet_time": "2020-01-01 10:04",
            "tweet_text": "RT @a: Support the police",
            "is_retweet": True,
        },  # fmt: skip
        {"userid": "e", "tweet_time": "2020-01-01 10:05", "tweet_text": None},
    ]
    return make_con([], tweets)


def _rows(con) -> pd.DataFrame:
    df = con.execute(f"SELECT * FROM {text_keys.RELATION} ORDER BY th").df()
    df["tweet_time"] = pd.to_datetime(df["tweet_time"], utc=True)
    return df


@pytest.mark.slow
def test_rows_leave_out_retweets_and_empty_text_and_null_short_keys():
    con = _con()
    text_keys.ensure(con, FLAG)
    df = _rows(con)
    assert sorted(df["userid"]) == ["a", "b", "c"]
    keys = df.set_index("userid")["h"]
    assert keys["a"] == keys["b"] and pd.isna(keys["c"])


@pytest.mark.slow
def test_shared_file_gives_the_same_rows_and_is_written_once(tmp_path: Path, monkeypatch):
    own = _con()
    text_keys.ensure(own, FLAG)
    first, second = _con(), _con()
    path = text_keys.share(first, FLAG, "fp1", tmp_path)
    pd.testing.assert_frame_equal(_rows(first), _rows(own))
    written = path.stat().st_mtime_ns

    def no_lock(*a, **k):  # the file is there: a second notebook reads it, never computes
        raise AssertionError("computed again")

    monkeypatch.setattr(text_keys, "exclusive", no_lock)
    assert text_keys.share(second, FLAG, "fp1", tmp_path) == path
    assert path.stat().st_mtime_ns == written
    pd.testing.assert_frame_equal(_rows(second), _rows(own))
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no lock or partial file left


@pytest.mark.slow
def test_ensure_reuses_a_shared_view_but_not_one_of_another_rule(tmp_path: Path):
    con = _con()
    text_keys.share(con, FLAG, "fp1", tmp_path)
    text_keys.ensure(con, FLAG)
    kind = "SELECT count(*) FROM duckdb_views() WHERE view_name = 'text_keys' AND temporary"
    assert con.execute(kind).fetchone()[0] == 1  # still the file's view
    text_keys.ensure(con, coordination.RETWEET_PREFIX)
    assert con.execute(kind).fetchone()[0] == 0  # another rule: computed here
    assert sorted(_rows(con)["userid"]) == ["a", "b", "c"]  # d's text starts "RT @" either way


@pytest.mark.slow
def test_another_dataset_gets_another_file(tmp_path: Path):
    a = text_keys.share(_con(), FLAG, "fp1", tmp_path)
    b = text_keys.share(_con(), FLAG, "fp2", tmp_path)
    assert a != b and a.exists() and b.exists()


@pytest.mark.slow
def test_two_notebooks_at_once_write_one_file(tmp_path: Path):
    paths: list[Path] = []
    cons = [_con(), _con()]
    threads = [
        threading.Thread(target=lambda c=c: paths.append(text_keys.share(c, FLAG, "fp", tmp_path)))
        for c in cons
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(paths)) == 1 and [p.name for p in tmp_path.iterdir()] == [paths[0].name]
    for c in cons:
        assert len(_rows(c)) == 3


@pytest.mark.slow
def test_clusters_and_co_tweet_are_the_same_with_the_shared_file(tmp_path: Path):
    """The findings do not depend on where the keys came from."""
    tweets = [
        {"userid": u, "tweet_time": f"2020-01-01 10:0{i}", "tweet_text": "the same words again"}
        for i, u in enumerate("abcdef")
    ]
    alone, shared = make_con([], tweets), make_con([], tweets)
    text_keys.share(shared, FLAG, "fp", tmp_path)
    cov = coverage(alone)
    for con in (alone, shared):
        coordination.build(con, 10, 5)
    assert coordination.table(alone).equals(coordination.table(shared))
    one = summary.compute(alone, cov, 10).traces["co_tweet"]
    two = summary.compute(shared, cov, 10).traces["co_tweet"]
    pd.testing.assert_frame_equal(one.edges, two.edges)
    assert one.pairs == two.pairs and one.null == two.null
    assert one.pairs.edges == 15  # six accounts, every pair once
