"""The mapped format never stores silently wrong data (issue 20 items 3, 4, 5, 16 and 20): a
declared time format is the only one, JSON values are read as written, ids are never rounded,
gzips are checked before they expand, and bad input is one line naming the file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest

from takedown.errors import IngestError
from takedown.ingest import ingest
from takedown.ingest.limits import Limits
from takedown.profile_source import FileMapping, Source
from tests.conftest import run_cli

TWEETS = {"tweetid": "id", "userid": "uid", "tweet_time": "t", "tweet_text": "text"}


def q(data: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW tweets AS SELECT * FROM '{data}/tweets.parquet'")
    con.execute(f"CREATE VIEW users AS SELECT * FROM '{data}/users.parquet'")
    return con.execute(sql).fetchall()


def rejects(data: Path) -> list[dict]:
    lines = (data / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(x) for x in lines]


def jsonl(path: Path, rows: list[dict | str]) -> Path:
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
    path.write_bytes(gzip.compress(text.encode()) if path.suffix == ".gz" else text.encode())
    return path


def mapped(tmp_path: Path, export: Path, columns: dict | None = None, **source) -> Path:
    src = Source(format="mapped", tweets=FileMapping(columns=columns or TWEETS), **source)
    ingest([export], "m", tmp_path / "data", source=src)
    return tmp_path / "data/m"


def test_declared_time_format_is_the_only_format(tmp_path):
    export = jsonl(
        tmp_path / "e.jsonl",
        [
            {"id": "1", "uid": "u", "t": "01.03.2021 10:00", "text": "a"},
            {"id": "2", "uid": "u", "t": "2021-03-01 10:00", "text": "b"},  # archive style
        ],
    )
    data = mapped(tmp_path, export, source_timezone="Europe/Moscow", time_format="%d.%m.%Y %H:%M")
    # 10:00 Moscow is 07:00 UTC; the row in another format is not read on the UTC clock.
    assert q(data, "SELECT tweetid, CAST(tweet_time AS VARCHAR) FROM tweets") == [
        ("1", "2021-03-01 07:00:00+00")
    ]
    (r,) = rejects(data)
    assert r["record"] == 2 and r["id"] == "2"
    assert r["reason"] == "tweet_time: not in the declared time_format %d.%m.%Y %H:%M"


def test_epoch_rejects_text_and_out_of_range_rows_not_the_file(tmp_path):
    export = jsonl(
        tmp_path / "e.jsonl",
        [
            {"id": "1", "uid": "u", "t": 1614582000, "text": "a"},
            {"id": "2", "uid": "u", "t": "2021-03-01 10:00", "text": "b"},
            {"id": "3", "uid": "u", "t": 1e20, "text": "c"},
            {"id": "4", "uid": "u", "t": "nan", "text": "d"},
        ],
    )
    data = mapped(tmp_path, export, time_format="epoch")
    assert q(data, "SELECT tweetid, CAST(tweet_time AS VARCHAR) FROM tweets") == [
        ("1", "2021-03-01 07:00:00+00")
    ]
    got = {r["id"]: r["reason"] for r in rejects(data)}
    assert set(got) == {"2", "3", "4"}
    assert all(v == "tweet_time: not a number of seconds since 1970" for v in got.values())


def test_jsonl_scalars_lose_their_quotes_and_objects_are_rejected(tmp_path):
    cols = {**TWEETS, "user_screen_name": "who", "like_count": "likes", "hashtags": "tags"}
    row = {"uid": "u1", "t": "2021-03-01 10:00", "text": "x"}
    export = jsonl(
        tmp_path / "e.jsonl",
        [
            {**row, "id": "1", "who": "alice", "likes": "2", "tags": ["a", "b"]},
            {**row, "id": "2", "who": 5, "likes": 3, "tags": "c"},
            {**row, "id": "3", "who": {"name": "x"}, "likes": 1},
            {**row, "id": "4", "who": "bob", "likes": [1]},
            {**row, "id": "5", "text": {"full": "x"}},
        ],
    )
    data = mapped(tmp_path, export, cols)
    assert q(
        data, "SELECT tweetid, user_screen_name, like_count, hashtags FROM tweets ORDER BY 1"
    ) == [("1", "alice", 2, ["a", "b"]), ("2", "5", 3, ["c"])]
    got = {r["id"]: r["reason"] for r in rejects(data)}
    assert got == {
        "3": "user_screen_name: a JSON object where one value is mapped "
        "(source.tweets.columns.user_screen_name)",
        "4": "like_count: a JSON array where one value is mapped (source.tweets.columns.like_count)",
        "5": "tweet_text: a JSON object where one value is mapped (source.tweets.columns.tweet_text)",
    }


def test_json_ids_are_text_exactly_as_written(tmp_path):
    ids = ["1234567890123456789", "1234567890123456788", "18446744073709551617", "7.5", "1e3"]
    lines = [f'{{"id": {i}, "uid": {i}, "t": "2021-03-01 10:00", "text": "x"}}' for i in ids]
    data = mapped(tmp_path, jsonl(tmp_path / "e.jsonl", lines))
    # The two 19-digit ids are one double apart; as floats they collided as duplicates.
    assert sorted(r[0] for r in q(data, "SELECT tweetid FROM tweets")) == sorted(ids)
    assert sorted(r[0] for r in q(data, "SELECT userid FROM users")) == sorted(ids)
    assert not (data / "rejects.jsonl").read_text().strip()


@pytest.mark.parametrize("suffix", [".jsonl.gz", ".ndjson.gz", ".json.gz"])
def test_gzipped_jsonl_is_accepted(tmp_path, suffix):
    export = jsonl(tmp_path / f"e{suffix}", [{"id": 1, "uid": 2, "t": "2021-03-01", "text": "x"}])
    data = mapped(tmp_path, export)
    assert q(data, "SELECT tweetid, userid FROM tweets") == [("1", "2")]


def _bomb(path: Path, head: bytes) -> Path:
    """A gzip that expands 1000-fold and is then cut short: a reader that expands it before
    the limit is checked fails on the truncation (or the 40 MB line) instead."""
    with gzip.open(path, "wb", compresslevel=1) as f:
        f.write(head)
        f.write(b"x" * (40 << 20))
    path.write_bytes(path.read_bytes()[:-4096])
    return path


@pytest.mark.parametrize(
    ("fmt", "name", "head"),
    [
        ("mapped", "e.jsonl.gz", b'{"id": 1, "uid": 2, "t": "2021-03-01", "text": "x"}\n{"id": "'),
        ("mapped", "e.csv.gz", b"id,uid,t,text\n1,2,2021-03-01,"),
        (
            "ira538",
            "IRAhandle_tweets_1.csv.gz",
            b"external_author_id,author,content,publish_date\n",
        ),
        ("tweets-only", "t.csv.gz", b"tweetid,userid,tweet_time,user_screen_name\n1,2,"),
    ],
)
def test_gzip_bomb_is_refused_before_any_reader_expands_it(tmp_path, fmt, name, head):
    # Before the fix, the conversion read the whole bomb first and failed on its long row:
    # the expansion limit is now checked while the gzip streams, before DuckDB reads it.
    export = _bomb(tmp_path / name, head)
    src = Source(format=fmt, tweets=FileMapping(columns=TWEETS) if fmt == "mapped" else None)
    with pytest.raises(IngestError, match=r"expands more than 100 times") as exc:
        ingest([export], "b", tmp_path / "data", source=src, limits=Limits())
    assert str(exc.value).startswith(name + ":")


def _one_line(stderr: str) -> str:
    assert stderr.count("\n") == 1 and "xxxx" not in stderr and "SELECT" not in stderr, stderr
    return stderr


def test_row_over_20_mb_is_one_line_naming_file_and_line(tmp_path):
    long = "x" * 21_000_000
    tweets = tmp_path / "t.csv"
    tweets.write_text(
        "tweetid,userid,tweet_time,tweet_text,user_screen_name\n"
        f"1,u1,2020-01-01 10:00,hi,al\n2,u1,2020-01-01 10:00,{long},al\n"
    )
    r = run_cli("ingest", tweets, "--format", "tweets-only", "--dataset", "b",
                "--data-dir", tmp_path / "d1")  # fmt: skip
    assert r.returncode != 0
    assert _one_line(r.stderr) == (
        "error: t.csv: line 3 is longer than 20 MB, the most a row may be; shorten or remove "
        "that row\n"
    )
    export = jsonl(
        tmp_path / "e.jsonl",
        [{"id": 1, "uid": 2, "t": "2021-03-01", "text": "x"}, {"id": 2, "text": long}],
    )
    profile = tmp_path / "p.yml"
    profile.write_text(
        "name: p\ntitle: p\nsource:\n  format: mapped\n  tweets:\n    columns: "
        + json.dumps(TWEETS)
        + "\n"
    )
    r = run_cli("ingest", export, "--profile", profile, "--dataset", "b",
                "--data-dir", tmp_path / "d2")  # fmt: skip
    assert r.returncode != 0
    assert "e.jsonl: line 2 is longer than 20 MB" in _one_line(r.stderr)


def test_a_column_named_with_a_dot_is_mapped_by_escaping_it(tmp_path):
    export = jsonl(
        tmp_path / "e.jsonl",
        [{"id": 1, "user.id": "flat", "user": {"id": "nested"}, "t": "2021-03-01", "text": "x"}],
    )
    data = mapped(tmp_path, export, {**TWEETS, "userid": "user\\.id"})
    assert q(data, "SELECT userid FROM tweets") == [("flat",)]
    csv = tmp_path / "c.csv"
    csv.write_text("id,user.id,t,text\n1,flat,2021-03-01,x\n")
    data = mapped(tmp_path / "c", csv, {**TWEETS, "userid": "user\\.id"})
    assert q(data, "SELECT userid FROM tweets") == [("flat",)]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_missing_column_names_the_profile_field(tmp_path, suffix):
    export = tmp_path / f"e{suffix}"
    if suffix == ".csv":
        export.write_text("id,uid,t,text\n1,2,2021-03-01,x\n")
    else:
        jsonl(export, [{"id": 1, "uid": 2, "t": "2021-03-01", "text": "x"}])
    with pytest.raises(IngestError) as exc:
        mapped(tmp_path, export, {**TWEETS, "userid": "user_id"})
    msg = str(exc.value)
    assert msg.startswith(f"{export}: no column 'user_id' in the file")
    assert "(source.tweets.columns.userid)" in msg and "{kind}" not in msg


def test_a_read_error_names_the_profile_block_formatted(tmp_path):
    export = tmp_path / "e.csv"
    export.write_text("id,uid,t,text\n1,2,2021-03-01,x\n2,3\n")
    with pytest.raises(IngestError) as exc:
        mapped(tmp_path, export)
    msg = str(exc.value)
    assert msg.startswith(f"{export}: cannot read it with the profile's tweets mapping (")
    assert msg.endswith("; check the file and source.tweets.columns") and "\n" not in msg


def test_a_parquet_struct_where_one_value_is_mapped_names_the_field(tmp_path):
    export = tmp_path / "e.parquet"
    duckdb.execute(
        f"""COPY (SELECT '1' AS id, {{'id': 'u1', 'n': 2}} AS uid, '2021-03-01' AS t,
            'x' AS text, ['a', 'b'] AS tags) TO '{export}' (FORMAT parquet)"""
    )
    with pytest.raises(IngestError) as exc:
        mapped(tmp_path, export)
    assert str(exc.value) == (
        f"{export}: column 'uid' holds a nested struct value where one value is mapped "
        "(source.tweets.columns.userid); map a field inside it with a dot"
    )
    data = mapped(tmp_path / "ok", export, {**TWEETS, "userid": "uid.id", "hashtags": "tags"})
    assert q(data, "SELECT userid, hashtags FROM tweets") == [("u1", ["a", "b"])]


def test_tweets_only_without_a_tweets_file_names_every_needed_column(tmp_path):
    export = tmp_path / "t.csv"
    export.write_text("tweetid,userid,tweet_time\n1,2,2021-03-01 10:00\n")
    with pytest.raises(IngestError) as exc:
        ingest([export], "t", tmp_path / "data", source=Source(format="tweets-only"))
    assert str(exc.value) == (
        f"{export}: no tweets file found (needs the columns tweetid, userid, "
        "user_screen_name and tweet_time); pass a tweets CSV with them"
    )


def test_a_gzip_checked_before_conversion_is_not_counted_twice(tmp_path):
    rows = [{"id": i, "uid": 1, "t": "2021-03-01", "text": "y" * 900} for i in range(700)]
    export = jsonl(tmp_path / "e.jsonl.gz", rows)  # expands to about 0.65 MB
    limits = Limits(max_expanded_bytes=1 << 20)  # counted twice, it would pass 1 MB
    src = Source(format="mapped", tweets=FileMapping(columns=TWEETS))
    ds, _ = ingest([export], "g", tmp_path / "data", source=src, limits=limits)
    assert ds.counts.tweets == 700
    with pytest.raises(IngestError, match="expand to more than"):
        ingest(
            [export], "g", tmp_path / "d2", source=src, limits=Limits(max_expanded_bytes=1 << 19)
        )
