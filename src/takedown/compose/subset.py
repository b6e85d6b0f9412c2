"""The Quarto subset the built-in composer supports, and a check of sources against it.

Both engines read the same sources; this subset is what both render the same way (docs/composer.md
describes it). `check_qmd` and `check_cell_options` return problems as "file:line: what to do",
so a source outside the subset is found before it renders differently under one engine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

SHORTCODES = ("var", "meta", "include", "embed")
CELL_OPTIONS = ("label", "fig-cap", "tbl-cap", "fig-alt")
XREF_KINDS = ("fig", "tbl")
CALLOUTS = ("note", "tip", "warning", "caution", "important")
CALLOUT_ATTRIBUTES = ("title",)
CONDITIONAL_CLASSES = ("content-visible", "content-hidden")
CONDITIONS = ("when-meta", "unless-meta", "when-format", "unless-format")
HEADING_CLASSES = ("appendix", "unnumbered")

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_SHORTCODE = re.compile(r"(?<!\{)\{\{<\s*(?!/\*)(\S+)")
# A pandoc citation key: `@` not after a word character or a backslash.
_CITE = re.compile(r"(?<![\\\w])@([\w][\w:.#$%&+?<>~/-]*)")
_DIV = re.compile(r"^\s*:{3,}\s*(?P<rest>\S.*?)?\s*$")
_HEADING = re.compile(r"^#{1,6}\s.*\{(?P<attrs>[^{}]*)\}\s*$")
_SPAN = re.compile(r"\][{](?P<attrs>[^{}]*)[}]")
_ATTR = re.compile(
    r"""\s*(?:\.(?P<cls>[\w-]+)|\#(?P<id>[\w:.-]+)|(?P<key>[\w-]+)=(?:"[^"]*"|'[^']*'|[^\s"'}]+))"""
)
_RAW_HTML = re.compile(r"(?<!\\)<(?!!--)[A-Za-z!/]")
_DOLLAR = re.compile(r"(?<!\\)\$")
_CODE_SPAN = re.compile(r"(`+).*?\1")


def _attrs(text: str) -> tuple[list[str], list[str], list[str]] | None:
    """(classes, ids, keys) of a `{...}` attribute list, or None if it does not parse."""
    classes, ids, keys, pos = [], [], [], 0
    text = text.strip()
    while pos < len(text):
        m = _ATTR.match(text, pos)
        if not m or m.end() == pos:
            return None
        if m["cls"]:
            classes.append(m["cls"])
        elif m["id"]:
            ids.append(m["id"])
        else:
            keys.append(m["key"])
        pos = m.end()
    return classes, ids, keys


def _check_div(rest: str) -> str | None:
    """Why a fenced div opening is outside the subset, or None."""
    inner = rest[1:-1] if rest.startswith("{") and rest.endswith("}") else "." + rest
    parsed = _attrs(inner)
    if parsed is None:
        return f"cannot read the div attributes {rest!r}"
    classes, ids, keys = parsed
    callouts = [c for c in classes if c.startswith("callout-")]
    if ids and not classes and not keys:
        if ids[0].split("-", 1)[0] in XREF_KINDS:
            return None
        return f"div id #{ids[0]}: only #fig-/#tbl- floats are supported"
    if callouts and len(classes) == 1 and not ids:
        kind = callouts[0].removeprefix("callout-")
        if kind not in CALLOUTS:
            return f"callout type {kind!r} is not one of {', '.join(CALLOUTS)}"
        bad = [k for k in keys if k not in CALLOUT_ATTRIBUTES]
        return f"callout attributes {bad}: only title= is supported" if bad else None
    if len(classes) == 1 and classes[0] in CONDITIONAL_CLASSES and not ids:
        bad = [k for k in keys if k not in CONDITIONS]
        if bad or not keys:
            return f"conditional content takes {', '.join(CONDITIONS)}; found {keys}"
        return None
    return f"div {rest!r} is not a callout, a fig/tbl float or conditional content"


def _prose_lines(text: str) -> Iterator[tuple[int, str]]:
    """Numbered lines outside front matter and fenced code: the ones Markdown reads as prose."""
    lines = text.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":  # front matter is YAML, not Markdown
        end = next((i for i, ln in enumerate(lines[1:], 1) if ln.strip() in ("---", "...")), 0)
        start = end + 1
    fence = None
    for number, line in enumerate(lines[start:], start + 1):
        m = _FENCE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence):
                fence = None
        elif m:
            fence = m.group(1)
        else:
            yield number, line


def _inline_problems(prose: str) -> list[str]:
    """Shortcodes, citations, raw HTML and math in a line's prose (code spans removed)."""
    problems = [
        f"shortcode {sc!r} is not one of {', '.join(SHORTCODES)}"
        for sc in _SHORTCODE.findall(prose)
        if sc not in SHORTCODES
    ]
    for key in (k.rstrip(":.#$%&+?<>~/-") for k in _CITE.findall(prose)):
        if key.split("-", 1)[0] not in XREF_KINDS or "-" not in key:
            problems.append(
                f"'@{key}' reads as a citation under Quarto; write \\@{key}, or "
                f"cross-reference only {', '.join(k + '-' for k in XREF_KINDS)} labels"
            )
    if _RAW_HTML.search(prose):
        problems.append("raw HTML is not supported; escape the < as \\<")
    if _DOLLAR.search(prose):
        problems.append("'$' starts math under Quarto; write \\$")
    return problems


def _block_problems(line: str, prose: str) -> list[str]:
    """Div fences, heading attributes and bracketed spans against the subset."""
    problems = []
    div = _DIV.match(line)
    if div and div["rest"]:
        why = _check_div(div["rest"])
        if why:
            problems.append(why)
    heading = _HEADING.match(line)
    if heading:
        parsed = _attrs(heading["attrs"])
        bad = parsed[0] if parsed else [heading["attrs"]]
        bad = [c for c in bad if c not in HEADING_CLASSES]
        if bad or (parsed and parsed[2]):
            problems.append(f"heading attributes: only {HEADING_CLASSES} and an id")
    for span in _SPAN.finditer(prose):
        parsed = _attrs(span["attrs"])
        if not parsed or len(parsed[0]) != 1 or parsed[0][0] not in CONDITIONAL_CLASSES:
            problems.append("a [..]{...} span must be conditional content")
    return problems


def check_qmd(text: str, name: str) -> list[str]:
    """Problems of one report source against the subset, each as "name:line: ..."."""
    problems: list[str] = []
    for number, line in _prose_lines(text):
        prose = _CODE_SPAN.sub("", line)
        found = _inline_problems(prose) + _block_problems(line, prose)
        problems.extend(f"{name}:{number}: {why}" for why in found)
    return problems


def check_cell_options(options: Mapping[str, Any], where: str) -> list[str]:
    """Problems of one notebook cell's `#|` options against the subset."""
    problems = [
        f"{where}: cell option {k!r} is not one of {', '.join(CELL_OPTIONS)}"
        for k in options
        if k not in CELL_OPTIONS
    ]
    label = str(options.get("label") or "")
    kind = label.split("-", 1)[0] if "-" in label else ""
    if kind in XREF_KINDS and not str(options.get(f"{kind}-cap") or "").strip():
        problems.append(f"{where}: label {label} needs `#| {kind}-cap: ...`")
    for cap in ("fig-cap", "tbl-cap"):
        if cap in options and not label.startswith(cap[:3] + "-"):
            problems.append(f"{where}: {cap} needs a {cap[:3]}- label, got {label or 'none'}")
    return problems
