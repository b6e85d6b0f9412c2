"""The `takedown` command: the only entry point a user needs."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from takedown.errors import TakedownError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build reproducible research reports from information-operation takedown archives.",
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
STATE = {"debug": False}


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    STATE["debug"] = debug


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, non-zero exit: the contract for every user-facing error."""
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def errors() -> Iterator[None]:
    try:
        yield
    except TakedownError as exc:
        if STATE["debug"]:
            raise
        fail(str(exc))
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
) -> None:
    """Write a synthetic takedown archive (Twitter IO format) with known planted effects."""
    from takedown.demo import generate

    with errors(), progress_bar() as report:
        t0 = time.perf_counter()
        try:
            truth = generate(out_dir, seed=seed, accounts=accounts, tweets=tweets, progress=report)
        except ValueError as exc:
            raise TakedownError(str(exc)) from None
        out.print(
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
) -> None:
    """Read a takedown archive into normalized Parquet (DATA_DIR/NAME) with a dataset.json."""
    from takedown.ingest import ingest as run_ingest

    with errors(), progress_bar() as report:
        t0 = time.perf_counter()
        ds, cached = run_ingest(paths, dataset, data_dir, force=force, progress=report)
        took = time.perf_counter() - t0
        where = data_dir / dataset
        if cached:
            out.print(f"{where}: inputs unchanged, dataset reused ({took:.2f} s)", highlight=False)
            return
        c = ds.counts
        out.print(
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
