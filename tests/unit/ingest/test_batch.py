"""Which shards are read together (issue 20 item 15): one kind, header and compression, in
order, at most BATCH per read, so the work per shard stays constant."""

from __future__ import annotations

from pathlib import Path

from takedown.ingest.batch import BATCH, SOURCE, groups
from takedown.ingest.discover import ArchiveFile


def f(name: str, kind: str = "tweets", cols: tuple[str, ...] = ("tweetid",), **kw) -> ArchiveFile:
    p = Path(name)
    return ArchiveFile(p, p, kind, "op", "hashed", 0, cols, **kw)


def test_runs_of_one_kind_header_and_compression():
    files = [f("u.csv", "users"), f("a.csv"), f("b.csv"), f("c.csv.gz"), f("d.csv.gz"),
             f("e.csv", cols=("tweetid", "x")), f("g.csv")]  # fmt: skip
    assert [[x.path.name for x in g] for g in groups(files)] == [
        ["u.csv"],
        ["a.csv", "b.csv"],
        ["c.csv.gz", "d.csv.gz"],
        ["e.csv"],
        ["g.csv"],
    ]


def test_batches_are_capped_and_keep_the_order():
    files = [f(f"s{i}.csv") for i in range(2 * BATCH + 3)]
    got = groups(files)
    assert [len(g) for g in got] == [BATCH, BATCH, 3]
    assert [x for g in got for x in g] == files


def test_converted_copies_and_a_clashing_column_are_read_alone():
    files = [f("a.csv"), f("b.csv", read_from=Path("lf.csv")), f("c.csv", cols=("tweetid", SOURCE)),
             f("d.csv")]  # fmt: skip
    assert [len(g) for g in groups(files)] == [1, 1, 1, 1]
