"""What a profile's context entry may hold, checked on pandoc's JSON AST of the entry alone.

Context is prose set inside a callout: paragraphs, lists, quotes, tables, emphasis, links and
images. Anything that could leave the callout, start a section, carry raw markup or styling, or
reach a file outside the profile's folder is refused, each with what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

BLOCKS = frozenset(
    "Plain Para LineBlock CodeBlock BlockQuote OrderedList BulletList DefinitionList "
    "HorizontalRule Table Figure".split()
)
INLINES = frozenset(
    "Str Emph Underline Strong Strikeout Superscript Subscript SmallCaps Quoted Code Space "
    "SoftBreak LineBreak Link Image Span".split()
)
# Tags of values that are not elements: alignments, column widths, list and quote styles.
VALUES = frozenset(
    "AlignDefault AlignLeft AlignRight AlignCenter ColWidth ColWidthDefault DefaultStyle Example "
    "Decimal LowerRoman UpperRoman LowerAlpha UpperAlpha DefaultDelim Period OneParen TwoParens "
    "SingleQuote DoubleQuote".split()
)
REFUSED = {
    "Header": "a heading would start a section of its own; write it as a paragraph",
    "Div": "a div (::: or <div>) could close the callout; write plain paragraphs",
    "RawBlock": "raw HTML, Typst or other raw markup is not allowed; write Markdown",
    "RawInline": "raw HTML, Typst or other raw markup is not allowed; write Markdown",
    "Math": "'$' starts math; write \\$ for a literal dollar sign",
    "Cite": "'@name' reads as a citation; write \\@ for a literal @",
    "Note": "footnotes are not supported in context; name the reference under source:",
}
# Where an element keeps its attributes ([id, [classes], [[key, value]]]) in its content list.
ATTR_AT = {"Code": 0, "CodeBlock": 0, "Link": 0, "Image": 0, "Span": 0, "Table": 0, "Figure": 0}
# Ids the report numbers as figures, tables, sections...; classes its composers act on.
XREF_ID = re.compile(r"^(fig|tbl|sec|eq|lst|thm|lem|cor|prp|cnj|def|exm|exr)-")
RESERVED_CLASS = re.compile(r"^(callout|content-|td-)")
SAFE_NAME = re.compile(r"^[A-Za-z][\w-]{0,30}$")
LINK_TARGET = re.compile(r"^(https?://|mailto:|#)", re.IGNORECASE)
# An image is a file in the profile's folder, named by a plain relative path.
URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
IMAGE_SRC = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$")


def elements(node: Any) -> Iterator[dict]:
    """Every AST element ({"t": ..., "c": ...}) under `node`, depth first, in document order."""
    if isinstance(node, dict):
        if "t" in node:
            yield node
        for value in node.values():
            yield from elements(value)
    elif isinstance(node, list):
        for value in node:
            yield from elements(value)


def _attr_problem(attr: list) -> str | None:
    """Why an element's attributes are refused: only #id and .class are allowed."""
    ident, classes, pairs = attr
    if pairs:
        key = pairs[0][0]
        name = f"{key}=" if SAFE_NAME.match(key) else "key=value"
        return f"attribute {name} is not allowed; only {{#id .class}}"
    if XREF_ID.match(ident):
        return f"id #{ident.split('-')[0]}-... would be numbered as a report cross-reference"
    for cls in classes:
        if RESERVED_CLASS.match(cls):
            return "classes .callout-*, .content-* and .td-* belong to the report's layout"
    return None


def _element_problem(el: dict) -> str | None:
    """Why one element is refused, or None."""
    kind = el["t"]
    if kind in REFUSED:
        return REFUSED[kind]
    if kind in VALUES:
        return None
    if kind not in BLOCKS and kind not in INLINES:
        return f"{kind} elements are not supported in context; write paragraphs and lists"
    if kind in ATTR_AT:
        why = _attr_problem(el["c"][ATTR_AT[kind]])
        if why:
            return why
    if kind == "Code" and el["c"][1].lstrip().startswith("{"):
        return "code starting with {lang} is a cell Quarto runs; drop the braces"
    if kind == "Link" and not LINK_TARGET.match(el["c"][2][0]):
        return "a link goes to an http(s) or mailto address, or to a #section of the report"
    if kind == "Image":
        return image_src_problem(el["c"][2][0])
    return None


def image_src_problem(src: str) -> str | None:
    """Why an image source is not a plain relative path (the folder is checked elsewhere)."""
    if src.startswith("/") or URL_SCHEME.match(src):
        return "an image is a file in the profile's folder, not an absolute path or a URL"
    if not IMAGE_SRC.match(src) or "//" in src:
        return (
            "an image path is relative to the profile's folder, without ../, and uses only "
            "letters, digits and _ . / -"
        )
    if src.rsplit(".", 1)[-1].lower() not in ("png", "jpg", "jpeg", "gif"):
        return "an image is a .png, .jpg or .gif file"
    return None


def fragment_problem(doc: dict) -> str | None:
    """The first reason the fragment's AST is refused, or None."""
    if doc.get("meta"):
        return "a YAML block (--- ... ---) is not allowed in context"
    for el in elements(doc.get("blocks", [])):
        why = _element_problem(el)
        if why:
            return why
    return None


def image_sources(doc: dict) -> list[str]:
    """The image sources of a fragment, in document order (the order the renamer numbers)."""
    return [el["c"][2][0] for el in elements(doc.get("blocks", [])) if el["t"] == "Image"]
