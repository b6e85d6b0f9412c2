"""Chinese and emoji in the HTML on any machine: subsets of the bundled fonts, embedded.

After either engine writes report.html, `embed_fonts` collects the CJK and emoji characters of
its text, cuts the bundled Noto Sans CJK SC and an emoji font (Noto Color Emoji where the system
has it, a few KB per emoji; else the bundled monochrome Noto Emoji) down to those glyphs
(fontTools' subsetter; WOFF2 when brotli is installed, else WOFF) and adds them as `@font-face`
rules named "Takedown CJK" and "Takedown Emoji", limited by `unicode-range` to exactly those
characters. Both engines' style sheets list the two families, so no Latin text changes font.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
import re
import threading
import types
from collections.abc import Container, Iterator
from dataclasses import dataclass
from pathlib import Path

from takedown.fonts import (
    CJK_FAMILY_SC,
    cjk_font_path,
    color_emoji_font_path,
    emoji_font_path,
)

CJK_FAMILY = "Takedown CJK"
EMOJI_FAMILY = "Takedown Emoji"
STYLE_ID = "takedown-fonts"
# Han, kana, Hangul, Bopomofo, CJK punctuation and full-width forms: the CJK font's own scripts.
_CJK = re.compile(
    "[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u312f\u3130-\u318f\u31a0-\u31ff\u3200-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\U00020000-\U0003134f]"
)
_HIDDEN = re.compile(r"<(script|style|svg)\b.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def page_text(page: str) -> str:
    """The text a reader sees: the page without scripts, styles, inline SVG and tags."""
    return html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", page)))


def _font(path: Path, family: str | None = None):  # -> fontTools.ttLib.TTFont
    """One face of a font file; of a collection, the face named `family`."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() != ".ttc":
        return TTFont(str(path))
    for font in TTCollection(str(path)).fonts:
        if font["name"].getDebugName(1) == family:
            return font
    raise ValueError(f"{path} has no face named {family}")


def emoji_source() -> Path:
    """The emoji font the HTML embeds: colour where the system has it, else the bundled one."""
    return color_emoji_font_path() or emoji_font_path()


@functools.lru_cache(maxsize=4)
def _cmap(path: Path) -> frozenset[int]:
    """The code points a font draws (read once per process: the colour emoji font is 10 MB)."""
    return frozenset(_font(path).getBestCmap())


def split_chars(text: str, emoji_cmap: Container[int] | None = None) -> tuple[list[int], list[int]]:
    """Code points for the CJK font and for the emoji font, each sorted and unique.

    Emoji are the characters from U+2000 up that the emoji font draws and the CJK font does not
    claim (digits, `#` and `*`, which it also holds for keycaps, stay with the text font).
    """
    chars = {ord(c) for c in text if ord(c) > 0x7F}
    cjk = sorted(c for c in chars if _CJK.match(chr(c)))
    cmap = emoji_cmap if emoji_cmap is not None else _cmap(emoji_source())
    emoji = sorted(c for c in chars if c >= 0x2000 and c in cmap and c not in cjk)
    return cjk, emoji


def subset(font, codepoints: list[int], layout: bool = True) -> tuple[bytes, str]:
    """`font` cut to `codepoints`, as (bytes, CSS format name).

    Without `layout` the OpenType layout tables go (reading the CJK font's takes seconds, and
    horizontal Han text needs none of them); emoji keep them for flags and ZWJ sequences.
    """
    from fontTools import subset as ft

    try:
        import brotli  # noqa: F401  (WOFF2 needs it)

        flavor = "woff2"
    except ImportError:
        flavor = "woff"
    options = ft.Options()
    options.flavor = flavor
    options.layout_features = ["*"]
    for tag in () if layout else ("GSUB", "GPOS", "GDEF", "BASE", "JSTF"):
        if tag in font:
            del font[tag]  # before the subsetter reads it
    sub = ft.Subsetter(options)
    sub.populate(unicodes=codepoints)
    sub.subset(font)
    # As fontTools' own subsetter loads a font: the bounding boxes kept (recomputing them drew
    # every CJK glyph kept, half a second), and no timestamp, so the same text gives the same bytes.
    font.recalcBBoxes, font.recalcTimestamp = options.recalc_bounds, options.recalc_timestamp
    buf = io.BytesIO()
    font.flavor = flavor
    with _brotli_quality(BROTLI_QUALITY):
        font.save(buf)
    return buf.getvalue(), flavor


