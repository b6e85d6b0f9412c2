"""Resolve Quarto shortcodes (var, meta, include, embed) in one pass, so data stays data."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from takedown.compose.errors import ComposeError
from takedown.compose.escape import md_escape
from takedown.compose.notebooks import NotebookEmbedder

# One alternation, scanned left to right once: escaped forms first, then real shortcodes, then
# any stray opener (an unterminated shortcode is an error, never literal text).
SHORTCODE_RE = re.compile(
    r"\{\{\{<(?P<esc>[^\n]*?)>\}\}\}"
    r"|\{\{</\*(?P<cmt>[^\n]*?)\*/>\}\}"
    r"|\{\{<(?P<sc>[^\n]*?)>\}\}"
    r"|(?P<open>\{\{<)"
)
MAX_INCLUDE_DEPTH = 16
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(yaml text, body, number of lines before the body)."""
    m = FRONT_MATTER_RE.match(text)
    if not m:
        return "", text, 0
    return m.group(1) or "", text[m.end() :], text.count("\n", 0, m.end())


def lookup(tree: Any, dotted: str) -> Any:
    """Value at a dotted path in nested mappings/lists; KeyError naming the missing part."""
    node = tree
    for i, part in enumerate(dotted.split(".")):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(".".join(dotted.split(".")[: i + 1]))
    return node


def notebook_view(meta: Mapping[str, Any], main_dir: Path | None) -> dict[Path, dict[str, Any]]:
    """Quarto's `notebook-view` entries ({notebook, title, url}) by resolved notebook path."""
    views = meta.get("notebook-view")
    if main_dir is None or not isinstance(views, list):
        return {}
    return {
        (main_dir / str(v["notebook"])).resolve(): v
        for v in views
        if isinstance(v, Mapping) and v.get("notebook")
    }


