"""The planted coordination rings at the demos' default sizes: the margin over background pairs
that tests/unit/demo/test_rings.py measures on small archives holds at full size too."""

from __future__ import annotations

import pytest

from takedown import demo as generator
from tests.unit.demo.test_rings import margins, pair_weights

pytestmark = pytest.mark.slow


def _check(truth: dict, tweets_csv, window: int) -> dict:
    got = margins(truth, pair_weights(tweets_csv, window))
    for trace in ("co_retweet", "co_link", "co_reply"):
        assert got[trace][1] == 0, (trace, got[trace])
    events, background = got["co_hashtag"]
    assert 2 * background < events, got  # measured: 10 events against 3 (China), 4 (Russia)
    return got


def test_china_rings_stand_above_background(demo):
    op = generator.OPERATIONS["china"]
    _check(demo["truth"], demo["raw"] / op.tweets_file, op.ring_window)


def test_russia_rings_stand_above_background(tmp_path):
    op = generator.OPERATIONS["russia"]
    truth = generator.generate(tmp_path, operation="russia")
    assert (truth["accounts"], truth["tweets"]) == (op.default_accounts, op.default_tweets)
    _check(truth, tmp_path / op.tweets_file, op.ring_window)
