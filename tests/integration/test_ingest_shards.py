"""Many shards (issue 20 item 15): past combine.FEW_PARTS parts the tables are read as one list,
and the result is the same as for few: every row in file order, duplicates at their records."""

from __future__ import annotations

import json

import duckdb
import pytest

from takedown.errors import IngestError
from takedown.ingest import ingest
from takedown.ingest.combine import FEW_PARTS
from tests.conftest import tweet_row, user_row, write_csv

OP = "many_012020"


def test_many_shards_keep_order_records_and_duplicates(tmp_path):
    n = FEW_PARTS + 6
    write_csv(tmp_path / f"{OP}_users_csv_hashed.csv", [user_row(0), user_row(1)])
    expected = []
    for s in range(1, n + 1):
        rows = [tweet_row(10 * s + r, r % 2) for r in range(3)]
        if s == 50:
            rows[0]["like_count"] = "1.5"  # record 1: a value reject
            rows[2]["tweetid"] = str(1000 + 10 * 3 + 1)  # record 3: shard 3's record 2
        write_csv(tmp_path / f"{OP}_tweets_csv_hashed_{s}.csv", rows)
        expected += [r["tweetid"] for r in rows if s != 50 or r is rows[1]]
    ds, _ = ingest([tmp_path], "m", tmp_path / "data")
    assert (ds.counts.tweets, ds.counts.rejected, ds.counts.duplicate_tweetids) == (3 * n - 2, 2, 1)
    got = duckdb.sql(f"SELECT tweetid FROM '{tmp_path}/data/m/tweets.parquet'").fetchall()
    assert [g[0] for g in got] == expected
    rejects = [json.loads(x) for x in (tmp_path / "data/m/rejects.jsonl").read_text().splitlines()]
    assert sorted((r["file"], r["record"], r["reason"][:22]) for r in rejects) == [
        (f"{OP}_tweets_csv_hashed_50.csv", 1, "like_count: cannot par"),
        (f"{OP}_tweets_csv_hashed_50.csv", 3, "duplicate tweetid (fir"),
    ]
    dup = next(r for r in rejects if r["record"] == 3)
    assert f"first seen in {OP}_tweets_csv_hashed_3.csv record 2" in dup["reason"]
    rec = next(f for f in ds.files if f.name.endswith("_50.csv"))
    assert (rec.rows_read, rec.rows_kept, rec.rows_rejected) == (3, 1, 2)


def _shards(folder, bodies: list[bytes]) -> None:
    write_csv(folder / f"{OP}_users_csv_hashed.csv", [user_row(0)])
    for s, body in enumerate(bodies, 1):
        (folder / f"{OP}_tweets_csv_hashed_{s}.csv").write_bytes(body)


HEAD = b"tweetid,userid,tweet_time,user_mentions\n"


def _rows(s: int, end: bytes = b"\n") -> bytes:
    return b"".join(f'{s}{r},u0,2020-01-01 10:00,"[{r}]"'.encode() + end for r in range(3))


@pytest.mark.parametrize("mixed", [False, True], ids=["one-read", "fallback"])
def test_a_batch_with_short_rows_keeps_per_file_records(tmp_path, mixed):
    """A CSV reject in a batch is counted in its own file at its record; a shard with mixed
    line endings sends the batch back to the one-file reader, with the same result."""
    bodies = [HEAD + _rows(s, b"\r\n" if mixed and s == 2 else b"\n") for s in range(1, 6)]
    bodies[3] = HEAD + b'40,u0,2020-01-01 10:00,"[0]"\n41,u0\n42,u0,2020-01-01 10:00,"[2]"\n'
    _shards(tmp_path, bodies)
    ds, _ = ingest([tmp_path], "b", tmp_path / "data")
    assert (ds.counts.tweets, ds.counts.rejected) == (14, 1)
    rejects = [json.loads(x) for x in (tmp_path / "data/b/rejects.jsonl").read_text().splitlines()]
    assert [(r["file"], r["record"]) for r in rejects] == [(f"{OP}_tweets_csv_hashed_4.csv", 2)]
    got = duckdb.sql(f"SELECT tweetid FROM '{tmp_path}/data/b/tweets.parquet'").fetchall()
    assert [g[0] for g in got] == [
        f"{s}{r}" for s in range(1, 6) for r in range(3) if s != 4 or r != 1
    ]


def test_a_header_only_shard_in_a_batch_is_named(tmp_path):
    _shards(tmp_path, [HEAD + _rows(1), HEAD, HEAD + _rows(3)])
    with pytest.raises(IngestError, match=f"^{OP}_tweets_csv_hashed_2.csv: header only"):
        ingest([tmp_path], "b", tmp_path / "data")