# fontTools writes WOFF2 at brotli's quality 11, its slowest: on the China demo's page (339 CJK
# characters, 12 emoji) the subsets took 2.5 s of a cold render's CPU, against 1.4 s at 9, for
# 4% more bytes (170,100 -> 176,964 of style).
BROTLI_QUALITY = 9
_BROTLI_LOCK = threading.Lock()


@contextlib.contextmanager
def _brotli_quality(quality: int) -> Iterator[None]:
    """fontTools' WOFF2 writer compressing at `quality` (its module's brotli swapped for a
    wrapper while the font is saved; one save at a time)."""
    from fontTools.ttLib import woff2

    with _BROTLI_LOCK:
        real = getattr(woff2, "brotli", None)
        if real is None:  # no brotli: the writer is not WOFF2
            yield
            return
        woff2.brotli = types.SimpleNamespace(
            compress=functools.partial(real.compress, quality=quality),
            decompress=real.decompress, MODE_FONT=real.MODE_FONT,
            MODE_TEXT=real.MODE_TEXT, MODE_GENERIC=real.MODE_GENERIC,
        )  # fmt: skip
        try:
            yield
        finally:
            woff2.brotli = real


def _unicode_range(codepoints: list[int]) -> str:
    return ",".join(f"U+{c:X}" for c in codepoints)


def _face(family: str, data: bytes, flavor: str, codepoints: list[int]) -> str:
    b64 = base64.b64encode(data).decode("ascii")
    return (
        f'@font-face{{font-family:"{family}";font-display:block;'
        f'src:url(data:font/{flavor};base64,{b64}) format("{flavor}");'
        f"unicode-range:{_unicode_range(codepoints)}}}"
    )


@dataclass(frozen=True)
class Faces:
    """The @font-face rules for a text, and the code points they were cut to."""

    cjk: list[int]
    emoji: list[int]
    style: str


def font_faces(text: str) -> Faces:
    """The `<style>` with the @font-face rules `text` needs ("" when it has no CJK or emoji)."""
    source = emoji_source()
    cjk, emoji = split_chars(text, _cmap(source))
    faces = []
    if cjk:
        faces.append(
            _face(CJK_FAMILY, *subset(_font(cjk_font_path(), CJK_FAMILY_SC), cjk, False), cjk)
        )
    if emoji:
        faces.append(_face(EMOJI_FAMILY, *subset(_font(source), emoji), emoji))
    style = f'<style id="{STYLE_ID}">\n' + "\n".join(faces) + "\n</style>\n" if faces else ""
    return Faces(cjk, emoji, style)


def font_style(text: str) -> str:
    """A `<style>` with the @font-face rules `text` needs, or "" when it has no CJK or emoji."""
    return font_faces(text).style


def embed_fonts(page_path: Path, ahead: Faces | None = None) -> int:
    """Add the font subsets `page_path`'s text needs before its `</head>`; bytes added.

    `ahead`: faces cut while pandoc wrote the page, from its source's text; used when they were
    cut to exactly the page's characters, else the page's own are cut now."""
    page = page_path.read_text(encoding="utf-8")
    if f'id="{STYLE_ID}"' in page:
        return 0
    text = page_text(page)
    if ahead is not None and split_chars(text) == (ahead.cjk, ahead.emoji):
        style = ahead.style
    else:
        style = font_style(text)
    at = page.lower().find("</head>")
    if not style or at < 0:
        return 0
    page_path.write_text(page[:at] + style + page[at:], encoding="utf-8")
    return len(style.encode("utf-8"))
