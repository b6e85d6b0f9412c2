"""Coordination findings on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from takedown.findings import coordination, text_keys
from takedown.profile import Profile
from tests.unit.findings.tiny import absent, by_id, coverage, make_con

PROFILE = Profile(name="t", title="t", coordination={"window_minutes": 10, "min_accounts": 5})


def _at(minute: int, base: str = "2020-02-01 06:00") -> str:
    return (pd.Timestamp(base) + pd.Timedelta(minutes=minute)).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def coord():
    variants = [
        "Support the Hong Kong police!",
        "SUPPORT THE HONG KONG POLICE @someone",
        "Support  the Hong   Kong police 👍",
        "support the hong kong police. http://bit.ly/y",
        "RT @x: Support the Hong Kong police",  # prefix stripped: a copy, not a retweet
    ]
    tw: list[dict[str, Any]] = []
    # cluster 1: accounts a-e, minutes 0-9
    for i, (acct, text) in enumerate(zip("abcde", variants, strict=True)):
        tw.append({"userid": acct, "tweet_time": _at([0, 2, 5, 7, 9][i]), "tweet_text": text})
    # a real retweet of the same text at the same time: amplification, not a copy
    tw.append({"userid": "r", "tweet_time": _at(3), "tweet_text": "RT @a: Support the Hong Kong police",
               "is_retweet": True})  # fmt: skip
    # cluster 2: the same text an hour later by a, b, f, g, h
    for i, acct in enumerate("abfgh"):
        tw.append({"userid": acct, "tweet_time": _at(60 + i), "tweet_text": variants[0]})
    # a chain: six accounts, four minutes apart, 20 minutes end to end
    for i, acct in enumerate("pqrstu"):
        tw.append(
            {"userid": acct, "tweet_time": _at(200 + 4 * i), "tweet_text": "a chain of copies here"}
        )
    # four accounts are fewer than k = 5
    for i, acct in enumerate("abcd"):
        tw.append(
            {
                "userid": acct,
                "tweet_time": _at(300 + i),
                "tweet_text": "only four accounts post this",
            }
        )
    # one account five times
    for i in range(5):
        tw.append(
            {"userid": "a", "tweet_time": _at(400 + i), "tweet_text": "one account five times"}
        )
    # a short common text by six accounts (normalized under 12 characters)
    for i, acct in enumerate("abcdef"):
        tw.append({"userid": acct, "tweet_time": _at(500 + i), "tweet_text": "Good night!!"})
    return make_con([], tw)


@pytest.mark.slow
def test_coordination_clusters(coord):
    summary, members = coordination.clusters(coord, window_minutes=10, min_accounts=5)
    assert summary["cluster"].tolist() == [1, 2]
    assert summary["accounts"].tolist() == [5, 5] and summary["tweets"].tolist() == [5, 5]
    assert summary["key"].tolist() == ["support the hong kong police"] * 2
    assert summary["example"].iloc[0] == "Support the Hong Kong police!"
    assert pd.Timestamp(summary["start"].iloc[0]) == pd.Timestamp("2020-02-01 06:00", tz="UTC")
    assert pd.Timestamp(summary["end"].iloc[0]) == pd.Timestamp("2020-02-01 06:09", tz="UTC")
    by = members.groupby("cluster")["userid"].apply(sorted).to_dict()
    assert by == {1: list("abcde"), 2: list("abfgh")}
    assert "r" not in set(members["userid"])  # the retweet


@pytest.mark.slow
def test_coordination_window_and_k_are_parameters(coord):
    # a 20-minute window admits the chain; k = 4 admits the four accounts
    s, _ = coordination.clusters(coord, window_minutes=20, min_accounts=5)
    assert "a chain of copies here" in set(s["key"])
    s, _ = coordination.clusters(coord, window_minutes=10, min_accounts=4)
    assert "only four accounts post this" in set(s["key"])
    assert "one account five times" not in set(s["key"])


@pytest.mark.slow
def test_account_edges_and_layout(coord):
    _, members = coordination.clusters(coord, window_minutes=10, min_accounts=5)
    e = coordination.account_edges(members)
    assert len(e) == 10 + 10 - 1
    assert e.iloc[0].tolist() == ["a", "b", 2]
    assert (e["a"] < e["b"]).all() and e["clusters"].iloc[1:].eq(1).all()
    pos = coordination.layout(e, iterations=50)
    assert sorted(pos["userid"]) == sorted(set("abcdefgh"))
    assert pos[["x", "y"]].min().min() >= 0 and pos[["x", "y"]].max().max() <= 1
    pd.testing.assert_frame_equal(pos, coordination.layout(e, iterations=50))
    empty = coordination.account_edges(members.iloc[0:0])
    assert empty.empty and coordination.layout(empty).empty


def _whole_array_layout(edges: pd.DataFrame, iterations: int) -> pd.DataFrame:
    """The layout as it was computed before its row blocks: each force array whole."""
    nodes = sorted(set(edges["a"]) | set(edges["b"]))
    index = {u: i for i, u in enumerate(nodes)}
    n = len(nodes)
    adj = np.zeros((n, n))
    ia, ib = edges["a"].map(index).to_numpy(), edges["b"].map(index).to_numpy()
    adj[ia, ib] = adj[ib, ia] = edges["clusters"].to_numpy(dtype=float)
    pos = np.random.default_rng(0).random((n, 2))
    k, step = 1.0 / np.sqrt(n), 0.1
    cool = step / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        dist = np.maximum(np.sqrt(dx * dx + dy * dy), 0.01)
        force = k * k / (dist * dist) - adj * (dist / k)
        np.fill_diagonal(force, 0.0)
        disp = np.stack([(dx * force).sum(axis=1), (dy * force).sum(axis=1)], axis=1)
        disp -= 5.0 * (pos - pos.mean(axis=0))
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 0.01)
        pos += disp * (np.minimum(length, step) / length)[:, None]
        step -= cool
    pos -= pos.min(axis=0)
    pos /= np.maximum(pos.max(axis=0), 1e-12)
    return pd.DataFrame({"userid": nodes, "x": pos[:, 0], "y": pos[:, 1]})


@pytest.mark.parametrize("accounts", [5, 64, 65, 150])
def test_layout_in_row_blocks_gives_the_whole_arrays_positions_exactly(accounts):
    # the layout is chaotic: a change of one rounding anywhere moves accounts by 0.07 of the
    # page after 150 steps, so the blocks must hold the same numbers, summed in the same order
    rng = np.random.default_rng(accounts)
    pairs = {tuple(sorted(rng.choice(accounts, 2, replace=False))) for _ in range(accounts * 3)}
    edges = pd.DataFrame(
        [(f"u{a:03}", f"u{b:03}", int(rng.integers(1, 4))) for a, b in sorted(pairs)],
        columns=["a", "b", "clusters"],
    )
    got = coordination.layout(edges, iterations=40)
    pd.testing.assert_frame_equal(got, _whole_array_layout(edges, 40), check_exact=True)


@pytest.mark.slow
def test_summarize_known_answers(coord):
    f = by_id(coordination.summarize(coord, PROFILE, coverage(coord)))
    assert [i for i, x in f.items() if not x.available] == ["coordination.median_cluster_between"]
    assert f["coordination.clusters"].value == 2
    assert f["coordination.accounts_involved"].value == 8
    assert f["coordination.tweets_involved"].value == 10
    assert f["coordination.tweets_involved"].n == 32  # 5+1+5+6+4+5+6
    assert f["coordination.largest_cluster_accounts"].value == 5
    assert f["coordination.median_cluster_accounts"].value == 5.0
    assert f["coordination.median_cluster_between"].reason == "the median is one cluster's count"
    assert (f["coordination.window_minutes"].value, f["coordination.min_accounts"].value) == (10, 5)
    assert "within 10 minutes" in f["coordination.clusters"].method


@pytest.mark.slow
def test_no_cluster_is_a_measured_zero_with_no_largest():
    con = make_con([], [{"userid": "a", "tweet_time": "2020-01-01", "tweet_text": "just one"}])
    f = by_id(coordination.summarize(con, PROFILE, coverage(con)))
    assert f["coordination.clusters"].value == 0 and f["coordination.accounts_involved"].value == 0
    x = f["coordination.largest_cluster_accounts"]
    assert x.reason == "no text was posted by 5 or more accounts within 10 minutes"
    assert not f["coordination.median_cluster_accounts"].available


@pytest.mark.slow
def test_without_is_retweet_the_rt_prefix_marks_retweets(coord):
    """Without the flag, six 'RT @a:' copies must not make a cluster of retweets."""
    for i, acct in enumerate("vwxyz"):
        coord.execute(
            "INSERT INTO tweets (tweetid, userid, tweet_time, tweet_text) VALUES (?, ?, ?, ?)",
            [f"rt{i}", acct, _at(700 + i), "RT @a: an original tweet retweeted by five"],
        )
    absent(coord, "tweets", "is_retweet")
    f = by_id(coordination.summarize(coord, PROFILE, coverage(coord)))
    # cluster 1 loses its 'RT @x:' copy (4 accounts left); cluster 2 stands; no retweet cluster
    assert f["coordination.clusters"].value == 1
    assert "text starting 'RT @'" in f["coordination.clusters"].method


def test_absent_text_and_empty_tables_are_unavailable(coord):
    absent(coord, "tweets", "tweet_text")
    f = coordination.summarize(coord, PROFILE, coverage(coord))
    assert {x.id for x in f} == set(coordination.SPECS)
    assert all(x.reason == "tweet_text is not in this dataset's tweets file" for x in f)
    con = make_con([], [])
    f = coordination.summarize(con, PROFILE, coverage(con))
    assert all(x.reason == "this dataset's tweets file has no rows" for x in f)


@pytest.mark.slow
def test_hash_collisions_change_no_cluster(coord, monkeypatch):
    """Candidates are found by a 64-bit hash of the key; clusters are then made on exact keys.
    A hash that collides all the time (the key's length modulo 3) must give the same answer."""
    expected = coordination.clusters(coord, window_minutes=20, min_accounts=4)
    monkeypatch.setattr(text_keys, "KEY_HASH", "length(key) % 3")  # keyed anew: the SQL changed
    got = coordination.clusters(coord, window_minutes=20, min_accounts=4)
    pd.testing.assert_frame_equal(got[0], expected[0])
    pd.testing.assert_frame_equal(got[1], expected[1])
    assert len(expected[0]) == 4  # two bursts of the police text, the chain, the four accounts


@pytest.mark.slow
def test_members_of_chosen_clusters_only(coord):
    s, everyone = coordination.clusters(coord, window_minutes=10, min_accounts=5)
    assert coordination.table(coord).equals(s)
    two = coordination.members(coord, [2])
    assert two["cluster"].eq(2).all() and sorted(two["userid"]) == list("abfgh")
    pd.testing.assert_frame_equal(two, everyone[everyone["cluster"] == 2].reset_index(drop=True))
    assert coordination.members(coord, []).empty


@pytest.mark.slow
def test_build_leaves_only_the_members_table(coord):
    def temp() -> set[str]:
        sql = "SELECT table_name FROM duckdb_tables() WHERE temporary"
        return {r[0] for r in coord.execute(sql).fetchall()}

    before = temp()
    coordination.build(coord, 10, 5)
    # text_keys stays for the co-tweet trace on the same connection (findings.text_keys)
    assert temp() - before == {"coord_members", "text_keys", "text_keys_rule"}


def test_account_edges_count_each_cluster_once_per_pair():
    members = pd.DataFrame(
        {"cluster": [1, 1, 1, 1, 2, 2], "userid": ["a", "a", "a", "b", "a", "b"]}
    )
    e = coordination.account_edges(members)
    assert e.values.tolist() == [["a", "b", 2]]


def _late_copy_burst() -> list[dict[str, Any]]:
    """Five accounts within 8 minutes, then a sixth copy 9 minutes later: a 17-minute burst."""
    text = "the late copy must not erase this"
    times = [0, 2, 4, 6, 8, 17]
    return [{"userid": a, "tweet_time": _at(m), "tweet_text": text}
            for a, m in zip("abcdef", times, strict=True)]  # fmt: skip


@pytest.mark.slow
def test_a_late_copy_does_not_erase_a_cluster():
    """Regression (issue 16): a burst longer than the window was dropped whole, though five
    accounts posted inside one 10-minute stretch of it."""
    s, m = coordination.clusters(make_con([], _late_copy_burst()), 10, 5)
    assert s["accounts"].tolist() == [5] and s["tweets"].tolist() == [5]
    assert sorted(m["userid"]) == list("abcde")  # f, 9 minutes after e, is in no 5-account stretch
    assert pd.Timestamp(s["end"].iloc[0]) == pd.Timestamp("2020-02-01 06:08", tz="UTC")


@pytest.mark.slow
def test_the_sliding_window_keeps_every_copy_of_a_qualifying_stretch():
    """Planted truth: accounts a-e at minutes 0-8 and b-f at 10-17 overlap in qualifying
    stretches, so all ten copies form one cluster; five accounts spread over 11 minutes do not."""
    text = "two overlapping stretches here"
    rows = [{"userid": a, "tweet_time": _at(m), "tweet_text": text}
            for a, m in zip("abcdeabcdf", [0, 2, 4, 6, 8, 10, 12, 14, 16, 17], strict=True)]  # fmt: skip
    spread = "five accounts over eleven minutes"
    rows += [{"userid": a, "tweet_time": _at(100 + m), "tweet_text": spread}
             for a, m in zip("abcde", [0, 3, 6, 9, 11], strict=True)]  # fmt: skip
    s, m = coordination.clusters(make_con([], rows), 10, 5)
    assert s["key"].tolist() == [text]
    assert (s["tweets"].tolist(), s["accounts"].tolist()) == ([10], [6])
    # the window is inclusive at both ends: 0..10 minutes holds five accounts
    s, _ = coordination.clusters(make_con([], rows), 11, 5)
    assert sorted(s["key"]) == sorted([text, spread])


@pytest.mark.slow
def test_two_stretches_bridged_by_a_stray_copy_are_two_clusters():
    """Planted: a-e at minutes 0-8, a stray copy by f at 17, g-k at 26-34. One burst (no gap
    over 10 minutes), two qualifying stretches; f is in neither, so two clusters of five."""
    text = "two stretches and a stray copy"
    times = [0, 2, 4, 6, 8, 17, 26, 28, 30, 32, 34]
    rows = [{"userid": a, "tweet_time": _at(m), "tweet_text": text}
            for a, m in zip("abcdefghijk", times, strict=True)]  # fmt: skip
    s, m = coordination.clusters(make_con([], rows), 10, 5)
    assert s["accounts"].tolist() == [5, 5]
    by = m.groupby("cluster")["userid"].apply("".join).to_dict()
    assert by == {1: "abcde", 2: "ghijk"}


@pytest.mark.slow
def test_ira_sample_has_121_clusters(ira):
    """Regression on the real IRA sample: 118 clusters with whole-burst windows, 121 sliding."""
    s, _ = coordination.clusters(ira, window_minutes=10, min_accounts=5)
    assert len(s) == 121


def test_an_even_number_of_clusters_gives_a_median_that_says_so():
    """Regression (issue 16): "median cluster 18.50" for two middle clusters of 18 and 19."""
    rows = []
    for c, n in enumerate([5, 6]):  # two clusters, of 5 and of 6 accounts
        rows += [{"userid": f"u{i}", "tweet_time": _at(100 * c + i), "tweet_text": f"copied text number {c}"}
                 for i in range(n)]  # fmt: skip
    con = make_con([], rows)
    f = by_id(coordination.summarize(con, PROFILE, coverage(con)))
    assert f["coordination.median_cluster_accounts"].value == 5.5
    assert f["coordination.median_cluster_between"].value == "5 and 6"
    assert "even number (2)" in f["coordination.median_cluster_accounts"].method
