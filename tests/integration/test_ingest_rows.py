"""Row accounting (issue 10 items 3, 5, 15): rows in the file = kept + rejected, each reject at
its right record number; one bad value rejects one row, never the file."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from tests.conftest import make_archive, run_cli, tweet_row, user_row, write_csv

OP = "test_012020"


def _rejects(data: Path) -> list[dict[str, str]]:
    with open(data / "d/rejects.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _tweets_record(data: Path) -> dict:
    ds = json.loads((data / "d/dataset.json").read_text())
    return next(f for f in ds["files"] if f["kind"] == "tweets")


def _ingest(tmp_path: Path, raw: Path):
    return run_cli("ingest", raw, "--dataset", "d", "--data-dir", tmp_path / "data")


@pytest.mark.parametrize("bad", ["inf", "NaN", "1e30", "99999999999999999999", "-3"])
def test_one_bad_count_rejects_one_row_with_its_record_number(tmp_path, bad):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / f"{OP}_users_csv_hashed.csv", [user_row(0), user_row(1, follower_count=bad)])
    rows = [tweet_row(i, i % 2) for i in range(8)]
    rows[5]["like_count"] = bad
    write_csv(raw / f"{OP}_tweets_csv_hashed.csv", rows)
    r = _ingest(tmp_path, raw)
    assert r.returncode == 0, r.stderr
    rej = {(x["kind"], x["record"]): x for x in _rejects(tmp_path / "data")}
    assert set(rej) == {("users", "2"), ("tweets", "6")}
    assert rej[("tweets", "6")]["id"] == "1005"
    assert rej[("tweets", "6")]["reason"] == (
        f"like_count: cannot parse {bad} (expected a whole number from 0 up)"
    )
    tw = _tweets_record(tmp_path / "data")
    assert (tw["rows_read"], tw["rows_kept"], tw["rows_rejected"]) == (8, 7, 1)


def test_invalid_utf8_and_bad_value_in_one_row_counted_once_and_later_records_right(tmp_path):
    """40 rows: row 10 has invalid UTF-8 and a bad time, row 20 bad UTF-8 only, row 30 a bad
    count. The issue saw 41 rows read and too-low record numbers after the first."""
    raw = make_archive(tmp_path / "raw", tweets=40, users=2)
    path = raw / f"{OP}_tweets_csv_hashed.csv"
    rows = [tweet_row(i, i % 2) for i in range(40)]
    rows[9]["tweet_time"] = "yesterday"
    rows[9]["tweet_text"] = "BADUTF"
    rows[19]["tweet_text"] = "BADUTF"
    rows[29]["retweet_count"] = "inf"
    rows[34]["tweet_text"] = 'multi\nline, "quoted"'
    write_csv(path, rows)
    path.write_bytes(path.read_bytes().replace(b"BADUTF", b"bad \xff\xfe bytes"))
    r = _ingest(tmp_path, raw)
    assert r.returncode == 0, r.stderr
    rej = sorted(_rejects(tmp_path / "data"), key=lambda x: int(x["record"]))
    assert [x["record"] for x in rej] == ["10", "20", "30"]
    assert "ENCODING" in rej[0]["reason"].upper() and "ENCODING" in rej[1]["reason"].upper()
    assert rej[2]["reason"].startswith("retweet_count: cannot parse inf") and rej[2]["id"] == "1029"
    tw = _tweets_record(tmp_path / "data")
    assert (tw["rows_read"], tw["rows_kept"], tw["rows_rejected"]) == (40, 37, 3)


def test_mixed_lf_and_crlf_line_endings_are_read(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=12)
    path = raw / f"{OP}_tweets_csv_hashed.csv"
    lines = path.read_bytes().split(b"\r\n")
    mixed = b"".join(ln + (b"\n" if i % 2 else b"\r\n") for i, ln in enumerate(lines[:-1]))
    surplus = lines[3] + b",surplus\r\n"  # still rejected: strict parsing stays on
    path.write_bytes(mixed + surplus)
    r = _ingest(tmp_path, raw)
    assert r.returncode == 0, r.stderr
    tw = _tweets_record(tmp_path / "data")
    assert (tw["rows_read"], tw["rows_kept"], tw["rows_rejected"]) == (13, 12, 1)
    rej = _rejects(tmp_path / "data")
    assert rej[0]["record"] == "13" and "TOO MANY COLUMNS" in rej[0]["reason"]
    assert rej[0]["file"] == f"{OP}_tweets_csv_hashed.csv"


@pytest.mark.parametrize(("header_end", "hint"), [(",", "trailing comma"), (",,x", "two commas")])
def test_empty_column_name_in_header_is_one_clear_line(tmp_path, header_end, hint):
    raw = make_archive(tmp_path / "raw")
    path = raw / f"{OP}_tweets_csv_hashed.csv"
    head, rest = path.read_text().split("\n", 1)
    path.write_text(head + header_end + "\n" + rest)
    r = _ingest(tmp_path, raw)
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode != 0 and len(lines) == 1, r.stderr
    assert f"{OP}_tweets_csv_hashed.csv" in lines[0] and "empty column name" in lines[0]
    assert hint in lines[0] and "Traceback" not in r.stderr


def test_a_row_of_19_mb_is_kept_whole(tmp_path):
    """The CSV buffer is set apart from the longest row a reader accepts (limits.CSV_ROW_OPTIONS):
    a row longer than DuckDB's default line limit, within ours, still reads as one whole row."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / f"{OP}_users_csv_hashed.csv", [user_row(0), user_row(1)])
    rows = [tweet_row(i, i % 2) for i in range(6)]
    rows[3]["tweet_text"] = "x" * 19_000_000
    write_csv(raw / f"{OP}_tweets_csv_hashed.csv", rows)
    r = _ingest(tmp_path, raw)
    assert r.returncode == 0, r.stderr
    tw = _tweets_record(tmp_path / "data")
    assert (tw["rows_read"], tw["rows_kept"], tw["rows_rejected"]) == (6, 6, 0)
    lengths = duckdb.sql(
        f"SELECT length(tweet_text) FROM '{tmp_path / 'data/d/tweets.parquet'}' ORDER BY tweetid"
    ).fetchall()
    assert lengths[3] == (19_000_000,)
