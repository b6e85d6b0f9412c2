"""Issue 18's archive benchmark: a synthetic archive shaped like the real one, end to end.

One operation per row of ../shared/data/twitter_io_releases/releases.csv, with that row's
accounts, tweets, span, top languages and clients (takedown.demo.spec), scaled by --scale
(rows under 2,000 tweets keep their real size, down to the generator's floor of 50 accounts
and tweets). It runs `takedown archive` on it and prints, per operation and in total: ingest,
the same file's typed bare DuckDB copy as a whole process (the baseline, measured in this run)
and their ratio, render, the atlas, peak tree RSS, disk, and tweets per second.

    python scripts/bench_archive.py                 # --scale 0.1: about 21.7M tweets
    python scripts/bench_archive.py --scale 0.01 --limit 6
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = next((p / "shared" for p in (ROOT.parent, ROOT.parent.parent) if (p / "shared").is_dir()),
              ROOT.parent / "shared")  # fmt: skip
RELEASES = SHARED / "data" / "twitter_io_releases" / "releases.csv"
# Approximate UTC offsets of the attributed countries: a synthetic clock, not a finding.
OFFSETS = {"China": 8, "Russia": 3, "Iran": 3, "Saudi Arabia": 3, "Egypt": 2, "UAE": 4,
           "Venezuela": -4, "Ecuador": -5, "Honduras": -6, "Cuba": -5, "Mexico": -6,
           "Serbia": 1, "Spain": 1, "Turkey": 3, "Indonesia": 7, "Thailand": 7,
           "Bangladesh": 6, "Ghana": 0}  # fmt: skip
FLOOR = date(2010, 11, 4)
DEFAULT_SPAN = ("2018-01-01", "2020-06-30")


def _mix(text: str, sep: str, default: dict[str, float]) -> dict[str, float]:
    out = {}
    for part in filter(None, (p.strip() for p in text.split(sep))):
        name, _, share = part.rpartition(":")
        if name.strip() and float(share) > 0:
            out[name.strip()] = float(share)
    return out or default


def spec_of(row: dict[str, str], scale: float) -> dict:
    """The operation spec of one release row at `scale`."""
    tweets, accounts = int(row["tweets"]), int(row["accounts"])
    if tweets >= 2000:
        tweets, accounts = round(tweets * scale), round(accounts * scale)
    accounts = max(50, accounts)
    tweets = max(tweets, accounts, 50)
    langs = _mix(row["top_tweet_languages"], " ", {"en": 0.7, "und": 0.1})
    langs = {k: v for k, v in langs.items() if k == "und" or k.isascii() and 2 <= len(k) <= 7}
    first = max(date.fromisoformat(row["first_tweet"] or DEFAULT_SPAN[0]), FLOOR)
    last = date.fromisoformat(row["last_tweet"] or DEFAULT_SPAN[1])
    if last <= first:
        last = first + timedelta(days=365)
    offset = next((v for k, v in OFFSETS.items() if row["attributed_to"].startswith(k)), 0)
    clients = _mix(row["top_clients"], "|", {"Twitter Web Client": 0.6, "Twitter for Android": 0.4})
    return {
        "name": row["dataset"].lower(),
        "base": "china" if max(langs, key=langs.get).startswith("zh") else "russia",
        "accounts": accounts, "tweets": tweets, "start": first.isoformat(), "end": last.isoformat(),
        "languages": langs if set(langs) - {"und"} else {"en": 0.5, "und": 0.5},
        "clients": clients, "utc_offset_hours": offset,
    }  # fmt: skip


def build(root: Path, scale: float, limit: int | None) -> list[dict]:
    """Write one operation per release row under root/<release>/<dataset>/."""
    from takedown.demo import generate
    from takedown.demo.spec import load_spec

    rows = list(csv.DictReader(RELEASES.open(encoding="utf-8")))[:limit]
    specs = []
    for i, row in enumerate(rows):
        spec = load_spec(spec_of(row, scale))
        folder = root / row["release"] / spec.name
        generate(folder, seed=i, spec=spec)
        (folder / "truth.json").rename(root.parent / f"truth-{spec.name}.json")
        specs.append({"name": spec.name, "folder": folder, "tweets": spec.tweets})
        print(
            f"  generated {spec.name}: {spec.accounts:,} accounts, {spec.tweets:,} tweets",
            flush=True,
        )
    return specs


def bare_copy(folder: Path, scratch: Path) -> float:
    """The baseline: DuckDB reads the tweets CSV with its typed detection and writes Parquet, in
    a process of its own; timed inside it, as the archive's rows time ingest inside the worker
    (neither counts the interpreter's start)."""
    src = next(folder.glob("*_tweets_csv_hashed*.csv"))
    # The paths come in as arguments: the baseline parses no quoting of ours.
    code = (
        "import sys, time, duckdb; t = time.perf_counter(); "
        "duckdb.read_csv(sys.argv[1]).write_parquet(sys.argv[2]); "
        "print(time.perf_counter() - t)"
    )
    dst = scratch / "bare.parquet"
    out = subprocess.run([sys.executable, "-c", code, src.as_posix(), dst.as_posix()],
                         check=True, capture_output=True, text=True).stdout  # fmt: skip
    dst.unlink(missing_ok=True)
    return float(out.strip().splitlines()[-1])


def _tree_rss(pid: int) -> int:
    from takedown.pipeline.workers import descendants

    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run_archive(work: Path, workers: int) -> tuple[dict, float, int]:
    """takedown archive on work/root, timed, with its peak tree RSS sampled every 0.5 s."""
    cmd = [sys.executable, "-m", "takedown.cli", "archive", str(work / "root"), "--data-dir",
           str(work / "data"), "--out", str(work / "reports"), "--profiles", str(work / "profiles"),
           "--engine", "builtin"] + (["--workers", str(workers)] if workers else [])  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TAKEDOWN_CACHE_DIR": str(work / "cache")})  # fmt: skip
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            time.sleep(0.5)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    took = time.perf_counter() - t0
    t.join()
    if proc.returncode not in (0, 1):
        sys.exit(f"takedown archive failed ({proc.returncode}): {err.strip().splitlines()[-1:]}")
    sys.stderr.write(err)
    return {"stdout": out, "stderr": err}, took, peak[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--limit", type=int, default=None, help="only the first N release rows")
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--work", type=Path, default=ROOT / ".bench" / "archive")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    (args.work / "root").mkdir(parents=True)
    t0 = time.perf_counter()
    ops = build(args.work / "root", args.scale, args.limit)
    gen_s = time.perf_counter() - t0
    base = {op["name"]: bare_copy(op["folder"], args.work) for op in ops}
    _, total_s, peak = run_archive(args.work, args.workers)
    run = json.loads((args.work / "reports" / "archive-run.json").read_text())
    rows = {r["name"]: r for r in run["operations"]}
    print(f"\n{'operation':28} {'tweets':>11} {'ingest s':>9} {'bare s':>7} {'ratio':>6} "
          f"{'render s':>9} {'tweets/s':>10}  status")  # fmt: skip
    for op in ops:
        r = rows.get(op["name"], {})
        ing, ren = r.get("seconds", {}).get("ingest"), r.get("seconds", {}).get("render")
        bare = base[op["name"]]
        ratio = f"{ing / bare:.2f}" if ing else "-"
        rate = f"{op['tweets'] / (ing + ren):,.0f}" if ing and ren else "-"
        print(f"{op['name'][:28]:28} {op['tweets']:>11,} {ing or 0:>9.1f} {bare:>7.1f} {ratio:>6} "
              f"{ren or 0:>9.1f} {rate:>10}  {r.get('status', '?')}")  # fmt: skip
    n = sum(op["tweets"] for op in ops)
    print(f"\n{len(ops)} operations, {n:,} tweets; generation {gen_s:.0f} s (excluded)")
    print(f"takedown archive: {total_s:.0f} s in all ({n / total_s:,.0f} tweets/s); peak tree RSS "
          f"{peak / 2**30:.2f} GiB; disk {(_du(args.work / 'data') + _du(args.work / 'reports')) / 2**30:.2f} GiB "
          f"(data + reports); atlas versions {len(list((args.work / 'reports' / 'atlas').glob('*')))}")  # fmt: skip
    if args.scale == 0.1 and args.limit is None:
        verdict = "meets" if total_s < 720 else "misses"
        print(f"target at --scale 0.1: under 720 s; this run {verdict} it")


if __name__ == "__main__":
    main()
