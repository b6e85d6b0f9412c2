"""The composer's escaping: re-exported from takedown.text, which the notebooks share."""

from takedown.text import (
    CELL_LIMIT,
    DISPLAY_LIMIT,
    code_fence,
    display_cut,
    format_cell,
    md_escape,
    md_table,
)

__all__ = [
    "CELL_LIMIT",
    "DISPLAY_LIMIT",
    "code_fence",
    "display_cut",
    "format_cell",
    "md_escape",
    "md_table",
]
