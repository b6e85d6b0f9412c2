"""The `takedown` commands that make and inspect data: demo, ingest, versions, diff."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from takedown.cli_io import console, err, errors, progress_bar
from takedown.errors import TakedownError
from takedown.userfiles import printable


def demo(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the synthetic archive into.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")] = 0,
    accounts: Annotated[
        int | None, typer.Option(help="Number of accounts [default: the operation's own]")
    ] = None,
    tweets: Annotated[
        int | None, typer.Option(help="Number of tweets [default: the operation's own]")
    ] = None,
    operation: Annotated[
        str, typer.Option(help="Synthetic operation: china (default) or russia.")
    ] = "china",
) -> None:
    """Write a synthetic takedown archive (Twitter IO format) with known planted effects."""
    from takedown.demo import generate

    with errors():
        t0 = time.perf_counter()
        try:
            with progress_bar() as report:
                truth = generate(
                    out_dir,
                    seed=seed,
                    accounts=accounts,
                    tweets=tweets,
                    operation=operation,
                    progress=report,
                )
        except ValueError as exc:
            raise TakedownError(str(exc)) from None
        except OSError as exc:
            msg = f"{out_dir}: cannot write the archive there ({exc.strerror}); pass a folder"
            raise TakedownError(msg) from None
        console.print(
            f"wrote synthetic archive to {out_dir}: {truth['accounts']:,} accounts, "
            f"{truth['tweets']:,} tweets ({time.perf_counter() - t0:.1f} s); truth in truth.json",
            highlight=False,
        )


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Archive files or folders.")],
    dataset: Annotated[str, typer.Option("--dataset", help="Name for the ingested dataset.")],
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where datasets live.")] = Path(
        "data"
    ),
    force: Annotated[
        bool, typer.Option(help="Re-ingest even if the inputs are unchanged.")
    ] = False,
    max_expanded_gb: Annotated[
        float,
        typer.Option(help="Refuse zip/gzip inputs that expand to more than this in total."),
    ] = 50.0,
    max_expansion_ratio: Annotated[
        float,
        typer.Option(help="Refuse a zip/gzip input that expands more than this many times."),
    ] = 100.0,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="auto (from file names and headers), twitter, tweets-only, ira538, or mapped "
            "(a column mapping in the profile's source: block).",
        ),
    ] = "auto",
    profile: Annotated[
        Path | None,
        typer.Option(help="A profile whose source: block says how to read this export."),
    ] = None,
) -> None:
    """Read a takedown archive or another export into normalized Parquet (DATA_DIR/NAME)."""
    from takedown.ingest import ingest as run_ingest
    from takedown.ingest.limits import GB, Limits
    from takedown.profile import load_profile

    with errors():
        if max_expanded_gb <= 0 or max_expansion_ratio <= 0:
            raise TakedownError("--max-expanded-gb and --max-expansion-ratio must be above 0")
        limits = Limits(int(max_expanded_gb * GB), max_expansion_ratio)
        t0 = time.perf_counter()
        source = load_profile(profile).source if profile else None
        with progress_bar() as report:
            ds, cached = run_ingest(
                paths,
                dataset,
                data_dir,
                force=force,
                progress=report,
                limits=limits,
                fmt=fmt,
                source=source,
            )
        took = time.perf_counter() - t0
        where = data_dir / dataset
        if cached:
            console.print(
                f"{where}: inputs unchanged, dataset reused ({took:.2f} s)", highlight=False
            )
            return
        c = ds.counts
        console.print(
            f"ingested {len({f.source for f in ds.files})} files into {where} in {took:.1f} s: {c.users:,} users, "
            f"{c.tweets:,} tweets, {c.rejected:,} rows rejected",
            highlight=False,
        )
        if c.rejected:
            err.print(
                f"warning: {c.rejected:,} rows rejected (reasons in {where / 'rejects.csv'})",
                highlight=False,
            )
        if c.duplicate_tweetids or c.duplicate_userids:
            err.print(
                f"warning: duplicate ids: {c.duplicate_tweetids:,} tweetids, "
                f"{c.duplicate_userids:,} userids (later copies are in rejects.csv)",
                highlight=False,
            )
        if c.tweets_without_user:
            err.print(
                f"warning: {c.tweets_without_user:,} tweets by accounts missing from the users file",
                highlight=False,
            )
        if ds.ignored_files:
            err.print(
                f"note: ignored {len(ds.ignored_files)} other files: "
                f"{', '.join(ds.ignored_files[:5])}",
                highlight=False,
            )


def versions(
    dataset: Annotated[str, typer.Argument(help="Dataset name.")],
    out: Annotated[Path, typer.Option("--out", help="Reports folder.")] = Path("reports"),
) -> None:
    """List the rendered versions of a dataset's report, oldest first."""
    from rich.table import Table

    from takedown.pipeline.versions import scan_versions

    with errors():
        found, warnings = scan_versions(out, dataset)
        for w in warnings:
            err.print(Text(f"warning: {printable(w, 400)}"), highlight=False)
        if not found:
            raise TakedownError(
                f"{out / dataset}: no rendered versions; run takedown render {dataset}"
            )
        rows = [
            [printable(r[k]) for k in ("version", "created_at", "findings_sha256")]
            + [printable(", ".join(r["failed"]) or "-"), printable(r["code_version"]), r["path"]]
            for r in found
        ]
        if not console.is_terminal:
            for r in rows:
                print("\t".join(r[:3] + [r[3].replace(", ", ",")] + [printable(r[5], 4096)]))
            return
        table = Table("version", "created", "findings", "failed", "code")
        for r in rows:
            table.add_row(*(Text(c) for c in r[:5]))
        console.print(table)


def diff(
    a: Annotated[Path, typer.Argument(help="A report version folder or its findings.json.")],
    b: Annotated[Path, typer.Argument(help="Another one: a later version, or another dataset.")],
    all_rows: Annotated[bool, typer.Option("--all", help="Show unchanged findings too.")] = False,
) -> None:
    """Compare two reports finding by finding."""
    from rich.table import Table

    from takedown.pipeline.diff import diff as run_diff
    from takedown.pipeline.diff import load_findings

    with errors():
        rows = run_diff(load_findings(a), load_findings(b))
        shown = [
            [printable(r[k]) for k in ("id", "a", "b", "change")]
            for r in rows
            if all_rows or r["change"]
        ]
        changed = sum(1 for r in rows if r["change"])
        if not console.is_terminal:
            for r in shown:
                print("\t".join(r))
        elif shown:
            table = Table("finding", "A", "B", "change")
            for r in shown:
                table.add_row(*(Text(c) for c in r))
            console.print(table)
        err.print(f"{changed} of {len(rows)} findings differ", highlight=False)
