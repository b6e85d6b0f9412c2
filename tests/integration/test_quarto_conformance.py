"""The same sources through real Quarto and through the built-in composer give the same report.

Runs when a `quarto` is on PATH (CI provisions Quarto 1.10.18 from ../shared/quarto); skipped
with the reason otherwise, and a failure under CI=true. The Quarto render reuses the built-in
render's notebook cache, so it only composes.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import IN_CI, ROOT

pytestmark = pytest.mark.slow
QUARTO_CI_VERSION = "1.10.18"


# Title blocks, tables of contents, callout titles and notebook links: compared elsewhere.
SKIP_CLASSES = {
    "title-block", "quarto-title-block", "toc", "callout-title", "callout-title-container",
    "callout-header", "quarto-notebook-link",
}  # fmt: skip


class Doc(HTMLParser):
    """Headings, captions, cross-reference links and paragraphs of a report's main content."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[str] = []
        self.captions: list[str] = []
        self.xrefs: list[tuple[str, str]] = []
        self.paragraphs: list[str] = []
        self.ids: set[str] = set()
        self.date = ""
        self._stack: list[tuple[str, dict]] = []
        self._buf: dict[int, list[str]] = {}
        self._skip = 0  # inside nav, title block, callout titles
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag in ("meta", "img", "br", "hr", "link", "input"):
            return
        cls = (a.get("class") or "").split()
        skip = tag == "nav" or bool(set(cls) & SKIP_CLASSES)
        skip = skip or a.get("id") in ("TOC", "quarto-margin-sidebar", "title-block-header")
        self._stack.append((tag, a, skip))
        self._skip += skip
        self._buf[len(self._stack)] = []

    def handle_endtag(self, tag):
        if tag in ("meta", "img", "br", "hr", "link", "input"):
            return  # `<br />` ends nothing (HTMLParser calls this for a self-closing tag)
        while self._stack:
            depth = len(self._stack)
            t, a, skip = self._stack.pop()
            text = " ".join("".join(self._buf.pop(depth, [])).split())
            for d in range(depth - 1, 0, -1):
                if d in self._buf:
                    self._buf[d].append(text if t not in ("p", "figcaption", "caption") else "")
                    break
            self._skip -= skip
            self._record(t, a, text)
            if t == tag:
                break

    def _record(self, tag, a, text):
        cls = a.get("class") or ""
        if "date" in cls.split() and not self.date:
            self.date = text
        if self._skip:
            return
        if re.fullmatch(r"h[1-3]", tag) and "title" not in cls.split():
            self.headings.append(text)
        elif tag in ("figcaption", "caption"):
            self.captions.append(text)
        elif tag == "a" and re.match(r"#(fig|tbl)-", a.get("href") or ""):
            self.xrefs.append((a["href"], text))
        elif tag == "p" and text:
            self.paragraphs.append(text)

    def handle_data(self, data):
        if self._stack:
            self._buf[len(self._stack)].append(data)


def docs(rendered, quarto_rendered) -> tuple[Doc, Doc]:
    """Both reports parsed, with what must differ masked: each one's own version name and the
    engine named in the appendix's provenance paragraph."""

    def read(folder: Path) -> Doc:
        text = (folder / "report.html").read_text(encoding="utf-8")
        text = text.replace(folder.name, "VERSION")
        return Doc(re.sub(ENGINE_NAMED, "Composed by ENGINE.", text))

    return read(rendered["folder"]), read(quarto_rendered["folder"])


# The appendix's provenance names the composer and its version (they differ by engine).
ENGINE_NAMED = re.compile(
    r"Composed by\s+(Quarto [\d.]+|the built-in composer \(pandoc [\d.]+, Typst [\d.]+\))\."
)


def test_quarto_is_the_pinned_version_in_ci(quarto_bin):
    out = subprocess.run(
        [quarto_bin, "--version"], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    # An installed Quarto prints "1.10.18"; the kit's development-mode launcher "quarto 1.10.18"
    # in colour.
    version = re.sub(r"\x1b\[[0-9;]*m", "", out).split()[-1]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), out
    if IN_CI:
        assert version == QUARTO_CI_VERSION


