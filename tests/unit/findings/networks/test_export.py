"""Gephi's files: column names, neutralized formula cells, and a GraphML that reads back."""

from __future__ import annotations

import csv

import networkx as nx
import pandas as pd
import pytest

from takedown.findings.networks import export, fusion, traces
from takedown.findings.networks.pairs import Pairs
from takedown.findings.networks.summary import Result, Trace
from tests.unit.findings.tiny import make_con

HOSTILE = '=HYPERLINK("x")\x01<b>&'


@pytest.fixture
def built():
    users = [{"userid": u, "account_creation_date": "2019-09-0" + str(i + 1)}
             for i, u in enumerate(["a", "b", "c", "+d"])]  # fmt: skip
    tweets = [{"userid": u, "tweet_time": "2020-01-01 00:00"} for u in ["a", "a", "b", "c", "+d"]]
    con = make_con(users, tweets)
    con.execute("ALTER TABLE users ADD COLUMN user_screen_name VARCHAR")
    con.execute("UPDATE users SET user_screen_name = CASE userid WHEN 'a' THEN ? "
                "WHEN 'b' THEN 'bee' END", [HOSTILE])  # fmt: skip
    con.execute("ALTER TABLE users ADD COLUMN region VARCHAR")
    con.execute("ALTER TABLE users ADD COLUMN party VARCHAR")
    con.execute("UPDATE users SET region = CASE userid WHEN 'a' THEN 'North' WHEN 'b' THEN ? "
                "END, party = CASE userid WHEN 'a' THEN 'red' END", [HOSTILE])  # fmt: skip
    con.execute(
        "CREATE TABLE p1 AS SELECT * FROM (VALUES ('+d','a',3),('a','b',2),('b','c',1)) v(a, b, weight)"
    )
    con.execute("CREATE TABLE p2 AS SELECT * FROM (VALUES ('a','b',4)) v(a, b, weight)")
    res = Result(10, 500, 1)
    for name, table, thr in (("co_hashtag", "p1", 2), ("co_link", "p2", 1)):
        edges = con.execute(f"SELECT * FROM {table} ORDER BY a, b").df()
        res.traces[name] = Trace(traces.Source(name, "", None), Pairs(table, len(edges), 0, 0, 0),
                                 fusion.Null(1, 0, 0.0, thr), edges)  # fmt: skip
    res.fused = fusion.fuse(
        con, {"co_hashtag": "p1", "co_link": "p2"}, {"co_hashtag": 2, "co_link": 1}
    )
    res.communities = fusion.communities(res.fused)
    return con, res


def test_edges_and_nodes_csv_have_gephis_columns_and_no_formula(built, tmp_path):
    con, res = built
    paths = export.write(con, res, tmp_path, ["region", "party"])
    with paths["edges"].open(newline="") as f:
        edges = list(csv.DictReader(f))
    assert list(edges[0]) == ["Source", "Target", "Weight", "co_hashtag", "co_link"]
    # ('b','c') is below both thresholds: not in the fused network
    assert [(e["Source"], e["Target"], float(e["Weight"]), e["co_link"]) for e in edges] == [
        ("'+d", "a", 1.5, "0"), ("a", "b", 5.0, "4")]  # fmt: skip
    with paths["nodes"].open(newline="") as f:
        nodes = {n["Id"]: n for n in csv.DictReader(f)}
    assert list(next(iter(nodes.values()))) == list(export.NODE_COLUMNS)
    assert nodes["a"]["handle"] == "'" + HOSTILE and nodes["a"]["tweets"] == "2"
    assert nodes["'+d"]["Label"] == "'+d"  # no handle: the id
    assert nodes["b"]["created"] == "2019-09-02"
    assert (
        nodes["a"]["traces"] == "co_hashtag;co_link"
        and nodes["b"]["traces"] == "co_hashtag;co_link"
    )
    # each attribute with a value, in the order given; none: empty, never a made-up value
    assert nodes["a"]["groups"] == "region=North; party=red"
    assert nodes["b"]["groups"] == "region=" + HOSTILE  # starts with the attribute: no formula
    assert nodes["'+d"]["groups"] == ""


@pytest.mark.slow
def test_groups_are_empty_where_the_profile_and_data_define_none(built, tmp_path):
    con, res = built
    paths = export.write(con, res, tmp_path)
    with paths["nodes"].open(newline="") as f:
        assert {n["groups"] for n in csv.DictReader(f)} == {""}
    g = nx.read_graphml(paths["graphml"])
    assert {d["groups"] for _, d in g.nodes(data=True)} == {""}


@pytest.mark.slow
def test_a_group_value_that_is_a_formula_never_starts_its_cell(built, tmp_path):
    con, res = built
    con.execute("UPDATE users SET party = '=1+1' WHERE userid = '+d'")
    table = export.nodes(con, res, ["party"])
    assert table.set_index("Id").loc["+d", "groups"] == "party==1+1"
    path = export.write(con, res, tmp_path, ["party"])["nodes"]
    with path.open(newline="") as f:
        assert {n["Id"]: n["groups"] for n in csv.DictReader(f)}["'+d"] == "party==1+1"


def test_graphml_reads_back_with_the_same_edges_and_weights(built, tmp_path):
    con, res = built
    path = export.write(con, res, tmp_path, ["region", "party"])["graphml"]
    g = nx.read_graphml(path)
    name = nx.get_node_attributes(g, "name")
    back = {tuple(sorted((name[u], name[v]))): d for u, v, d in g.edges(data=True)}
    want = {tuple(sorted((r.a, r.b))): r for r in res.fused.itertuples()}
    assert set(back) == set(want)
    for k, r in want.items():
        assert back[k]["Weight"] == pytest.approx(r.weight, abs=0, rel=1e-12)
        assert back[k]["co_hashtag"] == r.co_hashtag and back[k]["co_link"] == r.co_link
    handles = {name[u]: d.get("handle") for u, d in g.nodes(data=True)}
    assert handles["a"] == HOSTILE.replace("\x01", "")  # XML forbids the control character
    groups = {name[u]: d["groups"] for u, d in g.nodes(data=True)}
    assert groups == {"a": "region=North; party=red", "b": "region=" + HOSTILE.replace("\x01", ""),
                      "+d": ""}  # fmt: skip


def test_an_empty_network_writes_headers_only(tmp_path):
    con = make_con([], [])
    con.execute("ALTER TABLE users ADD COLUMN user_screen_name VARCHAR")
    res = Result(10, 500, 1, fused=pd.DataFrame(columns=["a", "b", "weight"]),
                 communities=fusion.communities(pd.DataFrame(columns=["a", "b", "weight"])))  # fmt: skip
    paths = export.write(con, res, tmp_path)
    assert paths["edges"].read_text().strip() == "Source,Target,Weight"
    assert nx.read_graphml(paths["graphml"]).number_of_nodes() == 0


@pytest.mark.slow
def test_a_large_edge_list_keeps_the_fused_order(tmp_path):
    """edges.csv lists the fused edges in (Source, Target) order, however many there are (a COPY
    of the frame alone wrote 2,048-row chunks out of order at 234,000 edges)."""
    from takedown.db import connect

    n = 300_000
    a = [f"u{i:07d}" for i in range(n)]
    frame = pd.DataFrame({"Source": a, "Target": a, "Weight": 1.0, "co_link": 1})
    export._csv(connect(), frame, tmp_path / "edges.csv", text=("Source", "Target"))
    back = pd.read_csv(tmp_path / "edges.csv")
    assert back["Source"].tolist() == a
