"""The networks' findings: per trace its edges, accounts, largest component, chance threshold
and the accounts it alone flags; the fused network and its communities.

`compute` builds everything once; `summarize` turns it into findings; the notebook draws and
exports from the same `Result`, so nothing is scanned twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import duckdb
import pandas as pd

from takedown.findings import entities
from takedown.findings.contract import Coverage, Finding, Unit, ok, unavailable
from takedown.findings.networks import fusion, traces
from takedown.findings.networks.pairs import CAP, COMMON_FLOOR, COMMON_SHARE, Pairs, build_pairs

PER_TRACE: dict[str, tuple[Unit, str]] = {
    "edges": (Unit.count, "pairs of accounts joined"),
    "accounts": (Unit.count, "accounts with at least one pair"),
    "largest_component": (Unit.count, "accounts in the largest connected component"),
    "threshold": (Unit.count, "weight a pair needs (above the time-shuffle null's 0.99 quantile)"),
    "flagged": (Unit.count, "accounts with a pair at or above the threshold"),
    "strong_pairs": (Unit.count, "pairs at or above the threshold"),
    "chance_pairs": (Unit.number, "pairs at or above the threshold in a time shuffle (mean)"),
    "skipped_posts": (Unit.count, "posts left out for a crowd above the cap"),
    "common_items": (Unit.count, "items left out as common to most of its accounts"),
    "common_posts": (Unit.count, "posts of the items left out as common"),
}
GLOBAL: dict[str, tuple[Unit, str]] = {
    "window_minutes": (Unit.count, "Network window (minutes, from the profile)"),
    "cap": (Unit.count, "Posts of one item within the window above which a post is left out"),
    "common_share": (Unit.share, "Share of a trace's accounts above which an item is left out"),
    "common_floor": (Unit.count, "Accounts an item needs, at least, to be left out as common"),
    "null_rounds": (Unit.count, "Time shuffles pooled for a trace's null, at most"),
    "null_enough": (Unit.count, "Null pair weights after which a trace stops shuffling"),
    "traces_available": (Unit.count, "Traces this dataset supports"),
    "fused_edges": (Unit.count, "Pairs in the fused network"),
    "fused_accounts": (Unit.count, "Accounts in the fused network"),
    "fused_largest_component": (Unit.count, "Accounts in the fused network's largest component"),
    "communities": (Unit.count, "Communities of the fused network (Leiden)"),
    "largest_community": (Unit.count, "Accounts in the largest community"),
}


@dataclass
class Trace:
    """One available trace: where its events came from, its pairs, its null and its edges."""

    source: traces.Source
    pairs: Pairs
    null: fusion.Null
    edges: pd.DataFrame  # a, b, weight: the pairs at or above the threshold (all, in tests)

    @cached_property
    def largest(self) -> int:
        """Accounts in the largest connected component of all its pairs (build_pairs measures
        it on the compact pairs; a hand-built Trace from its edges)."""
        if self.pairs.largest >= 0:
            return self.pairs.largest
        return fusion.largest_component(self.edges)

    @cached_property
    def flagged(self) -> set[str]:
        strong = self.edges[self.edges["weight"] >= self.null.threshold]
        return set(strong["a"]) | set(strong["b"])


@dataclass
class Result:
    window_minutes: int
    cap: int
    rounds: int = fusion.NULL_ROUNDS
    traces: dict[str, Trace] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    fused: pd.DataFrame = field(default_factory=pd.DataFrame)
    communities: pd.DataFrame = field(default_factory=pd.DataFrame)


def compute(
    con: duckdb.DuckDBPyConnection, coverage: Coverage, window_minutes: int, cap: int = CAP,
    rounds: int = fusion.NULL_ROUNDS, text_keys: Callable[[], None] | None = None,
) -> Result:  # fmt: skip
    """Every trace this dataset supports, its null, the fused network and its communities.

    co-tweet is computed last, after `text_keys` (the notebook's share of the render's text
    keys): at tens of millions of tweets the render is still hashing them, and the other traces'
    work (a minute at 45M) overlaps that instead of waiting for it. Every result is seeded by
    hash, so the order changes nothing; res.traces keeps TRACES' order.
    """
    res = Result(window_minutes, cap, rounds)
    entities.create_view(con, coverage)  # hashtags and links: the columns, or the text
    done: dict[str, Trace] = {}
    for name in sorted(traces.TRACES, key=lambda t: t == "co_tweet"):
        src = traces.source(name, coverage)
        if src.sql is None:
            res.unavailable[name] = src.reason or "its column is not in this dataset"
            continue
        if name == "co_tweet" and text_keys is not None:
            text_keys()
        done[name] = _trace(con, src, window_minutes, cap, rounds)
    res.traces = {t: done[t] for t in traces.TRACES if t in done}
    res.unavailable = {t: res.unavailable[t] for t in traces.TRACES if t in res.unavailable}
    tables = {t: r.pairs.table for t, r in res.traces.items()}
    res.fused = fusion.fuse(con, tables, {t: r.null.threshold for t, r in res.traces.items()})
    res.communities = fusion.communities(res.fused)
    return res


def _trace(
    con: duckdb.DuckDBPyConnection, src: traces.Source, window_minutes: int, cap: int, rounds: int
) -> Trace:
    """One trace: its events, pairs, null and the edges at or above the null's threshold."""
    events = traces.build_events(con, src)
    p = build_pairs(con, events, f"net_pairs_{src.trace}", window_minutes, cap)
    null = fusion.null_threshold(con, events, window_minutes, cap, rounds, pairs=p.edges)
    edges = con.execute(
        f"SELECT a, b, weight FROM {p.table} WHERE weight >= ? ORDER BY a, b", [null.threshold]
    ).df()  # only these: a dense trace has tens of millions of pairs
    return Trace(src, p, null, edges)


