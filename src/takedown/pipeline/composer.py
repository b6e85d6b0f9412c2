"""Runs the chosen composer (built-in or Quarto) over a scratch project, into one out folder.

Both engines leave the same two files, report.html and report.pdf; a Quarto failure is its
first ERROR line. `auto` (the default) is Quarto when one is on PATH, else the built-in composer.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
from pathlib import Path

import yaml

from takedown.compose.builtin import main_document
from takedown.compose.builtin import render as compose_builtin
from takedown.compose.fonts import cjk_font_path
from takedown.compose.webfont import embed_fonts
from takedown.errors import RenderError

ENGINES = ("auto", "builtin", "quarto")
NOTEBOOK_LINKS = Path(__file__).with_name("notebook_links.lua")
# Break points in long table tokens in the PDF, the same filter the built-in composer runs.
TYPST_BREAKS = Path(__file__).parent.parent / "compose" / "templates" / "typst_breaks.lua"


def resolve_engine(engine: str) -> str:
    """The composer --engine names; `auto` is Quarto (the design's stitcher) when a `quarto` is
    on PATH, else the built-in composer. Checked before any notebook runs."""
    if engine not in ENGINES:
        raise RenderError(f"--engine {engine!r}: use auto, builtin or quarto")
    if engine == "auto":
        return "quarto" if shutil.which("quarto") else "builtin"
    if engine == "quarto" and shutil.which("quarto") is None:
        raise RenderError(
            "--engine quarto: no quarto binary on PATH (conda-forge's quarto, see "
            "environment.yml); use --engine builtin"
        )
    return engine


def engine_versions(engine: str) -> dict[str, str]:
    """Which programs composed the report, with their versions, for the manifest and appendix:
    `quarto --version` for Quarto; pandoc's and the typst package's for the built-in composer."""
    if engine == "quarto":
        proc = subprocess.run(["quarto", "--version"], capture_output=True, text=True)
        version = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout).split()
        return {"quarto": version[-1] if proc.returncode == 0 and version else "unknown"}
    import pypandoc

    return {"pandoc": pypandoc.get_pandoc_version(), "typst": importlib.metadata.version("typst")}


def set_front_matter(qmd: Path, updates: dict[str, str]) -> None:
    """Merge `updates` into qmd's YAML front matter (creating it when there is none)."""
    text = qmd.read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    meta = yaml.safe_load(m[1]) if m else {}
    body = text[m.end() :] if m else text
    meta.update(updates)
    qmd.write_text(
        "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n" + body,
        encoding="utf-8",
    )


def engine_label(engine: str, versions: dict[str, str]) -> str:
    """The composer as the appendix names it: "Quarto 1.10.18", or "the built-in composer
    (pandoc 3.9, Typst 0.15.2)"."""
    if engine == "quarto":
        return f"Quarto {versions.get('quarto', 'unknown')}"
    return (
        f"the built-in composer (pandoc {versions.get('pandoc', 'unknown')}, "
        f"Typst {versions.get('typst', 'unknown')})"
    )


def run_engine(engine: str, project: Path, out: Path) -> None:
    """Compose project's main document into out/report.html and out/report.pdf.

    Paths are made absolute first: Quarto reads a relative --output-dir against the project.
    """
    project, out = Path(project).resolve(), Path(out).resolve()
    if engine == "builtin":
        res = compose_builtin(project, out)
        for key, name in (("html", "report.html"), ("pdf", "report.pdf")):
            if Path(res[key]) != out / name:
                shutil.move(res[key], out / name)
        return
    main = main_document(project)
    without_previews(main)
    # Quarto's typst finds the CJK font the built-in composer uses through TYPST_FONT_PATHS.
    fonts = os.pathsep.join(
        filter(None, [str(cjk_font_path().parent), os.environ.get("TYPST_FONT_PATHS")])
    )
    for fmt, name in (("html", "report.html"), ("typst", "report.pdf")):
        proc = subprocess.run(
            ["quarto", "render", str(main), "--to", fmt, "--output-dir", str(project / "_site")],
            cwd=project, capture_output=True, text=True, env={**os.environ, "TYPST_FONT_PATHS": fonts},
        )  # fmt: skip
        if proc.returncode != 0:
            raise RenderError(f"quarto render --to {fmt} failed: {quarto_error(proc.stderr)}")
        ext = "html" if fmt == "html" else "pdf"
        produced = next((project / "_site").rglob(f"*.{ext}"), None)
        if produced is None:
            raise RenderError(f"quarto render --to {fmt} produced no .{ext} file")
        shutil.move(produced, out / name)
        if ext == "html":
            embed_fonts(out / name)  # as the built-in composer's HTML: Chinese on any machine


def quarto_error(stderr: str) -> str:
    """Quarto's first ERROR line without colour codes (its last line is a stack frame)."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", ln).strip() for ln in stderr.splitlines()]
    errors = [ln.removeprefix("ERROR:").strip() for ln in lines if ln.startswith("ERROR:")]
    return (errors or [ln for ln in lines if ln] or ["quarto failed"])[0]


def without_previews(main: Path) -> None:
    """Quarto renders an HTML preview of every embedded notebook unless `notebook-view` is false,
    most of its compose time; the version folder already holds the executed notebooks. So the
    previews are off and notebook_links.lua links each notebook's first embed to its `url`, as
    Quarto would ("Source: <title>"), from the same front-matter list."""
    text = main.read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n", text, re.S)
    views = (yaml.safe_load(m[1]) or {}).get("notebook-view") if m else None
    if views is False:
        return
    links = {"takedown-notebooks": views} if isinstance(views, list) else {}
    # Without a list (the comparison) Quarto would link a preview the out folder does not keep.
    filters = [str(NOTEBOOK_LINKS)] * bool(links) + [str(TYPST_BREAKS)]
    set_front_matter(main, {"notebook-view": False, **links, "filters": filters})


def scratch_project(root: Path, scratch: Path, main: str, folder: str) -> Path:
    """scratch/project: _quarto.yml rendering only `main`, report/<folder>/ and the styles
    _quarto.yml names (its html theme and css), as compare's and the atlas's projects need."""
    project = scratch / "project"
    (project / "report").mkdir(parents=True)
    conf = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}
    conf.setdefault("project", {})["render"] = [main]
    (project / "_quarto.yml").write_text(yaml.safe_dump(conf, sort_keys=False), encoding="utf-8")
    shutil.copytree(root / "report" / folder, project / "report" / folder)
    for style in ("quarto.css", "quarto.scss"):
        shutil.copy2(root / "report" / style, project / "report" / style)
    return project
