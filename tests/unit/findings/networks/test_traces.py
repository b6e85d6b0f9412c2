"""Each trace's events and pairs on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from takedown.findings.networks import pairs, traces
from takedown.findings.networks.pairs import build_pairs
from tests.unit.findings.networks.tiny_net import at, net_con
from tests.unit.findings.tiny import absent, coverage


def _pairs(con, trace: str, window: int = 10, cap: int = 500) -> dict[tuple[str, str], int]:
    src = traces.source(trace, coverage(con))
    assert src.sql is not None, src.reason
    p = build_pairs(con, traces.build_events(con, src), f"p_{trace}", window, cap)
    rows = con.execute(f"SELECT a, b, weight FROM {p.table}").fetchall()
    return {(a, b): w for a, b, w in rows}


@pytest.mark.slow
def test_co_retweet_counts_distinct_tweets_within_the_window():
    con = net_con([
        {"userid": "a", "tweet_time": at(0), "retweet_tweetid": "1", "is_retweet": True},
        {"userid": "b", "tweet_time": at(10), "retweet_tweetid": "1", "is_retweet": True},  # edge
        {"userid": "c", "tweet_time": at(11), "retweet_tweetid": "1", "is_retweet": True},  # 11 from a
        {"userid": "a", "tweet_time": at(100), "retweet_tweetid": "2", "is_retweet": True},
        {"userid": "b", "tweet_time": at(105), "retweet_tweetid": "2", "is_retweet": True},
        {"userid": "b", "tweet_time": at(106), "retweet_tweetid": "2", "is_retweet": True},  # again
        {"userid": "d", "tweet_time": at(300), "retweet_tweetid": "2", "is_retweet": True},  # alone
    ])  # fmt: skip
    assert _pairs(con, "co_retweet") == {("a", "b"): 2, ("b", "c"): 1}


def test_co_retweet_falls_back_to_the_retweeted_account():
    con = net_con([
        {"userid": "a", "tweet_time": at(0), "retweet_userid": "x", "is_retweet": True},
        {"userid": "b", "tweet_time": at(3), "retweet_userid": "x", "is_retweet": True},
    ])  # fmt: skip
    absent(con, "tweets", "retweet_tweetid")
    src = traces.source("co_retweet", coverage(con))
    assert "retweet_userid" in src.method
    assert _pairs(con, "co_retweet") == {("a", "b"): 1}


def test_co_link_normalizes_scheme_www_tracking_and_slash():
    urls = ["https://www.Example.com/Path/?utm_source=x&id=3", "http://example.com/Path?id=3",
            "example.com/Path/?id=3&fbclid=abc#top", "https://example.com/path?id=3"]  # fmt: skip
    con = net_con([{"userid": u, "tweet_time": at(i), "urls": [url]}
                   for i, (u, url) in enumerate(zip("abcd", urls, strict=True))])  # fmt: skip
    # d's path is lowercase: a different page (paths are case-sensitive, short links too)
    assert _pairs(con, "co_link") == {("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1}
    keys = con.execute("SELECT DISTINCT key FROM net_ev_co_link ORDER BY key").fetchall()
    assert keys == [("example.com/Path?id=3",), ("example.com/path?id=3",)]


def test_co_link_leaves_out_retweets_and_empty_links():
    con = net_con([
        {"userid": "a", "tweet_time": at(0), "urls": ["http://x.org/1", ""]},
        {"userid": "b", "tweet_time": at(1), "urls": ["x.org/1", " "]},
        {"userid": "c", "tweet_time": at(1), "urls": ["x.org/1"], "is_retweet": True},
    ])  # fmt: skip
    assert _pairs(con, "co_link") == {("a", "b"): 1}


@pytest.mark.slow
def test_co_hashtag_and_sequences():
    con = net_con([
        {"userid": "a", "tweet_time": at(0), "hashtags": ["HK", "police"]},
        {"userid": "b", "tweet_time": at(2), "hashtags": ["hk", "Police"]},
        {"userid": "c", "tweet_time": at(4), "hashtags": ["police", "hk"]},  # other order
        {"userid": "d", "tweet_time": at(5), "hashtags": ["hk"]},
    ])  # fmt: skip
    assert _pairs(con, "co_hashtag") == {
        ("a", "b"): 2, ("a", "c"): 2, ("b", "c"): 2, ("a", "d"): 1, ("b", "d"): 1, ("c", "d"): 1,
    }  # fmt: skip
    assert _pairs(con, "co_hashtag_seq") == {("a", "b"): 1}


@pytest.mark.slow
def test_co_reply_and_co_tweet():
    con = net_con([
        {"userid": "a", "tweet_time": at(0), "in_reply_to_tweetid": "9", "tweet_text": "@x Support the police now"},
        {"userid": "b", "tweet_time": at(9), "in_reply_to_tweetid": "9", "tweet_text": "support THE police now!"},
        {"userid": "c", "tweet_time": at(30), "in_reply_to_tweetid": "9", "tweet_text": "support the police now"},
    ])  # fmt: skip
    assert _pairs(con, "co_reply") == {("a", "b"): 1}
    assert _pairs(con, "co_tweet") == {("a", "b"): 1}


@pytest.mark.slow
def test_the_cap_leaves_out_crowded_posts_and_counts_them():
    rows = [{"userid": f"u{i}", "tweet_time": at(i % 3), "hashtags": ["mass"]} for i in range(6)]
    rows += [{"userid": "a", "tweet_time": at(100), "hashtags": ["rare"]},
             {"userid": "b", "tweet_time": at(101), "hashtags": ["rare"]}]  # fmt: skip
    con = net_con(rows)
    src = traces.source("co_hashtag", coverage(con))
    p = build_pairs(con, traces.build_events(con, src), "p", 10, cap=5)
    assert (p.edges, p.accounts, p.skipped_posts, p.skipped_items) == (1, 2, 6, 1)
    assert build_pairs(con, "net_ev_co_hashtag", "p", 10, cap=6).edges == 16


@pytest.mark.parametrize(
    ("trace", "column"),
    [("co_retweet", "retweet_tweetid"), ("co_link", "urls"), ("co_hashtag", "hashtags"),
     ("co_hashtag_seq", "hashtags"), ("co_reply", "in_reply_to_tweetid"),
     ("co_tweet", "tweet_text")],
)  # fmt: skip
def test_a_trace_without_its_column_is_unavailable_with_the_reason(trace, column):
    con = net_con([{"userid": "a", "tweet_time": at(0), "tweet_text": "x"}])
    absent(con, "tweets", column)
    if trace == "co_retweet":
        absent(con, "tweets", "retweet_userid")
    if column in ("urls", "hashtags"):  # with text, they are extracted from it (next test)
        absent(con, "tweets", "tweet_text")
    src = traces.source(trace, coverage(con))
    assert src.sql is None
    assert column in src.reason and "not in this dataset" in src.reason


@pytest.mark.slow
@pytest.mark.parametrize("trace", ["co_link", "co_hashtag"])
def test_without_the_entity_column_links_and_hashtags_come_from_the_text(trace):
    """Issue 16 item 3 through to the networks: the lists findings.entities extracts."""
    text = "read https://www.example.com/a?utm_source=x #Topic now"
    con = net_con([{"userid": u, "tweet_time": at(i), "tweet_text": text}
                   for i, u in enumerate("ab")])  # fmt: skip
    for column in ("urls", "hashtags"):
        absent(con, "tweets", column)
    src = traces.source(trace, coverage(con))
    assert "extracted from the text" in src.method
    events = con.execute(f"SELECT key, userid FROM {traces.build_events(con, src)} ORDER BY 2")
    key = "example.com/a" if trace == "co_link" else "topic"
    assert events.fetchall() == [(key, "a"), (key, "b")]


def test_without_is_retweet_the_prefix_marks_retweets_and_a_missing_text_is_no_retweet():
    con = net_con([
        {"userid": "a", "tweet_time": at(0), "in_reply_to_tweetid": "9", "tweet_text": None},
        {"userid": "b", "tweet_time": at(1), "in_reply_to_tweetid": "9", "tweet_text": "hi"},
        {"userid": "c", "tweet_time": at(2), "in_reply_to_tweetid": "9", "tweet_text": "RT @a: hi"},
    ])  # fmt: skip
    absent(con, "tweets", "is_retweet")
    assert _pairs(con, "co_reply") == {("a", "b"): 1}


def test_co_tweet_keeps_the_events_of_shared_texts_and_every_post_time():
    con = net_con([
        {"userid": "a", "tweet_time": at(0), "tweet_text": "Support the police now https://t.co/1"},
        {"userid": "b", "tweet_time": at(3), "tweet_text": "support the POLICE now https://t.co/2"},
        {"userid": "a", "tweet_time": at(50), "tweet_text": "a text nobody else posted"},
        {"userid": "c", "tweet_time": at(60), "tweet_text": "short"},  # under MIN_CHARS
        {"userid": "c", "tweet_time": at(70), "tweet_text": "support the police now",
         "is_retweet": True},  # a retweet is no co-tweet event
    ])  # fmt: skip
    events = traces.build_events(con, traces.source("co_tweet", coverage(con)))
    got = con.execute(f"SELECT key, userid FROM {events} ORDER BY userid").fetchall()
    assert got == [("support the police now", "a"), ("support the police now", "b")]
    times = con.execute(f"SELECT userid, t FROM {events}_times ORDER BY t").fetchall()
    assert [u for u, _ in times] == ["a", "b", "a"]


@pytest.mark.parametrize("account_hash", ["hash(userid)", "0"])  # "0": every account collides
def test_a_co_tweet_text_needs_two_accounts_whatever_their_hashes(monkeypatch, account_hash):
    """Two accounts are told apart by their ids' hashes only where no two accounts share one."""
    monkeypatch.setattr(pairs, "ACCOUNT_HASH", account_hash)
    con = net_con([
        {"userid": "a", "tweet_time": at(0), "tweet_text": "one account posts this twice"},
        {"userid": "a", "tweet_time": at(1), "tweet_text": "one account posts this twice"},
        {"userid": "a", "tweet_time": at(5), "tweet_text": "two accounts post this one"},
        {"userid": "b", "tweet_time": at(6), "tweet_text": "two accounts post this one"},
    ])  # fmt: skip
    events = traces.build_events(con, traces.source("co_tweet", coverage(con)))
    got = con.execute(f"SELECT DISTINCT key FROM {events}").fetchall()
    assert got == [("two accounts post this one",)]
    assert _pairs(con, "co_tweet") == {("a", "b"): 1}  # the pairs' own test of two accounts


def test_co_link_keys_are_made_once_before_they_are_filtered():
    """net_url's regex, copied into the filters DuckDB pushes below it, ran three times per link
    (84.6 s at 45M tweets against 17.5 s): its events are built with filter pushdown off, to the
    same rows, and the setting is restored."""
    con = net_con([{"userid": u, "tweet_time": at(i), "urls": ["https://www.x.org/a?utm_source=1"]}
                   for i, u in enumerate("ab")])  # fmt: skip
    src = traces.source("co_link", coverage(con))
    assert src.no_pushdown and not traces.source("co_hashtag", coverage(con)).no_pushdown
    events = traces.build_events(con, src)
    assert con.execute("SELECT current_setting('disabled_optimizers')").fetchone() == ("",)
    assert con.execute(f"SELECT key, userid FROM {events} ORDER BY userid").fetchall() == [
        ("x.org/a", "a"), ("x.org/a", "b")]  # fmt: skip
