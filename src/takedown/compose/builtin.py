"""The built-in composer: Quarto-format sources to one self-contained HTML file and a PDF."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from takedown.compose.conditional import deep_merge, directory_metadata, filter_text
from takedown.compose.errors import ComposeError
from takedown.compose.notebooks import NotebookEmbedder
from takedown.compose.pandoc import READER, html, pdf
from takedown.compose.shortcodes import Resolver, split_front_matter

__all__ = ["READER", "compose_markdown", "main_document", "render"]
FORMATS = ("html", "pdf")
# Front-matter keys that would pull outside files or code into the output: dropped.
UNSAFE_META = (
    "css",
    "header-includes",
    "include-before",
    "include-after",
    "bibliography",
    "csl",
    "template",
    "nocite",
    "citations",
    "format",
)
# _quarto.yml keys that configure Quarto itself rather than the document's metadata.
PROJECT_ONLY = (
    "project",
    "format",
    "execute",
    "engine",
    "jupyter",
    "knitr",
    "filters",
    "shortcodes",
    "metadata-files",
    "website",
    "book",
    "manuscript",
    "profile",
)
OPTION_KEYS = ("toc", "toc-depth", "number-sections", "lang", "papersize", "fontsize", "mainfont")
# Option values that go into templates unescaped must match these.
_SAFE = {
    "lang": re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"),
    "papersize": re.compile(r"^[a-z0-9-]{1,20}$"),
    "fontsize": re.compile(r"^\d{1,2}(\.\d{1,2})?pt$"),
    "mainfont": re.compile(r"^[A-Za-z0-9 _-]{1,60}$"),
}


def render(
    project_dir: Path,
    out_dir: Path,
    *,
    formats: tuple[str, ...] = FORMATS,
    resource_dirs: Iterable[Path] = (),
    build_dir: Path | None = None,
) -> dict[str, Path]:
    """Resolve shortcodes, number figures/tables, write out_dir/report.html and report.pdf.

    Outputs appear (by rename) only once every requested format has been produced. Intermediate
    files go to `build_dir` (kept) or a temporary folder inside `out_dir` (removed).
    Returns {"html": path, "pdf": path} for the requested formats.
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ComposeError(f"unknown output formats {unknown or formats}; choose from {FORMATS}")
    project_dir = Path(project_dir).resolve()
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    work = (
        Path(build_dir).resolve()
        if build_dir
        else Path(tempfile.mkdtemp(prefix=".compose-", dir=out_dir))
    )
    work.mkdir(parents=True, exist_ok=True)
    try:
        config = _load_yaml(project_dir / "_quarto.yml", required=True)
        main = main_document(project_dir, config)
        variables = _load_yaml(project_dir / "_variables.yml", required=False)
        project_meta = {k: v for k, v in config.items() if k not in PROJECT_ONLY}
        meta, markdown, sources = compose_markdown(project_dir, main, variables, work, project_meta)
        (work / "report.md").write_text(markdown, encoding="utf-8")
        opts = _options(config, meta)
        resource_path = [
            work,
            main.parent,
            project_dir,
            *(Path(d).resolve() for d in resource_dirs),
        ]
        writers = {"html": html, "pdf": pdf}
        try:
            # Both at once: each is pandoc (and typst) on its own files from the same report.md.
            with ThreadPoolExecutor(len(formats)) as pool:
                futures = {f: pool.submit(writers[f], work, opts, resource_path)
                           for f in FORMATS if f in formats}  # fmt: skip
            produced = {f: fut.result() for f, fut in futures.items()}
        except ComposeError as exc:
            raise ComposeError(_locate(str(exc), sources, project_dir)) from None
        return {fmt: _publish(path, out_dir / f"report.{fmt}") for fmt, path in produced.items()}
    finally:
        if build_dir is None:
            shutil.rmtree(work, ignore_errors=True)


def compose_markdown(
    project_dir: Path,
    main: Path,
    variables: Mapping[str, Any],
    work: Path,
    project_meta: Mapping[str, Any] | None = None,
) -> tuple[dict[str, Any], str, list[Path]]:
    """Resolved metadata, the full Markdown document (figures written to work/media) and the
    source files read.

    Metadata is _quarto.yml's document keys (`project_meta`) overridden by the front matter.
    """
    text = main.read_text(encoding="utf-8")
    fm_text, body, offset = split_front_matter(text)
    try:
        raw_meta = yaml.safe_load(fm_text) if fm_text.strip() else {}
    except yaml.YAMLError as exc:
        raise ComposeError(f"{main}: front matter is not valid YAML: {exc}") from None
    if not isinstance(raw_meta, dict):
        raise ComposeError(f"{main}: front matter must be a YAML mapping")
    raw_meta = deep_merge(
        deep_merge(project_meta or {}, directory_metadata(project_dir, main)), raw_meta
    )
    resolver = Resolver(
        project_dir, variables, raw_meta, NotebookEmbedder(work / "media"), main_dir=main.parent
    )
    resolver.prefilter = lambda text, where, offset: filter_text(text, where, offset, raw_meta)
    resolver.files.append(main)
    meta = _resolve_meta(resolver, raw_meta, fm_text, main)
    body = resolver.prefilter(body, resolver._rel(main), offset)
    resolved_body = resolver.resolve_text(body, main, offset)
    safe = {k: v for k, v in meta.items() if k not in UNSAFE_META}
    header = yaml.safe_dump(safe, allow_unicode=True, sort_keys=False, width=10_000)
    return meta, f"---\n{header}---\n\n{resolved_body}", resolver.files


