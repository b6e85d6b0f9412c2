"""Planted rings are recovered: both demos plant co-retweet, co-link, co-hashtag and co-reply
rings (truth.json "networks"), and the rendered version folder's network files hold each ring.

Read from network/edges.csv and nodes.csv of the session's rendered demos, so the whole path is
tested: traces, null thresholds, fusion, export. Skipped with the reason while a demo's
truth.json has no "networks" key (the demos that plant them are merged separately).
"""

from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path

import pytest

TRACES = ("co_retweet", "co_link", "co_hashtag", "co_reply")


def _read(folder: Path) -> tuple[dict[tuple[str, str], dict[str, str]], dict[str, dict[str, str]]]:
    with (folder / "network" / "edges.csv").open(newline="", encoding="utf-8") as f:
        edges = {tuple(sorted((r["Source"], r["Target"]))): r for r in csv.DictReader(f)}
    with (folder / "network" / "nodes.csv").open(newline="", encoding="utf-8") as f:
        nodes = {r["Id"]: r for r in csv.DictReader(f)}
    return edges, nodes  # type: ignore[return-value]


def _check_rings(run: dict) -> int:
    planted = run["truth"].get("networks")
    if not planted:
        pytest.skip("this demo's truth.json has no 'networks' rings yet (planted on branch demos)")
    window = run["findings"]["networks.window_minutes"]["value"]
    edges, nodes = _read(run["folder"])
    checked = 0
    for trace, rings in planted.items():
        f = run["findings"][f"networks.{trace}_edges"]
        if f.get("status") == "unavailable":
            assert not rings, f"{trace} rings planted but the trace is unavailable: {f['reason']}"
            continue
        for ring in rings:
            assert ring["window_minutes"] <= window, (
                "a ring planted wider than the profile's window"
            )
            for u in ring["accounts"]:
                assert trace in nodes[u]["traces"].split(";"), (trace, u)
            for a, b in combinations(sorted(ring["accounts"]), 2):
                assert int(edges[(a, b)][trace]) >= ring["events"], (trace, a, b)
            checked += 1
    return checked


@pytest.mark.slow
def test_the_china_demo_rings_are_recovered(rendered):
    assert _check_rings(rendered) > 0


@pytest.mark.slow
def test_the_second_demo_rings_are_recovered(rendered_russia):
    assert _check_rings(rendered_russia) > 0


def test_every_planted_trace_is_one_the_report_computes():
    from takedown.findings.networks.traces import TRACES as OURS

    assert set(TRACES) <= set(OURS)
