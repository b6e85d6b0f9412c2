"""The fused network as files a researcher opens in Gephi: network/edges.csv, nodes.csv and
fused.graphml in the version folder.

A node's groups are the account's values of the profile's group attributes (findings.groups),
written `attribute=value` and joined by "; "; empty where the account has none or the profile and
data define none. Handles, ids and group values are hostile text: in the CSVs a cell a spreadsheet would run as a formula gets a
leading quote (the rule of rejects.csv), and GraphML gets no control character XML forbids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import duckdb
import igraph as ig
import pandas as pd

from takedown.findings.networks.summary import Result
from takedown.ingest.normalize import lit, q
from takedown.ingest.rejects import neutralize
from takedown.tables_csv import ROW, in_order

NODE_COLUMNS = ("Id", "Label", "handle", "created", "tweets", "community", "groups", "traces")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def nodes(con: duckdb.DuckDBPyConnection, res: Result, groups: Sequence[str] = ()) -> pd.DataFrame:
    """One row per account of the fused network: handle, creation, tweets, community, its
    values of the `groups` users columns, and the traces in which it reaches the threshold."""
    com = res.communities
    if com.empty:
        return pd.DataFrame(columns=list(NODE_COLUMNS))
    flagged = pd.DataFrame(
        [(u, t) for t, tr in res.traces.items() for u in tr.flagged], columns=["userid", "trace"]
    )
    traces = flagged.sort_values(["userid", "trace"]).groupby("userid")["trace"].agg(";".join)
    con.register("net_nodes_df", com)
    info = con.execute(
        f"""SELECT n.userid,
                  (SELECT any_value(user_screen_name) FROM users u WHERE u.userid = n.userid) AS handle,
                  (SELECT strftime(min(account_creation_date), '%Y-%m-%d') FROM users u
                   WHERE u.userid = n.userid) AS created,
                  (SELECT count(*) FROM tweets t WHERE t.userid = n.userid) AS tweets,
                  (SELECT {group_sql(groups)} FROM users u WHERE u.userid = n.userid) AS groups
           FROM net_nodes_df n ORDER BY n.userid"""
    )
    info = info.df()
    con.unregister("net_nodes_df")
    out = com.merge(info, on="userid").sort_values("userid")
    out["groups"] = out["groups"].fillna("")
    out["traces"] = out["userid"].map(traces).fillna("")
    out = out.rename(columns={"userid": "Id"})
    out["Label"] = out["handle"].fillna(out["Id"])
    return out[list(NODE_COLUMNS)].reset_index(drop=True)


def group_sql(groups: Sequence[str]) -> str:
    """SQL over users `u`: `attribute=value` for each group column with a value, joined by
    "; " in the given order (the smallest value where an account has several rows)."""
    if not groups:
        return "''"
    parts = ", ".join(
        f"CASE WHEN min(u.{q(g)}) IS NOT NULL THEN {lit(g + '=')} || CAST(min(u.{q(g)}) AS VARCHAR) END"
        for g in groups
    )
    return f"concat_ws('; ', {parts})"


def write(
    con: duckdb.DuckDBPyConnection, res: Result, folder: Path, groups: Sequence[str] = ()
) -> dict[str, Path]:
    """network/edges.csv, nodes.csv and fused.graphml under `folder`; their paths by name.
    `groups` are the users columns a node's groups come from (findings.groups.columns)."""
    net = folder / "network"
    net.mkdir(parents=True, exist_ok=True)
    trace_cols = [t for t in res.traces]
    edges = res.fused.rename(columns={"a": "Source", "b": "Target", "weight": "Weight"})
    edges = edges.reindex(columns=["Source", "Target", "Weight", *trace_cols])
    table = nodes(con, res, groups)
    paths = {
        "edges": net / "edges.csv",
        "nodes": net / "nodes.csv",
        "graphml": net / "fused.graphml",
    }
    _csv(con, edges, paths["edges"], text=("Source", "Target"))
    _csv(con, table, paths["nodes"], text=("Id", "Label", "handle", "groups", "traces"))
    graphml(edges, table, paths["graphml"])
    return paths


def _csv(
    con: duckdb.DuckDBPyConnection, df: pd.DataFrame, path: Path, text: tuple[str, ...]
) -> None:
    """COPY to CSV with the text columns neutralized against formula injection, in the frame's
    row order."""
    con.register("net_export_df", in_order(df))
    cols = ", ".join(
        f"{neutralize(f'CAST({q(c)} AS VARCHAR)')} AS {q(c)}" if c in text else q(c)
        for c in df.columns
    )
    con.execute(
        f"COPY (SELECT {cols} FROM net_export_df ORDER BY {ROW}) TO {lit(path.as_posix())} "
        "(HEADER, DELIMITER ',')"
    )
    con.unregister("net_export_df")


def graphml(edges: pd.DataFrame, table: pd.DataFrame, path: Path) -> None:
    """fused.graphml: vertices in Id order with their attributes, edges with Weight and traces."""
    ids = table["Id"].tolist()
    index = {u: i for i, u in enumerate(ids)}
    g = ig.Graph(n=len(ids), edges=list(zip(edges["Source"].map(index), edges["Target"].map(index),
                                            strict=True)))  # fmt: skip
    for col in table.columns:
        values = table[col].tolist()
        if col in ("tweets", "community"):
            g.vs[col] = [int(v) for v in values]
        else:
            g.vs[col] = [
                "" if v is None or v != v else _XML_FORBIDDEN.sub("", str(v)) for v in values
            ]
    g.vs["name"] = g.vs["Id"]
    for col in edges.columns[2:]:
        g.es[col] = [float(v) if col == "Weight" else int(v) for v in edges[col]]
    g.write_graphml(str(path))
