"""Scoring and fusion: each trace's chance level from a time-shuffle null, one fused network,
and its communities (Leiden, seeded).

A trace's threshold is the weight an edge needs to exceed the 0.99 quantile of the weights that
pairs reach when each post of a shared item is moved to a time drawn from its own account's post
times (pooled over up to three seeded shuffles, fewer once they give 100,000 pair weights). The fused weight of a pair is the sum over traces of its weight divided by
that trace's threshold; a pair is in the fused network when at least one trace reaches its
threshold (two traces below theirs never add up: co-hashtag and hashtag sequences overlap).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import igraph as ig
import leidenalg
import numpy as np
import pandas as pd

from takedown.findings.networks.pairs import (
    CAP,
    SHUFFLE_SEED,
    account_times,
    compact_pairs,
    shared_events,
    shuffle_events,
    temp_table_exists,
)

QUANTILE = 0.99
NULL_ROUNDS = 3  # at most; a trace stops once its pooled null weights number ENOUGH
# With 100,000 null weights the 0.99 quantile has 1,000 above it: its position is known to about
# +-0.0003 (binomial standard error), far finer than one unit of an integer weight, so further
# rounds of a dense trace (co-hashtag) cost minutes at scale and change nothing.
ENOUGH = 100_000
# A dense trace (co-hashtag: millions of pairs) shuffles only the events of a seeded sample of
# its accounts, sized so the pairs among them number about SAMPLE_PAIRS: the pairs among a random
# set of accounts are a random sample of all pairs, so the quantile is the same in expectation,
# at a few per cent of the join. Below SAMPLE_PAIRS pairs every account is shuffled.
SAMPLE_PAIRS = 4 * ENOUGH
LEIDEN_SEED = 0


@dataclass(frozen=True)
class Null:
    """A trace's chance level: null edges pooled over rounds, their 0.99 quantile, threshold."""

    rounds: int
    edges: int
    quantile: float
    threshold: int
    chance: float = 0.0  # pairs at or above the threshold in one shuffle, on average
    sampled: float = 1.0  # the share of the trace's accounts whose events were shuffled


def sample_share(pairs: int) -> float:
    """The share of accounts to shuffle for a trace of `pairs` pairs (1: all of them)."""
    return 1.0 if pairs <= SAMPLE_PAIRS else math.sqrt(SAMPLE_PAIRS / pairs)


