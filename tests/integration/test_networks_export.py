"""The rendered demo's version folder holds the fused network for Gephi, agreeing with the
findings: as many pairs and accounts as the report states, the same edges in CSV and GraphML."""

from __future__ import annotations

import csv

import duckdb
import networkx as nx
import pytest


@pytest.mark.slow
def test_the_version_folder_holds_the_network_the_report_states(rendered):
    net, found = rendered["folder"] / "network", rendered["findings"]
    with (net / "edges.csv").open(newline="", encoding="utf-8") as f:
        edges = {
            tuple(sorted((r["Source"], r["Target"]))): float(r["Weight"]) for r in csv.DictReader(f)
        }
    with (net / "nodes.csv").open(newline="", encoding="utf-8") as f:
        nodes = list(csv.DictReader(f))
    assert len(edges) == found["networks.fused_edges"]["value"]
    assert len(nodes) == found["networks.fused_accounts"]["value"]
    assert {n["community"] for n in nodes} == {
        str(i) for i in range(1, found["networks.communities"]["value"] + 1)
    }
    g = nx.read_graphml(net / "fused.graphml")
    name = nx.get_node_attributes(g, "name")
    back = {tuple(sorted((name[u], name[v]))): d["Weight"] for u, v, d in g.edges(data=True)}
    assert back == edges


def _nodes(folder) -> dict[str, dict[str, str]]:
    with (folder / "network" / "nodes.csv").open(newline="", encoding="utf-8") as f:
        return {r["Id"]: r for r in csv.DictReader(f)}


@pytest.mark.slow
def test_the_demo_nodes_have_no_groups_and_the_report_says_why(rendered):
    """The china profile names no group_by and the demo carries no group attribute: the groups
    column is empty everywhere, never a made-up value, and the finding gives the reason."""
    f = rendered["findings"]["networks.node_groups"]
    assert (
        f["status"] == "unavailable"
        and f["reason"] == (rendered["findings"]["groups.groups"]["reason"])
    )
    assert {n["groups"] for n in _nodes(rendered["folder"]).values()} == {""}
    g = nx.read_graphml(rendered["folder"] / "network" / "fused.graphml")
    assert {d["groups"] for _, d in g.nodes(data=True)} == {""}


@pytest.mark.slow
def test_the_ira_nodes_carry_each_account_s_groups(rendered_ira, ira_drafted):
    """Each node's groups are its users row's account_category, account_type and region."""
    found = rendered_ira["findings"]["networks.node_groups"]
    assert found["value"] == rendered_ira["findings"]["groups.attributes"]["value"]
    cols = found["value"].split(", ")
    users = duckdb.sql(
        f"SELECT userid, {', '.join(cols)} FROM "
        f"read_parquet('{(ira_drafted['data'] / 'ira' / 'users.parquet').as_posix()}')"
    ).fetchall()
    want = {
        u: "; ".join(f"{c}={v}" for c, v in zip(cols, vals, strict=True) if v is not None)
        for u, *vals in users
    }
    nodes = _nodes(rendered_ira["folder"])
    assert nodes and {u: n["groups"] for u, n in nodes.items()} == {u: want[u] for u in nodes}
    assert sum(bool(n["groups"]) for n in nodes.values()) > 0.9 * len(nodes)
    g = nx.read_graphml(rendered_ira["folder"] / "network" / "fused.graphml")
    assert {d["name"]: d["groups"] for _, d in g.nodes(data=True)} == {u: want[u] for u in nodes}


def _norm(trace: str, key: str) -> str:
    """A planted item as the trace keys it (the demo's links carry no tracking parameter)."""
    if trace == "co_link":
        return key.split("://", 1)[1].removeprefix("www.")
    return key.lower() if trace == "co_hashtag" else key


@pytest.mark.slow
def test_the_community_examples_name_the_planted_rings(rendered):
    """A community that is exactly one planted ring shows that ring's trace with one of its
    items, all of its accounts, and the earliest post of it, one of the ring's tweets."""
    path = rendered["folder"] / "tables" / "tbl-networks-community-examples.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    nodes = _nodes(rendered["folder"])
    members: dict[str, set[str]] = {}
    for u, n in nodes.items():
        members.setdefault(n["community"], set()).add(u)
    assert {r["community"] for r in rows} == {str(c) for c in range(1, 6)}
    matched = 0
    for r in rows:
        assert r["why"] == "" and int(r["accounts"]) <= int(r["members"])
        assert int(r["members"]) == len(members[r["community"]])
        for ring in rendered["truth"]["networks"].get(r["trace"], []):
            if set(ring["accounts"]) == members[r["community"]]:
                keys = [_norm(r["trace"], k) for k in ring["keys"]]
                assert r["item"] in keys and int(r["accounts"]) == len(ring["accounts"])
                assert r["tweetid"] in ring["tweetids"][keys.index(r["item"])]
                matched += 1
    assert matched >= 2
