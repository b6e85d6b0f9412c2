"""Figure axes from takedown.notebook: tick labels are plain text whatever `parse_math` says."""

from __future__ import annotations

import io

import matplotlib
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from takedown.notebook import log_axis  # noqa: E402
from tests.conftest import ROOT  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize("parse_math", [False, True])
def test_log_axis_labels_are_plain_numbers(parse_math):
    with plt.rc_context({"text.parse_math": parse_math}):
        fig, ax = plt.subplots()
        ax.bar(["a", "b", "c"], [3, 40_000, 900])
        log_axis(ax)
        fig.canvas.draw()
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        svg = io.StringIO()
        fig.savefig(svg, format="svg")
        plt.close(fig)
    assert "10,000" in labels and "1,000" in labels
    assert not any("$" in t or "mathdefault" in t for t in labels)
    assert "mathdefault" not in svg.getvalue()


@pytest.mark.slow
def test_default_log_formatter_would_leak_mathtext():
    """The case log_axis exists for: matplotlib's own log labels are mathtext source."""
    with plt.rc_context({"text.parse_math": False}):
        fig, ax = plt.subplots()
        ax.bar(["a", "b"], [3, 40_000])
        ax.set_yscale("log")
        fig.canvas.draw()
        labels = [t.get_text() for t in ax.get_yticklabels()]
        plt.close(fig)
    assert any("mathdefault" in t for t in labels)


def test_no_notebook_sets_a_bare_log_scale():
    """Every log axis in the notebooks goes through log_axis."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert 'set_yscale(\\"log\\")' not in text and 'set_xscale(\\"log\\")' not in text, path