def _sample(con: duckdb.DuckDBPyConnection, shared: str, share: float) -> tuple[str, float]:
    """The compact events of a seeded sample of `share` of the accounts, and the share of all
    account pairs that lie among them (1.0 without sampling)."""
    if share >= 1.0:
        return shared, 1.0
    cut = int(share * 1_000_000)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {shared}_s AS SELECT * FROM {shared}
            WHERE hash(xor(hash(u), hash({SHUFFLE_SEED}))) % 1000000 < {cut}"""
    )
    m, n = con.execute(
        f"SELECT (SELECT count(DISTINCT u) FROM {shared}_s), (SELECT count(*) FROM {shared}_ids)"
    ).fetchone()
    return f"{shared}_s", (m * (m - 1)) / max(n * (n - 1), 1)


def null_threshold(
    con: duckdb.DuckDBPyConnection, events: str, window_minutes: int, cap: int = CAP,
    rounds: int = NULL_ROUNDS, times: str | None = None, pairs: int = 0,
) -> Null:  # fmt: skip
    """The weight an edge of this trace needs: one more than the null weights' 0.99 quantile.

    `times` (userid, t) holds every post time of the trace's accounts when `events` keeps only
    the shared items' events: by default `events`_times where build_events wrote one
    (co-tweet), else the events' own times.
    With no pair at all in any shuffle, chance never joins two accounts: the threshold is 1.
    `pairs` (the trace's pairs in the data) sizes the sample of accounts (sample_share).
    """
    shared = shared_events(con, events, f"{events}_nsh")
    times = times or (f"{events}_times" if temp_table_exists(con, f"{events}_times") else events)
    pool = account_times(con, times, f"{shared}_ids", f"{events}_ntimes")
    share = sample_share(pairs)
    drawn, pair_share = _sample(con, shared, share)
    weights: list[np.ndarray] = []
    for r in range(rounds):
        if sum(len(w) for w in weights) >= ENOUGH:
            break
        shuffled = shuffle_events(con, drawn, pool, f"{events}_shuffled", SHUFFLE_SEED + r)
        compact_pairs(con, shuffled, f"{events}_null", window_minutes, cap)
        weights.append(con.execute(f"SELECT weight FROM {events}_null").fetchnumpy()["weight"])
        con.execute(f"DROP TABLE {events}_null")
        con.execute(f"DROP TABLE {shuffled}")
    for t in {pool, f"{pool}_n", shared, f"{shared}_ids", f"{shared}_common", drawn}:
        con.execute(f"DROP TABLE {t}")
    pooled = np.concatenate(weights) if weights else np.array([], dtype=np.int64)
    rounds = max(len(weights), 1)
    if pooled.size == 0:
        return Null(rounds, 0, 0.0, 1, sampled=share)
    q = float(np.quantile(pooled, QUANTILE, method="inverted_cdf"))
    threshold = int(np.floor(q)) + 1
    # scaled up from the pairs among the sampled accounts to all pairs
    chance = float((pooled >= threshold).sum()) / rounds / max(pair_share, 1e-12)
    return Null(rounds, int(pooled.size), q, threshold, chance, share)


def fuse(
    con: duckdb.DuckDBPyConnection, tables: dict[str, str], thresholds: dict[str, int]
) -> pd.DataFrame:
    """The fused network: a, b, weight (sum of weight/threshold), and each trace's weight.

    Only pairs where some trace reaches its threshold are kept: those are found first, and only
    their weights are read from the traces (a dense trace's pairs never meet in one aggregate).
    Sorted by a, b: deterministic.
    """
    cols = list(tables)
    if not cols:
        return pd.DataFrame(columns=["a", "b", "weight"])
    strong = " UNION ".join(
        f"SELECT a, b FROM {tables[t]} WHERE weight >= {int(thresholds[t])}" for t in cols
    )
    union = " UNION ALL ".join(
        f"SELECT a, b, '{t}' AS trace, weight FROM {tables[t]} SEMI JOIN strong USING (a, b)"
        for t in cols
    )
    per = ", ".join(f"sum(weight) FILTER (WHERE trace = '{t}') AS {t}" for t in cols)
    score = " + ".join(f"coalesce({t}, 0) / {float(thresholds[t])!r}" for t in cols)
    df = con.execute(
        f"""WITH strong AS MATERIALIZED ({strong})
            SELECT a, b, round({score}, 10) AS weight, * EXCLUDE (a, b) FROM (
                SELECT a, b, {per} FROM ({union}) GROUP BY a, b)
            ORDER BY a, b"""
    ).df()
    for t in cols:
        df[t] = df[t].fillna(0).astype("int64")
    return df


def graph(edges: pd.DataFrame, weight: str = "weight") -> tuple[ig.Graph, list[str]]:
    """An undirected igraph of the edges, vertices in sorted account order (deterministic)."""
    nodes = sorted(set(edges["a"]) | set(edges["b"]))
    index = {u: i for i, u in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=list(zip(edges["a"].map(index), edges["b"].map(index),
                                              strict=True)))  # fmt: skip
    g.es["weight"] = edges[weight].astype(float).tolist()
    return g, nodes


def largest_component(edges: pd.DataFrame) -> int:
    """Accounts in the largest connected component of the edges (0 without edges)."""
    if edges.empty:
        return 0
    g, _ = graph(edges)
    return int(max(g.connected_components().sizes()))


def communities(fused: pd.DataFrame, seed: int = LEIDEN_SEED) -> pd.DataFrame:
    """userid, community: Leiden (modularity, weighted, seeded) on the fused network.

    Communities are numbered 1, 2, ... by size, largest first (ties by their first account).
    """
    if fused.empty:
        return pd.DataFrame({"userid": pd.Series(dtype=str), "community": pd.Series(dtype=int)})
    g, nodes = graph(fused)
    part = leidenalg.find_partition(
        g, leidenalg.ModularityVertexPartition, weights="weight", seed=seed
    )
    df = pd.DataFrame({"userid": nodes, "raw": part.membership})
    size = df.groupby("raw")["userid"].agg(["size", "min"])
    order = size.sort_values(["size", "min"], ascending=[False, True]).index
    rank = {raw: i + 1 for i, raw in enumerate(order)}
    return pd.DataFrame({"userid": nodes, "community": df["raw"].map(rank).astype(int)})
