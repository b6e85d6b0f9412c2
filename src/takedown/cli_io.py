"""What every `takedown` command shares: the consoles, the one-line error contract, progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from takedown import interrupts
from takedown.errors import TakedownError
from takedown.userfiles import printable

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
STATE = {"debug": False}


def fail(message: str, code: int = 2) -> None:
    """One line on stderr, non-zero exit: the contract for every user-facing error."""
    # The message carries paths and header cells from the input: never read it as rich markup.
    # ... nor let a name from a file move the cursor or recolour the terminal (printable).
    line = printable(message, 4000)
    err.print(Text.assemble(("error:", "bold red"), " ", line), highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def errors() -> Iterator[None]:
    """The one-line error contract around a command body; a signal wins over what it caused."""
    try:
        interrupts.arm()
        yield
    except typer.Exit:
        raise
    except BaseException as exc:
        _stopped_by_signal()
        _fail_with(exc)
    finally:
        interrupts.disarm()  # the work is over: a late signal no longer cuts the exit short


def _stopped_by_signal() -> None:
    """After Ctrl-C or TERM, whatever the interrupted code raised (DuckDB's "Query interrupted",
    an error it was turned into) is reported as the signal: "interrupted" 130, "terminated" 143."""
    signum = interrupts.received()
    if signum is not None:
        fail(*interrupts.EXIT[signum])


def _fail_with(exc: BaseException) -> None:
    if isinstance(exc, TakedownError) and not STATE["debug"]:
        fail(str(exc))
    if isinstance(exc, BrokenPipeError):
        # Output piped into `head` and the like: the reader left, nothing went wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    if isinstance(exc, KeyboardInterrupt):
        fail("interrupted", 130)
    if isinstance(exc, interrupts.Terminated):
        fail("terminated", 143)
    if STATE["debug"] or not isinstance(exc, Exception):
        raise exc
    # Last line of defence, still one line.
    fail(f"internal error: {type(exc).__name__}: {exc} (re-run with --debug for the traceback)", 1)


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
