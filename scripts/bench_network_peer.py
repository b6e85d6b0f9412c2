"""Co-tweet plus co-retweet, ours against the peer's, side by side in one run (issue 19 item 7).

  python scripts/bench_network_peer.py                     # 9 million tweets, peer limit 1 h
  python scripts/bench_network_peer.py --tweets 348608     # try it small first
  python scripts/bench_network_peer.py --archive DIR       # an archive already generated
  python scripts/bench_network_peer.py --dataset DIR       # a dataset already ingested

The demo archive is generated (once per size, under --work) and ingested. Then, each in a fresh
process, timed wall and peak tree RSS:
- ours: the library calls the networks notebook makes for these two traces, traces.build_events
  and pairs.build_pairs (the time-shuffle null is timed apart: the peer has none);
- ours from the peer's input: pairs.build_pairs on the very events the peer is given, so that
  both clocks start at the same files (the first also normalizes every text: at 9M tweets the
  regex alone is about 16 s), and the same edges are checked;
- the peer: coordination-network-toolkit (1.5.2, the dev extra) on the same events, ours after
  our normalization (the mapping of tests/integration/test_networks_peer.py), its preprocess_data
  into its SQLite database plus compute_co_tweet_network and compute_co_retweet_parallel, with
  the same window and both cores. Each network runs in its own process and database; the peer
  is killed at --peer-limit seconds (both together) and then counts as the limit.
The events are exported for the peer before its clock starts. The load average is printed
beside the times, since this machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from measure import GIB, ROOT, peak_rss, run

PY = sys.executable
TRACES = ("co_tweet", "co_retweet")
PEER = {"co_tweet": "compute_co_tweet_network", "co_retweet": "compute_co_retweet_parallel"}


def takedown(*args: str) -> tuple[float, float, str]:
    return run([PY, "-m", "takedown.cli", *args])


def prepare(args: argparse.Namespace, work: Path) -> Path:
    """The ingested dataset's current folder: generated and ingested unless already there."""
    if args.dataset:
        return Path(args.dataset)
    raw = Path(args.archive) if args.archive else work / "raw"
    if not args.archive and not (raw / "truth.json").exists():
        print(f"generating {args.tweets:,} tweets on {args.accounts:,} accounts ...", flush=True)
        shutil.rmtree(raw, ignore_errors=True)
        took, _, _ = takedown("demo", str(raw), "--tweets", str(args.tweets),
                              "--accounts", str(args.accounts))  # fmt: skip
        print(f"  generated in {took:.1f} s", flush=True)
    data = work / "data"
    if not (data / "bench" / "current").exists():
        print("ingesting ...", flush=True)
        took, _, _ = takedown("ingest", str(raw), "--dataset", "bench", "--data-dir", str(data))
        print(f"  ingested in {took:.1f} s", flush=True)
    return data / "bench" / "current"


OURS = """
import json, sys, time
from pathlib import Path
from takedown.db import measure_coverage, open_dataset
from takedown.findings.networks import fusion, traces
from takedown.findings.networks.pairs import build_pairs
con = open_dataset(Path(sys.argv[1]))
cov = measure_coverage(con)
window, out = int(sys.argv[2]), {}
t0 = time.perf_counter()
for name in %(traces)r:
    src = traces.source(name, cov)
    assert src.sql is not None, src.reason
    events = traces.build_events(con, src)
    out[name + "_edges"] = build_pairs(con, events, "net_pairs_" + name, window).edges
out["seconds"] = time.perf_counter() - t0
t1 = time.perf_counter()
for name in %(traces)r:
    fusion.null_threshold(con, "net_ev_" + name, window, pairs=out[name + "_edges"])
out["null_seconds"] = time.perf_counter() - t1
print(json.dumps(out))
"""


