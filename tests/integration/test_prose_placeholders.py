"""No placeholder ever reaches a reader: every section rendered with the built-in composer, on
datasets that hold everything and on one that holds only the required columns.

Fails on `n/a`, `None`, `nan`, `NaN`, an empty variable (Quarto's `?var:` or a doubled space
where a value was), `0 topics`, and any unresolved shortcode, in report.html's visible text and
in the PDF's text.

Data shown as data (table cells, code) may legitimately hold such strings (the demo plants
hostile tweets such as "{{< var accounts >}}"): there, a cell that IS a placeholder fails, and a
shortcode in the PDF must be one the HTML shows as data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, make_archive, run_cli

PLACEHOLDERS = {
    "n/a": re.compile(r"(?<![\w/])n/a(?![\w/])", re.I),
    "None": re.compile(r"\bNone\b"),
    "nan": re.compile(r"\bnan\b"),
    "NaN": re.compile(r"\bNaN\b"),
    "0 topics": re.compile(r"\b0 topics\b"),
    "?var: / ?meta:": re.compile(r"\?(?:var|meta):"),
}
SHORTCODE = re.compile(r"\{\{<|>\}\}")
DOUBLED_SPACE = re.compile(r"\S  +\S")
CELL_PLACEHOLDERS = {"n/a", "N/A", "None", "nan", "NaN", "null", "NaT"}


def _render(tmp: Path, raw: Path, profile: str) -> Path:
    """Ingest `raw` and render it with `profile`: the version folder. A failed section is
    checked by test_every_section_rendered, so the other tests still read what was produced."""
    data, out = tmp / "data", tmp / "reports"
    r = run_cli("ingest", raw, "--dataset", "ds", "--data-dir", data)
    assert r.returncode == 0, r.stderr
    r = run_cli(
        "render", "ds", "--engine", "builtin", "--data-dir", data, "--out", out, "--profile", ROOT / profile, cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(tmp / "cache")},
    )  # fmt: skip
    assert r.returncode in (0, 1), r.stderr + r.stdout
    (folder,) = (p for p in (out / "ds").iterdir() if not p.name.startswith("."))
    return folder


def china_demo(request, tmp: Path) -> Path:
    """The China demo (published size) with profiles/china_052020.yml: the shared render."""
    return request.getfixturevalue("rendered")["folder"]


def tiny_required_only(request, tmp: Path) -> Path:
    """A tiny archive whose files hold only the required columns, with profiles/generic.yml."""
    raw = make_archive(tmp / "raw", "tiny_012020", users=10, tweets=200, required_only=True)
    return _render(tmp, raw, "profiles/generic.yml")


def russia_demo(request, tmp: Path) -> Path:
    """The second synthetic operation with profiles/demo_russia.yml: the shared render."""
    return request.getfixturevalue("rendered_russia")["folder"]


# One builder per dataset: (request, scratch folder) -> rendered version folder.
DATASETS: dict[str, Callable[..., Path]] = {
    "china-demo": china_demo,
    "russia-demo": russia_demo,
    "tiny-required-columns-only": tiny_required_only,
}


@pytest.fixture(scope="module", params=list(DATASETS))
def report(request, tmp_path_factory) -> Path:
    return DATASETS[request.param](request, tmp_path_factory.mktemp(request.param))


class _Text(HTMLParser):
    """Visible text of an HTML page, split into prose and data (table cells, code)."""

    SKIP = {"head", "script", "style", "template"}
    DATA = {"td", "th", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.prose: list[str] = []
        self.cells: list[str] = []
        self.data: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag not in {"br", "img", "meta", "link", "hr", "input", "col", "wbr"}:
            self.stack.append(tag)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data):
        if self.SKIP & set(self.stack):
            return
        if self._cell is not None:
            self._cell.append(data)
        (self.data if self.DATA & set(self.stack) else self.prose).append(data)


def _found(text: str) -> dict[str, list[str]]:
    """Each placeholder token found in `text`, with a little context."""
    hits = {}
    for name, rx in PLACEHOLDERS.items():
        ctx = [text[max(0, m.start() - 40) : m.end() + 40] for m in rx.finditer(text)]
        if ctx:
            hits[name] = ctx[:3]
    return hits


def _html(folder: Path) -> _Text:
    parser = _Text()
    parser.feed((folder / "report.html").read_text(encoding="utf-8"))
    return parser


def test_every_section_rendered(report):
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    failed = {
        n["name"]: n["error"] for n in manifest["notebooks"] if n["status"] not in ("ok", "cached")
    }
    assert not failed, failed


def test_html_prose_has_no_placeholder(report):
    parsed = _html(report)
    # One line per text node, newlines inside a node read as the spaces they render as.
    prose = "\n".join(re.sub(r"\s*\n\s*", " ", t) for t in parsed.prose if t.strip())
    problems = _found(prose)
    shortcodes = [prose[max(0, m.start() - 40) : m.end() + 40] for m in SHORTCODE.finditer(prose)]
    if shortcodes:
        problems["unresolved shortcode"] = shortcodes[:3]
    doubled = [prose[max(0, m.start() - 40) : m.end() + 40] for m in DOUBLED_SPACE.finditer(prose)]
    if doubled:
        problems["doubled space (an empty variable?)"] = doubled[:3]
    assert not problems, problems


def test_html_table_cells_are_never_placeholders(report):
    bad = sorted({c for c in _html(report).cells if c in CELL_PLACEHOLDERS})
    assert not bad, f"table cells reading {bad}"


def test_pdf_text_has_no_placeholder(report):
    reader = PdfReader(report / "report.pdf")
    text = "\n".join(page.extract_text() or "" for page in reader.pages).replace("\u200b", "")
    problems = _found(text)
    flat = re.sub(r"\s+", " ", text)
    data = re.sub(r"\s+", " ", " ".join(_html(report).data + _html(report).cells))
    stray = [
        m.group(0)
        for m in re.finditer(r"\{\{<[^{}]*?>\}\}|\{\{<|>\}\}", flat)
        if m.group(0) not in data
    ]
    if stray:
        problems["unresolved shortcode"] = stray[:3]
    assert not problems, problems
