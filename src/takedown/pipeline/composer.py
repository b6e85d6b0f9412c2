"""Runs the chosen composer (built-in or Quarto) over a scratch project, into one out folder.

Both engines leave the same two files, report.html and report.pdf; a Quarto failure is its
first ERROR line.
"""

from __future__ import annotations

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

ENGINES = ("builtin", "quarto")


def check_engine(engine: str) -> None:
    """--engine names a composer this machine can run, checked before any notebook runs."""
    if engine == "quarto" and shutil.which("quarto") is None:
        raise RenderError(
            "--engine quarto: no quarto binary on PATH (conda-forge's quarto, see "
            "environment.yml); use --engine builtin"
        )
    if engine not in ENGINES:
        raise RenderError(f"--engine {engine!r}: use builtin or quarto")


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
