"""Issue 18's archive benchmark: a synthetic archive shaped like the real one, end to end.

One operation per row of ../shared/data/twitter_io_releases/releases.csv, with that row's
accounts, tweets, span, top languages and clients (takedown.demo.spec), scaled by --scale;
rows under 2,000 tweets keep their real size. It runs `takedown archive` on it and prints, per
operation and in total: ingest, render (profile, notebooks, compose), the atlas, peak tree RSS,
peak disk, and tweets per second; and per operation the ingest ratio: the archive's ingest path
against a typed bare DuckDB copy of the same files, each run and timed as a whole process, in
this run, alternating (twice each; each side's best time counts).

    python scripts/bench_archive.py                 # --scale 0.1: about 21.7M tweets
    python scripts/bench_archive.py --scale 0.01 --limit 6
    python scripts/bench_archive.py --scale 1 --stream   # 216.7M; each CSV deleted once ingested

--stream generates one operation at a time, runs it through the archive's operation process
(ingest, profile, render), deletes its CSV files and goes on; the atlas comes last. Generation
is never timed.
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
REAL_SIZE_BELOW = 2000  # tweets: rows this small keep their real size at every scale


def _mix(text: str, sep: str, default: dict[str, float]) -> dict[str, float]:
    out = {}
    for part in filter(None, (p.strip() for p in text.split(sep))):
        name, _, share = part.rpartition(":")
        if name.strip() and float(share) > 0:
            out[name.strip()] = float(share)
    return out or default


def sizes(tweets: int, accounts: int, scale: float) -> tuple[int, int]:
    """(tweets, accounts) at `scale`; a row under REAL_SIZE_BELOW tweets keeps its real size."""
    if tweets >= REAL_SIZE_BELOW:
        tweets, accounts = round(tweets * scale), round(accounts * scale)
    accounts = max(2, accounts)  # the generator's floor: one account has nobody to retweet
    return max(tweets, accounts), accounts


def spec_of(row: dict[str, str], scale: float) -> dict:
    """The operation spec of one release row at `scale`."""
    tweets, accounts = sizes(int(row["tweets"]), int(row["accounts"]), scale)
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


def release_rows(limit: int | None) -> list[dict[str, str]]:
    return list(csv.DictReader(RELEASES.open(encoding="utf-8")))[:limit]


def build_one(root: Path, i: int, row: dict[str, str], scale: float) -> dict:
    """Write one release row's operation under root/<release>/<dataset>/."""
    from takedown.demo import generate
    from takedown.demo.spec import load_spec

    spec = load_spec(spec_of(row, scale))
    folder = root / row["release"] / spec.name
    generate(folder, seed=i, spec=spec)
    (folder / "truth.json").rename(root.parent / f"truth-{spec.name}.json")
    print(
        f"  generated {spec.name}: {spec.accounts:,} accounts, {spec.tweets:,} tweets", flush=True
    )
    return {"name": spec.name, "folder": folder, "tweets": spec.tweets}


