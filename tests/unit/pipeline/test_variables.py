"""Variables for the prose: an unavailable finding reads "not available here", never n/a."""

from __future__ import annotations

import pytest

from takedown.pipeline.variables import display_value, finding_variables, format_value

ROWS = [
    {"id": "engagement.zero_share", "label": "z", "value": 0.25, "unit": "share",
     "interval": [0.2, 0.3], "n": 1200, "status": "ok", "reason": None},
    {"id": "engagement.likes", "label": "l", "value": None, "unit": "count", "status": "unavailable",
     "reason": "like_count is not in this dataset's tweets file"},
    {"id": "engagement.quotes", "label": "q", "value": None, "unit": "count", "status": "unavailable",
     "reason": "quote_count is not in this dataset's tweets file"},
    {"id": "engagement.replies", "label": "r", "value": None, "unit": "count", "status": "unavailable",
     "reason": "like_count is not in this dataset's tweets file"},
    {"id": "overview.accounts", "label": "a", "value": 3, "unit": "count"},  # a pre-contract row
]  # fmt: skip


def test_available_unavailable_and_topic_reasons():
    v = finding_variables(ROWS)
    assert v["engagement"] == {
        "zero_share": "25.0%",
        "zero_share_ci": "20.0–30.0%",
        "zero_share_n": "1,200",
        "likes": "not available here",
        "likes_reason": "like_count is not in this dataset's tweets file",
        "quotes": "not available here",
        "quotes_reason": "quote_count is not in this dataset's tweets file",
        "replies": "not available here",
        "replies_reason": "like_count is not in this dataset's tweets file",
    }
    assert v["overview"] == {"accounts": "3"}
    # distinct reasons, in order of first appearance, joined
    assert v["unavailable"]["engagement"] == (
        "like_count is not in this dataset's tweets file; "
        "quote_count is not in this dataset's tweets file"
    )
    assert "overview" not in v["unavailable"]  # every overview finding is measured
    assert v["unavailable"]["coordination"] == "no finding was recorded for this section"


def test_format_value_never_invents_a_placeholder():
    with pytest.raises(ValueError, match="no value to format"):
        format_value(None, "share")
    assert display_value(ROWS[1]) == "not available here"
    # a pre-contract row that recorded None is not available, never "n/a"
    legacy = {"id": "x.y", "label": "y", "value": None, "unit": "count"}
    assert display_value(legacy) == "not available here"
    assert "this dataset" in finding_variables([legacy])["x"]["y_reason"]


def test_a_number_halfway_between_counts_reads_without_a_trailing_zero():
    """Regression (issue 16): "median cluster 18.50" read as a decimal of a count."""
    assert format_value(18.5, "number") == "18.5"
    assert format_value(18.0, "number") == "18"
    assert format_value(1234.25, "number") == "1,234.25"