def test_quarto_reads_markdown_as_the_builtin_composer_does(quarto_bin):
    # The built-in composer's READER copies Quarto's qmd reader; a Quarto that reads otherwise
    # must show up here, not as a silent difference between the engines.
    from takedown.compose.builtin import READER

    share = Path(quarto_bin).resolve().parent
    candidates = list(share.parent.glob("quarto-*/src/src/resources/pandoc/datadir/readqmd.lua"))
    candidates += list(share.parent.glob("share/pandoc/datadir/readqmd.lua"))
    if not candidates:
        pytest.skip(f"no readqmd.lua beside {quarto_bin} to compare with")
    lua = candidates[0].read_text(encoding="utf-8")
    assert "Extensions = pandoc.format.extensions 'markdown'" in lua
    assert 'flavor.extensions["table_attributes"] = false' in lua
    assert READER == "markdown-table_attributes"


def test_both_engines_give_html_and_pdf(rendered, quarto_rendered):
    for folder in (rendered["folder"], quarto_rendered["folder"]):
        names = sorted(p.name for p in folder.iterdir())
        assert names == ["accounts.csv", "findings.json", "manifest.json", "network", "notebooks",
                         "report.html", "report.pdf", "tables"]  # fmt: skip
        assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"
        assert len(PdfReader(folder / "report.pdf").pages) > 5


def test_auto_engine_is_quarto_and_the_appendix_names_each_composer(rendered, quarto_rendered):
    """quarto_rendered runs with the default engine (auto): Quarto, since one is on PATH. Each
    appendix names its composer with the version the manifest records."""
    for folder, engine in ((rendered["folder"], "builtin"), (quarto_rendered["folder"], "quarto")):
        m = json.loads((folder / "manifest.json").read_text())
        assert m["engine"] == engine
        want = {"quarto": ["quarto"], "builtin": ["pandoc", "typst"]}[engine]
        assert sorted(m["engine_versions"]) == want
        assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in m["engine_versions"].values())
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", (folder / "report.html").read_text(
            encoding="utf-8"))).split())  # fmt: skip
        named = ENGINE_NAMED.findall(text)
        versions = m["engine_versions"]
        assert named == [
            f"Quarto {versions['quarto']}" if engine == "quarto"
            else f"the built-in composer (pandoc {versions['pandoc']}, Typst {versions['typst']})"
        ]  # fmt: skip


def test_findings_are_byte_identical(rendered, quarto_rendered):
    a = (rendered["folder"] / "findings.json").read_bytes()
    assert a == (quarto_rendered["folder"] / "findings.json").read_bytes()


def test_same_section_headings(rendered, quarto_rendered):
    builtin, quarto = docs(rendered, quarto_rendered)
    assert builtin.headings[:3] == ["1 Summary", "2 Published and reproduced figures", "3 Overview"]
    assert builtin.headings == quarto.headings


def test_same_pdf_outline(rendered, quarto_rendered):
    def outline(folder: Path) -> list[str]:
        def walk(items):
            for it in items:
                if isinstance(it, list):
                    yield from walk(it)
                else:
                    yield " ".join(it.title.split())

        return list(walk(PdfReader(folder / "report.pdf").outline))

    builtin, quarto = outline(rendered["folder"]), outline(quarto_rendered["folder"])
    assert builtin and [t for t in builtin if t != "Contents"] == [
        t for t in quarto if t not in ("Contents", "Table of contents")
    ]


def test_same_figure_and_table_numbers_and_cross_references(rendered, quarto_rendered):
    builtin, quarto = docs(rendered, quarto_rendered)
    assert builtin.captions == quarto.captions
    assert sum(c.startswith("Figure ") for c in builtin.captions) >= 10
    assert sum(c.startswith("Table ") for c in builtin.captions) >= 10
    assert builtin.xrefs == quarto.xrefs and len(builtin.xrefs) >= 10
    for doc in (builtin, quarto):
        assert {href[1:] for href, _ in doc.xrefs} <= doc.ids