def _resolve_meta(resolver: Resolver, raw: dict[str, Any], fm_text: str, main: Path) -> dict:
    """Metadata with var/meta shortcodes resolved in its strings and defaults filled in."""
    lines = fm_text.splitlines()

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {str(k): walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, datetime | date):
            return node.isoformat()
        if isinstance(node, str) and "{{<" in node:
            first = node[node.index("{{<") :].split(">}}")[0]
            line = next((i for i, ln in enumerate(lines, start=2) if first in ln), 2)
            return resolver.resolve_text(node, main, line - 1, allow=frozenset({"var", "meta"}))
        return node

    meta = walk(raw)
    if str(meta.get("date", "")).strip() in ("today", "now", "last-modified"):
        meta["date"] = date.today().isoformat()
    meta.setdefault("toc-title", "Contents")
    if not meta.get("title"):
        meta.setdefault("pagetitle", "Report")
    return meta


def _options(config: Mapping[str, Any], meta: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Per-output options: project format settings < metadata keys < document format settings."""
    result = {}
    for fmt, quarto_name in (("html", "html"), ("pdf", "typst")):
        merged: dict[str, Any] = {"toc": True, "toc-depth": 3, "number-sections": False}
        for layer in (
            _format_section(config, quarto_name),
            meta,
            _format_section(meta, quarto_name),
        ):
            merged.update({k: v for k, v in layer.items() if k in OPTION_KEYS})
        for key, pattern in _SAFE.items():
            if key in merged and not pattern.match(str(merged[key])):
                raise ComposeError(f"option {key}: {merged[key]!r} is not a valid value")
        try:
            merged["toc-depth"] = int(merged["toc-depth"])
        except (TypeError, ValueError):
            raise ComposeError(
                f"option toc-depth: {merged['toc-depth']!r} is not a number"
            ) from None
        result[fmt] = merged
    return result


def _format_section(tree: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """`format: {name: {...}}` of a config or front matter, or {}."""
    fmt = tree.get("format")
    section = fmt.get(name) if isinstance(fmt, Mapping) else None
    return section if isinstance(section, Mapping) else {}


def _locate(message: str, sources: list[Path], project_dir: Path) -> str:
    """Prefix an error about a piece of source text with the first file:line that holds it.

    crossref.lua appends the text to look for after a unit separator; an @reference is matched
    only where it is not escaped (`\\@`) and is not part of a word, as pandoc reads it.
    """
    message, _, token = message.partition("\x1f")
    if not token:
        m = re.search(r"cross-reference (@[\w-]+)", message)
        token = m.group(1) if m else ""
    if not token:
        return message
    ref = (
        re.compile(r"(?<![\\\w])" + re.escape(token) + r"(?![\w-])")
        if token.startswith("@")
        else re.compile(re.escape(token))
    )
    for path in sources:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if ref.search(line):
                rel = path.relative_to(project_dir) if path.is_relative_to(project_dir) else path
                return f"{rel}:{number}: {message}"
    return f"{message} (in an embedded notebook output)"


def _publish(src: Path, final: Path) -> Path:
    """Move `src` to `final` via a temporary name in final's folder, then an atomic rename."""
    tmp = final.with_name(f".{final.name}.partial")
    shutil.move(str(src), tmp)
    os.replace(tmp, final)
    return final


def _load_yaml(path: Path, *, required: bool) -> dict[str, Any]:
    """A YAML mapping from `path` ({} if optional and absent)."""
    if not path.is_file():
        if required:
            raise ComposeError(f"{path} does not exist; the project needs a _quarto.yml")
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ComposeError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ComposeError(f"{path}: must be a YAML mapping")
    return data


def main_document(project_dir: Path, config: Mapping[str, Any] | None = None) -> Path:
    """The document named by project.render[0] in _quarto.yml, inside the project.

    The one reading of which document is the report, for this composer and for Quarto's runs;
    `config` is _quarto.yml when the caller has read it already.
    """
    project_dir = Path(project_dir).resolve()
    if config is None:
        config = _load_yaml(project_dir / "_quarto.yml", required=True)
    project = config.get("project")
    render_list = project.get("render") if isinstance(project, Mapping) else None
    if not isinstance(render_list, list) or not render_list:
        raise ComposeError(
            f"{project_dir / '_quarto.yml'}: needs project.render with the main document first"
        )
    main = (project_dir / str(render_list[0])).resolve()
    if not main.is_relative_to(project_dir) or not main.is_file():
        raise ComposeError(
            f"{project_dir / '_quarto.yml'}: project.render[0] = {render_list[0]} is not a file "
            "inside the project"
        )
    return main
