"""Every export format lands in the same normalized tables: tweets-only, IRA, mapped JSONL."""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

import duckdb
import pytest

from takedown.ingest import ingest, load_dataset
from takedown.ingest.formats import detect
from takedown.profile import Source
from tests.conftest import run_cli, tweet_row, write_csv


def q(data: Path, sql: str) -> list[tuple]:
    con = duckdb.connect()
    con.execute(f"CREATE VIEW users AS SELECT * FROM '{data}/users.parquet'")
    con.execute(f"CREATE VIEW tweets AS SELECT * FROM '{data}/tweets.parquet'")
    return con.execute(sql).fetchall()


def b64(i: int) -> str:
    return base64.b64encode(f"user-{i}".encode()).decode()


def test_tweets_only_file_derives_accounts_with_latest_values(tmp_path):
    rows = []
    for i in range(12):
        u = i % 3
        rows.append(
            tweet_row(
                i, userid=b64(u), user_screen_name=f"name{u}-{i}", follower_count=f"{i}.0",
                tweet_time=f"2020-02-{1 + i:02d} 10:00",
            )
        )  # fmt: skip
    # A consolidated mirror file: not the archive's file name, no users file.
    write_csv(tmp_path / "io_archive_mirror.csv", rows)
    assert detect([tmp_path]) == "tweets-only"
    ds, _ = ingest([tmp_path], "mirror", tmp_path / "data")
    data = tmp_path / "data/mirror"
    assert ds.counts.tweets == 12 and ds.counts.users == 3
    assert ds.source_format == "tweets-only"
    assert any("derived" in n for n in ds.source_notes)
    # Latest row per account wins: user 0 tweeted last at i = 9 with 9 followers.
    got = dict(q(data, "SELECT userid, follower_count FROM users"))
    assert got == {b64(0): 9, b64(1): 10, b64(2): 11}
    assert q(data, f"SELECT user_screen_name FROM users WHERE userid = '{b64(2)}'") == [
        ("name2-11",)
    ]
    # Float counts become integers; the tweets keep their base64 account ids.
    assert q(data, "SELECT count(DISTINCT userid), sum(follower_count) FROM tweets") == [(3, 66)]


ORIGINAL_HEADER = [
    "external_author_id", "author", "content", "region", "language", "publish_date",
    "harvested_date", "following", "followers", "updates", "post_type", "account_type",
    "retweet", "account_category", "new_june_2018", "alt_external_id", "tweet_id",
]  # fmt: skip


def test_fivethirtyeight_original_layout(tmp_path):
    rows = [
        ["111", "AMELIEBALDWIN", "hello #MAGA", "United States", "English", "1/19/2017 23:05",
         "1/19/2017 23:06", "10", "20", "5", "", "Right", "0", "RightTroll", "0", "111", "9001"],
        ["111", "AMELIEBALDWIN", "RT something", "United States", "English", "1/20/2017 9:15",
         "1/20/2017 9:16", "11", "25", "6", "RETWEET", "Right", "1", "RightTroll", "0", "111",
         "9002"],
        ["222", "NOVOSTI", "Новости дня", "Russian Federation", "Russian", "12/31/2016 21:00",
         "12/31/2016 21:01", "3", "0", "1", "", "Russian", "0", "NewsFeed", "0", "222", "9003"],
        ["222", "NOVOSTI", "???", "Unknown", "LANGUAGE UNDEFINED", "not a date",
         "1/1/2017 0:00", "3", "0", "1", "", "Russian", "0", "NewsFeed", "0", "222", "9004"],
    ]  # fmt: skip
    path = tmp_path / "IRAhandle_tweets_1.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(ORIGINAL_HEADER)
        w.writerows(rows)
    assert detect([path]) == "ira538"
    ds, _ = ingest([path], "ira_orig", tmp_path / "data")
    data = tmp_path / "data/ira_orig"
    assert (ds.counts.tweets, ds.counts.users, ds.counts.rejected) == (3, 2, 1)
    assert q(data, "SELECT tweetid, tweet_language, CAST(tweet_time AS VARCHAR) FROM tweets "
             "ORDER BY tweetid") == [
        ("9001", "en", "2017-01-19 23:05:00+00"),
        ("9002", "en", "2017-01-20 09:15:00+00"),
        ("9003", "ru", "2016-12-31 21:00:00+00"),
    ]  # fmt: skip
    # The retweet flag is the file's own; accounts keep category and type, latest counts.
    assert q(data, "SELECT count(*) FILTER (WHERE is_retweet) FROM tweets") == [(1,)]
    assert q(data, "SELECT userid, follower_count, account_category FROM users ORDER BY 1") == [
        ("111", 25, "RightTroll"),
        ("222", 0, "NewsFeed"),
    ]
    rejects = (data / "rejects.csv").read_text()
    assert "tweet_time: cannot parse not a date" in rejects


