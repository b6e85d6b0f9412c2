"""Locate the bundled fonts so Chinese renders in the PDF and in notebook figures.

Shared by the notebooks and the composer; it imports neither.
"""

from __future__ import annotations

from pathlib import Path

from takedown.errors import RenderError

# Families inside NotoSansCJK-Regular.ttc as Typst and FreeType see them (one face per region).
CJK_FAMILY_SC = "Noto Sans CJK SC"
CJK_MONO_FAMILY_SC = "Noto Sans Mono CJK SC"


def cjk_font_path() -> Path:
    """Path of NotoSansCJK-Regular.ttc shipped by the noto-cjk-sans-otc package."""
    import noto_cjk_sans_otc

    path = Path(noto_cjk_sans_otc.__file__).resolve().parent / "NotoSansCJK-Regular.ttc"
    if not path.is_file():
        raise RenderError(f"CJK font missing at {path}; reinstall the noto-cjk-sans-otc package")
    return path


def emoji_font_path() -> Path:
    """Path of Noto Emoji (monochrome, OFL) shipped by the manimgx-fonts package.

    Without it a PDF shows an empty box for every emoji unless the machine happens to have an
    emoji font installed; with it every machine sets them the same way.
    """
    import manimgx_fonts

    path = Path(manimgx_fonts.__file__).resolve().parent / "NotoEmoji[wght].ttf"
    if not path.is_file():
        raise RenderError(f"emoji font missing at {path}; reinstall the manimgx-fonts package")
    return path


# Where Linux distributions install Noto Color Emoji (Debian/Ubuntu, Fedora, Arch).
COLOR_EMOJI_PATHS = (
    Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),
    Path("/usr/share/fonts/google-noto-color-emoji-fonts/NotoColorEmoji.ttf"),
    Path("/usr/share/fonts/noto/NotoColorEmoji.ttf"),
)


def color_emoji_font_path() -> Path | None:
    """Noto Color Emoji (CBDT bitmaps) where the system has it, else None: it is not bundled."""
    return next((p for p in COLOR_EMOJI_PATHS if p.is_file()), None)


def font_dirs() -> list[Path]:
    """Folders the PDF engine reads fonts from: CJK, emoji, and Noto for other scripts."""
    return [cjk_font_path().parent, emoji_font_path().parent]


def register_matplotlib_cjk_font() -> str:
    """Register the CJK and emoji fonts with matplotlib and append them to the fallback lists.

    Returns the family name used. Idempotent. Call it after `seaborn.set_theme()` (which resets
    `font.sans-serif`), or call it again after any theme change.
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    path = str(cjk_font_path())
    fm = font_manager.fontManager
    if not any(f.fname == path for f in fm.ttflist):
        fm.addfont(path)  # matplotlib >= 3.10 adds every face of the collection
    names = {f.name for f in fm.ttflist if f.fname == path}
    # Older matplotlib only reads the first face (the JP one, which still covers Hanzi).
    family = CJK_FAMILY_SC if CJK_FAMILY_SC in names else sorted(names)[0]
    sans = list(mpl.rcParams["font.sans-serif"])
    if family not in sans:
        mpl.rcParams["font.sans-serif"] = sans + [family]
    # Glyph fallback only walks the entries of font.family (a generic name like "sans-serif"
    # resolves to one font), so the CJK family must also be listed there.
    families = list(mpl.rcParams["font.family"])
    emoji = _add_font(str(emoji_font_path()))  # emoji in a label are drawn, not boxes
    mpl.rcParams["font.family"] = families + [f for f in (family, emoji) if f not in families]
    return family


def add_matplotlib_fonts() -> None:
    """Register the CJK and emoji font files with matplotlib, and nothing else (no rcParams).

    The kernel zygote calls it once, so that no notebook's setup parses them again (about 20 ms
    each time); setup's register_matplotlib_cjk_font then finds them registered.
    """
    _add_font(str(cjk_font_path()))
    _add_font(str(emoji_font_path()))


def _add_font(path: str) -> str:
    """Register one font file with matplotlib once; its family name."""
    from matplotlib import font_manager

    fm = font_manager.fontManager
    if not any(f.fname == path for f in fm.ttflist):
        fm.addfont(path)
    return next(f.name for f in fm.ttflist if f.fname == path)
