"""Quarto's fixed cost per run, on this machine: what a compose pays before it reads a word.

  python scripts/bench_quarto.py                         # start-up and one-line-document runs
  python scripts/bench_quarto.py --compose 30.2 5.1      # also the compose ratio quarto/builtin
                                                         # with Quarto's start-up left out
                                                         # (seconds from bench_render's manifests)
Times wall and CPU seconds (user + system of the whole process tree) of `quarto --version` (the
launcher and deno loading Quarto) and of `quarto render` of a one-line document to HTML and to
Typst with the project's own _quarto.yml (Lua filters, theme, template, typst). A released Quarto
starts in well under a second; this machine's, run from source under deno, does not. The two
formats run at once in a compose, so the larger of the two runs is the start-up it pays.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one command and everything it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def one_line_project(tmp: Path) -> Path:
    """The report's _quarto.yml (its formats, theme and css) over a one-line document."""
    (tmp / "report").mkdir()
    shutil.copy2(ROOT / "_quarto.yml", tmp / "_quarto.yml")
    for style in ("quarto.css", "quarto.scss"):
        shutil.copy2(ROOT / "report" / style, tmp / "report" / style)
    (tmp / "report" / "report.qmd").write_text("---\ntitle: T\n---\n\nOne line.\n")
    return tmp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; the fastest is printed")
    ap.add_argument("--compose", type=float, nargs=2, metavar=("QUARTO_S", "BUILTIN_S"),
                    help="compose wall seconds of each engine (compose_s in their manifests), for the ratio "
                    "without Quarto's start-up")  # fmt: skip
    args = ap.parse_args()
    if shutil.which("quarto") is None:
        sys.exit("no quarto on PATH (see README, Quarto)")
    with tempfile.TemporaryDirectory() as tmp:
        project = one_line_project(Path(tmp))
        cmds = {
            "quarto --version": ["quarto", "--version"],
            "one line, --to html": ["quarto", "render", "report/report.qmd", "--to", "html"],
            "one line, --to typst": ["quarto", "render", "report/report.qmd", "--to", "typst"],
        }
        best = {}
        for label, cmd in cmds.items():
            runs = [timed(cmd, project) for _ in range(args.repeat)]
            best[label] = min(runs)
            print(f"{label:22} wall {best[label][0]:5.1f} s  CPU {min(c for _, c in runs):5.1f} s")
    html, typst = best["one line, --to html"], best["one line, --to typst"]
    startup = max(html[0], typst[0])
    print(f"start-up a compose pays: {startup:.1f} s wall (the slower format: both run at once), "
          f"{html[1] + typst[1]:.1f} s CPU (both formats)")  # fmt: skip
    if args.compose:
        q, b = args.compose
        print(f"compose ratio quarto/builtin: {q / b:.1f}x; without Quarto's start-up: "
              f"({q:.1f} - {startup:.1f}) / {b:.1f} = {(q - startup) / b:.1f}x")  # fmt: skip


if __name__ == "__main__":
    main()
