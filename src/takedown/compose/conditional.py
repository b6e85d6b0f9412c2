"""Quarto conditional content for the built-in composer, and nothing more than Quarto's.

`::: {.content-visible when-meta="available.engagement.any"}` (or `.content-hidden`, with
`when-meta`, `unless-meta`, `when-format`, `unless-format`) on fenced divs and on one-line
bracketed spans. Semantics follow Quarto 1.10 (filters/customnodes/content-hidden.lua): every
condition given must hold for a match; a meta condition holds when the dotted key is boolean
`true`; `.content-visible` shows on a match, `.content-hidden` hides on one.

Hidden content is removed from the source text BEFORE shortcodes are resolved, so an embed of a
figure the notebook did not draw, or a variable of a finding that is not available, is never
looked up. Removed lines become blank lines, so file:line in later errors stays right.

Content for one output only (html or typst) is kept, wrapped in a `td-only-<format>` div or span
that templates/conditional.lua drops from the other output.

Stricter than Quarto, on purpose: any other class, id or attribute on a conditional div, a
profile condition, a format other than html/typst, a non-boolean meta value, or a meta key whose
parent is not defined at all (a typo) is an error naming file:line. A missing leaf under a defined
mapping (e.g. a finding a failed notebook never recorded) is false, as in Quarto.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from takedown.compose.errors import ComposeError

CONDITIONS = ("when-meta", "unless-meta", "when-format", "unless-format")
VISIBLE, HIDDEN = "content-visible", "content-hidden"
# The built-in composer's outputs, by Quarto format name (Quarto's "pdf" means LaTeX).
OUTPUTS = ("html", "typst")
METADATA_FILES = ("_metadata.yml", "_metadata.yaml")

_FENCE = re.compile(r"^\s*(?P<colons>:{3,})\s*(?P<rest>.*?)\s*$")
_CODE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
_ATTR = re.compile(
    r"""\s*(?:(?P<cls>\.[\w-]+)|(?P<id>\#[\w:.-]+)"""
    r"""|(?P<key>[\w-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'}]+)))"""
)
_SPAN = re.compile(
    r"\[(?P<body>[^\[\]\n]*)\]\{(?P<attrs>[^{}\n]*\.content-(?:visible|hidden)\b[^{}\n]*)\}"
)


def directory_metadata(project_dir: Path, document: Path) -> dict[str, Any]:
    """_metadata.yml of each folder from the project (exclusive) down to the document's folder,
    merged deeper-wins, as Quarto's directoryMetadataForInputFile reads them."""
    merged: dict[str, Any] = {}
    rel = document.parent.resolve().relative_to(project_dir.resolve())
    folder = project_dir.resolve()
    for part in rel.parts:
        folder = folder / part
        for name in METADATA_FILES:
            path = folder / name
            if path.is_file():
                try:
                    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
                except yaml.YAMLError as exc:
                    raise ComposeError(f"{path}: not valid YAML: {exc}") from None
                if not isinstance(data, dict):
                    raise ComposeError(f"{path}: must be a YAML mapping")
                merged = deep_merge(merged, data)
                break
    return merged


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """`over` on top of `base`, merging nested mappings key by key."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), Mapping):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def parse_attributes(text: str, where: str) -> tuple[list[str], str, dict[str, str]]:
    """(classes, id, key=value attributes) of a Pandoc attribute block's inside."""
    classes, ident, attrs, pos = [], "", {}, 0
    text = text.strip()
    while pos < len(text):
        m = _ATTR.match(text, pos)
        if not m or m.end() == pos:
            raise ComposeError(f"{where}: cannot read the attributes {{{text}}}")
        if m["cls"]:
            classes.append(m["cls"][1:])
        elif m["id"]:
            ident = m["id"][1:]
        else:
            value = next(v for v in (m["dq"], m["sq"], m["bare"]) if v is not None)
            if m["key"] in attrs:
                raise ComposeError(f"{where}: attribute {m['key']} given twice")
            attrs[m["key"]] = value
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return classes, ident, attrs


def visible_outputs(
    classes: list[str], ident: str, attrs: dict[str, str], meta: Mapping[str, Any], where: str
) -> tuple[str, ...]:
    """The outputs (of OUTPUTS) that show this conditional element."""
    kinds = [c for c in classes if c in (VISIBLE, HIDDEN)]
    others = [c for c in classes if c not in (VISIBLE, HIDDEN)]
    if len(kinds) != 1:
        raise ComposeError(f"{where}: use one of .{VISIBLE} or .{HIDDEN}, not both")
    if others or ident:
        extra = ", ".join([f".{c}" for c in others] + ([f"#{ident}"] if ident else []))
        raise ComposeError(
            f"{where}: a conditional div takes only conditions, not {extra}; put them on a div "
            "inside it"
        )
    unknown = [k for k in attrs if k not in CONDITIONS]
    if unknown:
        raise ComposeError(
            f"{where}: unknown condition {unknown[0]}; the built-in composer supports "
            + ", ".join(CONDITIONS)
        )
    formats = {
        k: format_condition(attrs[k], where) for k in ("when-format", "unless-format") if k in attrs
    }
    meta_ok = all(
        meta_condition(meta, attrs[k], where) != k.startswith("unless")
        for k in ("when-meta", "unless-meta")
        if k in attrs
    )
    shown = []
    for out in OUTPUTS:
        match = meta_ok and all((f == out) != k.startswith("unless") for k, f in formats.items())
        if match == (kinds[0] == VISIBLE):
            shown.append(out)
    return tuple(shown)


def meta_condition(meta: Mapping[str, Any], key: str, where: str) -> bool:
    """Quarto's check_meta: the dotted key's value is boolean true."""
    node: Any = meta
    parts = key.split(".")
    for i, part in enumerate(parts):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, Mapping) and i == len(parts) - 1 and i > 0:
            return False  # a leaf not recorded under a defined mapping: false, as in Quarto
        else:
            raise ComposeError(
                f"{where}: metadata '{key}' is not defined ('{'.'.join(parts[: i + 1])}' "
                "missing); fix the key"
            )
    if not isinstance(node, bool):
        raise ComposeError(
            f"{where}: metadata '{key}' is {node!r}, not true or false; a condition needs a boolean"
        )
    return node


