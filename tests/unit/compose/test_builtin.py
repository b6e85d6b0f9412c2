"""The built-in composer end to end with real pandoc and typst: numbering, safety, CJK, errors."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from takedown.compose import ComposeError, md_table, render
from tests.unit.compose.test_escape import HOSTILE
from tests.unit.compose.test_shortcodes import (
    V4,
    code_cell,
    md_out,
    png_out,
    svg_out,
    tiny_png,
    tiny_svg,
    write_notebook,
    write_project,
)

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
CJK = "中文 简体 和 繁體 中文"
# Plain ASCII hostile strings whose text must survive into the PDF verbatim.
PDF_LITERALS = [
    "<script>window.__pwned=1</script>",
    "#set page(width: 1cm)",
    "$$x^2$$",
    "{{< var accounts >}}",
    "@fig-x [@tbl-y] [-@fig-z]",
    "**bold** _it_",
    "[link](javascript:alert(1))",
]

BODY = """\
# Findings

See @fig-first, then @tbl-top and @fig-second; also [-@fig-second] and \\@jack.

{{{< var accounts >}}} is how you quote a value.

{{< embed ../notebooks/nb.ipynb#fig-first >}}

## Hostile values

{{< include _hostile.qmd >}}

{{< embed ../notebooks/nb.ipynb#tbl-top >}}

{{< embed ../notebooks/nb.ipynb#fig-second >}}

{{< embed ../notebooks/nb.ipynb#fig-failed >}}

::: {.callout-warning title="Check"}
Numbers in @tbl-top are synthetic.
:::
"""


def _hostile_qmd(n: int) -> str:
    return "\n\n".join(f"Value {i}: {{{{< var hostile.v{i} >}}}}." for i in range(n)) + "\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    """One full render of a project full of hostile values; both outputs and the project."""
    base = tmp_path_factory.mktemp("compose")
    variables = {"hostile": {f"v{i}": s for i, s in enumerate(HOSTILE)}, "accounts": 23750}
    root = write_project(
        base / "proj",
        BODY,
        variables,
        front=f'title: "Report: {{{{< var accounts >}}}} accounts"\nsubtitle: "{CJK}"\n'
        "date: 2020-06-11\nauthor: [A. Analyst]\n",
    )
    (root / "report" / "_hostile.qmd").write_text(_hostile_qmd(len(HOSTILE)), encoding="utf-8")
    table = md_table([(s, i) for i, s in enumerate(HOSTILE)], ["value", "n"])
    write_notebook(
        root / "notebooks" / "nb.ipynb",
        code_cell('#| label: fig-first\n#| fig-cap: "First: zero followers"', png_out(tiny_png())),
        code_cell("#| label: tbl-top\n#| tbl-cap: Hostile table", md_out(table)),
        code_cell("#| label: fig-second\n#| fig-cap: Second figure", svg_out(tiny_svg())),
        code_cell(
            "#| label: fig-failed\n#| fig-cap: Failed figure",
            V4.new_output(
                "error", ename="RuntimeError", evalue="<img src=x onerror=alert(1)>", traceback=[]
            ),
        ),  # fmt: skip
    )
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    out = base / "out"
    paths = render(root, out)
    after = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    html = paths["html"].read_text(encoding="utf-8")
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(paths["pdf"]).pages)
    return {
        "root": root, "out": out, "paths": paths, "html": html, "pdf": paths["pdf"],
        "pdf_text": pdf_text, "unchanged": before == after,
    }  # fmt: skip


class Tree(HTMLParser):
    """Every element (tag, attrs), the text, and figcaption/caption texts of an HTML page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.captions: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._capture: list[str] | None = None
        self._link: tuple[str, list[str]] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("figcaption", "caption"):
            self._capture = []
        if tag == "a" and "xref" in (dict(attrs).get("class") or ""):
            self._link = (dict(attrs)["href"] or "", [])

    def handle_endtag(self, tag):
        if tag in ("figcaption", "caption") and self._capture is not None:
            self.captions.append(" ".join("".join(self._capture).split()))
            self._capture = None
        if tag == "a" and self._link:
            self.links.append((self._link[0], "".join(self._link[1])))
            self._link = None

    def handle_data(self, data):
        self.text.append(data)
        if self._capture is not None:
            self._capture.append(data)
        if self._link:
            self._link[1].append(data)

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def _squash(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.slow
def test_outputs_exist_and_sources_untouched(report):
    assert sorted(p.name for p in report["out"].iterdir()) == ["report.html", "report.pdf"]
    assert report["unchanged"]
    assert not (report["root"] / "_build").exists()


def test_html_numbers_figures_and_tables_and_links_refs(report):
    tree = Tree(report["html"])
    assert tree.captions == [
        "Figure 1: First: zero followers",
        "Table 1: Hostile table",
        "Figure 2: Second figure",
        "Figure 3: Failed figure",
    ]
    assert tree.links[:4] == [
        ("#fig-first", "Figure 1"), ("#tbl-top", "Table 1"), ("#fig-second", "Figure 2"),
        ("#fig-second", "2"),
    ]  # fmt: skip
    ids = {a.get("id") for _, a in tree.elements}
    assert {"fig-first", "tbl-top", "fig-second", "fig-failed"} <= ids
    assert "@jack" in tree.plain and "{{< var accounts >}} is how you quote" in tree.plain


def test_html_is_self_contained_and_locked_down(report):
    tree = Tree(report["html"])
    metas = [a for t, a in tree.elements if t == "meta" and a.get("http-equiv")]
    assert metas == [{"http-equiv": "Content-Security-Policy", "content": CSP}]
    tags = {t for t, _ in tree.elements}
    assert not tags & {"script", "iframe", "object", "embed", "link", "base", "form"}
    for tag, attrs in tree.elements:
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
        if "src" in attrs:
            assert re.match(r"data:image/(png|svg\+xml);base64,", attrs["src"] or ""), tag
        assert not re.match(r"\s*(https?:)?//", attrs.get("href") or ""), (tag, attrs)
    assert len([1 for t, _ in tree.elements if t == "img"]) == 2


@pytest.mark.slow
def test_an_svg_figure_stays_vector_in_both_outputs(report):
    """The notebook's SVG is the figure in the HTML and in the PDF, with no bitmap of it."""
    import base64
    import subprocess

    srcs = [a["src"] for t, a in Tree(report["html"]).elements if t == "img"]
    assert srcs[0].startswith("data:image/png") and srcs[1].startswith("data:image/svg+xml")
    svg = base64.b64decode(srcs[1].split(",", 1)[1]).decode("utf-8")
    assert "<!-- 中文 -->" in svg and "<text" not in svg  # its title, as outlines
    images = subprocess.run(
        ["pdfimages", "-list", str(report["pdf"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert [ln.split()[2] for ln in images].count("image") == 1  # the PNG figure only


def test_html_embeds_the_cjk_subset_it_needs(report):
    faces = re.findall(
        r'@font-face\{font-family:"([^"]+)"[^}]*unicode-range:([^}]*)\}', report["html"]
    )
    ranges = dict(faces)
    assert set(ranges) >= {"Takedown CJK"}
    assert {int(u[2:], 16) for u in ranges["Takedown CJK"].split(",")} == {
        ord(c) for c in CJK if c != " "
    }


def test_html_shows_every_hostile_value_as_text(report):
    plain = Tree(report["html"]).plain
    for s in HOSTILE:
        squashed = _squash(s.replace("\x00", " ").replace("\x1b", " "))
        assert f"{squashed}." in plain  # from the var, literal, as text
    assert "RuntimeError: <img src=x onerror=alert(1)>" in plain


def test_pdf_has_numbered_captions_once_refs_and_literal_text(report):
    text = _squash(report["pdf_text"])
    for cap in ("Figure 1: First: zero followers", "Table 1: Hostile table",
                "Figure 2: Second figure", "Figure 3: Failed figure"):  # fmt: skip
        assert text.count(cap) == 1, cap
    assert "Figure 1: Figure" not in text and "Table 1: Table" not in text
    assert "See Figure 1, then Table 1 and Figure 2; also 2 and @jack." in text
    assert CJK.replace(" ", "") in text.replace(" ", "")
    assert "Report: 23750 accounts" in text
    for s in PDF_LITERALS:
        assert s in text, s


def test_pdf_pages_and_internal_links(report):
    reader = PdfReader(report["pdf"])
    assert all(abs(float(p.mediabox.width) - 595.28) < 1 for p in reader.pages)  # A4, not 1cm
    links = [
        a.get_object()
        for p in reader.pages
        for a in p.get("/Annots") or []
        if a.get_object().get("/Subtype") == "/Link"
    ]
    internal = [a for a in links if "/URI" not in (a.get("/A") or {})]
    assert len(internal) >= 5  # four references in the prose plus the callout's, and the TOC
    assert "1 / " in report["pdf_text"]  # page footer


@pytest.mark.slow
def test_unknown_cross_reference_fails_and_publishes_nothing(tmp_path):
    root = write_project(tmp_path / "p", "Intro.\n\nAs @fig-nope shows.\n")
    out = tmp_path / "out"
    with pytest.raises(
        ComposeError, match=r"report/report.qmd:7: unknown cross-reference @fig-nope"
    ):
        render(root, out)
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_typst_failure_leaves_no_complete_looking_output(tmp_path):
    root = write_project(tmp_path / "p", "{{< embed ../notebooks/nb.ipynb#fig-bad >}}\n")
    broken = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"garbage" * 8).decode()
    write_notebook(root / "notebooks" / "nb.ipynb",
                   code_cell("#| label: fig-bad\n#| fig-cap: Bad", png_out(broken)))  # fmt: skip
    out = tmp_path / "out"
    with pytest.raises(ComposeError, match="typst failed"):
        render(root, out)
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_html_only_and_kept_build_dir(tmp_path):
    root = write_project(tmp_path / "p", "Hello {{< var who >}}.\n", {"who": "世界"})
    build = tmp_path / "build"
    paths = render(root, tmp_path / "out", formats=("html",), build_dir=build)
    assert set(paths) == {"html"} and "Hello 世界." in paths["html"].read_text()
    assert (build / "report.md").is_file()


@pytest.mark.slow
def test_table_cells_cannot_start_typst_headings_or_lists(tmp_path):
    rows = [{"text": t} for t in ("= heading", "- item", "+ one", "/ term: x", "1. first")]
    body = "# Only heading\n\n" + md_table(rows) + "\n: Cells. {#tbl-cells}\n"
    root = write_project(tmp_path / "p", body)
    res = render(root, tmp_path / "out", formats=("pdf",))
    reader = PdfReader(res["pdf"])
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert [t for t in titles if "heading" in t.lower() or "item" in t.lower()] == [titles[0]]
    text = _squash("".join(p.extract_text() for p in reader.pages).replace("\u200b", ""))
    for needle in ("= heading", "- item", "+ one", "/ term: x", "1. first"):
        assert needle in text, needle


def test_bidi_overrides_are_removed_from_data():
    from takedown.compose.escape import md_escape

    assert md_escape("\u202eppA beW\u2066x\u2069") == "ppA beWx"
