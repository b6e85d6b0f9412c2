"""The networks' findings on tiny tables: measured where the column is, unavailable where not,
and the same on every run."""

from __future__ import annotations

import pytest

from takedown.findings.networks import summary
from tests.unit.findings.networks.tiny_net import at, net_con
from tests.unit.findings.tiny import absent, by_id, coverage


def _ring() -> list[dict]:
    """Accounts a, b, c retweet the same four tweets within minutes, on four days; d and e
    retweet tweets of their own."""
    rows = []
    for day in range(4):
        for j, u in enumerate("abc"):
            rows.append({"userid": u, "tweet_time": at(day * 1440 + j), "is_retweet": True,
                         "retweet_tweetid": f"t{day}"})  # fmt: skip
    rows += [{"userid": u, "tweet_time": at(5000 + i), "is_retweet": True,
              "retweet_tweetid": f"own{i}"} for i, u in enumerate("de")]  # fmt: skip
    return rows


@pytest.mark.slow
def test_a_retweet_ring_is_measured_and_fused():
    con = net_con(_ring())
    res = summary.compute(con, coverage(con), 10, rounds=2)
    f = by_id(summary.summarize(res))
    assert f["networks.co_retweet_edges"].value == 3
    assert f["networks.co_retweet_accounts"].value == 3
    assert f["networks.co_retweet_largest_component"].value == 3
    # Each account's four retweets are a day apart: shuffled, the three rarely align.
    thr = f["networks.co_retweet_threshold"].value
    assert thr <= 4 and f["networks.co_retweet_flagged"].value == 3
    assert f["networks.co_retweet_strong_pairs"].value == 3
    assert f["networks.fused_edges"].value == 3 and f["networks.communities"].value == 1
    assert f["networks.largest_community"].value == 3
    assert f["networks.window_minutes"].value == 10


@pytest.mark.slow
def test_findings_are_the_same_on_every_run():
    runs = []
    for _ in range(2):
        con = net_con(_ring())
        runs.append(
            [x.model_dump() for x in summary.summarize(summary.compute(con, coverage(con), 10))]
        )
    assert runs[0] == runs[1]


@pytest.mark.slow
def test_traces_without_their_column_are_unavailable_not_zero():
    con = net_con(_ring())
    for col in ("retweet_tweetid", "retweet_userid", "in_reply_to_tweetid"):
        absent(con, "tweets", col)
    f = by_id(summary.summarize(summary.compute(con, coverage(con), 10)))
    for trace in ("co_retweet", "co_reply"):
        for k in summary.PER_TRACE:
            got = f[f"networks.{trace}_{k}"]
            assert not got.available and "not in this dataset" in got.reason
    assert f["networks.co_tweet_edges"].value == 0  # the text is there (empty): measured
    assert not f["networks.largest_community"].available
    assert f["networks.fused_edges"].value == 0


def test_node_groups_name_the_attributes_or_say_why_the_column_is_empty():
    f = summary.groups_finding(["account_category", "region"], None)
    assert f.id == "networks.node_groups" and f.value == "account_category, region"
    why = "the users file of this dataset has no rows"
    g = summary.groups_finding([], why)
    assert not g.available and g.reason == why
