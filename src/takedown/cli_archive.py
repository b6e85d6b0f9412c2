"""`takedown archive`: every operation under a folder, reported, and one atlas across them."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from takedown.cli_io import console, err, errors, fail, progress_bar
from takedown.userfiles import printable


def _line(row: dict[str, Any]) -> str:
    """One line per operation: what each stage did, or where and why it failed."""
    name = escape(printable(row["name"]))
    took = sum(row.get("seconds", {}).values())
    if row["status"] == "failed":
        return f"  [red]FAILED[/] {name} at {row['stage']}: {escape(printable(row['reason'], 600))}"
    profile = "draft profile" if row.get("draft_profile") else "profile"
    what = "unchanged, not rendered" if row["status"] == "unchanged" else "rendered"
    return (
        f"  {name}: {row.get('ingested', '?')} · {profile} · {what} "
        f"{escape(str(row.get('version', '')))} ({took:.1f} s)"
    )


def archive(
    root: Annotated[Path, typer.Argument(help="Folder holding the archive (any depth).")],
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where datasets live.")] = Path(
        "data"
    ),
    out: Annotated[Path, typer.Option("--out", help="Reports folder.")] = Path("reports"),
    profiles: Annotated[
        Path, typer.Option("--profiles", help="Profiles: P/<dataset>.yml, drafts in P/drafts/.")
    ] = Path("profiles"),
    workers: Annotated[
        int, typer.Option(min=0, help="Local Dask worker processes (0: from cores and memory).")
    ] = 0,
    scheduler: Annotated[
        str | None,
        typer.Option(help="A Dask scheduler (tcp://HOST:PORT) to run on instead of locally."),
    ] = None,
    engine: Annotated[
        str, typer.Option(help="auto (Quarto when on PATH), builtin (pandoc + typst) or quarto.")
    ] = "auto",
) -> None:
    """Ingest and render every operation under ROOT, in parallel on Dask, then the atlas."""
    from takedown.pipeline.archive.run import run_archive

    with errors():
        t0 = time.perf_counter()
        with progress_bar() as report:
            result = run_archive(
                root, data_dir=data_dir, out_root=out, profiles=profiles, workers=workers,
                scheduler=scheduler, engine=engine,
                on_row=lambda row, done, total: (
                    err.print(_line(row), highlight=False, soft_wrap=True), report("operations", done / total)
                ),
                on_stage=lambda s: err.print(f"  {escape(s)}", highlight=False, soft_wrap=True),
            )  # fmt: skip
        rows = result.rows
        counts = {
            s: sum(1 for r in rows if r["status"] == s) for s in ("rendered", "unchanged", "failed")
        }
        if result.atlas:
            state = "new" if result.atlas_new else "unchanged"
            console.print(str(result.atlas / "report.html"), highlight=False, markup=False)
            err.print(
                f"atlas ({state}): {escape(str(result.atlas))}", highlight=False, soft_wrap=True
            )
        took = time.perf_counter() - t0
        summary = (f"{len(rows)} operations in {took:.1f} s: {counts['rendered']} rendered, "
                   f"{counts['unchanged']} unchanged, {counts['failed']} failed")  # fmt: skip
        if not counts["rendered"] and not counts["failed"]:
            summary += "; nothing to render, the archive is unchanged"
        if counts["failed"]:
            for r in rows:
                if r["status"] == "failed":
                    err.print(printable(f"error: {r['name']}: failed at {r['stage']}: {r['reason']}", 800),
                              markup=False, highlight=False, soft_wrap=True)  # fmt: skip
            fail(summary, 1)
        console.print(summary, highlight=False, soft_wrap=True)
