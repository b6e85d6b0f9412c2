"""Ingest benchmark: `takedown ingest` against bare DuckDB and pandas on the same files.

Prints ratios measured in the same run (these machines are noisy), and peak RSS of the ingest.
  python scripts/bench_ingest.py [--tweets 10000000] [--dir build/bench-demo]
Targets (issue 2): ingest <= 2.5x DuckDB count(*), >= 5x faster than pandas.read_csv, RSS < 4 GiB.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

PY = sys.executable


def timed(code: str) -> tuple[float, float]:
    """Run code in a fresh interpreter; (seconds, that process's own peak RSS in GiB)."""
    probe = "\nimport resource\nprint('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    t0 = time.perf_counter()
    proc = subprocess.run([PY, "-c", code + probe], check=True, capture_output=True, text=True)
    took = time.perf_counter() - t0
    kib = int(re.findall(r"RSS (\d+)", proc.stdout)[-1])
    return took, kib / 1024 / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tweets", type=int, default=10_000_000)
    ap.add_argument("--accounts", type=int, default=23_750)
    ap.add_argument("--dir", type=Path, default=Path("build/bench-demo"))
    ap.add_argument("--skip-pandas", action="store_true")
    args = ap.parse_args()

    raw = args.dir / f"raw-{args.tweets}"
    if not (raw / "truth.json").exists():
        print(f"generating {args.tweets:,} tweets into {raw} ...", flush=True)
        t0 = time.perf_counter()
        subprocess.run(
            [PY, "-m", "takedown.cli", "demo", str(raw), "--tweets", str(args.tweets),
             "--accounts", str(args.accounts)],
            check=True,
        )  # fmt: skip
        print(f"  generated in {time.perf_counter() - t0:.1f} s")
    files = sorted(str(p) for p in raw.glob("*.csv"))
    size = sum(Path(f).stat().st_size for f in files) / 2**30
    print(f"input: {len(files)} files, {size:.2f} GiB")

    count_code = (
        "import duckdb; con = duckdb.connect(); con.execute('SET enable_progress_bar=false'); "
        + "; ".join(
            f"con.execute(\"SELECT count(*) FROM read_csv('{f}')\").fetchone()" for f in files
        )
    )
    t_count, _ = timed(count_code)
    print(f"duckdb count(*) over read_csv:   {t_count:8.1f} s")
    copy_code = (
        "import duckdb; con = duckdb.connect(); con.execute('SET enable_progress_bar=false'); "
        + "; ".join(
            f"con.execute(\"COPY (SELECT * FROM read_csv('{f}', all_varchar=true)) TO "
            f"'{args.dir}/copy{i}.parquet' (FORMAT parquet, COMPRESSION snappy)\")"
            for i, f in enumerate(files)
        )
    )
    t_copy, _ = timed(copy_code)
    print(f"duckdb bare CSV->Parquet copy:   {t_copy:8.1f} s  (no typing, no checks: context)")

    data = args.dir / "data"
    shutil.rmtree(data, ignore_errors=True)
    ingest_code = (
        "from pathlib import Path; from takedown.ingest import ingest; "
        f"ingest([Path('{raw}')], 'bench', Path('{data}'))"
    )
    t_ingest, rss = timed(ingest_code)
    ds = json.loads((data / "bench/dataset.json").read_text())
    print(
        f"takedown ingest:                 {t_ingest:8.1f} s  peak RSS {rss:.2f} GiB  "
        f"({ds['counts']['tweets']:,} tweets kept, {ds['counts']['rejected']:,} rejected)"
    )
    t_cached, _ = timed(ingest_code)
    print(f"takedown ingest (unchanged):     {t_cached:8.1f} s  (includes interpreter start)")

    ratio_duck = t_ingest / t_count
    print(f"\ningest / duckdb count(*)  = {ratio_duck:.2f}x   (target <= 2.5x)")
    print(f"ingest / bare copy        = {t_ingest / t_copy:.2f}x")
    if not args.skip_pandas:
        pandas_code = "import pandas as pd\n" + "\n".join(f"pd.read_csv('{f}')" for f in files)
        t_pandas, prss = timed(pandas_code)
        print(f"pandas.read_csv:                 {t_pandas:8.1f} s  peak RSS {prss:.2f} GiB")
        print(f"pandas / ingest           = {t_pandas / t_ingest:.2f}x   (target >= 5x)")
    print(f"peak RSS of ingest        = {rss:.2f} GiB (target < 4 GiB)")


if __name__ == "__main__":
    main()
