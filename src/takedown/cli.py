"""The `takedown` command: the only entry point a user needs."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from takedown.errors import TakedownError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build reproducible research reports from information-operation takedown archives.",
)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
STATE = {"debug": False}


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    STATE["debug"] = debug


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, non-zero exit: the contract for every user-facing error."""
    # The message carries paths and header cells from the input: never read it as rich markup.
    err.print(Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def errors() -> Iterator[None]:
    try:
        yield
    except TakedownError as exc:
        if STATE["debug"]:
            raise
        fail(str(exc))
    except typer.Exit:
        raise
    except BrokenPipeError:
        # Output piped into `head` and the like: the reader left, nothing went wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except Exception as exc:  # noqa: BLE001 - last line of defence, still one line
        if STATE["debug"]:
            raise
        fail(
            f"internal error: {type(exc).__name__}: {exc} (re-run with --debug for the traceback)",
            1,
        )


@contextmanager
def progress_bar() -> Iterator[Callable[[str, float | None], None]]:
    """A rich progress bar driven by (stage, fraction) callbacks from the library."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        tasks: dict[str, int] = {}

        def report(stage: str, fraction: float | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=None if fraction is None else 1.0)
            if fraction is not None:
                bar.update(tasks[stage], total=1.0, completed=fraction)

        yield report


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the synthetic archive into.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bytes.")] = 0,
    accounts: Annotated[int, typer.Option(help="Number of accounts.")] = 23_750,
    tweets: Annotated[int, typer.Option(help="Number of tweets.")] = 348_608,
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


@app.command()
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
            f"ingested {len(ds.files)} files into {where} in {took:.1f} s: {c.users:,} users, "
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


@app.command()
def render(
    dataset: Annotated[
        str, typer.Argument(help="Name of an ingested dataset (see takedown ingest).")
    ],
    profile: Annotated[Path, typer.Option(help="Profile YAML.")] = Path("profiles/generic.yml"),
    out: Annotated[Path, typer.Option("--out", help="Reports folder.")] = Path("reports"),
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where datasets live.")] = Path(
        "data"
    ),
    engine: Annotated[str, typer.Option(help="builtin (pandoc + typst) or quarto.")] = "builtin",
    jobs: Annotated[
        int, typer.Option(min=0, help="Notebooks run in parallel (0: one per core).")
    ] = 0,
    force: Annotated[bool, typer.Option(help="Re-run every notebook, ignoring the cache.")] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast/--keep-going", help="Stop at the first failing notebook.")
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(min=1, help="Seconds one notebook may run before it is stopped and failed."),
    ] = 600,
) -> None:
    """Run every finding notebook and compose a new versioned HTML + PDF report."""
    from takedown.pipeline.render import render as run_render

    with errors():
        t0 = time.perf_counter()

        def done(o) -> None:
            mark = {"ok": "[green]ran[/]", "cached": "[cyan]cached[/]"}.get(
                o.status, "[red]FAILED[/]"
            )
            err.print(f"  {mark} {escape(o.name)} ({o.seconds:.1f} s)", highlight=False)
            if o.error:
                e = o.error
                cell = f"cell {e['cell']}" + (f" ({e['label']})" if e.get("label") else "")
                first = (str(e["evalue"]).strip().splitlines() or [""])[0]
                err.print(f"    {cell}: {e['ename']}: {first}", markup=False, highlight=False)

        with err.status("rendering") as status:
            result = run_render(
                dataset,
                data_dir=data_dir,
                profile_path=profile,
                out_root=out,
                engine=engine,
                jobs=jobs or None,
                force=force,
                fail_fast=fail_fast,
                timeout_s=timeout,
                on_notebook=done,
                on_stage=lambda s: status.update(s),
            )
        took = time.perf_counter() - t0
        for name in ("report.html", "report.pdf"):
            console.print(str(result.folder / name), highlight=False)
        if result.failed:
            names = ", ".join(o.name for o in result.failed)
            fail(
                f"report rendered with failed sections ({names}) in {took:.1f} s: {result.folder}",
                1,
            )
        console.print(f"rendered version {result.version} in {took:.1f} s", highlight=False)


@app.command()
def versions(
    dataset: Annotated[str, typer.Argument(help="Dataset name.")],
    out: Annotated[Path, typer.Option("--out", help="Reports folder.")] = Path("reports"),
) -> None:
    """List the rendered versions of a dataset's report, oldest first."""
    from rich.table import Table

    from takedown.pipeline.render import list_versions

    with errors():
        rows = list_versions(out, dataset)
        if not rows:
            raise TakedownError(
                f"{out / dataset}: no rendered versions; run takedown render {dataset}"
            )
        if not console.is_terminal:
            for r in rows:
                failed = ",".join(r["failed"]) or "-"
                print(
                    f"{r['version']}\t{r['created_at']}\t{r['findings_sha256']}\t{failed}\t{r['path']}"
                )
            return
        table = Table("version", "created", "findings", "failed", "code")
        for r in rows:
            table.add_row(
                r["version"], r["created_at"], r["findings_sha256"], ", ".join(r["failed"]) or "-",
                r["code_version"],
            )  # fmt: skip
        console.print(table)


@app.command()
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
        shown = [r for r in rows if all_rows or r["change"]]
        changed = sum(1 for r in rows if r["change"])
        if not console.is_terminal:
            for r in shown:
                print(f"{r['id']}\t{r['a']}\t{r['b']}\t{r['change']}")
        elif shown:
            table = Table("finding", "A", "B", "change")
            for r in shown:
                table.add_row(r["id"], r["a"], r["b"], r["change"])
            console.print(table)
        err.print(f"{changed} of {len(rows)} findings differ", highlight=False)


@app.command()
def compare(
    datasets: Annotated[list[str], typer.Argument(help="Two or more rendered datasets.")],
    profile: Annotated[
        list[Path] | None,
        typer.Option(
            "--profile",
            help="Per dataset, in order: compare the latest version rendered with this profile.",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Reports folder.")] = Path("reports"),
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where datasets live.")] = Path(
        "data"
    ),
    engine: Annotated[str, typer.Option(help="builtin (pandoc + typst) or quarto.")] = "builtin",
) -> None:
    """Compose one versioned report setting several rendered reports side by side."""
    from takedown.pipeline.compare import compare as run_compare

    with errors():
        t0 = time.perf_counter()
        with err.status("comparing") as status:
            result = run_compare(
                datasets,
                data_dir=data_dir,
                out_root=out,
                profiles=profile or None,
                engine=engine,
                on_stage=lambda s: status.update(s),
            )
        for i in result.inputs:
            err.print(
                f"  {i['name']}: report version {i['version']}", markup=False, highlight=False
            )
        for name in ("report.html", "report.pdf"):
            console.print(str(result.folder / name), highlight=False, markup=False)
        console.print(
            f"rendered comparison {result.version} in {time.perf_counter() - t0:.1f} s",
            highlight=False,
        )


profile_app = typer.Typer(no_args_is_help=True, help="Draft and check dataset profiles.")
app.add_typer(profile_app, name="profile")


@profile_app.command("init")
def profile_init(
    dataset: Annotated[str, typer.Argument(help="Name of an ingested dataset.")],
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where datasets live.")] = Path(
        "data"
    ),
    out: Annotated[
        Path | None, typer.Option("--out", help="Profile to write (default profiles/NAME.yml).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Draft a profile from an ingested dataset: clock, working hours, languages, topic candidates."""
    from takedown.pipeline.profile_draft import draft

    with errors():
        t0 = time.perf_counter()
        with err.status("reading the dataset"):
            path, facts = draft(dataset, data_dir=data_dir, out=out, force=force)
        fit = facts.get("fit")
        clock = (
            f"clock UTC{facts['offset']:+d} ({facts['zone'][0]}); fitted offset {fit.best:+d} "
            f"(cannot be told apart: {fit.low:+d} to {fit.high:+d}) for a day starting at 08:00"
            if fit
            else "no clock"
        )
        console.print(
            f"wrote {path} in {time.perf_counter() - t0:.1f} s: {clock}; edit it, then "
            f"takedown render {dataset} --profile {path}",
            highlight=False,
            markup=False,
        )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
