"""Shard benchmark (issue 20 item 15): ingest time and peak RSS against the number of shards.

  python scripts/bench_shards.py                 # 1k and 5k tiny tweets shards
  python scripts/bench_shards.py --shards 100000 # any list: --shards 1000,5000,100000

Each archive is one users file and N tweets shards of a few rows each, in the archive's own
naming (`bench_tweets_csv_hashed_N.csv`). Peak RSS is the whole process tree's (scripts/measure.py).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
from pathlib import Path

from measure import run

PY = sys.executable
ROWS = 3  # per shard
TWEET_HEADER = ["tweetid", "userid", "user_screen_name", "follower_count", "tweet_language",
                "tweet_text", "tweet_time", "is_retweet", "like_count", "hashtags"]  # fmt: skip


def generate(folder: Path, shards: int) -> None:
    """One users file (10 accounts) and `shards` tweets shards of ROWS rows."""
    folder.mkdir(parents=True)
    with open(folder / "bench_users_csv_hashed.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["userid", "user_screen_name", "follower_count"])
        w.writerows([f"u{i}", f"user{i}", str(i)] for i in range(10))
    for s in range(1, shards + 1):
        with open(folder / f"bench_tweets_csv_hashed_{s}.csv", "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(TWEET_HEADER)
            for r in range(ROWS):
                n = s * ROWS + r
                w.writerow([str(n), f"u{n % 10}", f"user{n % 10}", "3", "en", f"tweet {n}",
                            f"2020-01-{1 + n % 28:02d} 10:{n % 60:02d}", "False", "1", "[]"])  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shards", default="1000,5000")
    ap.add_argument("--keep", action="store_true", help="keep the generated archives")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench_shards-"))
    try:
        for n in (int(x) for x in args.shards.split(",")):
            raw, data = base / f"raw{n}", base / f"data{n}"
            generate(raw, n)
            cmd = [PY, "-m", "takedown.cli", "ingest", str(raw), "--dataset", "b"]
            took, rss, out = run([*cmd, "--data-dir", str(data)])
            print(f"{n:>7} shards: {took:7.1f} s, peak RSS {rss:.2f} GiB | {out.strip()}")
            shutil.rmtree(raw)
            shutil.rmtree(data)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
