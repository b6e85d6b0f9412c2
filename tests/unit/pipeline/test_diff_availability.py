"""Diff of two findings files when a finding is measured in one and unavailable in the other."""

from __future__ import annotations

from takedown.pipeline.diff import diff


def test_unavailable_side_reads_not_available_here():
    a = {"engagement.likes": {"id": "engagement.likes", "value": 12, "unit": "count"}}
    b = {
        "engagement.likes": {
            "id": "engagement.likes", "value": None, "unit": "count", "status": "unavailable",
            "reason": "like_count is not in this dataset's tweets file",
        }
    }  # fmt: skip
    (row,) = diff(a, b)
    assert row == {
        "id": "engagement.likes", "a": "12", "b": "not available here", "change": "now unavailable"
    }  # fmt: skip
    (back,) = diff(b, a)
    assert back["a"] == "not available here" and back["change"] == "now available"
