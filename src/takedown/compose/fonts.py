"""The composer's fonts: re-exported from takedown.fonts, which the notebooks share."""

from takedown.fonts import (
    CJK_FAMILY_SC,
    CJK_MONO_FAMILY_SC,
    cjk_font_path,
    emoji_font_path,
    font_dirs,
    register_matplotlib_cjk_font,
)

__all__ = [
    "CJK_FAMILY_SC",
    "CJK_MONO_FAMILY_SC",
    "cjk_font_path",
    "emoji_font_path",
    "font_dirs",
    "register_matplotlib_cjk_font",
]
