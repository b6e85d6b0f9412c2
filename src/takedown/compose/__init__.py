"""Compose: turn Quarto-format report sources and executed notebooks into HTML and PDF."""

from takedown.compose.builtin import render
from takedown.compose.errors import ComposeError
from takedown.compose.escape import md_escape, md_table
from takedown.compose.fonts import cjk_font_path, register_matplotlib_cjk_font

__all__ = [
    "ComposeError",
    "cjk_font_path",
    "md_escape",
    "md_table",
    "register_matplotlib_cjk_font",
    "render",
]