def scalar_text(value: Any) -> str | None:
    """Plain text of a scalar value (None for mappings, lists and nulls)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None


@dataclass
class Resolver:
    """Resolves shortcodes in report sources confined to `project_dir`."""

    project_dir: Path
    variables: Mapping[str, Any]
    meta: Mapping[str, Any]
    embedder: NotebookEmbedder
    files: list[Path] = field(default_factory=list)  # every source file read, for error lookup
    # Applied to each file's text before its shortcodes: (text, file for errors, line offset).
    prefilter: Callable[[str, str, int], str] | None = None
    main_dir: Path | None = None  # folder of the main document: notebook-view paths start there
    linked: set[Path] = field(default_factory=set)  # notebooks that already have a Source link

    def resolve_file(self, path: Path, stack: tuple[Path, ...] = ()) -> str:
        """Read and resolve one source file (its front matter, if any, is left in place)."""
        self.files.append(path)
        text = _read(path)
        if self.prefilter is not None:
            text = self.prefilter(text, self._rel(path), 0)
        return self.resolve_text(text, path, 0, stack + (path,))

    def resolve_text(
        self,
        text: str,
        path: Path,
        line_offset: int,
        stack: tuple[Path, ...] = (),
        *,
        allow: frozenset[str] = frozenset({"var", "meta", "include", "embed"}),
    ) -> str:
        """Replace every shortcode in `text`; replacement text is never scanned again."""
        stack = stack or (path,)

        def replace(m: re.Match[str]) -> str:
            line = line_offset + text.count("\n", 0, m.start()) + 1
            where = f"{self._rel(path)}:{line}"
            if m.group("esc") is not None:
                return "{{<" + m.group("esc") + ">}}"
            if m.group("cmt") is not None:
                return "{{<" + m.group("cmt") + ">}}"
            if m.group("open") is not None:
                raise ComposeError(
                    f"{where}: unterminated shortcode '{{{{<'; close it with '>}}}}'"
                )
            if m.group("sc").split(None, 1)[:1] != ["embed"]:
                return self._shortcode(m.group("sc"), path, where, stack, allow)
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            rest = text[start : m.start()] + text[m.end() : None if end < 0 else end]
            if rest.strip():
                raise ComposeError(f"{where}: an embed shortcode must be alone on its line")
            # Embeds are blocks: blank lines around them keep them apart from adjacent text.
            return "\n" + self._shortcode(m.group("sc"), path, where, stack, allow) + "\n"

        return SHORTCODE_RE.sub(replace, text)

    def _shortcode(
        self, inner: str, path: Path, where: str, stack: tuple[Path, ...], allow: frozenset[str]
    ) -> str:
        """Dispatch one `{{< name args >}}`."""
        try:
            args = shlex.split(inner)
        except ValueError as exc:
            raise ComposeError(
                f"{where}: cannot parse shortcode {{{{<{inner}>}}}}: {exc}"
            ) from None
        if not args:
            raise ComposeError(f"{where}: empty shortcode {{{{<{inner}>}}}}")
        name, rest = args[0], args[1:]
        if name not in ("var", "meta", "include", "embed"):
            raise ComposeError(
                f"{where}: unknown shortcode '{name}'; the built-in composer supports var, meta, "
                "include and embed (write {{{< ... >}}} for a literal shortcode)"
            )
        if name not in allow:
            raise ComposeError(f"{where}: shortcode '{name}' is not allowed here")
        if len(rest) != 1:
            raise ComposeError(
                f"{where}: shortcode '{name}' takes exactly one argument, got {rest}"
            )
        arg = rest[0]
        if name == "var":
            return md_escape(self._value(self.variables, arg, where, "var", "_variables.yml"))
        if name == "meta":
            return md_escape(self._value(self.meta, arg, where, "meta", "the front matter"))
        if name == "include":
            return self._include(arg, path, where, stack)
        return self._embed(arg, path, where)

    def _value(
        self,
        tree: Mapping[str, Any],
        key: str,
        where: str,
        kind: str,
        source: str,
        depth: int = 0,
    ) -> str:
        """A scalar at `key`, as text; missing keys and non-scalars are errors."""
        try:
            value = lookup(tree, key)
        except KeyError as exc:
            raise ComposeError(
                f"{where}: {kind} '{key}' is not defined ('{exc.args[0]}' missing in {source}); "
                "fix the key or add the value"
            ) from None
        text = scalar_text(value)
        if text is None:
            what = "empty (null)" if value is None else f"a {type(value).__name__}, not a value"
            raise ComposeError(f"{where}: {kind} '{key}' in {source} is {what}; name a leaf key")
        if kind == "meta" and "{{<" in text:
            return self._plain(text, where, depth + 1)
        return text

    def _plain(self, text: str, where: str, depth: int) -> str:
        """A front-matter string with its var/meta shortcodes replaced by their plain text."""
        if depth > MAX_INCLUDE_DEPTH:
            raise ComposeError(f"{where}: meta values refer to each other in a loop")

        def replace(m: re.Match[str]) -> str:
            if m.group("esc") is not None or m.group("cmt") is not None:
                return "{{<" + (m.group("esc") or m.group("cmt") or "") + ">}}"
            if m.group("open") is not None:
                raise ComposeError(f"{where}: unterminated shortcode in a meta value")
            try:
                args = shlex.split(m.group("sc"))
            except ValueError:
                args = []
            if len(args) != 2 or args[0] not in ("var", "meta"):
                raise ComposeError(
                    f"{where}: a meta value used by {{{{< meta >}}}} may only contain var/meta "
                    f"shortcodes, found {{{{<{m.group('sc')}>}}}}"
                )
            tree, source = (
                (self.variables, "_variables.yml")
                if args[0] == "var"
                else (self.meta, "the front matter")
            )
            return self._value(tree, args[1], where, args[0], source, depth)

        return SHORTCODE_RE.sub(replace, text)

    def _include(self, arg: str, path: Path, where: str, stack: tuple[Path, ...]) -> str:
        """Resolved text of an included file, relative to the including file."""
        target = self._inside(path.parent / arg, where, "include")
        if target in stack:
            chain = " -> ".join(self._rel(p) for p in stack + (target,))
            raise ComposeError(f"{where}: include cycle {chain}")
        if len(stack) > MAX_INCLUDE_DEPTH:
            raise ComposeError(f"{where}: includes nested deeper than {MAX_INCLUDE_DEPTH}")
        if not target.is_file():
            raise ComposeError(f"{where}: included file {self._rel(target)} does not exist")
        return self.resolve_file(target, stack)

    def _embed(self, arg: str, path: Path, where: str) -> str:
        """Outputs of a labelled notebook cell: `path/to/nb.ipynb#label`."""
        nb, sep, label = arg.partition("#")
        if not sep or not nb or not label:
            raise ComposeError(f"{where}: embed needs 'notebook.ipynb#label', got '{arg}'")
        if not nb.endswith(".ipynb"):
            raise ComposeError(f"{where}: embed supports .ipynb notebooks only, got '{nb}'")
        target = self._inside(path.parent / nb, where, "embed")
        return self.embedder.embed(target, label, where) + self._notebook_link(target)

    def _notebook_link(self, notebook: Path) -> str:
        """Quarto's "Source: <title>" link after a notebook's first embed, when the front
        matter's `notebook-view` gives that notebook a `url` (Quarto would otherwise link to an
        HTML preview it renders itself). An HTML-only div; crossref.lua drops it elsewhere."""
        if notebook in self.linked:
            return ""
        self.linked.add(notebook)
        view = notebook_view(self.meta, self.main_dir).get(notebook)
        if not view or not view.get("url"):
            return ""
        title = md_escape(view.get("title") or notebook.stem)
        url = str(view["url"]).replace(" ", "%20").replace(")", "%29").replace("<", "%3C")
        return f"\n::: {{.quarto-notebook-link}}\n[Source: {title}](<{url}>)\n:::\n"

    def _inside(self, candidate: Path, where: str, kind: str) -> Path:
        """`candidate` resolved, refused if it leaves the project directory."""
        resolved = candidate.resolve()
        if not resolved.is_relative_to(self.project_dir):
            raise ComposeError(
                f"{where}: {kind} path {candidate} is outside the project directory; "
                "only files inside the project can be used"
            )
        return resolved

    def _rel(self, path: Path) -> str:
        """Path for messages, relative to the project when possible."""
        try:
            return str(path.resolve().relative_to(self.project_dir))
        except ValueError:
            return str(path)


def _read(path: Path) -> str:
    """UTF-8 text of a source file, with a clear error otherwise."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ComposeError(f"{path}: not UTF-8 text ({exc})") from None
