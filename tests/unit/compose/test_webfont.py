"""The HTML carries subsets of the bundled CJK and emoji fonts, holding only the glyphs it uses."""

from __future__ import annotations

import base64
import io
import re

import pytest
from fontTools.ttLib import TTFont

from takedown.compose.webfont import (
    CJK_FAMILY,
    EMOJI_FAMILY,
    embed_fonts,
    font_style,
    page_text,
    split_chars,
)

PAGE = """<!DOCTYPE html><html><head><title>t</title>
<style>body { content: "样式"; }</style><script>var s = "脚本";</script></head>
<body><p>Hashtag #新冠肺炎 and 香港 &amp; a microbe 🦠, digits 1 # *, dash – ’</p>
<svg><text>图</text></svg></body></html>"""


def _faces(style: str) -> dict[str, tuple[TTFont, str]]:
    """family -> (font read back from its data: URI, unicode-range)."""
    faces = {}
    for m in re.finditer(
        r'font-family:"([^"]+)".*?base64,([A-Za-z0-9+/=]+).*?unicode-range:([^}]+)', style
    ):
        faces[m[1]] = (TTFont(io.BytesIO(base64.b64decode(m[2]))), m[3])
    return faces


def test_text_is_what_a_reader_sees():
    text = page_text(PAGE)
    assert "新冠肺炎" in text and "&" in text
    assert "样式" not in text and "脚本" not in text and "图" not in text


def test_characters_split_between_the_cjk_and_the_emoji_font():
    cjk, emoji = split_chars(page_text(PAGE))
    assert [chr(c) for c in cjk] == sorted(set("新冠肺炎香港"))
    assert [chr(c) for c in emoji] == ["🦠"]  # no digit, '#', dash or quote


@pytest.mark.slow
def test_subsets_hold_exactly_the_characters_used():
    style = font_style(page_text(PAGE))
    faces = _faces(style)
    assert set(faces) == {CJK_FAMILY, EMOJI_FAMILY}
    cjk_font, cjk_range = faces[CJK_FAMILY]
    assert set(cjk_font.getBestCmap()) == {ord(c) for c in "新冠肺炎香港"}
    assert cjk_range == ",".join(f"U+{ord(c):X}" for c in sorted(set("新冠肺炎香港")))
    emoji_font, emoji_range = faces[EMOJI_FAMILY]
    assert ord("🦠") in emoji_font.getBestCmap() and emoji_range == "U+1F9A0"
    assert cjk_font.flavor == "woff2"
    assert len(style) < 20_000  # the full CJK font is 19 MB


@pytest.mark.slow
def test_embed_adds_one_style_before_head_end_and_only_once(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(PAGE, encoding="utf-8")
    assert embed_fonts(page) > 0
    once = page.read_text(encoding="utf-8")
    assert once.count("@font-face") == 2
    assert once.index('id="takedown-fonts"') < once.index("</head>")
    assert embed_fonts(page) == 0 and page.read_text(encoding="utf-8") == once


def test_a_page_without_cjk_or_emoji_is_left_alone(tmp_path):
    page = tmp_path / "report.html"
    page.write_text("<html><head></head><body>Plain text – 1,234</body></html>", "utf-8")
    assert embed_fonts(page) == 0
    assert "@font-face" not in page.read_text(encoding="utf-8")


@pytest.mark.slow
def test_colour_emoji_where_installed_else_the_bundled_monochrome_font(monkeypatch):
    from takedown.compose import webfont
    from takedown.fonts import color_emoji_font_path, emoji_font_path

    colour = color_emoji_font_path()
    if colour is not None:
        font = _faces(font_style("🦠"))[EMOJI_FAMILY][0]
        assert "CBDT" in font  # the colour bitmaps, cut to one emoji
    monkeypatch.setattr(webfont, "color_emoji_font_path", lambda: None)
    assert webfont.emoji_source() == emoji_font_path()
    font = _faces(font_style("🦠"))[EMOJI_FAMILY][0]
    assert "glyf" in font and "CBDT" not in font
    assert set(font.getBestCmap()) == {ord("🦠")}


@pytest.mark.slow
def test_the_same_text_gives_the_same_bytes_whatever_the_clock_says(monkeypatch):
    """No save time goes into the fonts (the head table's `modified` kept, as fontTools' own
    subsetter does), so a report composed twice embeds byte-identical fonts."""
    import fontTools.ttLib.tables._h_e_a_d as head

    text = page_text(PAGE)
    monkeypatch.setattr(head, "timestampNow", lambda: 3_000_000_000)
    first = font_style(text)
    monkeypatch.setattr(head, "timestampNow", lambda: 3_000_086_400)  # a day later
    assert font_style(text) == first


def test_faces_cut_ahead_from_the_source_are_used_only_for_exactly_the_pages_characters(tmp_path):
    """pandoc.html cuts the subsets from report.md while pandoc runs; the page keeps them only
    when the page's own CJK and emoji are exactly those, else its own are cut."""
    from takedown.compose.webfont import font_faces

    page = tmp_path / "report.html"
    exact = font_faces(page_text(PAGE))
    marked = type(exact)(exact.cjk, exact.emoji, '<style id="takedown-fonts">/*ahead*/</style>')
    page.write_text(PAGE, encoding="utf-8")
    embed_fonts(page, marked)
    assert "/*ahead*/" in page.read_text(encoding="utf-8")

    for source in (page_text(PAGE) + " 多", page_text(PAGE).replace("港", "")):  # more, fewer
        ahead = font_faces(source)
        page.write_text(PAGE, encoding="utf-8")
        embed_fonts(page, ahead)
        assert page.read_text(encoding="utf-8").count(exact.style) == 1, source


def test_the_built_in_html_carries_exactly_its_pages_characters(tmp_path):
    """Through pandoc: a source whose hidden text has a character the page does not."""
    from takedown.compose.pandoc import html

    (tmp_path / "report.md").write_text(
        "---\ntitle: t\n---\n\n香港 🦠\n\n<!-- 隐 -->\n", encoding="utf-8"
    )
    opts = {"html": {}}
    out = html(tmp_path, opts, [tmp_path])
    cjk_font, cjk_range = _faces(out.read_text(encoding="utf-8"))[CJK_FAMILY]
    assert set(cjk_font.getBestCmap()) == {ord(c) for c in "香港"}


@pytest.mark.slow
def test_woff2_is_compressed_at_the_chosen_quality_and_the_writer_is_left_as_it_was(monkeypatch):
    """brotli's quality 11 took 2.5 s of a cold render for the China demo's fonts, 9 took 1.4 s."""
    import types

    import brotli
    from fontTools.ttLib import woff2

    from takedown.compose import webfont

    calls = []

    def compress(data, **kw):  # noqa: ANN001, ANN003, ANN202
        calls.append(kw)
        return brotli.compress(data, **kw)

    recorder = types.SimpleNamespace(compress=compress, decompress=brotli.decompress,
                                     MODE_FONT=brotli.MODE_FONT, MODE_TEXT=brotli.MODE_TEXT,
                                     MODE_GENERIC=brotli.MODE_GENERIC)  # fmt: skip
    monkeypatch.setattr(woff2, "brotli", recorder)
    style = font_style(page_text(PAGE))
    assert calls and all(kw.get("quality") == webfont.BROTLI_QUALITY for kw in calls)
    assert woff2.brotli is recorder  # restored after each save
    assert set(_faces(style)[CJK_FAMILY][0].getBestCmap()) == {ord(c) for c in "新冠肺炎香港"}
