"""The rendered demo's version folder holds the fused network for Gephi, agreeing with the
findings: as many pairs and accounts as the report states, the same edges in CSV and GraphML."""

from __future__ import annotations

import csv

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
