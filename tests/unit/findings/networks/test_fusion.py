"""The null threshold, the fused network and its communities on hand-built tables."""

from __future__ import annotations

import duckdb
import pandas as pd

from takedown.findings.networks import fusion
from takedown.findings.networks.pairs import shuffle_events
from tests.unit.findings.networks.tiny_net import at


def _events(rows: list[tuple[str, str, str]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.execute("CREATE TABLE ev (key VARCHAR, userid VARCHAR, t TIMESTAMPTZ)")
    con.executemany("INSERT INTO ev VALUES (?, ?, CAST(? AS TIMESTAMP) AT TIME ZONE 'UTC')", rows)
    return con


def test_the_shuffle_keeps_each_accounts_items_and_times():
    rows = [(f"k{i}", u, at(7 * i + j)) for i in range(6) for j, u in enumerate("abc")]
    con = _events(rows)
    shuffle_events(con, "ev", "sh", seed=1)
    for col in ("key", "t"):
        before = con.execute(f"SELECT userid, {col} FROM ev ORDER BY ALL").fetchall()
        after = con.execute(f"SELECT userid, {col} FROM sh ORDER BY ALL").fetchall()
        assert before == after
    moved = con.execute("SELECT count(*) FROM ev JOIN sh USING (key, userid) WHERE ev.t <> sh.t")
    assert moved.fetchone()[0] > 0
    again = shuffle_events(con, "ev", "sh2", seed=1)
    assert con.execute(f"SELECT * FROM {again} EXCEPT SELECT * FROM sh").fetchall() == []


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
