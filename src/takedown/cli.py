"""The `takedown` command: the only entry point a user needs.

This module is the Typer app and its wiring; the command bodies live in cli_data (demo, ingest,
versions, diff) and cli_report (render, compare, profile init), shared output in cli_io.
"""

from __future__ import annotations

from takedown import interrupts

if __name__ == "__main__":  # pragma: no cover - `python -m takedown.cli`
    interrupts.install()  # before the imports below: a Ctrl-C meanwhile is no traceback

import sys  # noqa: E402
from typing import Annotated  # noqa: E402

import typer  # noqa: E402

from takedown.cli_archive import archive  # noqa: E402
from takedown.cli_data import demo, diff, ingest, versions  # noqa: E402
from takedown.cli_io import STATE  # noqa: E402
from takedown.cli_report import compare, profile_init, render  # noqa: E402

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build reproducible research reports from information-operation takedown archives.",
)


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    STATE["debug"] = debug
    interrupts.install()  # Ctrl-C and TERM: see takedown.interrupts


for command in (demo, ingest, render, versions, diff, compare, archive):
    app.command()(command)

profile_app = typer.Typer(no_args_is_help=True, help="Draft and check dataset profiles.")
app.add_typer(profile_app, name="profile")
profile_app.command("init")(profile_init)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
