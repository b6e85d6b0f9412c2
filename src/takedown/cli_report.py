"""The `takedown` commands that write reports: render, compare and profile init."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from takedown.cli_io import console, err, errors, fail

ENGINE_HELP = (
    "auto (Quarto when a quarto is on PATH, else builtin), builtin (pandoc + typst) or quarto."
)


def render(
    dataset: Annotated[
        str, typer.Argument(help="Name of an ingested dataset (see takedown ingest).")
    ],
    profile: Annotated[Path, typer.Option(help="Profile YAML.")] = Path("profiles/generic.yml"),
    out: Annotated[Path, typer.Option("--out", help="Reports folder.")] = Path("reports"),
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Where datasets live.")] = Path(
        "data"
    ),
    engine: Annotated[str, typer.Option(help=ENGINE_HELP)] = "auto",
    jobs: Annotated[
        int,
        typer.Option(
            min=0,
            help="Notebooks run in parallel (0: one per core, and one more on a small dataset).",
        ),
    ] = 0,
    force: Annotated[
        bool,
        typer.Option(help="Re-run every notebook and compose a new version, ignoring the cache."),
    ] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast/--keep-going", help="Stop at the first failing notebook.")
    ] = False,
    timeout: Annotated[
        float,
        typer.Option(min=1, help="Seconds one notebook may run before it is stopped and failed."),
    ] = 600,
) -> None:
    """Run every finding notebook and compose a new versioned HTML + PDF report."""
    from takedown.pipeline.kept import started_zygote

    with errors(), started_zygote():  # its imports overlap everything below
        from takedown.pipeline.render import render as run_render

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
        if result.unchanged:
            console.print(
                f"unchanged: version {result.version} is current (same data, profile, notebooks, "
                f"code, environment and engine) in {took:.1f} s; --force renders a new version",
                highlight=False,
            )
            return
        if result.failed:
            names = ", ".join(o.name for o in result.failed)
            fail(
                f"report rendered with failed sections ({names}) in {took:.1f} s: {result.folder}",
                1,
            )
        console.print(f"rendered version {result.version} in {took:.1f} s", highlight=False)


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
    engine: Annotated[str, typer.Option(help=ENGINE_HELP)] = "auto",
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
        clock = "no clock"
        if fit:
            shown = (
                f"clock UTC{facts['offset']:+d} ({facts['zone'][0]})"
                if facts["zone"]
                else "no timezone drafted (the data does not single out an operator clock)"
            )
            low, high = facts["band"]
            clock = (
                f"{shown}; fitted offset {fit.best:+d} (cannot be told apart: {fit.low:+d} to "
                f"{fit.high:+d}) for a day starting at 08:00, {low:+d} to {high:+d} for one "
                "starting 07:00-10:00"
            )
        console.print(
            f"wrote {path} in {time.perf_counter() - t0:.1f} s: {clock}; edit it, then "
            f"takedown render {dataset} --profile {path}",
            highlight=False,
            markup=False,
        )
