"""The built-in composer reads Markdown as Quarto does, and refuses what it would render otherwise.

Real pandoc and typst; each refused source is named with its file:line.
"""

from __future__ import annotations

import re

import pytest

from takedown.compose import ComposeError, render
from takedown.compose.builtin import READER
from tests.unit.compose.test_shortcodes import code_cell, png_out, tiny_png, write_notebook
from tests.unit.compose.test_shortcodes import write_project as _write_project


def write_project(root, body, front="title: T\n"):
    return _write_project(root, body, front=front)


def html_of(tmp_path, body, front="title: T\n"):
    root = write_project(tmp_path / "p", body, front)
    out = render(root, tmp_path / "out", formats=("html",))
    return out["html"].read_text(encoding="utf-8")


def test_reader_is_quartos_markdown_with_citations():
    # Quarto 1.10's readqmd.lua: pandoc.format.extensions 'markdown', table_attributes off.
    assert READER == "markdown-table_attributes"


@pytest.mark.parametrize(
    ("body", "line", "what"),
    [
        ("Intro.\n\nWritten by @mention here.\n", 7, r"'@mention' is read as a citation"),
        ("Intro.\n\nSee [@smith2020, p. 3].\n", 7, r"'@smith2020' is read as a citation"),
        ("Intro.\n\nA <b>tag</b>.\n", 7, r"raw html '<b>'"),
        ('Intro.\n\n<iframe src="x.html">\n</iframe>\n', 7, r"raw html '<iframe"),
        ('Intro.\n\n<span onclick="f()">x</span>\n', 7, r"attribute 'onclick'"),
        ("Intro.\n\n```{=typst}\n#set page(width: 1cm)\n```\n", 8, r"raw typst"),
        ("Intro.\n\nCosts $x+1$ here.\n", 7, r"math '\$x\+1\$'"),
    ],
)
def test_source_quarto_reads_differently_is_refused_with_file_line(tmp_path, body, line, what):
    root = write_project(tmp_path / "p", body)
    out = tmp_path / "out"
    with pytest.raises(ComposeError, match=rf"^report/report.qmd:{line}: {what}"):
        render(root, out)
    assert list(out.iterdir()) == []


@pytest.mark.slow
def test_escaped_at_and_dollar_stay_literal_and_comments_vanish(tmp_path):
    html = html_of(
        tmp_path, "Mentions (\\@mention), \\$5 and \\$6, mail a\\@b.org.\n\n<!-- a note -->\n"
    )
    assert "Mentions (@mention), $5 and $6, mail a@b.org." in html
    assert "a note" not in html


def test_untitled_callout_gets_its_type_as_title_like_quarto(tmp_path):
    html = html_of(
        tmp_path,
        "::: {.callout-warning}\nCareful.\n:::\n\n"
        '::: {.callout-note title="Synthetic demo data"}\nTitled.\n:::\n',
    )
    titles = re.findall(r'<div class="callout-title">\s*<strong>(.*?)</strong>', html)
    assert titles == ["Warning", "Synthetic demo data"]


FRONT = (
    "title: T\nnotebook-view:\n  - notebook: ../notebooks/nb.ipynb\n    title: My notebook\n"
    "    url: notebooks/nb.ipynb\n"
)


@pytest.mark.slow
def test_notebook_links_in_side_toc_and_after_first_embed_html_only(tmp_path):
    root = write_project(
        tmp_path / "p",
        "# One\n\n{{< embed ../notebooks/nb.ipynb#fig-a >}}\n\n"
        "{{< embed ../notebooks/nb.ipynb#fig-b >}}\n",
        FRONT,
    )
    png = png_out(tiny_png())
    write_notebook(
        root / "notebooks" / "nb.ipynb",
        code_cell("#| label: fig-a\n#| fig-cap: A", png),
        code_cell("#| label: fig-b\n#| fig-cap: B", png),
    )
    out = render(root, tmp_path / "out")
    html = out["html"].read_text(encoding="utf-8")
    assert html.count('href="notebooks/nb.ipynb"') == 2  # side list + one Source link
    assert re.search(r'<nav id="TOC"[^>]*>.*<h2>Notebooks</h2>.*My notebook.*</nav>', html, re.S)
    assert html.count("Source: My notebook") == 1
    assert 'class="page with-sidebar"' in html
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(out["pdf"]).pages)
    assert "Source: My notebook" not in text


def test_pipe_table_caption_label_is_read_as_quarto_reads_it(tmp_path):
    html = html_of(
        tmp_path,
        "See @tbl-a.\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n: Two numbers. {#tbl-a}\n",
    )
    assert '<a href="#tbl-a" class="xref">Table 1</a>' in html
    assert re.search(r'<table[^>]*id="tbl-a"', html)
    assert re.search(r"Table 1:</span> Two\s+numbers.</caption>", html)
    assert "{#tbl-a}" not in html


@pytest.mark.slow
def test_refused_text_from_a_notebook_output_says_so(tmp_path):
    from tests.unit.compose.test_shortcodes import md_out

    root = write_project(tmp_path / "p", "{{< embed ../notebooks/nb.ipynb#summary >}}\n")
    write_notebook(
        root / "notebooks" / "nb.ipynb", code_cell("#| label: summary", md_out("Costs $x$."))
    )
    with pytest.raises(ComposeError, match=r"^math '\$x\$'.*\(in an embedded notebook output\)$"):
        render(root, tmp_path / "out")