def format_condition(value: str, where: str) -> str:
    """The output a format condition names; only the built-in composer's two outputs."""
    if value not in OUTPUTS:
        hint = " (Quarto's pdf means LaTeX; this report's PDF is typst)" if value == "pdf" else ""
        raise ComposeError(f"{where}: format '{value}' in a condition; use html or typst{hint}")
    return value


def filter_text(text: str, where: str, line_offset: int, meta: Mapping[str, Any]) -> str:
    """`text` with hidden conditional content blanked out and shown content unwrapped.

    `where` names the file for errors; `line_offset` is the number of lines before `text` in it.
    Code blocks are left alone. The result has exactly as many lines as `text`.
    """
    out: list[str] = []
    stack: list[tuple[str, int]] = []  # (plain | unwrap | wrap | hidden, line) per open div
    code = ""  # the fence of the open code block, if any
    for i, line in enumerate(text.split("\n")):
        lineno = line_offset + i + 1
        hidden = any(kind == "hidden" for kind, _ in stack)
        if code or _CODE.match(line):
            code = _code_fence(code, line)
            out.append("" if hidden else line)
        elif (fence := _FENCE.match(line)) is None:
            out.append("" if hidden else _spans(line, f"{where}:{lineno}", meta))
        else:
            out.append(_div_line(fence, line, stack, hidden, (where, lineno), meta))
    open_conditional = [n for kind, n in stack if kind != "plain"]
    if open_conditional:
        raise ComposeError(f"{where}:{open_conditional[0]}: conditional div is never closed (:::)")
    return "\n".join(out)


def _code_fence(code: str, line: str) -> str:
    """The open code block's fence after `line`: opened by it, kept, or closed ("")."""
    if not code:
        return _CODE.match(line)["fence"]
    closes = re.match(rf"^\s*{re.escape(code[0])}{{{len(code)},}}\s*$", line)
    return "" if closes else code


def _div_line(
    fence: re.Match[str],
    line: str,
    stack: list[tuple[str, int]],
    hidden: bool,
    at: tuple[str, int],
    meta: Mapping[str, Any],
) -> str:
    """A div fence's line as the filtered text keeps it; opens or closes a div on `stack`."""
    rest = fence["rest"].rstrip(":").strip()
    if not rest:  # a closing fence
        kind = stack.pop()[0] if stack else "plain"
        return "" if hidden or kind == "unwrap" else line
    kind, output = _open_kind(rest, f"{at[0]}:{at[1]}", meta)
    stack.append((kind, at[1]))
    if hidden or kind in ("hidden", "unwrap"):
        return ""
    if kind == "wrap":
        return f"{fence['colons']} {{.td-only-{output}}}"
    return line


def _open_kind(rest: str, loc: str, meta: Mapping[str, Any]) -> tuple[str, str]:
    """(plain | unwrap | wrap | hidden, the one output for wrap) for a div opener's text."""
    if rest in (VISIBLE, HIDDEN):
        rest = "{." + rest + "}"
    if not (rest.startswith("{") and rest.endswith("}") and re.search(_KIND, rest)):
        return "plain", ""
    classes, ident, attrs = parse_attributes(rest[1:-1], loc)
    return _kind(visible_outputs(classes, ident, attrs, meta, loc))


def _kind(shown: tuple[str, ...]) -> tuple[str, str]:
    if not shown:
        return "hidden", ""
    if len(shown) == len(OUTPUTS):
        return "unwrap", ""
    return "wrap", shown[0]


def _spans(line: str, loc: str, meta: Mapping[str, Any]) -> str:
    """One line with its conditional spans `[text]{.content-visible ...}` decided."""

    def replace(m: re.Match[str]) -> str:
        kind, output = _kind(visible_outputs(*parse_attributes(m["attrs"], loc), meta, loc))
        if kind == "hidden":
            return ""
        if kind == "unwrap":
            return m["body"]
        return f"[{m['body']}]{{.td-only-{output}}}"

    return _SPAN.sub(replace, line)


_KIND = re.compile(r"\.content-(?:visible|hidden)(?![\w-])")
