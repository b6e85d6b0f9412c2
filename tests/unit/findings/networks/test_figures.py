"""The networks section's tables and figure data on a hand-built fused network."""

from __future__ import annotations

import pandas as pd

from takedown.findings.networks import figures, fusion, traces
from takedown.findings.networks.pairs import Pairs
from takedown.findings.networks.summary import Result, Trace
from tests.unit.findings.tiny import make_con


def _result() -> Result:
    """Two triangles: a-b-c by co-hashtag, x-y-z by co-link and co-hashtag (x-y)."""
    con = make_con([], [])
    con.execute("CREATE TABLE p1 AS SELECT * FROM (VALUES ('a','b',3),('a','c',3),('b','c',2),"
                "('x','y',2)) v(a, b, weight)")  # fmt: skip
    con.execute("CREATE TABLE p2 AS SELECT * FROM (VALUES ('x','y',4),('x','z',4),('y','z',4)) "
                "v(a, b, weight)")  # fmt: skip
    res = Result(10, 500, 1)
    for name, table in (("co_hashtag", "p1"), ("co_link", "p2")):
        edges = con.execute(f"SELECT * FROM {table} ORDER BY a, b").df()
        res.traces[name] = Trace(traces.Source(name, "", None), Pairs(table, len(edges), 0, 0, 0),
                                 fusion.Null(1, 0, 0.0, 2), edges)  # fmt: skip
    for name in ("co_tweet", "co_retweet", "co_hashtag_seq", "co_reply"):
        res.unavailable[name] = "in_reply_to_tweetid is not in this dataset"
    res.fused = fusion.fuse(con, {"co_hashtag": "p1", "co_link": "p2"},
                            {"co_hashtag": 2, "co_link": 2})  # fmt: skip
    res.communities = fusion.communities(res.fused)
    return res


def test_the_community_table_names_traces_as_the_report_does():
    res = _result()
    nodes = pd.DataFrame({"Id": list("abcxyz"), "handle": ["=evil", None, None, "ex", None, None]})
    table = figures.community_table(res, nodes)
    assert table["accounts"].tolist() == ["3", "3"] and table["pairs"].tolist() == ["3", "3"]
    assert set(table["traces"]) == {"co-hashtag (3)", "co-hashtag (1), co-link (3)"}
    assert set(table["hub"]) == {"@=evil", "@ex"}  # the most connected account of each


def test_the_trace_table_says_why_a_trace_is_missing():
    table = figures.trace_table(_result()).set_index("trace")
    assert table.loc["co-reply", "edges"] == (
        "not available: in_reply_to_tweetid is not in this dataset"
    )
    assert table.loc["co-link", "flagged"] == "3"


def test_every_trace_has_a_short_name():
    assert set(figures.SHORT) == set(traces.TRACES)
    assert figures.label("x" * 40, "f") == "@" + "x" * 17 and figures.label(None, "c 1") == "c 1"
