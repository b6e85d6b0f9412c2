"""The `takedown` command: the only entry point a user needs.

This module is the Typer app and its wiring; the command bodies live in cli_data (demo, ingest,
versions, diff) and cli_report (render, compare, profile init), shared output in cli_io.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from takedown.cli_data import demo, diff, ingest, versions
from takedown.cli_io import STATE
from takedown.cli_report import compare, profile_init, render

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


for command in (demo, ingest, render, versions, diff, compare):
    app.command()(command)

profile_app = typer.Typer(no_args_is_help=True, help="Draft and check dataset profiles.")
app.add_typer(profile_app, name="profile")
profile_app.command("init")(profile_init)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
