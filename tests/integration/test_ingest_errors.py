"""Each malformed input exits non-zero with one line naming the file, and leaves nothing behind."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from tests.conftest import make_archive, run_cli, tweet_row, user_row, write_csv

OP = "test_012020"


def _assert_clean_failure(tmp_path: Path, result, *needles: str) -> None:
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    data = tmp_path / "data"
    leftovers = list(data.iterdir()) if data.exists() else []
    assert leftovers == [], leftovers


def ingest(tmp_path: Path, *paths: Path):
    return run_cli("ingest", *paths, "--dataset", "d", "--data-dir", tmp_path / "data")


def test_missing_file(tmp_path):
    r = ingest(tmp_path, tmp_path / "nope_tweets_csv_hashed.csv")
    _assert_clean_failure(tmp_path, r, "nope_tweets_csv_hashed.csv", "no such file")


def test_not_a_csv_binary_junk(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / f"{OP}_tweets_csv_hashed.csv").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0IHDR" * 50)
    r = ingest(tmp_path, raw)
    _assert_clean_failure(tmp_path, r, f"{OP}_tweets_csv_hashed.csv", "binary data", "not a CSV")


def test_wrong_columns(tmp_path):
    raw = make_archive(tmp_path / "raw")
    write_csv(raw / f"{OP}_tweets_csv_hashed.csv", [{"id": "1", "text": "x", "when": "2020"}])
    r = ingest(tmp_path, raw)
    _assert_clean_failure(
        tmp_path, r, f"{OP}_tweets_csv_hashed.csv", "missing required column 'tweetid'"
    )


def test_empty_file(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / f"{OP}_users_csv_hashed.csv").write_bytes(b"")
    r = ingest(tmp_path, raw)
    _assert_clean_failure(tmp_path, r, f"{OP}_users_csv_hashed.csv", "empty")


def test_header_only_file(tmp_path):
    raw = make_archive(tmp_path / "raw")
    path = raw / f"{OP}_tweets_csv_hashed.csv"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    r = ingest(tmp_path, raw)
    _assert_clean_failure(tmp_path, r, f"{OP}_tweets_csv_hashed.csv", "no data rows")


def test_truncated_gzip(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=20000)
    plain = raw / f"{OP}_tweets_csv_hashed.csv"
    data = gzip.compress(plain.read_bytes())
    plain.unlink()
    (raw / f"{OP}_tweets_csv_hashed.csv.gz").write_bytes(data[: len(data) // 2])
    r = ingest(tmp_path, raw)
    _assert_clean_failure(tmp_path, r, f"{OP}_tweets_csv_hashed.csv.gz", "gzip", "re-download")


def test_users_without_tweets(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / f"{OP}_tweets_csv_hashed.csv").unlink()
    r = ingest(tmp_path, raw)
    _assert_clean_failure(tmp_path, r, f"{OP}_users_csv_hashed.csv", "without a tweets file")


def test_unrecognised_file_name_and_header(tmp_path):
    odd = tmp_path / "mytweets.csv"
    odd.write_text("when,what\n2020-01-01,hello\n")
    r = ingest(tmp_path, odd)
    _assert_clean_failure(tmp_path, r, "mytweets.csv", "cannot tell the export's format")


def test_two_operations_in_one_folder(tmp_path):
    raw = make_archive(tmp_path / "raw")
    make_archive(raw, op="other_052020")
    r = ingest(tmp_path, raw)
    _assert_clean_failure(tmp_path, r, "2 operations")


def test_corrupt_zip(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / f"{OP}_tweets_csv_hashed.csv").unlink()
    (raw / f"{OP}_tweets_csv_hashed.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    r = ingest(tmp_path, raw)
    _assert_clean_failure(tmp_path, r, f"{OP}_tweets_csv_hashed.zip", "zip")


@pytest.mark.parametrize("junk", ["\ufeff", ""])
def test_bom_is_tolerated(tmp_path, junk):
    raw = make_archive(tmp_path / "raw")
    p = raw / f"{OP}_users_csv_hashed.csv"
    p.write_text(junk + p.read_text(), encoding="utf-8")
    r = ingest(tmp_path, raw)
    assert r.returncode == 0, r.stderr


def test_debug_shows_traceback(tmp_path):
    r = run_cli("--debug", "ingest", tmp_path / "nope", "--dataset", "d", "--data-dir", tmp_path)
    assert r.returncode != 0
    assert "Traceback" in r.stderr


def test_bad_rows_are_rejected_with_reasons_not_dropped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / f"{OP}_users_csv_hashed.csv", [user_row(0), user_row(1)])
    rows = [tweet_row(i, i % 2) for i in range(6)]
    rows[2]["tweet_time"] = "not a time"
    rows[4]["tweetid"] = rows[1]["tweetid"]
    write_csv(raw / f"{OP}_tweets_csv_hashed.csv", rows)
    with open(raw / f"{OP}_tweets_csv_hashed.csv", "a", encoding="utf-8") as f:
        f.write("999,u0,short\r\n")
    r = ingest(tmp_path, raw)
    assert r.returncode == 0, r.stderr
    assert "3 rows rejected" in r.stderr
    import csv

    rejects = list(csv.DictReader(open(tmp_path / "data/d/rejects.csv", encoding="utf-8")))
    reasons = sorted(x["reason"] for x in rejects)
    assert len(rejects) == 3
    assert any(x.startswith("tweet_time: cannot parse not a time") for x in reasons)
    assert any(x.startswith("duplicate tweetid") for x in reasons)
    short = next(x for x in rejects if x["line"])
    assert short["line"] == "8" and "MISSING COLUMNS" in short["reason"]
    import json

    ds = json.loads((tmp_path / "data/d/dataset.json").read_text())
    tw = next(f for f in ds["files"] if f["kind"] == "tweets")
    assert (tw["rows_read"], tw["rows_kept"], tw["rows_rejected"]) == (7, 4, 3)
    assert ds["counts"]["duplicate_tweetids"] == 1


def test_markup_in_a_header_is_shown_literally(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / f"{OP}_tweets_csv_hashed.csv").write_text("tweetid,[/i],[bold]x\n1,2,3\n")
    r = ingest(tmp_path, raw)
    _assert_clean_failure(tmp_path, r, "missing required column 'userid'", "3 columns")
    assert "[/i]" not in r.stderr and "bold" not in r.stderr


def test_invalid_utf8_in_one_tweet_rejects_that_row_only(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=10)
    path = raw / f"{OP}_tweets_csv_hashed.csv"
    path.write_bytes(path.read_bytes().replace(b"tweet 3,", b"tweet \xff\xfe 3,"))
    r = ingest(tmp_path, raw)
    assert r.returncode == 0, r.stderr
    assert "1 rows rejected" in r.stderr
    import csv
    import json

    rejects = list(csv.DictReader(open(tmp_path / "data/d/rejects.csv", encoding="utf-8")))
    assert len(rejects) == 1 and "ENCODING" in rejects[0]["reason"].upper()
    tw = next(
        f
        for f in json.loads((tmp_path / "data/d/dataset.json").read_text())["files"]
        if f["kind"] == "tweets"
    )
    assert (tw["rows_read"], tw["rows_kept"], tw["rows_rejected"]) == (10, 9, 1)


def test_ingest_never_deletes_a_folder_it_did_not_make_and_says_so_in_one_line(tmp_path):
    """Issue 20 item 1, both reported cases, as a user types them."""
    raw = make_archive(tmp_path / "data" / "ira")
    (raw / "NOTES.txt").write_text("my notes")
    r = run_cli("ingest", "data/ira", "--dataset", "ira", "--data-dir", "data", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        "error: data/ira: lies inside the dataset folder data/ira, which ingest manages; move "
        "the raw files elsewhere (e.g. raw/ira) and ingest them from there"
    ]
    assert sorted(p.name for p in raw.iterdir()) == sorted(
        ["NOTES.txt", "test_012020_tweets_csv_hashed.csv", "test_012020_users_csv_hashed.csv"]
    )
    (tmp_path / "raw2").mkdir()
    (tmp_path / "raw2" / "thesis.docx").write_text("my thesis")
    r = run_cli("ingest", raw, "--dataset", "raw2", "--data-dir", ".", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [
        "error: raw2: not a folder takedown ingest made (no takedown-store.json), so ingest will "
        "not write into it; move it away or pick another --dataset"
    ]
    assert [p.name for p in (tmp_path / "raw2").iterdir()] == ["thesis.docx"]
