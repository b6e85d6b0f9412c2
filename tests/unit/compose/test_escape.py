"""md_escape/md_table: any string comes out of pandoc as the same literal text, never markup."""

from __future__ import annotations

import json
import subprocess

import pypandoc
import pytest

from takedown.compose.builtin import READER
from takedown.compose.escape import code_fence, format_cell, md_escape, md_table

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "{{< var accounts >}}",
    "{{< include /etc/passwd >}}",
    "$$x^2$$",
    "$x$ and \\(y\\)",
    "# heading",
    "**bold** _it_ ~~s~~ ^sup^ ~sub~ ==mark==",
    "[link](javascript:alert(1))",
    "<https://example.com> https://example.com",
    "#set page(width: 1cm)",
    "@fig-x [@tbl-y] [-@fig-z]",
    "<label>",
    "back\\slash \\",
    "`code` ``two`` ```",
    "a | b | c",
    "---",
    "1. item",
    "- item",
    "> quote",
    ": definition",
    "    indented code",
    "[^1] ^[note]",
    "\\#` \\\\",
    "&amp; &#60; &lt;",
    "{#id .class}",
    "::: {.callout}",
    "👨‍👩‍👧 🇨🇳 emoji",
    "مرحبا بالعالم",
    "שלום עולם",
    "中文 简体 和 繁體 中文",
    "line one\nline two\r\nline three\rfour",
    "tab\there\x00nul\x1bESC",
]


def _normalize(s: str) -> str:
    """What md_escape promises to keep: the text with whitespace runs collapsed."""
    return " ".join(s.replace("\x00", " ").replace("\x1b", " ").split())


def _pandoc_json(markdown: str) -> dict:
    out = subprocess.run(
        [pypandoc.get_pandoc_path(), "-f", READER, "-t", "json"],
        input=markdown, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def _inline_text(inlines: list[dict]) -> str:
    """Text of inlines that may only be Str/Space/SoftBreak, or md_table's own `nobr` span of
    those (anything else is a failure)."""
    parts = []
    for el in inlines:
        if el["t"] == "Span" and el["c"][0] == ["", ["nobr"], []]:
            parts.append(_inline_text(el["c"][1]))
            continue
        assert el["t"] in ("Str", "Space", "SoftBreak"), f"markup created: {el}"
        parts.append(el["c"] if el["t"] == "Str" else " ")
    return "".join(parts)


def test_every_hostile_string_parses_as_plain_text():
    doc = _pandoc_json("\n\n".join(md_escape(s) for s in HOSTILE))
    blocks = doc["blocks"]
    assert len(blocks) == len(HOSTILE)
    for block, original in zip(blocks, HOSTILE, strict=True):
        assert block["t"] == "Para", f"{original!r} became {block['t']}"
        assert _inline_text(block["c"]) == _normalize(original)


def test_escaped_text_inline_after_other_text_stays_literal():
    doc = _pandoc_json("Value: " + md_escape("*x* @fig-a <b>") + " end")
    assert _inline_text(doc["blocks"][0]["c"]) == "Value: *x* @fig-a <b> end"


def test_md_escape_is_one_line_and_escapes_all_ascii_punctuation():
    out = md_escape("a\nb!c")
    assert "\n" not in out and out == "a b\\!c"
    assert md_escape("中文") == "中文"


def test_code_fence_is_longer_than_any_backtick_run():
    assert code_fence("plain") == "```"
    assert code_fence("x ```` y") == "`````"


def test_format_cell_numbers_and_missing_values():
    assert format_cell(23750) == "23,750"
    assert format_cell(0.12345) == "0.12"
    assert format_cell(float("nan")) == "—"
    assert format_cell(None) == "—"
    assert format_cell(True) == "true"
    assert format_cell(0.5, float_format="{:.1%}") == "50.0%"


def test_md_table_from_rows_is_a_pipe_table_with_literal_cells():
    rows = [("<script>alert(1)</script>", 1234567, 0.5), ("a | b\nc", None, 2.25)]
    md = md_table(rows, ["name | x", "n", "share"])
    table = _pandoc_json(md)["blocks"][0]
    assert table["t"] == "Table"
    texts = _table_texts(table)
    assert texts[0] == ["name | x", "n", "share"]
    assert texts[1] == ["<script>alert(1)</script>", "1,234,567", "0.50"]
    assert texts[2] == ["a | b c", "—", "2.25"]
    aligns = [spec[0]["t"] for spec in table["c"][2]]
    assert aligns == ["AlignDefault", "AlignRight", "AlignRight"]


def test_md_table_from_dataframe_and_mapping_columns():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"screen_name": ["**x**", "中文"], "tweets": [3, 40000], "z": [1, 2]})
    md = md_table(df, {"screen_name": "Account", "tweets": "Tweets"})
    texts = _table_texts(_pandoc_json(md)["blocks"][0])
    assert texts == [["Account", "Tweets"], ["**x**", "3"], ["中文", "40,000"]]


def test_md_table_rows_of_mappings():
    md = md_table([{"a": 1, "b": "x"}, {"a": 2, "b": "`y`"}])
    assert _table_texts(_pandoc_json(md)["blocks"][0])[2] == ["2", "`y`"]


def _table_texts(table: dict) -> list[list[str]]:
    """Header row then body rows of a pandoc JSON Table, as plain cell texts."""

    def row_texts(row: dict) -> list[str]:
        out = []
        for cell in row[1]:  # row = [attr, cells]; cell = [attr, align, rows, cols, blocks]
            blocks = cell[4]
            out.append(" ".join(_inline_text(b["c"]) for b in blocks))
        return out

    head_rows = table["c"][3][1]  # c = [attr, caption, colspecs, head, bodies, foot]
    body_rows = table["c"][4][0][3]  # body = [attr, row-head-columns, head rows, rows]
    return [row_texts(r) for r in head_rows + body_rows]
