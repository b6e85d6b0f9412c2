"""The tables and the data behind the figures of the networks section (the notebook draws)."""

from __future__ import annotations

import re

import pandas as pd

from takedown.findings.networks import traces
from takedown.findings.networks.summary import Result

# Trace names as figures and tables show them.
SHORT = {
    "co_tweet": "co-tweet", "co_retweet": "co-retweet", "co_link": "co-link",
    "co_hashtag": "co-hashtag", "co_hashtag_seq": "hashtag sequence", "co_reply": "co-reply",
}  # fmt: skip
DRAWN_COMMUNITIES = 8
DRAWN_ACCOUNTS = 1_500  # the layout is O(accounts^2) in memory
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def trace_table(res: Result) -> pd.DataFrame:
    """One row per trace: pairs, accounts, largest component, threshold, flagged; or why not."""
    rows = []
    for name in traces.TRACES:
        tr = res.traces.get(name)
        if tr is None:
            why = f"not available: {res.unavailable[name]}"
            rows.append({"trace": SHORT[name], "edges": why, "accounts": "",
                         "largest": "", "threshold": "", "strong": "", "chance": "",
                         "flagged": ""})  # fmt: skip
            continue
        rows.append({
            "trace": SHORT[name], "edges": f"{tr.pairs.edges:,}",
            "accounts": f"{tr.pairs.accounts:,}",
            "largest": f"{tr.largest:,}",
            "threshold": f"{tr.null.threshold:,}",
            "strong": f"{int((tr.edges['weight'] >= tr.null.threshold).sum()):,}",
            "chance": f"{tr.null.chance:,.1f}", "flagged": f"{len(tr.flagged):,}",
        })  # fmt: skip
    return pd.DataFrame(rows)


def label(handle: object, fallback: str) -> str:
    """A handle as a figure label: printable, one line, at most 18 characters."""
    text = _UNPRINTABLE.sub("", str(handle)) if isinstance(handle, str) and handle else fallback
    return ("@" + text if text != fallback else text)[:18]


def _strength(edges: pd.DataFrame) -> pd.Series:
    both = pd.concat([edges[["a", "weight"]].rename(columns={"a": "u"}),
                      edges[["b", "weight"]].rename(columns={"b": "u"})])  # fmt: skip
    return both.groupby("u")["weight"].sum()


def drawn(res: Result, nodes: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The fused edges inside the largest communities (at most DRAWN_ACCOUNTS accounts), and
    each drawn community's most connected account with its label."""
    sizes = res.communities["community"].value_counts().sort_index()
    keep, total = [], 0
    for c, n in sizes.items():
        if len(keep) >= DRAWN_COMMUNITIES or (keep and total + n > DRAWN_ACCOUNTS):
            break
        keep.append(c)
        total += n
    com = res.communities.set_index("userid")["community"]
    f = res.fused
    same = f["a"].map(com).isin(keep) & (f["a"].map(com) == f["b"].map(com))
    sub = f.loc[same, ["a", "b", "weight"]].reset_index(drop=True)
    sub.attrs["communities"] = len(keep)
    strength = _strength(sub)
    handles = nodes.set_index("Id")["handle"] if len(nodes) else pd.Series(dtype=object)
    hubs = {}
    for c in keep:
        members = strength[strength.index.map(com) == c]
        if len(members):
            top = members.sort_index().idxmax()
            hubs[top] = label(handles.get(top), f"community {c}")
    return sub, hubs


def community_table(res: Result, nodes: pd.DataFrame) -> pd.DataFrame:
    """One row per community, largest first: accounts, pairs inside, pairs per trace, hub."""
    com = res.communities.set_index("userid")["community"]
    f = res.fused.assign(ca=res.fused["a"].map(com), cb=res.fused["b"].map(com))
    inside = f[f["ca"] == f["cb"]]
    handles = nodes.set_index("Id")["handle"] if len(nodes) else pd.Series(dtype=object)
    strength = _strength(inside) if len(inside) else pd.Series(dtype=float)
    rows = []
    for c, n in res.communities["community"].value_counts().sort_index().items():
        e = inside[inside["ca"] == c]
        per = [f"{SHORT[t]} ({int((e[t] > 0).sum()):,})" for t in res.traces if (e[t] > 0).any()]
        members = strength[strength.index.map(com) == c]
        hub = members.sort_index().idxmax() if len(members) else None
        rows.append({"community": c, "accounts": f"{n:,}", "pairs": f"{len(e):,}",
                     "traces": ", ".join(per),
                     "hub": label(handles.get(hub), "") if hub is not None else ""})  # fmt: skip
    return pd.DataFrame(rows)


def overlap(sets: dict[str, set[str]]) -> pd.DataFrame:
    """UpSet rows: each non-empty combination of traces and the accounts flagged by exactly it,
    largest first (at most 15)."""
    names = list(sets)
    everyone = set().union(*sets.values())
    member = {u: frozenset(t for t in names if u in sets[t]) for u in everyone}
    counts = pd.Series(list(member.values())).value_counts()
    rows = [{"traces": tuple(sorted(c, key=names.index)), "accounts": int(n)}
            for c, n in counts.items()]  # fmt: skip
    rows.sort(
        key=lambda r: (-r["accounts"], len(r["traces"]), [names.index(t) for t in r["traces"]])
    )
    return pd.DataFrame(rows[:15], columns=["traces", "accounts"])
