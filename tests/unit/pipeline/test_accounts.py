"""accounts.csv on a tiny dataset: one row per account, tweets summing to the tweets, a planted
creation wave, cluster ids and group columns, formula cells neutralized."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from takedown.pipeline.accounts import write_accounts


def _dataset(folder: Path, *, groups: bool = True) -> Path:
    """users.parquet and tweets.parquet as ingest types them: 40 accounts, 30 of them created
    in the week of 2020-03-02 (a wave), one week apart otherwise; u0 has no tweet, x only tweets."""
    folder.mkdir(parents=True)
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    extra = ", CASE WHEN i % 2 = 0 THEN 'RightTroll' ELSE 'LeftTroll' END AS account_category"
    con.execute(
        f"""CREATE TABLE users AS SELECT 'u' || i AS userid,
                  CASE WHEN i = 1 THEN '=HYPERLINK("x")' ELSE 'name' || i END AS user_screen_name,
                  (CASE WHEN i < 30 THEN TIMESTAMP '2020-03-02' + INTERVAL (i % 5) DAY
                        ELSE TIMESTAMP '2019-01-07' + INTERVAL (7 * (i - 30)) DAY END)
                      AT TIME ZONE 'UTC' AS account_creation_date,
                  CAST(i AS BIGINT) AS follower_count {extra if groups else ""}
           FROM range(40) r(i)"""
    )
    con.execute(
        """CREATE TABLE tweets AS
           SELECT CAST(1000 + i * 10 + j AS VARCHAR) AS tweetid, 'u' || i AS userid,
                  'name' || i AS user_screen_name,
                  (TIMESTAMP '2020-04-01' + INTERVAL (i * 60 + j) MINUTE) AT TIME ZONE 'UTC' AS tweet_time,
                  CAST(0 AS BIGINT) AS follower_count
           FROM range(1, 40) r(i), range(3) s(j) WHERE j < 1 + i % 3
           UNION ALL SELECT '9', 'x', 'only_in_tweets', TIMESTAMP '2020-05-01 00:00+00', 7"""
    )
    for t in ("users", "tweets"):
        con.execute(f"COPY {t} TO '{folder / t}.parquet' (FORMAT parquet)")
    con.execute(
        f"""COPY (SELECT * FROM (VALUES ('u2', 1), ('u2', 3), ('u5', 3)) v(userid, cluster))
            TO '{folder / "clusters.parquet"}' (FORMAT parquet)"""
    )
    con.close()
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_one_row_per_account_and_the_tweets_add_up(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    rows = _rows(write_accounts(data, data / "clusters.parquet", tmp_path))
    con = duckdb.connect()
    accounts, tweets = con.execute(
        f"""SELECT (SELECT count(*) FROM (SELECT userid FROM '{data}/users.parquet'
                    UNION SELECT userid FROM '{data}/tweets.parquet')),
                   (SELECT count(*) FROM '{data}/tweets.parquet')"""
    ).fetchone()
    assert len(rows) == accounts == 41
    assert sum(int(r["tweets"]) for r in rows) == tweets
    by = {r["userid"]: r for r in rows}
    assert by["u0"]["tweets"] == "0" and by["u0"]["first_tweet"] == ""
    assert by["x"]["account"] == "only_in_tweets" and by["x"]["followers"] == "7"
    assert by["x"]["created"] == "" and by["x"]["wave"] == ""
    assert by["u4"]["first_tweet"] == "2020-04-01 04:00"
    assert by["u4"]["last_tweet"] == "2020-04-01 04:01"  # 1 + 4 % 3 = 2 tweets


def test_wave_clusters_groups_and_neutralized_text(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data")
    by = {r["userid"]: r for r in _rows(write_accounts(data, data / "clusters.parquet", tmp_path))}
    assert {by[f"u{i}"]["wave"] for i in range(30)} == {"1"}
    assert {by[f"u{i}"]["wave"] for i in range(30, 40)} == {""}
    assert by["u2"]["clusters"] == "1 3" and by["u5"]["clusters"] == "3"
    assert by["u3"]["clusters"] == ""
    assert by["u2"]["account_category"] == "RightTroll"
    assert by["u1"]["account"] == '\'=HYPERLINK("x")'


def test_without_clusters_or_groups(tmp_path: Path) -> None:
    data = _dataset(tmp_path / "data", groups=False)
    rows = _rows(write_accounts(data, None, tmp_path))
    assert list(rows[0]) == [
        "userid", "account", "created", "first_tweet", "last_tweet", "tweets", "followers",
        "wave", "clusters",
    ]  # fmt: skip
    assert all(r["clusters"] == "" for r in rows)