def test_every_var_resolves_to_the_same_text(rendered, quarto_rendered):
    builtin, quarto = docs(rendered, quarto_rendered)
    variables = set()
    for qmd in (ROOT / "report").glob("*.qmd"):
        variables |= set(re.findall(r"\{\{<\s*var\s+([\w.-]+)\s*>\}\}", qmd.read_text()))
    assert len(variables) > 20
    assert builtin.paragraphs == quarto.paragraphs
    prose = "\n".join(quarto.paragraphs)
    for bad in ("?var", "{{<", "unknown var", "Invalid Date", "?mention", "n/a", "nan", "None"):
        assert not re.search(rf"(?<!\w){re.escape(bad)}(?!\w)", prose), bad


def test_title_block_has_a_real_date_and_the_version_in_its_own_field(rendered, quarto_rendered):
    builtin, quarto = docs(rendered, quarto_rendered)
    for folder, doc in ((rendered["folder"], builtin), (quarto_rendered["folder"], quarto)):
        m = json.loads((folder / "manifest.json").read_text())
        assert doc.date == m["created_at"][:10]
        text = (folder / "report.html").read_text(encoding="utf-8")
        assert "Invalid Date" not in text
        assert f'<meta name="dcterms.date" content="{m["created_at"][:10]}"' in text
        plain = " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())
        assert f"report version {m['version']}." in plain
    assert f"Version {rendered['folder'].name}" in (rendered["folder"] / "report.html").read_text()


def test_notebook_links_point_at_the_executed_notebooks(rendered, quarto_rendered):
    for folder in (rendered["folder"], quarto_rendered["folder"]):
        text = (folder / "report.html").read_text(encoding="utf-8")
        hrefs = set(re.findall(r'href="(notebooks/[^"#]+\.ipynb)"', text))
        assert hrefs == {f"notebooks/{p.name}" for p in (folder / "notebooks").glob("*.ipynb")}
        assert "-preview.html" not in text
        sources = re.findall(r">Source: ([^<]+)</a>", " ".join(text.split()))
        assert len(sources) == len(set(sources)) == len(hrefs)  # one per notebook


def test_synthetic_callout_is_titled(rendered, quarto_rendered):
    for folder in (rendered["folder"], quarto_rendered["folder"]):
        text = (folder / "report.html").read_text(encoding="utf-8")
        assert re.search(r"callout-title[^>]*>.*?Synthetic demo data", text, re.S)


LAYOUT_JS = """() => {
  const main = document.querySelector('main').getBoundingClientRect();
  const toc = document.querySelector('nav#TOC');
  const overflow = [];
  for (const t of document.querySelectorAll('main table')) {
    const r = t.getBoundingClientRect();
    let s = t.parentElement, scroll = null;
    while (s && s !== document.body) {
      if (['auto', 'scroll'].includes(getComputedStyle(s).overflowX)) { scroll = s; break; }
      s = s.parentElement;
    }
    const edge = (scroll || t).getBoundingClientRect().right;
    if (edge > main.right + 1) overflow.push(t.id || t.closest('[id]').id);
  }
  const tr = toc && toc.getBoundingClientRect();
  return {overflow, mainRight: main.right, tocLeft: tr ? tr.left : null};
}"""


@pytest.mark.browser
def test_wide_tables_stay_in_the_column_and_the_toc_sits_beside_it(rendered, quarto_rendered):
    from tests.integration.test_browser import CHROMIUM

    if CHROMIUM is None:
        pytest.fail("Debian's chromium is not installed; .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for folder in (rendered["folder"], quarto_rendered["folder"]):
            for width in (1400, 800):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto((folder / "report.html").as_uri())
                state = page.evaluate(LAYOUT_JS)
                page.close()
                assert state["overflow"] == [], (folder.parent.parent.name, width, state)
                if width == 1400:  # a side table of contents, right of the text
                    assert state["tocLeft"] is not None and state["tocLeft"] >= state["mainRight"]
        browser.close()
