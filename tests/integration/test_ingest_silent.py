"""No silent wrong data in the archive, tweets-only and ira538 paths (issue 20 items 6-10, 20)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import duckdb
import pytest

from takedown.errors import IngestError
from takedown.ingest import ingest
from tests.conftest import run_cli, tweet_row, user_row, write_csv

OP = "op_012020"


def q(data: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW users AS SELECT * FROM '{data}/users.parquet'")
    con.execute(f"CREATE VIEW tweets AS SELECT * FROM '{data}/tweets.parquet'")
    return con.execute(sql).fetchall()


@pytest.mark.parametrize(("head_end", "row_end"), [(b"\n", b"\r\n"), (b"\r\n", b"\n")])
def test_crlf_rows_with_a_quoted_last_field_are_kept(tmp_path, head_end, row_end):
    """Item 6: every row was an "UNQUOTED VALUE" reject when its line ending differed from the
    header's and its last field (user_mentions) was quoted."""
    write_csv(tmp_path / f"{OP}_users_csv_hashed.csv", [user_row(0)])
    body = b"tweetid,userid,tweet_time,user_mentions" + head_end
    for i in range(3):
        body += f'{i + 1},u0,2020-01-01 10:0{i},"[111, {222 + i}]"'.encode() + row_end
    (tmp_path / f"{OP}_tweets_csv_hashed.csv").write_bytes(body)
    ds, _ = ingest([tmp_path], "c", tmp_path / "data")
    assert (ds.counts.tweets, ds.counts.rejected) == (3, 0)
    assert q(tmp_path / "data/c", "SELECT user_mentions FROM tweets ORDER BY tweetid") == [
        (["111", "222"],),
        (["111", "223"],),
        (["111", "224"],),
    ]


BY_AUTHOR = ["author_id", "content", "region", "language", "publish_date", "following",
             "followers", "updates", "post_type", "retweet"]  # fmt: skip