def _timed(code: str, *args: str) -> tuple[float, str]:
    """Wall seconds of `python -c code args` as a whole process (interpreter start to exit),
    and what it printed."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True,
                         text=True).stdout  # fmt: skip
    return time.perf_counter() - t0, out


BARE = (  # the baseline: DuckDB's typed read_csv of every input file, written to Parquet
    "import sys, time, duckdb\n"
    "t = time.perf_counter()\n"
    "for i, src in enumerate(sys.argv[2:]):\n"
    "    duckdb.read_csv(src).write_parquet(f'{sys.argv[1]}/{i}.parquet')\n"
    "print(time.perf_counter() - t)\n"  # its work alone, after the import
)
INGEST = (  # the archive's own ingest path (operation.ingest_operation), into a scratch data dir
    "import sys, time; from pathlib import Path\n"
    "from takedown.pipeline.archive.discover import discover_operations\n"
    "from takedown.pipeline.archive.operation import ingest_operation\n"
    "import takedown.ingest.twitter, takedown.profile\n"  # what ingest_operation imports
    "t = time.perf_counter()\n"
    "(op,) = discover_operations(Path(sys.argv[2]), None)\n"
    "ingest_operation(op, Path(sys.argv[1]))\n"
    "print(time.perf_counter() - t)\n"  # its work alone, after the imports, as a worker runs it
)


ROUNDS = 2  # each side of the ratio is timed this many times, alternating; the best counts


def ingest_ratio(folder: Path, scratch: Path, rounds: int = ROUNDS) -> dict[str, float]:
    """The archive's ingest and the bare copy of the same files, each as a whole process, one
    after the other, `rounds` times; each side's best time (as timeit takes it), since one pair
    alone moved by up to 2x here (uae_082019: 2.01 in a run, 1.05-1.11 in three pairs after it).
    Paths come in as arguments: neither parses quoting of ours."""
    files = sorted(str(p) for p in folder.iterdir() if "_csv_" in p.name)
    out: dict[str, float] = {}
    for _ in range(rounds):
        for what, code, args in (("bare_s", BARE, files), ("ingest_s", INGEST, [str(folder)])):
            shutil.rmtree(scratch, ignore_errors=True)
            scratch.mkdir(parents=True)
            wall, printed = _timed(code, str(scratch), *args)
            work = what.replace("_s", "_work_s")
            out[what] = min(out.get(what, wall), wall)
            out[work] = min(out.get(work, float(printed.split()[-1])), float(printed.split()[-1]))
    shutil.rmtree(scratch, ignore_errors=True)
    return out


class Sampler:
    """Peak RSS of a process tree and peak disk use of a folder, sampled in a thread.

    Disk is the filesystem's used bytes above what they were without the work folder (`du` of
    it once, at the start): statvfs costs nothing, where `du` over the work folder every 2 s
    took a tenth of a core from the run it measured. At the end the folder itself is measured.
    """

    def __init__(self, pid: int, folder: Path) -> None:
        self.pid, self.folder, self.rss, self.disk = pid, folder, 0, 0
        self.base = used_bytes(folder) - du(folder)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.rss = max(self.rss, tree_rss(self.pid))
            self.disk = max(self.disk, used_bytes(self.folder) - self.base)
            self._stop.wait(0.5)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.disk = max(self.disk, du(self.folder))


def tree_rss(pid: int) -> int:
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


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process tree: each live process's own and its reaped children's."""
    from takedown.pipeline.workers import descendants

    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for p in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return total / tick


def used_bytes(path: Path) -> int:
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def du(path: Path) -> int:
    out = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True).stdout
    return int(out.split()[0]) if out.strip() else 0


def run_archive(work: Path, workers: int) -> tuple[float, Sampler]:
    """takedown archive on work/root, timed, its tree's RSS and the work folder's disk sampled."""
    cmd = [sys.executable, "-m", "takedown.cli", "archive", str(work / "root"), "--data-dir",
           str(work / "data"), "--out", str(work / "reports"), "--profiles", str(work / "profiles"),
           "--engine", "builtin"] + (["--workers", str(workers)] if workers else [])  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TAKEDOWN_CACHE_DIR": str(work / "cache")})  # fmt: skip
    sampler = Sampler(proc.pid, work)
    out, err = proc.communicate()
    took = time.perf_counter() - t0
    sampler.stop()
    if proc.returncode not in (0, 1):
        sys.exit(f"takedown archive failed ({proc.returncode}): {err.strip().splitlines()[-1:]}")
    sys.stderr.write(err)
    return took, sampler


