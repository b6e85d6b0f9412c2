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
import tempfile
from pathlib import Path

import yaml

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
    The composer is imported here, not at the top: a render that composes nothing (every
    input unchanged, see render_current) never loads it.
    """
    from takedown.compose.builtin import main_document
    from takedown.compose.builtin import render as compose_builtin
    from takedown.compose.webfont import embed_fonts

    project, out = Path(project).resolve(), Path(out).resolve()
    if engine == "builtin":
        res = compose_builtin(project, out)
        for key, name in (("html", "report.html"), ("pdf", "report.pdf")):
            if Path(res[key]) != out / name:
                shutil.move(res[key], out / name)
        return
    main = main_document(project)
    without_previews(main)
    tight_shortcodes(project)
    # HTML and PDF in two Quarto runs at once (as the built-in composer writes both at once), each
    # in its own copy of the project: both write and clean up files beside the document.
    typst_project = project.with_name(project.name + "-typst")
    shutil.rmtree(typst_project, ignore_errors=True)  # a killed compose's
    shutil.copytree(project, typst_project, symlinks=True)
    runs = [
        ("html", project, main),
        ("typst", typst_project, typst_project / main.relative_to(project)),
    ]
    try:
        run_quarto(runs)
        for fmt, where, _main in runs:
            ext = "html" if fmt == "html" else "pdf"
            produced = next((where / "_site").rglob(f"*.{ext}"), None)
            if produced is None:
                raise RenderError(f"quarto render --to {fmt} produced no .{ext} file")
            shutil.move(produced, out / f"report.{ext}")
    finally:
        shutil.rmtree(typst_project, ignore_errors=True)
    embed_fonts(out / "report.html")  # as the built-in composer's HTML: Chinese on any machine


def run_quarto(runs: list[tuple[str, Path, Path]]) -> None:
    """`quarto render MAIN --to FORMAT` for each (format, project, main), all at once; the first
    that fails raises its first ERROR line. None outlives this call."""
    from takedown.compose.fonts import cjk_font_path

    # Quarto's typst finds the CJK font the built-in composer uses through TYPST_FONT_PATHS.
    fonts = os.pathsep.join(
        filter(None, [str(cjk_font_path().parent), os.environ.get("TYPST_FONT_PATHS")])
    )
    env = {**os.environ, "TYPST_FONT_PATHS": fonts}
    procs = []
    try:
        for fmt, project, main in runs:
            log = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
            cmd = [
                "quarto",
                "render",
                str(main),
                "--to",
                fmt,
                "--output-dir",
                str(project / "_site"),
            ]
            procs.append(
                (fmt, log, subprocess.Popen(cmd, cwd=project, stdout=log, stderr=log, env=env))
            )
        for fmt, log, proc in procs:
            if proc.wait() != 0:
                log.seek(0)
                raise RenderError(f"quarto render --to {fmt} failed: {quarto_error(log.read())}")
    finally:
        for _fmt, log, proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            log.close()


# `{{< var name >}}` (not an escaped `{{{< var name >}}}`), which Quarto reads as it reads
# `{{<var name>}}`.
_VAR = re.compile(r"(?<!\{)\{\{<\s+(var\s+[^\s>]+)\s*>\}\}(?!\})")


def tight_shortcodes(project: Path) -> None:
    """Write each var shortcode of the project's documents as `{{<var name>}}`, the same shortcode
    to Quarto. Quarto's Typst route reads the whole document once more with pandoc's plain
    markdown reader (to look for level-one headings), which scans from every "< " to the end of
    the document: quadratic, 14 of the China demo's 25 CPU seconds for its PDF."""
    for qmd in project.rglob("*.qmd"):
        text = qmd.read_text(encoding="utf-8")
        tight = _VAR.sub(r"{{<\1>}}", text)
        if tight != text:
            qmd.write_text(tight, encoding="utf-8")


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