def test_jsonl_export_with_a_mapping_on_its_own_clock(tmp_path):
    lines = [
        {"id": "a1", "created": "2021-03-01 09:30:00", "text": "привет #тест",
         "user": {"id": "u1", "handle": "ivan", "followers": 0}, "lang": "ru"},
        {"id": "a2", "created": "2021-03-01 18:45:00", "text": "hello",
         "user": {"id": "u2", "handle": "olga", "followers": 7}, "lang": "en"},
    ]  # fmt: skip
    export = tmp_path / "scrape.jsonl"
    export.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    profile = tmp_path / "p.yml"
    profile.write_text(
        "name: scrape\ntitle: A scrape\n"
        "source:\n  format: mapped\n  source_timezone: Europe/Moscow\n"
        "  time_format: '%Y-%m-%d %H:%M:%S'\n"
        "  tweets:\n    file: '*.jsonl'\n    columns: {tweetid: id, userid: user.id, "
        "user_screen_name: user.handle, follower_count: user.followers, tweet_text: text, "
        "tweet_time: created, tweet_language: lang}\n",
        encoding="utf-8",
    )
    r = run_cli("ingest", export, "--dataset", "scrape", "--data-dir", tmp_path / "data",
                "--profile", profile)  # fmt: skip
    assert r.returncode == 0, r.stderr
    data = tmp_path / "data/scrape"
    # Moscow is UTC+3: 09:30 there is 06:30 UTC.
    assert q(data, "SELECT tweetid, CAST(tweet_time AS VARCHAR) FROM tweets ORDER BY 1") == [
        ("a1", "2021-03-01 06:30:00+00"),
        ("a2", "2021-03-01 15:45:00+00"),
    ]
    assert q(data, "SELECT userid, follower_count FROM users ORDER BY 1") == [("u1", 0), ("u2", 7)]
    ds = load_dataset(data)
    assert ds.source_timezone == "Europe/Moscow" and ds.source_format == "mapped"
    # Unmapped fields are absent: NULL, never zero.
    assert q(data, "SELECT count(like_count), count(hashtags) FROM tweets") == [(0, 0)]


def test_unknown_export_is_one_line_and_leaves_no_data_dir(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "stuff.csv").write_text("a,b\n1,2\n")
    r = run_cli("ingest", tmp_path / "in", "--dataset", "x", "--data-dir", tmp_path / "new")
    assert r.returncode != 0
    assert "cannot tell the export's format" in r.stderr and "--format" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists()


def test_mapped_without_mapping_says_what_to_do(tmp_path):
    with pytest.raises(Exception, match="source: block"):
        ingest([tmp_path], "x", tmp_path / "data", fmt="mapped", source=Source())


def test_ira_sample_by_author_ingests_every_row(tmp_path, shared_data):
    ds, _ = ingest([shared_data / "ira_538_by_author"], "ira", tmp_path / "data")
    data = tmp_path / "data/ira"
    assert ds.source_format == "ira538"
    assert ds.counts.tweets == 206_655 and ds.counts.rejected == 0
    # authors.csv lists 2,856 authors; 17 have no tweet in the sample and stay accounts.
    assert ds.counts.users == 2_856
    silent = "SELECT count(*) FROM users WHERE userid NOT IN (SELECT userid FROM tweets)"
    assert q(data, silent) == [(17,)]
    langs = dict(q(data, "SELECT tweet_language, count(*) FROM tweets GROUP BY 1"))
    assert langs["en"] == 140_356 and langs["ru"] == 48_876
    assert q(data, "SELECT count(*) FROM users WHERE account_category IS NULL") == [(0,)]
    assert sorted(ds.ignored_files) == [
        "authors_tweet_general_statistics.csv.gz",
        "authors_tweet_language_counts.csv.gz",
        "authors_tweet_region_counts.csv.gz",
    ]
