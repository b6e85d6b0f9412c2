"""Coverage recorded at ingest, and optional columns that are NULL when absent (issue 7)."""

from __future__ import annotations

import duckdb

from takedown.ingest import ingest
from takedown.schema import TWEET_COLUMNS, USER_COLUMNS
from tests.conftest import make_archive, tweet_row, user_row, write_csv

OP = "test_012020"


def _pq(data, name, table):
    return (data / name / f"{table}.parquet").as_posix()


def test_empty_account_creation_date_is_null_not_a_reject(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(
        raw / f"{OP}_users_csv_hashed.csv",
        [user_row(i, account_creation_date="", follower_count="") for i in range(3)],
    )
    write_csv(raw / f"{OP}_tweets_csv_hashed.csv", [tweet_row(i, i % 3) for i in range(5)])
    ds, _ = ingest([raw], "d", tmp_path / "data")
    assert (ds.counts.users, ds.counts.rejected) == (3, 0)
    cov = ds.coverage
    assert cov.rows == {"users": 3, "tweets": 5}
    assert cov.columns["users"]["account_creation_date"].model_dump() == {
        "present": True,
        "values": 0,
    }
    assert cov.missing("users", "account_creation_date") == (
        "account_creation_date is empty in every row of this dataset's users file"
    )
    got = (
        duckdb.connect()
        .execute(
            f"SELECT account_creation_date, follower_count FROM '{_pq(tmp_path / 'data', 'd', 'users')}'"
        )
        .fetchall()
    )
    assert got == [(None, None)] * 3


def test_absent_optional_columns_are_null_and_recorded_absent(tmp_path):
    """An export with only the identifying columns: every other column NULL, never 0/""/[]."""
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / f"{OP}_users_csv_hashed.csv", [{"userid": "u0"}, {"userid": "u1"}])
    write_csv(
        raw / f"{OP}_tweets_csv_hashed.csv",
        [{"tweetid": str(i), "userid": f"u{i % 2}", "tweet_time": "2020-01-02 03:04"}
         for i in range(4)],
    )  # fmt: skip
    data = tmp_path / "data"
    ds, _ = ingest([raw], "m", data)
    assert (ds.counts.users, ds.counts.tweets, ds.counts.rejected) == (2, 4, 0)
    for table, canonical, ids in (
        ("users", USER_COLUMNS, {"userid"}),
        ("tweets", TWEET_COLUMNS, {"tweetid", "userid", "tweet_time"}),
    ):
        cols = ds.coverage.columns[table]
        for c in canonical:
            assert cols[c].present == (c in ids), c
            assert cols[c].values == (ds.coverage.rows[table] if c in ids else 0), c
            if c not in ids:
                n = (
                    duckdb.connect()
                    .execute(
                        f"SELECT count(*) FROM '{_pq(data, 'm', table)}' WHERE {c} IS NOT NULL"
                    )
                    .fetchone()[0]
                )
                assert n == 0, c
    assert ds.coverage.missing("tweets", "like_count") == (
        "like_count is not in this dataset's tweets file"
    )
    types = {
        r[0]: r[1]
        for r in duckdb.connect()
        .execute(f"DESCRIBE SELECT * FROM '{_pq(data, 'm', 'tweets')}'")
        .fetchall()
    }
    assert types["hashtags"] == "VARCHAR[]" and types["like_count"] == "BIGINT"


def test_shards_that_disagree_present_if_any_file_had_it(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(raw / f"{OP}_users_csv_hashed.csv", [user_row(0)])
    rows = [tweet_row(i, 0) for i in range(6)]
    write_csv(raw / f"{OP}_tweets_csv_hashed_1.csv", rows[:3])
    no_likes = [c for c in TWEET_COLUMNS if c != "like_count"]
    write_csv(raw / f"{OP}_tweets_csv_hashed_2.csv", rows[3:], no_likes)
    ds, _ = ingest([raw], "s", tmp_path / "data")
    assert ds.coverage.columns["tweets"]["like_count"].model_dump() == {
        "present": True,
        "values": 3,
    }
    got = (
        duckdb.connect()
        .execute(
            f"SELECT like_count FROM '{_pq(tmp_path / 'data', 's', 'tweets')}' ORDER BY tweetid"
        )
        .fetchall()
    )
    assert got == [(0,), (1,), (2,), (None,), (None,), (None,)]


def test_demo_like_archive_records_full_coverage(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=20)
    ds, _ = ingest([raw], "f", tmp_path / "data")
    assert ds.coverage.rows == {"users": 3, "tweets": 20}
    assert ds.coverage.has("tweets", "like_count")
    assert ds.coverage.columns["tweets"]["hashtags"].model_dump() == {"present": True, "values": 20}
    assert ds.coverage.columns["tweets"]["poll_choices"].present is False


def test_footer_counts_equal_a_full_scan(tmp_path):
    """Coverage counted from Parquet footers (issue 11) equals count(col) over every value."""
    from takedown.db import measure_coverage, open_dataset

    raw = tmp_path / "raw"
    raw.mkdir()
    write_csv(
        raw / f"{OP}_users_csv_hashed.csv", [user_row(i, follower_count="") for i in range(3)]
    )
    rows = [tweet_row(i, i % 3, like_count="" if i % 2 else str(i)) for i in range(8)]
    write_csv(raw / f"{OP}_tweets_csv_hashed_1.csv", rows[:5])
    no_lists = [c for c in TWEET_COLUMNS if c not in ("hashtags", "urls")]
    write_csv(raw / f"{OP}_tweets_csv_hashed_2.csv", rows[5:], no_lists)
    ds, _ = ingest([raw], "e", tmp_path / "data")
    con = open_dataset(tmp_path / "data" / "e")
    present = {
        t: [c for c, v in cols.items() if v.present] for t, cols in ds.coverage.columns.items()
    }
    assert ds.coverage == measure_coverage(con, present)
    assert ds.coverage.columns["tweets"]["hashtags"].values == 5
    assert ds.coverage.columns["tweets"]["user_mentions"].values == 8
    assert ds.coverage.columns["tweets"]["like_count"].values == 4
