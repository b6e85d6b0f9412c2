"""The typed read's row filter and the reject pass agree on every row, awkward values included.

A row is kept, or rejected with a reason, never both and never neither: the accounting of
issue 10 item 5 (records = kept + rejected) rests on it. The filter tests values without
trimming them where it can, so padded, blank and unparsable values are where it could slip.
"""

from __future__ import annotations

import duckdb
import pytest

from takedown.ingest.normalize import REJECT, kept_select, rejected_select

HEADER = ("tweetid", "userid", "tweet_time", "follower_count", "is_retweet", "latitude",
          "hashtags", REJECT, "extra_col")  # fmt: skip
GOOD = ("1", "u1", "2020-01-02 03:04", "5", "True", "absent", "['a']", None, "x")
# (a change to one column of GOOD, kept?)
CASES = [
    ({}, True),
    ({"tweetid": " 2 "}, True),
    ({"tweetid": "\u00a0"}, False),
    ({"userid": "\u3000 \u2007"}, False),
    ({"userid": "\t"}, True),  # a tab is not a space to DuckDB's trim: the id is not blank
    ({"userid": ""}, False),
    ({"userid": None}, False),
    ({"tweet_time": " 2020-01-02 03:04\u00a0"}, True),
    ({"tweet_time": "2020-01-02"}, True),
    ({"tweet_time": "\u00a0"}, False),
    ({"tweet_time": "soon"}, False),
    ({"follower_count": "\u3000 7"}, True),
    ({"follower_count": "1.5"}, False),
    ({"follower_count": " "}, True),  # blank: not given, not a bad value
    ({"is_retweet": " true"}, True),
    ({"is_retweet": "yes"}, False),
    ({"latitude": " Absent\u00a0"}, True),
    ({"latitude": "91"}, False),
    ({"hashtags": " [a, b] "}, True),
    ({REJECT: "not in the declared time_format"}, False),
    ({REJECT: " "}, True),
]


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    cols = ", ".join(f'"{h}" VARCHAR' for h in HEADER)
    c.execute(f"CREATE TABLE src (_i INTEGER, {cols})")
    for i, (change, _) in enumerate(CASES):
        row = [change.get(h, g) for h, g in zip(HEADER, GOOD, strict=True)][:-1] + [str(i)]
        c.execute(f"INSERT INTO src VALUES ({', '.join('?' * (len(HEADER) + 1))})", [i, *row])
    return c


def test_each_row_is_kept_or_rejected_as_expected(con):
    source = "(SELECT * EXCLUDE (_i) FROM src ORDER BY _i)"
    kept = con.execute(f"SELECT extra_col FROM ({kept_select('tweets', HEADER, source)})")
    got = {int(row[0]) for row in kept.fetchall()}
    con.execute("SET disabled_optimizers = 'filter_pushdown'")
    rejected = con.execute(f"SELECT _rec FROM ({rejected_select('tweets', HEADER, source)})")
    bad = {r[0] - 1 for r in rejected.fetchall()}  # _rec counts from 1
    con.execute("RESET disabled_optimizers")
    for i, (change, keep) in enumerate(CASES):
        assert (i in got) == keep, (change, "kept" if i in got else "dropped")
        assert (i in bad) != keep, (change, "rejected" if i in bad else "not rejected")


def test_kept_values_are_typed_and_extra_columns_follow(con):
    source = "(SELECT * EXCLUDE (_i) FROM src WHERE _i = 0)"
    row = con.execute(f"SELECT * FROM ({kept_select('tweets', HEADER, source)})").fetchone()
    names = [d[0] for d in con.description]
    got = dict(zip(names, row, strict=True))
    assert got["follower_count"] == 5 and got["is_retweet"] is True
    assert got["latitude"] is None and got["hashtags"] == ["a"]
    assert got["tweet_time"].isoformat() == "2020-01-02T03:04:00+00:00"
    assert names[-1] == "extra_col" and got["extra_col"] == "0" and REJECT not in names