def method(name: str, res: Result, tr: Trace | None = None) -> str:
    """The rule of one trace in words."""
    w = res.window_minutes
    how = tr.source.method if tr else ""
    return (
        f"{traces.LABELS[name]}: {how}; two accounts are joined when both posted the same item "
        f"within {w} minutes of each other, weighted by the number of distinct items; a post with "
        f"more than {res.cap:,} posts of its item within {w} minutes either side is left out "
        "(a blind spot for mass hashtags); an item posted by more than "
        f"{COMMON_SHARE:.0%} of the trace's accounts, and by more than {COMMON_FLOOR:,} of them, "
        "is left out as the operation's common theme; threshold: above the 0.99 quantile of pair weights "
        "when each post of an item two accounts shared moves to a time drawn from its own "
        "account's post times "
        f"({tr.null.rounds if tr else fusion.NULL_ROUNDS} seeded shuffles pooled{_sampled(tr)})"
    )


def _sampled(tr: Trace | None) -> str:
    """How much of a dense trace the null shuffled (fusion.sample_share), in words."""
    if tr is None or tr.null.sampled >= 1.0:
        return ""
    return (f", over the pairs among a seeded {tr.null.sampled:.1%} of the accounts, "
            "scaled to all pairs")  # fmt: skip


def _trace_findings(name: str, res: Result) -> list[Finding]:
    ids = {f"networks.{name}_{k}": v for k, v in PER_TRACE.items()}
    label = traces.LABELS[name]
    tr = res.traces.get(name)
    if tr is None:
        why = res.unavailable[name]
        return [unavailable(i, unit=u, label=f"{label}: {lbl}", reason=why)
                for i, (u, lbl) in ids.items()]  # fmt: skip
    values = {
        "edges": tr.pairs.edges,
        "accounts": tr.pairs.accounts,
        "largest_component": tr.largest,
        "threshold": tr.null.threshold,
        "flagged": len(tr.flagged),
        "strong_pairs": int((tr.edges["weight"] >= tr.null.threshold).sum()),
        "chance_pairs": round(tr.null.chance, 2),
        "skipped_posts": tr.pairs.skipped_posts,
        "common_items": tr.pairs.common_items,
        "common_posts": tr.pairs.common_posts,
    }
    rule = method(name, res, tr)
    return [
        ok(i, values[i.rsplit(f"{name}_", 1)[1]], unit=u, label=f"{label}: {lbl}", method=rule)
        for i, (u, lbl) in ids.items()
    ]


def fused_over(res: Result) -> str:
    """Which traces the fused findings combine: fewer where a column is absent, so say which."""
    names = ", ".join(traces.LABELS[t] for t in res.traces) or "none"
    return f"fused over the traces this dataset supports ({names})"


def summarize(res: Result) -> list[Finding]:
    """Per trace (measured or unavailable with its reason), then the fused network's findings."""
    out: list[Finding] = []
    for name in traces.TRACES:
        out += _trace_findings(name, res)
    fused_rule = (
        f"{fused_over(res)}: sum over traces of a pair's weight divided by that trace's "
        "threshold; pairs where at least one trace reaches its threshold; communities by "
        f"Leiden (modularity, weighted, seed {fusion.LEIDEN_SEED})"
    )
    sizes = res.communities["community"].value_counts() if len(res.communities) else None
    accounts = len(set(res.fused["a"]) | set(res.fused["b"])) if len(res.fused) else 0
    values: dict[str, object] = {
        "window_minutes": res.window_minutes,
        "cap": res.cap,
        "common_share": COMMON_SHARE,
        "common_floor": COMMON_FLOOR,
        "null_rounds": res.rounds,
        "null_enough": fusion.ENOUGH,
        "traces_available": len(res.traces),
        "fused_edges": len(res.fused),
        "fused_accounts": accounts,
        "fused_largest_component": fusion.largest_component(res.fused),
        "communities": 0 if sizes is None else len(sizes),
        "largest_community": 0 if sizes is None else int(sizes.max()),
    }
    for name, (unit, label) in GLOBAL.items():
        fid = f"networks.{name}"
        if not res.traces:
            out.append(unavailable(fid, unit=unit, label=label,
                                   reason="this dataset supports none of the traces"))  # fmt: skip
            continue
        if res.fused.empty and name in ("fused_largest_component", "largest_community"):
            out.append(unavailable(fid, unit=unit, label=label,
                                   reason="no pair reaches the fused network's threshold"))  # fmt: skip
            continue
        method_ = fused_rule if name.startswith(("fused", "communit", "largest")) else None
        method_ = fused_over(res) if name == "traces_available" else method_
        out.append(ok(fid, values[name], unit=unit, label=label, method=method_))  # type: ignore[arg-type]
    return out


def groups_finding(columns: list[str], reason: str | None) -> Finding:
    """Which users columns the nodes' groups come from (the groups section's attributes), or
    why the export's groups column is empty."""
    fid, label = "networks.node_groups", "Account attributes in the nodes' groups column"
    if reason or not columns:
        return unavailable(fid, unit=Unit.text, label=label, reason=reason or "no group column")
    return ok(fid, ", ".join(columns), unit=Unit.text, label=label,
              method="the groups section's attributes: the users columns named by the "
                     "profile's group_by, else those of the archive's adapters the data holds; "
                     "each written attribute=value, joined by semicolons")  # fmt: skip
