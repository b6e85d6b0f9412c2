"""Figures as vector SVG with text as outlines: one source file serves both engines' HTML and PDF.

Text is drawn as paths (`svg.fonttype: path`), so a figure looks the same on a machine without
the CJK or emoji font; artists with many points are rasterized inside the SVG so a dense scatter
stays small. Ids and metadata are fixed so a render is byte-for-byte repeatable.
"""

from __future__ import annotations

import io
from typing import Any

# An artist drawing more points than this is embedded as a bitmap inside the SVG.
DENSE_POINTS = 2_000
RASTER_DPI = 150  # resolution of those bitmaps
SVG_RC = {"svg.fonttype": "path", "svg.hashsalt": "takedown", "svg.image_inline": True}


def _points(artist: Any) -> int:
    """How many points or segments an artist draws (0 for text, patches and images)."""
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D

    if isinstance(artist, Line2D):
        return len(artist.get_xdata(orig=False))
    if isinstance(artist, Collection):
        offsets = artist.get_offsets()
        return max(len(offsets) if offsets is not None else 0, len(artist.get_paths()))
    return 0


def rasterize_dense(fig: Any, limit: int = DENSE_POINTS) -> list[Any]:
    """Mark every artist of `fig` with more than `limit` points as rasterized; returns them."""
    dense = []
    for ax in fig.get_axes():
        for artist in [*ax.lines, *ax.collections]:
            if _points(artist) > limit:
                artist.set_rasterized(True)
                dense.append(artist)
    return dense


def figure_svg(fig: Any) -> str:
    """The figure as an SVG document: text as paths, dense artists as bitmaps, no date stamp."""
    import matplotlib as mpl

    rasterize_dense(fig)
    buf = io.StringIO()
    with mpl.rc_context(SVG_RC):
        fig.savefig(
            buf,
            format="svg",
            bbox_inches="tight",
            dpi=RASTER_DPI,
            metadata={"Date": None, "Creator": None},
        )
    return buf.getvalue()


def use_svg_figures() -> None:
    """In an IPython kernel, show every figure as `figure_svg` only (no PNG).

    Both engines embed the notebook's one image/svg+xml output: Quarto prefers SVG for HTML and
    Typst, and the built-in composer writes it as the figure's file.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    ip = get_ipython()
    if ip is None:
        return
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    # The inline backend sets its PNG formatter when its module loads (matplotlib loads it at
    # the first figure): load it now, so the SVG formatter below comes after and stays.
    plt.switch_backend(mpl.get_backend())
    formatters = ip.display_formatter.formatters
    for formatter in formatters.values():
        formatter.pop(Figure, None)
    formatters["image/svg+xml"].for_type(Figure, figure_svg)


def note_below(ax: Any, text: str) -> Any:
    """A figure note under the x-axis label, left-aligned with the axes: it never covers data.

    Call it after setting the x label; `figure_svg`'s tight bounding box keeps it in the figure.
    """
    return ax.annotate(
        text,
        xy=(0, 0),
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=9,
        color="#555555",
        annotation_clip=False,
    )
