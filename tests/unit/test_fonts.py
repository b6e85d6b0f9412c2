"""Fonts travel with the package: CJK and emoji glyphs in the PDF on any machine."""

from __future__ import annotations

import typst
from pypdf import PdfReader

from takedown.fonts import font_dirs


def _fonts(pdf) -> set[str]:
    return {
        str(f.get_object().get("/BaseFont"))
        for page in PdfReader(pdf).pages
        for f in page["/Resources"]["/Font"].values()
    }


def test_emoji_and_cjk_are_set_without_any_system_font(tmp_path):
    src = tmp_path / "e.typ"
    src.write_text('#set text(font: ("Libertinus Serif",))\nHello 😀 ✊ 中文 world\n', "utf-8")
    bare, shipped = tmp_path / "bare.pdf", tmp_path / "shipped.pdf"
    typst.compile(str(src), output=str(bare), ignore_system_fonts=True)
    typst.compile(
        str(src), output=str(shipped), ignore_system_fonts=True,
        font_paths=[str(d) for d in font_dirs()],
    )  # fmt: skip
    assert not any("Emoji" in f for f in _fonts(bare))  # the defect: no glyph for an emoji
    assert any("NotoEmoji" in f for f in _fonts(shipped))
    assert any("CJK" in f for f in _fonts(shipped))