def stream(work: Path, rows: list[dict[str, str]], scale: float) -> tuple[list[dict], float, float,
                                                                           Sampler]:  # fmt: skip
    """--stream: generate one operation, run it in the archive's operation process, delete its
    CSV files, next; then the atlas. Returns (ops, generation s, archive s, sampler)."""
    from takedown.pipeline.archive import fanout
    from takedown.pipeline.archive.atlas import build_atlas
    from takedown.pipeline.archive.discover import discover_operations
    from takedown.pipeline.archive.run import RUN_FILE, common_spec, write_run

    folders = [(work / d).resolve() for d in ("data", "reports", "profiles")]
    for f in folders:
        f.mkdir(parents=True, exist_ok=True)
    os.environ["TAKEDOWN_CACHE_DIR"] = str(work / "cache")
    common = common_spec(folders, "builtin", jobs=os.cpu_count() or 2)
    sampler = Sampler(os.getpid(), work)
    ops, results, gen_s, run_s = [], [], 0.0, 0.0
    for i, row in enumerate(rows):
        t0 = time.perf_counter()
        op = build_one(work / "root", i, row, scale)
        t1 = time.perf_counter()
        (found,) = discover_operations(op["folder"], None)
        os.sync()  # its CSV written back before the ratio's timing, as in the batch path
        op["ratio"] = ingest_ratio(op["folder"], work / "scratch")
        t2, c2 = time.perf_counter(), tree_cpu(os.getpid())
        results.append(fanout.run_in_process(fanout.spec_of(found, common)))
        t3, cpu = time.perf_counter(), tree_cpu(os.getpid()) - c2
        for f in found.files:
            f.unlink()
        gen_s, run_s = gen_s + t1 - t0, run_s + t3 - t2
        ops.append(op)
        r = results[-1]
        print(f"  {op['name']}: {r['status']} in {t3 - t2:.1f} s, {cpu:.1f} CPU-s "
              f"(ingest {r['seconds'].get('ingest', 0):.1f} s)", flush=True)  # fmt: skip
    write_run(folders[1] / RUN_FILE, results)
    t0 = time.perf_counter()
    build_atlas(results, data_dir=folders[0], out_root=folders[1], engine="builtin")
    run_s += time.perf_counter() - t0
    sampler.stop()
    return ops, gen_s, run_s, sampler


HEAD = (f"{'operation':24} {'tweets':>11} {'ingest':>7} {'ing.w':>6} {'bare.w':>6} {'ratio':>5} {'ing.p':>6} "
        f"{'bare.p':>6} {'ratio':>5} "
        f"{'profile':>7} {'nbooks':>6} {'kernel':>6} {'compose':>7} {'render':>7} {'tweets/s':>9}"
        "  status")  # fmt: skip


def table_row(op: dict, r: dict) -> str:
    s, t = r.get("seconds", {}), r.get("timings", {})
    ing, ren = s.get("ingest"), s.get("render")
    ratio = op.get("ratio", {})
    rel = f"{ratio['ingest_s'] / ratio['bare_s']:.2f}" if ratio else "-"
    warm = f"{_warm(ratio):.2f}" if ratio else "-"
    rate = f"{op['tweets'] / (ing + ren):,.0f}" if ing and ren else "-"

    def f(v: float | None, w: int) -> str:
        return f"{v:>{w}.1f}" if v is not None else f"{'-':>{w}}"

    return (f"{op['name'][:24]:24} {op['tweets']:>11,} {f(ing, 7)} {f(ratio.get('ingest_work_s'), 6)} "
            f"{f(ratio.get('bare_work_s'), 6)} "
            f"{warm:>5} {f(ratio.get('ingest_s'), 6)} "
            f"{f(ratio.get('bare_s'), 6)} {rel:>5} {f(s.get('profile'), 7)} "
            f"{f(t.get('notebooks_s'), 6)} {f(t.get('kernel_start_s'), 6)} "
            f"{f(t.get('compose_s'), 7)} {f(ren, 7)} {rate:>9}  {r.get('status', '?')}"
            + (f" ({r.get('stage')}: {r.get('reason', '')[:80]})" if r.get("status") == "failed" else ""))  # fmt: skip


def _warm(ratio: dict[str, float]) -> float:
    """In-process ingest over the in-process bare copy, both after their imports (as a warm
    archive worker runs an operation); a floor of 1 ms keeps a tiny copy from dividing by 0."""
    return ratio["ingest_work_s"] / max(ratio["bare_work_s"], 1e-3)


def clock_truth(work: Path) -> str:
    """The atlas's offset column against each operation's planted offset (truth-<op>.json): how
    many ranges hold it, how many show one offset alone, and which miss."""
    atlas = sorted((work / "reports" / "atlas").glob("*/atlas.csv"))
    if not atlas:
        return "atlas offsets against the planted truth: no atlas.csv"
    fid = "posting_clock.best_utc_offset"
    held, single, fitted, misses = 0, 0, 0, []
    with atlas[-1].open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            truth = work / f"truth-{row['operation']}.json"
            if not row[fid] or not truth.is_file():
                continue
            planted = json.loads(truth.read_text())["utc_offset_hours"]
            lo, hi = float(row[f"{fid}.low"]), float(row[f"{fid}.high"])
            fitted += 1
            single += lo == hi
            if lo <= planted <= hi:
                held += 1
            else:
                misses.append(
                    f"{row['operation']} planted {planted:+d}, shown {lo:+.0f} to {hi:+.0f}"
                )
    return (f"atlas offsets against the planted truth: {held} of {fitted} ranges hold the planted "
            f"offset, {single} show one offset alone" + "".join(f"\n  miss: {m}" for m in misses))  # fmt: skip