def _by_author(path: Path, rows: list[list[str]]) -> None:
    with gzip.open(path, "wt", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(BY_AUTHOR)
        w.writerows(rows)


def _row(author: str, when: str, followers: str = "5") -> list[str]:
    return [author, f"text {when}", "Unknown", "English", when, "1", followers, "1", "", "0"]


def test_ira538_author_split_over_two_files_keeps_every_tweet(tmp_path):
    """Item 7: ids were author-<row in the file>, so a second file repeated them as duplicates."""
    _by_author(tmp_path / "tweets_2016.csv.gz", [_row("a1", f"2016-01-0{i + 1} 10:00:00") for i in range(4)])  # fmt: skip
    _by_author(tmp_path / "tweets_2017.csv.gz", [_row("a1", f"2017-01-0{i + 1} 10:00:00") for i in range(3)])  # fmt: skip
    ds, _ = ingest([tmp_path], "ira", tmp_path / "data")
    assert (ds.counts.tweets, ds.counts.rejected, ds.counts.duplicate_tweetids) == (7, 0, 0)
    ids = [r[0] for r in q(tmp_path / "data/ira", "SELECT tweetid FROM tweets ORDER BY tweet_time")]
    assert ids[0] == "a1-tweets_2016-1" and ids[4] == "a1-tweets_2017-1"
    assert any("ids are synthesized" in n for n in ds.source_notes)
    # Stable: the same files give the same ids.
    again, _ = ingest([tmp_path], "ira2", tmp_path / "data")
    assert q(tmp_path / "data/ira2", "SELECT tweetid FROM tweets ORDER BY tweet_time") == [
        (i,) for i in ids
    ]


def test_ira538_two_tweets_files_of_one_name_are_refused(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        _by_author(tmp_path / sub / "tweets.csv.gz", [_row("a1", "2016-01-01 10:00:00")])
    with pytest.raises(IngestError, match="same name"):
        ingest([tmp_path / "a", tmp_path / "b"], "ira", tmp_path / "data")


def test_fractional_counts_are_rejected_with_the_reason(tmp_path):
    """Item 8: 1.5, 2.5 and 0.4 were stored as 2, 3 and 0; 12.0 stays a count of 12."""
    write_csv(tmp_path / f"{OP}_users_csv_hashed.csv", [user_row(0)])
    counts = ["1.5", "2.5", "0.4", "12.0"]
    rows = [tweet_row(i, retweet_count=c) for i, c in enumerate(counts)]
    write_csv(tmp_path / f"{OP}_tweets_csv_hashed.csv", rows)
    ds, _ = ingest([tmp_path], "f", tmp_path / "data")
    assert (ds.counts.tweets, ds.counts.rejected) == (1, 3)
    assert q(tmp_path / "data/f", "SELECT retweet_count FROM tweets") == [(12,)]
    rejects = [json.loads(x) for x in (tmp_path / "data/f/rejects.jsonl").read_text().splitlines()]
    assert sorted((r["record"], r["reason"]) for r in rejects) == [
        (i + 1, f"retweet_count: cannot parse {c} (expected a whole number from 0 up)")
        for i, c in enumerate(counts[:3])
    ]


def _tweets_only(folder: Path) -> list[Path]:
    rows = [
        tweet_row(0, user_screen_name="old", follower_count="4", tweet_time="2020-01-01 10:00"),
        tweet_row(1, user_screen_name="new", follower_count="n/a", tweet_time="2020-01-02 10:00"),
        tweet_row(2, user=1, follower_count="1.5", tweet_time="2020-01-03 10:00"),
    ]
    return [write_csv(folder / "mirror.csv", rows)]


def _ira(folder: Path) -> list[Path]:
    p = folder / "tweets_a.csv.gz"
    _by_author(p, [_row("u0", "2016-01-01 10:00:00", "4"), _row("u0", "2016-01-02 10:00:00", "x"),
                   _row("u1", "2016-01-03 10:00:00", "1.5")])  # fmt: skip
    return [p]


def _mapped(folder: Path) -> list[Path]:
    lines = [
        {"id": "1", "t": "2020-01-01 10:00:00", "u": "u0", "f": "4", "s": "old"},
        {"id": "2", "t": "2020-01-02 10:00:00", "u": "u0", "f": "n/a", "s": "new"},
        {"id": "3", "t": "2020-01-03 10:00:00", "u": "u1", "f": "1.5", "s": "x"},
    ]
    (folder / "x.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    (folder / "p.yml").write_text(
        "name: m\ntitle: M\nsource:\n  format: mapped\n  tweets:\n    file: '*.jsonl'\n"
        "    columns: {tweetid: id, userid: u, user_screen_name: s, follower_count: f, "
        "tweet_time: t}\n"
    )
    return [folder / "x.jsonl", "--profile", folder / "p.yml"]


@pytest.mark.parametrize("make", [_tweets_only, _ira, _mapped], ids=["tweets-only", "ira538", "mapped"])  # fmt: skip
def test_derived_account_survives_a_bad_latest_count(tmp_path, make):
    """Item 9: an account whose latest row had an unparseable count was rejected whole; now it
    exists, and each field takes the latest row where that field parses."""
    (tmp_path / "in").mkdir()
    args = make(tmp_path / "in")
    r = run_cli("ingest", *args, "--dataset", "d", "--data-dir", tmp_path / "data")
    assert r.returncode == 0, r.stderr
    data = tmp_path / "data/d"
    users = q(data, "SELECT userid, follower_count FROM users ORDER BY 1")
    assert users == [("u0", 4), ("u1", None)]
    assert q(data, "SELECT count(*) FROM tweets ANTI JOIN users USING (userid)") == [(0,)]
    if make is not _ira:  # the IRA layout has no screen name column beside author_id
        assert q(data, "SELECT user_screen_name FROM users WHERE userid = 'u0'") == [("new",)]
    assert json.loads((data / "dataset.json").read_text())["counts"]["tweets_without_user"] == 0


def test_header_longer_than_64_kib_is_one_line(tmp_path):
    """Item 10: a 64 KiB+ header rejected every row as TOO MANY COLUMNS and exited 0."""
    write_csv(tmp_path / f"{OP}_users_csv_hashed.csv", [user_row(0)])
    cols = ["tweetid", "userid", "tweet_time"] + [f"extra_column_{i}" for i in range(6000)]
    row = ["1", "u0", "2020-01-01 10:00"] + ["x"] * 6000
    write_csv(tmp_path / f"{OP}_tweets_csv_hashed.csv", [dict(zip(cols, row, strict=True))])
    r = run_cli("ingest", tmp_path, "--dataset", "h", "--data-dir", tmp_path / "data")
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{OP}_tweets_csv_hashed.csv" in lines[0], r.stderr
    assert "longer than 64 KiB" in lines[0]


def test_tweets_only_message_names_every_required_column(tmp_path):
    (tmp_path / "in").mkdir()
    write_csv(tmp_path / "in/x.csv", [{"tweetid": "1", "userid": "u", "tweet_time": "2020-01-01"}])
    r = run_cli("ingest", tmp_path / "in", "--format", "tweets-only", "--dataset", "t",
                "--data-dir", tmp_path / "data")  # fmt: skip
    assert r.returncode != 0
    for col in ("tweetid", "userid", "user_screen_name", "tweet_time"):
        assert col in r.stderr


def test_unparseable_times_are_row_rejects_not_header_only(tmp_path):
    """Item 20: a tweets-only file whose times do not parse was "header only ... re-download"."""
    rows = [tweet_row(i, tweet_time=t) for i, t in enumerate(["yesterday", "noon"])]
    path = write_csv(tmp_path / "mirror.csv", rows)
    r = run_cli("ingest", path, "--dataset", "t", "--data-dir", tmp_path / "data")
    assert r.returncode == 0, r.stderr
    assert "header only" not in r.stderr and "re-download" not in r.stderr
    rejects = (tmp_path / "data/t/rejects.csv").read_text()
    assert rejects.count("tweet_time: cannot parse") == 2


def test_file_count_is_of_the_inputs(tmp_path):
    """Item 21: "ingested 3 files" for two tweets-only inputs (the derived users file counted)."""
    (tmp_path / "in").mkdir()
    write_csv(tmp_path / "in/a.csv", [tweet_row(0)])
    write_csv(tmp_path / "in/b.csv", [tweet_row(1)])
    r = run_cli("ingest", tmp_path / "in", "--dataset", "t", "--data-dir", tmp_path / "data")
    assert r.returncode == 0, r.stderr
    assert "ingested 2 files" in r.stdout


def test_ira538_authors_without_a_tweet_stay_accounts(tmp_path):
    """Issue 16 item 2: authors.csv lists authors a sample has no tweet of; they were dropped
    from the accounts, so the overview could not say how many accounts the file lists."""
    _by_author(tmp_path / "tweets_2016.csv.gz", [_row("a1", "2016-01-01 10:00:00")])
    with gzip.open(tmp_path / "authors.csv.gz", "wt", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["author_id", "author", "account_type", "account_category"])
        w.writerows([["a1", "a1", "Right", "RightTroll"], ["a2", "a2", "Left", "LeftTroll"]])
    ds, _ = ingest([tmp_path], "ira", tmp_path / "data")
    assert (ds.counts.users, ds.counts.tweets, ds.counts.tweets_without_user) == (2, 1, 0)
    assert q(tmp_path / "data/ira", "SELECT userid, account_category FROM users ORDER BY 1") == [
        ("a1", "RightTroll"),
        ("a2", "LeftTroll"),
    ]
    assert any("1 authors in authors.csv.gz have no tweet" in n for n in ds.source_notes)
