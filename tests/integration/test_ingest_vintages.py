"""Archive vintages and packagings all normalize to the same tables."""

from __future__ import annotations

import gzip
import json
import time
import zipfile
from pathlib import Path

import duckdb

from takedown.ingest import ingest
from takedown.schema import TWEET_COLUMNS
from tests.conftest import make_archive, run_cli, tweet_row, user_row, write_csv

OP = "test_012020"


def tables(data: Path) -> tuple[list[tuple], list[str]]:
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT tweetid, userid, tweet_time, like_count FROM '{data}/tweets.parquet' ORDER BY tweetid"
    ).fetchall()
    cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{data}/tweets.parquet'").fetchall()]
    return rows, cols


def test_plain_gz_zip_and_shards_give_the_same_rows(tmp_path):
    plain = make_archive(tmp_path / "plain", tweets=40)
    ds, _ = ingest([plain], "plain", tmp_path / "data")
    base_rows, _ = tables(tmp_path / "data/plain")
    assert len(base_rows) == 40 == ds.counts.tweets

    gz = tmp_path / "gz"
    gz.mkdir()
    for p in plain.iterdir():
        (gz / (p.name + ".gz")).write_bytes(gzip.compress(p.read_bytes()))
    ingest([gz], "gz", tmp_path / "data")
    assert tables(tmp_path / "data/gz")[0] == base_rows

    zp = tmp_path / "zip"
    zp.mkdir()
    for p in plain.iterdir():
        with zipfile.ZipFile(zp / p.name.replace(".csv", ".zip"), "w") as z:
            z.write(p, p.name)
    (zp / f"{OP}_hashed_001.zip").write_bytes(b"media, not ours")
    ds, _ = ingest([zp], "zip", tmp_path / "data")
    assert tables(tmp_path / "data/zip")[0] == base_rows
    assert ds.ignored_files == [f"{OP}_hashed_001.zip"]
    assert {f.name for f in ds.files} == {
        f"{OP}_users_csv_hashed.zip:{OP}_users_csv_hashed.csv",
        f"{OP}_tweets_csv_hashed.zip:{OP}_tweets_csv_hashed.csv",
    }

    sh = tmp_path / "shards"
    sh.mkdir()
    (sh / f"{OP}_users_csv_hashed.csv").write_bytes(
        (plain / f"{OP}_users_csv_hashed.csv").read_bytes()
    )
    rows = [tweet_row(i, i % 3) for i in range(40)]
    write_csv(sh / f"{OP}_tweets_csv_hashed_1.csv", rows[:25])
    write_csv(sh / f"{OP}_tweets_csv_hashed_2.csv", rows[25:])
    ds, _ = ingest([sh], "shards", tmp_path / "data")
    assert tables(tmp_path / "data/shards")[0] == base_rows
    assert [f.rows_kept for f in ds.files if f.kind == "tweets"] == [25, 15]


def test_unhashed_variant_and_explicit_files(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    u = write_csv(raw / f"{OP}_users_csv_unhashed.csv", [user_row(0, userid="123456789")])
    t = write_csv(raw / f"{OP}_tweets_csv_unhashed.csv", [tweet_row(0, userid="123456789")])
    ds, _ = ingest([u, t], "unhashed", tmp_path / "data")
    assert ds.variant == "unhashed"
    con = duckdb.connect()
    assert con.execute(
        f"SELECT typeof(userid), userid FROM '{tmp_path}/data/unhashed/users.parquet'"
    ).fetchone() == ("VARCHAR", "123456789")


def test_extra_column_kept_missing_optional_null_poll_choices(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / f"{OP}_users_csv_hashed.csv", [user_row(0)])
    rows = [tweet_row(i, 0, poll_choices="a|b" if i else "", campaign="x") for i in range(3)]
    cols = [c for c in TWEET_COLUMNS if c not in ("latitude", "longitude")] + [
        "poll_choices",
        "campaign",
    ]
    write_csv(raw / f"{OP}_tweets_csv_hashed.csv", rows, cols)
    ds, _ = ingest([raw], "v", tmp_path / "data")
    assert ds.extra_columns["tweets"] == ["campaign"]
    con = duckdb.connect()
    got = con.execute(
        f"SELECT latitude, longitude, poll_choices, campaign FROM '{tmp_path}/data/v/tweets.parquet' ORDER BY tweetid"
    ).fetchall()
    assert got == [(None, None, None, "x"), (None, None, "a|b", "x"), (None, None, "a|b", "x")]


def test_renamed_id_column_vintage(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / f"{OP}_users_csv_hashed.csv", [user_row(0)])
    row = tweet_row(0, 0)
    row["tweet_id"] = row.pop("tweetid")
    write_csv(raw / f"{OP}_tweets_csv_hashed.csv", [row])
    ingest([raw], "r", tmp_path / "data")
    con = duckdb.connect()
    assert con.execute(f"SELECT tweetid FROM '{tmp_path}/data/r/tweets.parquet'").fetchone() == (
        "1000",
    )


def test_reingest_is_a_cached_noop_and_fingerprint_is_stable(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=200)
    data = tmp_path / "data"
    r1 = run_cli("ingest", raw, "--dataset", "c", "--data-dir", data)
    assert r1.returncode == 0, r1.stderr
    fp1 = json.loads((data / "c/dataset.json").read_text())["fingerprint"]
    t0 = time.perf_counter()
    ds, cached = ingest([raw], "c", data)
    assert cached and time.perf_counter() - t0 < 1.0
    r2 = run_cli("ingest", raw, "--dataset", "c", "--data-dir", data)
    assert "unchanged" in r2.stdout
    ds2, cached2 = ingest([raw], "c", data, force=True)
    assert not cached2 and ds2.fingerprint == fp1
    (raw / f"{OP}_tweets_csv_hashed.csv").write_text(
        (raw / f"{OP}_tweets_csv_hashed.csv").read_text().replace("tweet 5,", "tweet five,")
    )
    ds3, cached3 = ingest([raw], "c", data)
    assert not cached3 and ds3.fingerprint != fp1
    assert sorted(p.name for p in data.iterdir()) == ["c"]