def ours(current: Path, window: int) -> dict:
    took, rss, stdout = run([PY, "-c", OURS % {"traces": TRACES}, str(current), str(window)])
    row = json.loads(stdout.strip().splitlines()[-1])
    return {**row, "process_s": took, "rss_gib": rss}


SAME = """
import json, sys, time
from takedown.db import connect
from takedown.findings.networks.pairs import build_pairs
con = connect()
window, out = int(sys.argv[1]), {}
t0 = time.perf_counter()
for name, path in zip(%(traces)r, sys.argv[2:], strict=True):
    # A view: build_pairs reads the file in its first pass, as the peer's preprocess reads it.
    con.execute(f"CREATE TEMP VIEW ev_{name} AS SELECT key, userid, to_timestamp(s) AS t "
                f"FROM read_parquet('{path}')")
    out[name + "_edges"] = build_pairs(con, "ev_" + name, "net_pairs_" + name, window).edges
out["seconds"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def ours_same_input(events: dict[str, Path], window: int) -> dict:
    """Ours from the peer's own input (the exported events): the network work alone, like for
    like with the peer, whose clock starts at those files too."""
    paths = [str(events[name]) for name in TRACES]
    took, rss, stdout = run([PY, "-c", SAME % {"traces": TRACES}, str(window), *paths])
    row = json.loads(stdout.strip().splitlines()[-1])
    return {**row, "process_s": took, "rss_gib": rss}


def export_events(current: Path, work: Path) -> dict[str, Path]:
    """Every event of each trace after our normalization, as Parquet (userid, key, s)."""
    sys.path.insert(0, str(ROOT / "src"))
    from takedown.db import measure_coverage, open_dataset
    from takedown.findings.networks import traces

    con = open_dataset(current)
    cov = measure_coverage(con)
    paths = {}
    for name in TRACES:
        src = traces.source(name, cov)
        assert src.sql is not None, src.reason
        # Materialized whole first: a filter pushed into the scan would run the regex again.
        inner = src.sql.rsplit("WHERE length(key)", 1)[0] if name == "co_tweet" else src.sql
        con.execute(f"CREATE OR REPLACE TEMP TABLE ev AS {inner}")
        keep = src.sql.rsplit("WHERE ", 1)[1] if name == "co_tweet" else "true"
        paths[name] = work / f"peer_{name}.parquet"
        con.execute(
            f"""COPY (SELECT DISTINCT CAST(userid AS VARCHAR) AS userid,
                      CAST(key AS VARCHAR) AS key, CAST(epoch(t) AS BIGINT) AS s
                      FROM ev WHERE ({keep}) AND key IS NOT NULL AND userid IS NOT NULL
                      AND t IS NOT NULL ORDER BY userid, key, s)
                TO '{paths[name]}' (FORMAT parquet)"""
        )
    return paths


PEER_CHILD = """
import sys, time
import pyarrow.parquet as pq
from coordination_network_toolkit import compute_networks as peer
from coordination_network_toolkit.preprocess import preprocess_data
events, db, network, window = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
def messages():
    i = 0
    for batch in pq.ParquetFile(events).iter_batches(batch_size=100_000):
        for u, k, s in zip(*(batch.column(c).to_pylist() for c in ("userid", "key", "s"))):
            i += 1
            rt = network == "compute_co_retweet_parallel"
            yield (str(i), u, u, k if rt else None, None, "" if rt else k, s, [])
t0 = time.perf_counter()
preprocess_data(db, messages())
getattr(peer, network)(db, window * 60, n_threads=2)
print(time.perf_counter() - t0)
"""


def peer(events: dict[str, Path], work: Path, window: int, limit: float) -> dict:
    """The peer's time for both networks (wall, its own processes), or the limit if reached."""
    row: dict = {"limit_s": limit, "reached_limit": False, "rss_gib": 0.0}
    total = 0.0
    for name in TRACES:
        db = work / f"peer_{name}.db"
        db.unlink(missing_ok=True)
        cmd = [PY, "-c", PEER_CHILD, str(events[name]), str(db), PEER[name], str(window)]
        took, rss, done = _limited(cmd, limit - total)
        row[f"{name}_s"], row["rss_gib"] = took, max(row["rss_gib"], rss)
        total += took
        if not done:
            row["reached_limit"] = True
            total = limit
            break
    row["seconds"] = total
    return row


