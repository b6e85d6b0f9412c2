"""Shared intervals: a share of nothing is an error, never a silent zero."""

from __future__ import annotations

import pytest

from takedown.findings.stats import share


def test_share_rejects_empty():
    with pytest.raises(ValueError):
        share(0, 0)
