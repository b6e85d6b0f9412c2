"""The two outputs of the built-in composer: pandoc to HTML, and pandoc to Typst compiled to PDF.

Both read report.md in the work folder the composer prepared; any failure or fatal warning of
either tool becomes a ComposeError with its first line.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import subprocess
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from takedown.compose.errors import ComposeError
from takedown.compose.fonts import font_dirs
from takedown.compose.webfont import embed_fonts, font_faces

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The reader Quarto 1.10 uses: its qmd reader (src/resources/pandoc/datadir/readqmd.lua) reads
# pandoc `markdown` with pandoc's default extensions, citations included, less
# `table_attributes`. Reading the same way means both engines see the same document; what this
# composer will not pass on (raw HTML/TeX, math, citations other than cross-references) is
# refused by crossref.lua with file:line rather than read differently.
READER = "markdown-table_attributes"
PANDOC_TIMEOUT_S = 300


def _common_args(opts: Mapping[str, Any], resource_path: list[Path]) -> list[str]:
    """pandoc arguments shared by both outputs."""
    args = [
        "report.md",
        "--from",
        READER,
        "--standalone",
        "--lua-filter",
        str(TEMPLATES / "conditional.lua"),
        "--lua-filter",
        str(TEMPLATES / "crossref.lua"),
        "--lua-filter",
        str(TEMPLATES / "typst_breaks.lua"),
        "--resource-path",
        os.pathsep.join(str(p) for p in resource_path),
    ]
    if opts.get("toc"):
        args += ["--toc", f"--toc-depth={opts['toc-depth']}"]
    if opts.get("number-sections"):
        args += ["--number-sections", "--variable", "number-sections=true"]
    for key in ("lang", "papersize", "fontsize", "mainfont"):
        if opts.get(key):
            args += ["--variable", f"{key}={opts[key]}"]
    return args


def html(work: Path, opts: Mapping[str, Any], resource_path: list[Path]) -> Path:
    """One self-contained HTML file (images and CSS inlined as data: URIs / <style>)."""
    out = work / "report.html"
    args = _common_args(opts["html"], resource_path) + [
        "--to",
        "html5",
        "--embed-resources",
        "--section-divs",
        "--template",
        str(TEMPLATES / "report.html"),
        "--css",
        str(TEMPLATES / "report.css"),
        "--output",
        out.name,
    ]
    # Chinese and emoji show on a machine without those fonts. The subsets are cut from the
    # source's text while pandoc runs (a second, when the report quotes Chinese), and checked
    # against the page's own characters after.
    source = html_lib.unescape((work / "report.md").read_text(encoding="utf-8"))
    with ThreadPoolExecutor(1, thread_name_prefix="fonts") as pool:
        ahead = pool.submit(font_faces, source)
        _pandoc(args, work)
        embed_fonts(out, ahead.result())
    return out


def pdf(work: Path, opts: Mapping[str, Any], resource_path: list[Path]) -> Path:
    """A Typst document from pandoc, compiled by the typst package with the CJK font available."""
    typ = work / "report.typ"
    args = _common_args(opts["pdf"], resource_path) + [
        "--to",
        "typst",
        "--template",
        str(TEMPLATES / "report.typ"),
        "--extract-media",
        "typst-media",
        "--output",
        typ.name,
    ]
    _pandoc(args, work)
    pdf = work / "report.pdf"
    _typst(typ, pdf, work)
    return pdf


def _pandoc(args: list[str], cwd: Path) -> None:
    """Run pypandoc's pandoc 3 binary; failures and fatal warnings become ComposeError."""
    import pypandoc

    cmd = [pypandoc.get_pandoc_path(), *args]
    try:
        proc = subprocess.run(
            cmd, cwd=cwd, capture_output=True, text=True, timeout=PANDOC_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise ComposeError(f"pandoc took longer than {PANDOC_TIMEOUT_S}s and was stopped") from None
    stderr = proc.stderr or ""
    if proc.returncode != 0:
        m = re.search(r"takedown: (.*)", stderr)  # our filter's own, already actionable message
        raise ComposeError(m.group(1).strip() if m else f"pandoc failed: {_first_error(stderr)}")
    fatal = [
        ln
        for ln in stderr.splitlines()
        if "Could not fetch resource" in ln
        or "Could not find image" in ln
        or "Duplicate identifier" in ln
    ]
    if fatal:
        raise ComposeError(f"pandoc: {fatal[0].strip()}")


def _typst(typ: Path, pdf: Path, root: Path) -> None:
    """Compile with the typst package; its first error line becomes a ComposeError."""
    import typst

    try:
        typst.compile(
            str(typ), output=str(pdf), root=str(root), font_paths=[str(d) for d in font_dirs()]
        )
    except Exception as exc:  # typst.TypstError, RuntimeError from the binding
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        raise ComposeError(f"typst failed: {lines[0] if lines else type(exc).__name__}") from None


def _first_error(stderr: str) -> str:
    """The first non-empty line of a tool's error output."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    return lines[0] if lines else "no message"