def _limited(cmd: list[str], budget: float) -> tuple[float, float, bool]:
    """(seconds, peak tree RSS GiB, finished): the command killed with its tree at the budget."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    peak = peak_rss(proc, every=0.2)
    try:
        _, err = proc.communicate(timeout=max(budget, 0.0))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return time.perf_counter() - t0, peak[0] / GIB, False
    if proc.returncode != 0:
        sys.exit(f"the peer failed ({proc.returncode}):\n{err[-2000:]}")
    return time.perf_counter() - t0, peak[0] / GIB, True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tweets", type=int, default=9_000_000)
    ap.add_argument("--accounts", type=int, default=8_558)
    ap.add_argument("--archive", help="an archive folder to ingest instead of a generated demo")
    ap.add_argument("--dataset", help="an ingested dataset's folder (DATA_DIR/NAME/current)")
    ap.add_argument("--work", default="/tmp/bench_network_peer")
    ap.add_argument("--window", type=int, default=10, help="minutes, as the profile's default")
    ap.add_argument("--peer-limit", type=float, default=3600.0, help="seconds, both networks")
    args = ap.parse_args()
    given = args.dataset or args.archive
    work = Path(args.work) / (Path(given).parent.name if args.dataset else Path(given).name
                              if given else str(args.tweets))  # fmt: skip
    work.mkdir(parents=True, exist_ok=True)
    current = prepare(args, work)
    print(f"dataset: {current}; load average before: {os.getloadavg()}", flush=True)
    us = ours(current, args.window)
    print(f"ours: co-tweet + co-retweet {us['seconds']:.1f} s (process {us['process_s']:.1f} s, "
          f"RSS {us['rss_gib']:.2f} GiB); their null {us['null_seconds']:.1f} s more; edges "
          f"{us['co_tweet_edges']:,} + {us['co_retweet_edges']:,}", flush=True)  # fmt: skip
    events = export_events(current, work)
    same = ours_same_input(events, args.window)
    print(f"ours from the peer's input (the events it is given): {same['seconds']:.1f} s (process "
          f"{same['process_s']:.1f} s); edges {same['co_tweet_edges']:,} + "
          f"{same['co_retweet_edges']:,}", flush=True)  # fmt: skip
    if any(same[f"{t}_edges"] != us[f"{t}_edges"] for t in TRACES):
        sys.exit("ours from the peer's input found other edges than ours from the dataset")
    print(f"load average before the peer: {os.getloadavg()}", flush=True)
    them = peer(events, work, args.window, args.peer_limit)
    over = " (killed at the limit: counts as the limit)" if them["reached_limit"] else ""
    print(f"peer: co-tweet + co-retweet {them['seconds']:.1f} s{over}, RSS "
          f"{them['rss_gib']:.2f} GiB", flush=True)  # fmt: skip
    ratio, like = them["seconds"] / us["seconds"], them["seconds"] / same["seconds"]
    print(f"ratio peer / ours: {ratio:.1f}x from the dataset (ours normalizes every text; the "
          f"peer is given the normalized events), {like:.1f}x from the same events (target at 9M "
          f"tweets: >= 100x); load average after: {os.getloadavg()}")  # fmt: skip
    import duckdb

    pq = (current / "tweets.parquet").as_posix()
    tweets = duckdb.connect().execute(f"SELECT count(*) FROM '{pq}'").fetchone()[0]
    result = {"tweets": tweets, "ours": us, "ours_same_input": same, "peer": them, "ratio": ratio,
              "ratio_same_input": like}  # fmt: skip
    (work / "result.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
