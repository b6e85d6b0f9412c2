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
