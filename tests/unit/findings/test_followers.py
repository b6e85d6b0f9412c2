"""Followers on tiny users tables whose answers are worked out by hand."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from takedown.db import measure_coverage
from takedown.findings import followers
from takedown.profile import Profile

PROFILE = Profile(name="t", title="t")


def make(
    rows: str | None, absent: tuple[str, ...] = ()
) -> tuple[duckdb.DuckDBPyConnection, object]:
    """users(userid, follower_count, following_count) from VALUES rows; `absent` columns NULL
    and recorded as not in the file, as ingest writes them."""
    con = duckdb.connect()
    body = (
        f"SELECT * FROM (VALUES {rows}) AS t(userid, follower_count, following_count)"
        if rows
        else "SELECT 'x' AS userid, 0 AS follower_count, 0 AS following_count LIMIT 0"
    )
    con.execute(f"CREATE TABLE u0 AS {body}")
    cols = ", ".join(
        f"CAST(NULL AS BIGINT) AS {c}" if c in absent else f"CAST({c} AS BIGINT) AS {c}"
        for c in ("follower_count", "following_count")
    )
    con.execute(f"CREATE TABLE users AS SELECT userid, {cols} FROM u0")
    con.execute("CREATE TABLE tweets AS SELECT 'x' AS userid LIMIT 0")
    present = {
        "users": [c for c in ("userid", "follower_count", "following_count") if c not in absent],
        "tweets": ["userid"],
    }
    return con, measure_coverage(con, present)


FIVE = "('a', 0, 3), ('b', 0, 0), ('c', 7, 1), ('d', 9, 2), ('e', 1500, 4)"


def by_name(findings):
    return {f.name: f for f in findings}


def test_shares_counts_and_wilson_interval():
    con, cov = make(FIVE)
    f = by_name(followers.summarize(con, PROFILE, cov))
    assert all(x.available for x in f.values())
    assert f["zero_count"].value == 2 and f["zero_count"].n == 5
    assert f["zero_share"].value == pytest.approx(0.4) and f["zero_share"].n == 5
    # Wilson 95% for 2/5, computed independently
    z = 1.959963984540054
    p, n = 0.4, 5
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert f["zero_share"].interval == pytest.approx((centre - half, centre + half))
    assert f["under_8_share"].value == pytest.approx(3 / 5)
    assert f["under_10_share"].value == pytest.approx(4 / 5)
    assert f["median_followers"].value == 7
    assert f["max_followers"].value == 1500
    assert f["median_following"].value == 2


def test_null_counts_are_left_out_not_zero():
    con, cov = make("('a', 0, 1), ('b', NULL, 1), ('c', 5, 1), ('d', NULL, 1)")
    f = by_name(followers.summarize(con, PROFILE, cov))
    assert f["zero_share"].value == pytest.approx(0.5) and f["zero_share"].n == 2


def test_follower_count_absent_is_unavailable_with_reason():
    con, cov = make(FIVE, absent=("follower_count",))
    f = by_name(followers.summarize(con, PROFILE, cov))
    for name in ("zero_share", "zero_count", "under_8_share", "under_10_share",
                 "median_followers", "p99_followers", "max_followers"):  # fmt: skip
        assert not f[name].available and f[name].value is None
        assert f[name].reason == "follower_count is not in this dataset's users file"
    assert f["median_following"].available and f["median_following"].value == 2


def test_following_count_absent_keeps_followers():
    con, cov = make(FIVE, absent=("following_count",))
    f = by_name(followers.summarize(con, PROFILE, cov))
    assert f["zero_share"].available
    assert f["median_following"].reason == "following_count is not in this dataset's users file"
    assert followers.available_kinds(cov) == ("followers",)


def test_empty_users_file_is_unavailable():
    con, cov = make(None)
    f = followers.summarize(con, PROFILE, cov)
    assert {x.reason for x in f} == {"this dataset's users file has no rows"}
    assert not any(x.available for x in f)


def test_follower_bins_and_table():
    con, cov = make(FIVE)
    b = followers.binned(con, followers.available_kinds(cov))
    fo = b[b.kind == "followers"]
    assert dict(zip(fo["bin"], fo["accounts"], strict=True)) == {
        "0": 2,
        "2-7": 1,
        "8-9": 1,
        "1,000+": 1,
    }
    t = followers.bin_table(b)
    assert t["bin"].tolist() == [x[0] for x in followers.BINS]
    assert t["followers"].tolist() == [2, 0, 1, 1, 0, 0, 1]
    assert t["following"].tolist() == [1, 1, 3, 0, 0, 0, 0]


def test_bins_of_one_kind_only():
    con, cov = make(FIVE, absent=("following_count",))
    t = followers.bin_table(followers.binned(con, followers.available_kinds(cov)))
    assert list(t.columns) == ["bin", "followers"]
    assert followers.binned(con, ()).empty
