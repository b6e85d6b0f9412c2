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


def _ring_and_copies() -> list[dict]:
    """The retweet ring, plus a, b and c posting one text of their own within minutes."""
    text = "the same words posted by three accounts"
    return _ring() + [{"userid": u, "tweet_time": at(9000 + j), "is_retweet": False,
                       "tweet_text": text} for j, u in enumerate("abc")]  # fmt: skip


@pytest.mark.slow
def test_co_tweet_comes_last_after_its_text_keys_and_changes_nothing():
    """The notebook passes its share of the render's text keys: the other traces run first
    (the render may still be hashing the texts), and the findings are those of the usual order."""
    con = net_con(_ring_and_copies())
    seen: list[set[str]] = []

    def text_keys() -> None:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        seen.append({t for t in tables if t.startswith("net_ev_")})

    res = summary.compute(con, coverage(con), 10, text_keys=text_keys)
    assert len(seen) == 1  # called once, just before co-tweet
    assert "net_ev_co_retweet" in seen[0] and "net_ev_co_tweet" not in seen[0]
    assert list(res.traces) == [t for t in summary.traces.TRACES if t in res.traces]
    assert list(res.traces)[0] == "co_tweet"
    plain = net_con(_ring_and_copies())
    again = summary.compute(plain, coverage(plain), 10)
    assert [x.model_dump() for x in summary.summarize(res)] == [
        x.model_dump() for x in summary.summarize(again)
    ]
    assert by_id(summary.summarize(res))["networks.co_tweet_edges"].value == 3


@pytest.mark.slow
def test_no_text_keys_are_asked_for_where_co_tweet_cannot_run():
    con = net_con(_ring())
    absent(con, "tweets", "tweet_text")
    calls: list[int] = []
    res = summary.compute(con, coverage(con), 10, text_keys=lambda: calls.append(1))
    assert not calls and "co_tweet" in res.unavailable