def report(work: Path, ops: list[dict], gen_s: float, total_s: float, sampler: Sampler,
           args: argparse.Namespace) -> None:  # fmt: skip
    """The table and the totals."""
    run = json.loads((work / "reports" / "archive-run.json").read_text())
    rows = {r["name"]: r for r in run["operations"]}
    print("\ningest: the stage in the archive's run, s (beside other operations' renders). ing.w "
          "and bare.w: the archive's ingest path and a typed bare\nDuckDB copy of the same files, "
          f"each alone and timed inside its own process after its imports, best of {ROUNDS} "
          "alternating; ratio = ing.w / bare.w."
          "\ning.p and bare.p: the same two, each timed as a whole process (interpreter start to "
          "exit); ratio = ing.p / bare.p. nbooks:\nnotebooks wall; kernel: summed wait for "
          "kernels; render includes compose.\n")  # fmt: skip
    print(HEAD)
    for op in ops:
        print(table_row(op, rows.get(op["name"], {})))
    n = sum(op["tweets"] for op in ops)
    sec = [r.get("seconds", {}) for r in rows.values()]
    ing = sum(s.get("ingest", 0) for s in sec)
    ren = sum(s.get("render", 0) + s.get("profile", 0) for s in sec)
    atlas = sorted((work / "reports" / "atlas").glob("*/manifest.json"))
    atlas_s = json.loads(atlas[-1].read_text())["timings"]["total_s"] if atlas else float("nan")
    ratios = [op["ratio"]["ingest_s"] / op["ratio"]["bare_s"] for op in ops if op.get("ratio")]
    warm = [_warm(op["ratio"]) for op in ops if op.get("ratio")]
    print(f"\n{len(ops)} operations, {n:,} tweets; generation {gen_s:.0f} s (excluded)")
    print(
        f"summed over operations: ingest {ing:.0f} s, profile + render {ren:.0f} s; atlas "
        f"{atlas_s:.0f} s; ingest ratio, whole processes {min(ratios, default=0):.2f}-"
        f"{max(ratios, default=0):.2f} ({sum(r > 1.5 for r in ratios)} over 1.5), in process "
        f"{min(warm, default=0):.2f}-{max(warm, default=0):.2f} ({sum(r > 1.5 for r in warm)} "
        "over 1.5)"
    )
    print(f"takedown archive: {total_s:.0f} s in all ({n / total_s:,.0f} tweets/s); peak tree RSS "
          f"{sampler.rss / 2**30:.2f} GiB; peak disk {sampler.disk / 2**30:.2f} GiB (the work "
          f"folder: CSV, data, reports, cache); load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(clock_truth(work))
    if args.scale == 0.1 and args.limit is None and not args.stream:
        verdict = "meets" if total_s < 720 else "misses"
        print(f"target at --scale 0.1: under 720 s; this run {verdict} it")
    if args.scale == 1 and args.limit is None and args.stream:
        ok = total_s < 3600 and sampler.rss < 8 * 2**30 and sampler.disk < 60e9
        print(
            f"target in full: under 3600 s, 8 GiB, 60 GB; this run {'meets' if ok else 'misses'} it"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--limit", type=int, default=None, help="only the first N release rows")
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--stream", action="store_true", help="generate, run, delete one at a time")
    ap.add_argument("--work", type=Path, default=ROOT / ".bench" / "archive")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    (args.work / "root").mkdir(parents=True)
    rows = release_rows(args.limit)
    if args.stream:
        ops, gen_s, total_s, sampler = stream(args.work, rows, args.scale)
    else:
        t0 = time.perf_counter()
        ops = [build_one(args.work / "root", i, row, args.scale) for i, row in enumerate(rows)]
        gen_s = time.perf_counter() - t0
        os.sync()  # the generated CSV written back now, not under the first ratios' timing
        for op in ops:
            op["ratio"] = ingest_ratio(op["folder"], args.work / "scratch")
        total_s, sampler = run_archive(args.work, args.workers)
    report(args.work, ops, gen_s, total_s, sampler, args)


if __name__ == "__main__":
    main()
