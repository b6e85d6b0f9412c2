"""The null threshold, the fused network and its communities on hand-built tables."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from takedown.findings.networks import fusion
from takedown.findings.networks.pairs import (
    account_times,
    build_pairs,
    shared_events,
    shuffle_events,
)
from tests.unit.findings.networks.tiny_net import at


def _events(rows: list[tuple[str, str, str]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.execute("CREATE TABLE ev (key VARCHAR, userid VARCHAR, t TIMESTAMPTZ)")
    con.executemany("INSERT INTO ev VALUES (?, ?, CAST(? AS TIMESTAMP) AT TIME ZONE 'UTC')", rows)
    return con


def test_the_shuffle_keeps_each_accounts_items_and_draws_from_its_own_times():
    rows = [(f"k{i}", u, at(7 * i + j)) for i in range(6) for j, u in enumerate("abc")]
    rows += [("solo", "a", at(500)), ("solo2", "b", at(600))]  # items no one else posted
    con = _events(rows)
    shared = shared_events(con, "ev", "sh")
    assert con.execute(f"SELECT count(*) FROM {shared}").fetchone()[0] == 18  # solos dropped
    pool = account_times(con, "ev", f"{shared}_ids", "pool")
    assert con.execute(f"SELECT n FROM {pool}_n ORDER BY u").fetchall() == [(7,), (7,), (6,)]
    shuffle_events(con, shared, pool, "x", seed=1)
    items = "SELECT u, k FROM {} ORDER BY ALL"
    assert con.execute(items.format("x")).fetchall() == con.execute(items.format(shared)).fetchall()
    own = con.execute("SELECT count(*) FROM x ANTI JOIN pool USING (u, s)").fetchone()[0]
    assert own == 0  # every post moves to a time its own account posted at (solos' included)
    moved = con.execute(f"SELECT count(*) FROM x JOIN {shared} o USING (k, u) WHERE o.s <> x.s")
    assert moved.fetchone()[0] > 0
    shuffle_events(con, shared, pool, "y", seed=1)
    assert con.execute("SELECT * FROM x EXCEPT SELECT * FROM y").fetchall() == []
    shuffle_events(con, shared, pool, "z", seed=2)
    assert con.execute("SELECT * FROM x EXCEPT SELECT * FROM z").fetchall() != []


def test_when_nothing_can_move_the_null_is_the_data():
    # one post per account: the shuffle is the identity, so the null has the data's weights (1)
    con = _events([("x", "a", at(0)), ("x", "b", at(1)), ("x", "c", at(2))])
    null = fusion.null_threshold(con, "ev", 10, rounds=2)
    assert (null.edges, null.quantile, null.threshold, null.chance) == (6, 1.0, 2, 0.0)


def test_without_any_pair_by_chance_the_threshold_is_one():
    con = _events([("x", "a", at(0)), ("y", "b", at(1))])
    assert fusion.null_threshold(con, "ev", 10).threshold == 1


def test_fuse_sums_weights_over_thresholds_and_keeps_pairs_one_trace_carries():
    con = duckdb.connect()
    con.execute("CREATE TABLE t1 AS SELECT * FROM (VALUES ('a','b',2),('a','c',1)) v(a, b, weight)")
    con.execute(
        "CREATE TABLE t2 AS SELECT * FROM (VALUES ('a','b',1),('b','c',3),('a','c',2)) v(a, b, weight)"
    )
    f = fusion.fuse(con, {"t1": "t1", "t2": "t2"}, {"t1": 2, "t2": 3})
    # (a,c): 1/2 + 2/3 > 1 but neither trace reaches its threshold: left out
    assert f.to_dict("records") == [
        {"a": "a", "b": "b", "weight": round(2 / 2 + 1 / 3, 10), "t1": 2, "t2": 1},
        {"a": "b", "b": "c", "weight": 1.0, "t1": 0, "t2": 3},
    ]


def test_communities_are_seeded_and_numbered_by_size():
    tri = [("a", "b"), ("a", "c"), ("b", "c")]
    quad = [("p", "q"), ("p", "r"), ("p", "s"), ("q", "r"), ("q", "s"), ("r", "s")]
    e = pd.DataFrame(tri + quad + [("c", "p")], columns=["a", "b"]).assign(weight=1.0)
    e.loc[e.index[-1], "weight"] = 0.1
    com = fusion.communities(e).set_index("userid")["community"].to_dict()
    assert com == {"p": 1, "q": 1, "r": 1, "s": 1, "a": 2, "b": 2, "c": 2}
    assert fusion.communities(e).equals(fusion.communities(e))
    assert fusion.largest_component(e) == 7
    assert fusion.largest_component(e.iloc[:9]) == 4


@pytest.mark.slow
def test_a_dense_trace_stops_shuffling_once_it_has_enough_null_weights(monkeypatch):
    rows = [(f"k{i % 3}", u, at(7 * i + j)) for i in range(12) for j, u in enumerate("abcd")]
    con = _events(rows)
    full = fusion.null_threshold(con, "ev", 10, rounds=3)
    assert full.rounds == 3 and full.edges > 0
    monkeypatch.setattr(fusion, "ENOUGH", 1)
    one = fusion.null_threshold(con, "ev", 10, rounds=3)
    assert one.rounds == 1 and 0 < one.edges < full.edges


def _dense(accounts: int = 500, items: int = 12, posts: int = 30) -> duckdb.DuckDBPyConnection:
    """A co-hashtag-like trace: few items, every account posting them over two days."""
    rng = np.random.default_rng(7)
    n = accounts * posts
    ev = pd.DataFrame({
        "key": [f"k{i}" for i in rng.integers(0, items, n)],
        "userid": [f"u{a:03d}" for a in np.repeat(np.arange(accounts), posts)],
        "t": pd.Timestamp("2020-01-01", tz="UTC")
        + pd.to_timedelta(rng.integers(0, 2 * 24 * 60, n), unit="min"),
    })  # fmt: skip
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.register("ev_df", ev)
    con.execute("CREATE TABLE ev AS SELECT key, userid, CAST(t AS TIMESTAMPTZ) AS t FROM ev_df")
    return con


@pytest.mark.slow
def test_a_sampled_null_finds_the_full_nulls_threshold(monkeypatch):
    """A dense trace shuffles a seeded sample of its accounts: the threshold and the scaled
    chance must be what shuffling every account gives, or the reader's strong pairs change."""
    con = _dense()
    pairs = build_pairs(con, "ev", "p", 10).edges
    full = fusion.null_threshold(con, "ev", 10, rounds=1, pairs=pairs)
    assert full.sampled == 1.0 and full.edges > 40_000  # below SAMPLE_PAIRS: every account
    monkeypatch.setattr(fusion, "SAMPLE_PAIRS", pairs // 4)
    part = fusion.null_threshold(con, "ev", 10, rounds=1, pairs=pairs)
    assert 0.4 < part.sampled < 0.6 and part.edges < full.edges / 2
    assert part.threshold == full.threshold
    assert abs(part.chance - full.chance) <= 0.3 * full.chance + 3
    again = fusion.null_threshold(con, "ev", 10, rounds=1, pairs=pairs)
    assert again == part  # seeded


@pytest.mark.slow
def test_an_item_most_accounts_posted_is_left_out_and_counted():
    """1,200 accounts all post #common within minutes (1.4 million pairs, none of them telling),
    and two of them also share a rare item: only the rare item joins a pair. Below the floor
    (a small operation) nothing is left out."""
    n = 1_200
    ev = pd.DataFrame({
        "key": ["common"] * n + ["rare", "rare"],
        "userid": [f"u{i:04d}" for i in range(n)] + ["u0001", "u0002"],
        "t": pd.Timestamp("2020-01-01", tz="UTC")
        + pd.to_timedelta([i % 5 for i in range(n)] + [30, 31], unit="min"),
    })  # fmt: skip
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.register("ev_df", ev)
    con.execute("CREATE TABLE ev AS SELECT key, userid, CAST(t AS TIMESTAMPTZ) AS t FROM ev_df")
    p = build_pairs(con, "ev", "p", 10)
    assert (p.common_items, p.common_posts) == (1, n)
    assert con.execute("SELECT * FROM p").fetchall() == [("u0001", "u0002", 1)]
    # 999 accounts, one a minute (a crowd under the cap): #common joins neighbours in time
    con.execute("DELETE FROM ev WHERE userid >= 'u0999' AND key = 'common'")
    con.execute("UPDATE ev SET t = TIMESTAMPTZ '2020-02-01' + to_minutes(CAST(right(userid, 4) "
                "AS BIGINT)) WHERE key = 'common'")  # fmt: skip
    small = build_pairs(con, "ev", "p", 10)
    assert (small.common_items, small.skipped_posts) == (0, 0)
    assert small.edges == sum(min(10, 998 - i) for i in range(999))
    assert con.execute("SELECT weight FROM p WHERE a = 'u0001' AND b = 'u0002'").fetchone() == (2,)
