"""Where the coordination-networks section's time goes: its calls, timed one by one (issue 19).

  python scripts/prof_networks.py DATA_DIR/NAME/current [--profile profiles/china_052020.yml]

Runs what notebooks/11_networks.ipynb computes, in this process and in its order: the shared
text keys, each trace's events, pairs, time-shuffle null and strong edges, then fusion, Leiden
communities, the findings, the export files and the community examples. Each line gives the
seconds of one call and the rows it made, so a slow stage shows without a profiler. Figures are
not drawn. Outputs go to a temporary folder that is removed at the end.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(label: str, fn, *args, **kwargs):  # noqa: ANN001, ANN202 - any call, its result
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    print(f"{label:34} {time.perf_counter() - t0:7.1f} s", flush=True)
    return out


def _strong(con, sql: str, threshold: float):  # noqa: ANN001, ANN202 - a DataFrame
    return con.execute(sql, [threshold]).df()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "dataset", type=Path, help="an ingested dataset's folder (DATA_DIR/NAME/current)"
    )
    ap.add_argument("--profile", type=Path, default=ROOT / "profiles" / "china_052020.yml")
    args = ap.parse_args()
    from takedown.findings import entities, groups
    from takedown.findings.networks import community_examples, export, fusion, summary, traces
    from takedown.findings.networks.pairs import build_pairs
    from takedown.notebook import setup

    tmp = Path(tempfile.mkdtemp(prefix="prof_networks-"))
    start = time.perf_counter()
    try:
        nb = _timed("setup", setup, str(args.dataset), str(args.profile), str(tmp / "out"),
                    "11_networks", str(tmp / "derived"))  # fmt: skip
        _timed("text keys (shared with 10)", nb.share_text_keys)
        con, cov = nb.con, nb.coverage
        window = nb.profile.coordination.window_minutes
        res = summary.Result(window, summary.CAP, fusion.NULL_ROUNDS)
        entities.create_view(con, cov)
        for name in traces.TRACES:
            src = traces.source(name, cov)
            if src.sql is None:
                res.unavailable[name] = src.reason or "its column is not in this dataset"
                print(f"{name}: not available ({res.unavailable[name]})")
                continue
            events = _timed(f"{name} events", traces.build_events, con, src)
            p = _timed(f"{name} pairs", build_pairs, con, events, f"net_pairs_{name}", window,
                       summary.CAP)  # fmt: skip
            null = _timed(f"{name} null", fusion.null_threshold, con, events, window, summary.CAP,
                          fusion.NULL_ROUNDS, pairs=p.edges)  # fmt: skip
            sql = f"SELECT a, b, weight FROM {p.table} WHERE weight >= ? ORDER BY a, b"
            edges = _timed(f"{name} strong edges", _strong, con, sql, null.threshold)
            res.traces[name] = summary.Trace(src, p, null, edges)
            n = con.execute(f"SELECT count(*) FROM {events}").fetchone()[0]
            print(f"  {n:,} events, {p.edges:,} pairs, {len(edges):,} at or above "
                  f"{null.threshold:g}", flush=True)  # fmt: skip
        tables = {t: r.pairs.table for t, r in res.traces.items()}
        thresholds = {t: r.null.threshold for t, r in res.traces.items()}
        res.fused = _timed("fuse", fusion.fuse, con, tables, thresholds)
        res.communities = _timed("communities (Leiden)", fusion.communities, res.fused)
        cols, why = groups.columns(nb.profile, cov)
        found = summary.summarize(res) + [summary.groups_finding(cols, why)]
        _timed("findings", nb.publish, found)
        _timed("export files", export.write, con, res, nb.exports, cols)
        _timed("community examples", community_examples.compute, con, res, cov)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'all, imports excluded':34} {time.perf_counter() - start:7.1f} s")


if __name__ == "__main__":
    main()
