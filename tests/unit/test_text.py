"""Shared text helpers: data cut to a display length, marked, and a 1 MB field never stalls."""

from __future__ import annotations

import re
import time

import pypandoc
import pytest
from pypdf import PdfReader

from takedown.compose import render
from takedown.text import CELL_LIMIT, DISPLAY_LIMIT, display_cut, md_escape, md_table
from tests.unit.compose.test_shortcodes import write_project


def test_display_cut_marks_the_cut_and_keeps_short_text():
    assert display_cut("short") == "short"
    cut = display_cut("x" * 1000, 300)
    assert len(cut) == 300 and cut.endswith("…") and cut[:-1] == "x" * 299


@pytest.mark.slow
def test_md_escape_is_bounded_even_after_escaping():
    out = md_escape("*" * 2_000_000)
    assert out.endswith("…") and len(out) <= 2 * DISPLAY_LIMIT


def test_table_cells_are_cut_but_the_rows_keep_their_data():
    rows = [{"who": "a", "description": "é" * 1_000_000}]
    table = md_table(rows)
    assert len(table) < 2 * CELL_LIMIT + 200
    assert "…" in table
    assert len(rows[0]["description"]) == 1_000_000  # the caller's data is not touched


@pytest.mark.slow
def test_one_megabyte_description_composes_in_seconds(tmp_path):
    desc = ("Patriot. News. #tag @user http://x.example/" + "长" * 40) * 12_000  # ~1 MB
    assert len(desc.encode()) > 1_000_000
    rows = [{"screen_name": "top", "description": desc, "tweets": 9_999}]
    body = f"# Accounts\n\n{md_table(rows)}\n: Most active. {{#tbl-top}}\n"
    root = write_project(tmp_path / "p", body, front=f'title: "{"T" * 10}"\n')
    t0 = time.perf_counter()
    res = render(root, tmp_path / "out")
    took = time.perf_counter() - t0
    assert took < 60, f"composition took {took:.0f} s"
    text = "".join(p.extract_text() for p in PdfReader(res["pdf"]).pages)
    assert "…" in text and "Patriot" in text
    html = res["html"].read_text(encoding="utf-8")
    assert html.count("长") < 1_000


def test_hashes_show_cut_in_a_code_span_with_the_full_value_as_title():
    full = "c271a7a777cc5f4f966a3664b422050eb59e9121dc729c8317607b9f9e6a29b0"
    md = md_table([{"screen name": full, "tweets": 938}, {"screen name": "12345", "tweets": 1}])
    html = pypandoc.convert_text(md, "html", format="markdown", extra_args=["--wrap=none"])
    assert f'<code title="{full}">c271a7a777cc…</code>' in html
    assert "<td>12345</td>" in html  # a short number-like name is plain text
    typ = pypandoc.convert_text(md, "typst", format="markdown")
    assert full not in typ and "c271a7a777cc…" in typ


def test_code_columns_set_ids_as_code_spans_and_escape_anything_else():
    md = md_table([["20261203T092159Z-03edcc47-5cf4257f"], ["a `b` <c>"]], ["Report version"],
                  code=["Report version"])  # fmt: skip
    assert "`20261203T092159Z-03edcc47-5cf4257f`" in md
    assert "a \\`b\\` \\<c\\>" in md


def test_numbers_in_text_cells_stay_whole_and_hashed_mentions_are_cut():
    # Chromium broke "2020-03-24" after its hyphen in a narrow column, and a hashed mention in a
    # copied tweet ran past Quarto's right margin.
    mention = "@E9C743FBB899DBDBA1FFB94305414862F96733347252670E5F27EF56058A6F63"
    md = md_table([{"text": f"早安 {mention}, 2020-03-24 12.5–12.7% UTC+8 /etc/passwd", "n": 3}])
    html = pypandoc.convert_text(md, "html", format="markdown", extra_args=["--wrap=none"])
    for number in ("2020-03-24", "12.5–12.7%", "UTC+8"):
        assert f'<span class="nobr">{number}</span>' in html
    assert '<span class="nobr">@E9C743FBB899…,</span>' in html
    assert mention not in html
    assert " /etc/passwd" in html  # no digit: plain text


def test_a_header_with_a_number_stays_whole():
    md = md_table([{"month": "2020-01", "c": 0.25}], {"month": "month", "c": "COVID-19"})
    html = pypandoc.convert_text(md, "html", format="markdown", extra_args=["--wrap=none"])
    assert '<span class="nobr">COVID-19</span></th>' in html


def test_a_token_longer_than_any_column_may_break_in_the_html():
    # Table 2's display name "<script>window.__pwned=1</script>" pushed the table past the column
    md = md_table([{"display name": "<script>window.__pwned=1</script>", "n": 1}])
    html = pypandoc.convert_text(md, "html", format="markdown", extra_args=["--wrap=none"])
    assert '<span class="brk">&lt;script&gt;window.__pwned=1&lt;/script&gt;</span>' in html


def test_a_long_file_name_breaks_between_its_parts_in_the_typst_pdf():
    # issue 17 item 2: the IRA's input-files table broke "authors_tweet_general_statistics.csv.gz"
    # mid-word (an empty box every 8 characters). typst_breaks.lua, which both engines run, puts
    # the break points after "_", ".", ":" instead, and they are not text: the copy is exact.
    from takedown.compose.pandoc import TEMPLATES

    name = "authors_tweet_general_statistics.csv.gz:ira_tweets_csv_converted_1.csv"
    md = md_table([{"file": name, "bytes": 160_007_416}])
    typ = pypandoc.convert_text(md, "typst", format="markdown",
                                extra_args=["--lua-filter", str(TEMPLATES / "typst_breaks.lua")])  # fmt: skip
    pieces = [p for p in re.split(r"#box\[\];", typ[typ.index("authors") :]) if p][:9]
    assert [p.replace("\\", "") for p in pieces[:8]] == [
        "authors_", "tweet_", "general_", "statistics.", "csv.", "gz:", "ira_", "tweets_",
    ]  # fmt: skip


def test_md_table_too_wide_for_the_page_is_two_tables_each_with_the_first_column():
    row = {"id": "k1", **{f"c{i}": f"{i}" * 24 for i in range(1, 6)}}
    text = md_table([row, {**row, "id": "k2"}])
    parts = text.split("\n\n")
    assert len(parts) == 2
    heads = [p.splitlines()[0] for p in parts]
    assert heads[0].startswith("| id | c1 |") and heads[1].startswith("| id |")
    assert all(p.count("| k1 |") == 1 and p.count("| k2 |") == 1 for p in parts)
    assert sorted(re.findall(r"c\d", " ".join(heads))) == ["c1", "c2", "c3", "c4", "c5"]
