"""Figures as SVG: text as outlines, dense artists as bitmaps, notes clear of the data."""

from __future__ import annotations

import re

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from takedown.figures import DENSE_POINTS, figure_svg, note_below, rasterize_dense  # noqa: E402
from takedown.fonts import register_matplotlib_cjk_font  # noqa: E402


def _labelled_figure():
    register_matplotlib_cjk_font()
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.barh(["#新冠肺炎", "#香港 🦠", "plain"], [3, 2, 1])
    ax.set_xlabel("uses")
    return fig, ax


@pytest.mark.slow
def test_text_is_drawn_as_paths_cjk_and_emoji_included():
    fig, _ = _labelled_figure()
    svg = figure_svg(fig)
    plt.close(fig)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "<text" not in svg  # no font needed to show it
    # matplotlib writes each label as a comment before its glyph outlines
    assert "<!-- #新冠肺炎 -->" in svg and "<!-- #香港 🦠 -->" in svg
    glyphs = set(re.findall(r'<path id="([^"]+)"', svg))
    assert any(g.startswith("NotoSansCJK") for g in glyphs), glyphs
    assert any(g.startswith("NotoEmoji") for g in glyphs), glyphs  # not LastResort's box
    assert "mathdefault" not in svg and "$" not in svg


@pytest.mark.slow
def test_svg_is_repeatable():
    """No date stamp and no random ids: the same figure gives the same bytes."""
    first, _ = _labelled_figure()
    second, _ = _labelled_figure()
    a, b = figure_svg(first), figure_svg(second)
    plt.close("all")
    assert a == b
    assert "<dc:date>" not in a


@pytest.mark.slow
def test_dense_scatter_is_rasterized_inside_the_svg():
    rng = np.random.default_rng(1)
    fig, ax = plt.subplots()
    dense = ax.scatter(rng.random(100_000), rng.random(100_000), s=2)
    sparse = ax.scatter(rng.random(10), rng.random(10), s=20)
    (line,) = ax.plot(rng.random(DENSE_POINTS + 1))
    assert set(rasterize_dense(fig)) == {line, dense}
    assert not sparse.get_rasterized()
    svg = figure_svg(fig)
    plt.close(fig)
    assert svg.count("<image") == 2  # the two dense artists as bitmaps; the sparse one vector
    assert len(svg) < 400_000, len(svg)


@pytest.mark.slow
def test_vector_scatter_would_be_huge():
    """Why rasterize_dense exists: a tenth of those points as vector markers is larger still."""
    import io

    rng = np.random.default_rng(1)
    fig, ax = plt.subplots()
    ax.scatter(rng.random(10_000), rng.random(10_000), s=2)
    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    assert len(buf.getvalue()) > 500_000


@pytest.mark.slow
def test_note_below_sits_under_the_axis_label_and_inside_the_figure():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.bar(range(10), range(10))
    ax.set_xlabel("week")
    note = note_below(ax, "12 accounts created before 2019 are left out")
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    box, axes, label = note.get_window_extent(r), ax.get_window_extent(r), ax.xaxis.label
    assert box.y1 <= label.get_window_extent(r).y0 + 0.5  # below the label, so below the data
    assert box.y1 < axes.y0
    assert abs(box.x0 - axes.x0) < 1  # aligned with the axes' left edge
    svg = figure_svg(fig)  # the tight box grows to hold it
    plt.close(fig)
    assert "<!-- 12 accounts created before 2019 are left out -->" in svg
