"""Example tweets of the largest communities, on two hand-built rings whose answer is known: the
items most of a community's accounts shared within the window, the earliest such post, and why
a community has none."""

from __future__ import annotations

import pandas as pd
import pytest

from takedown.findings import entities
from takedown.findings.networks import community_examples as ce
from takedown.findings.networks import summary, traces
from takedown.text import md_table
from tests.unit.findings.networks.tiny_net import at, net_con
from tests.unit.findings.tiny import absent, coverage

HOSTILE = "=cmd|' /C calc'!A0 {{< var x >}} <b>**bold**</b> 中文 😀"


def _rings() -> list[dict]:
    """Ring a (a1-a3) posts one text, hashtag and link a day within 2 minutes on four days; ring b
    (b1-b3) retweets one tweet a day, and tweets of its own at other hours; n1 posts ring a's hashtag an hour later (outside the
    window); a crowd of c1-c4 posts #crowd in one minute (above a cap of 3)."""
    rows = []
    for d in range(4):
        for j, u in enumerate(("a1", "a2", "a3")):
            rows.append({"userid": u, "tweet_time": at(d * 1440 + j),
                         "tweet_text": f"Ring a message number {d} today #RingA {HOSTILE}",
                         "hashtags": ["RingA"], "urls": [f"https://www.example.com/a{d}?utm_source=x"]})  # fmt: skip
        for j, u in enumerate(("b1", "b2", "b3")):
            rows.append({"userid": u, "tweet_time": at(d * 1440 + 600 + j), "is_retweet": True,
                         "tweet_text": f"RT @src: original {d}", "retweet_tweetid": f"t{d}"})  # fmt: skip
    rows.append({"userid": "n1", "tweet_time": at(60), "tweet_text": "late #RingA",
                 "hashtags": ["RingA"]})  # fmt: skip
    rows += [{"userid": u, "tweet_time": at(2000), "tweet_text": f"crowd {u}", "hashtags": ["crowd"]}
             for u in ("a1", "c2", "c3", "c4")]  # fmt: skip
    # Ring b's own retweets at other hours: without them its accounts retweet only at the ring's
    # times, and a shuffle within an account's own retweet times could not break the ring.
    rows += [
        {"userid": u, "tweet_time": at(d * 1440 + 120 * k + 7 * j), "is_retweet": True,
         "tweet_text": f"RT @own: {u} {d} {k}", "retweet_tweetid": f"own-{u}-{d}-{k}"}
        for d in range(4) for k in range(1, 5) for j, u in enumerate(("b1", "b2", "b3"))
    ]  # fmt: skip
    return rows


@pytest.fixture
def built():
    con = net_con(_rings())
    con.execute("ALTER TABLE tweets ADD COLUMN user_screen_name VARCHAR")  # as ingest writes it
    cov = coverage(con)
    res = summary.compute(con, cov, 10, cap=3, rounds=1)
    return con, cov, res


def _id(rows: list[dict], userid: str, minute: int) -> str:
    """The tweet id net_con gave the row of `userid` at `minute` (ids count rows from 1)."""
    return str(next(i for i, r in enumerate(rows, 1)
                    if r["userid"] == userid and r["tweet_time"] == at(minute)))  # fmt: skip


@pytest.mark.slow
def test_each_community_shows_the_items_most_of_its_accounts_shared(built):
    con, cov, res = built
    com = res.communities.set_index("userid")["community"]
    assert com["a1"] == 1 and com["b1"] == 2  # equal sizes: the first account decides
    ex = ce.compute(con, res, cov)
    got = [(r.community, r.trace, r.item, r.accounts, r.members) for r in ex.itertuples()]
    text = "ring a message number 0 today ringa cmd c calc a0 var x b bold b 中文"  # normalized
    assert got == [
        (1, "co_tweet", text, 3, 3),
        (1, "co_link", "example.com/a0", 3, 3),
        (1, "co_hashtag", "ringa", 3, 3),
        (2, "co_retweet", "t0", 3, 3),
    ]
    rows = _rings()
    assert ex["tweetid"].tolist() == [_id(rows, "a1", 0)] * 3 + [_id(rows, "b1", 600)]
    assert ex["account"].tolist() == ["a1", "a1", "a1", "b1"]  # no handle: the id
    assert ex["why"].isna().all()


@pytest.mark.slow
def test_lists_extracted_from_the_text_give_the_same_examples():
    """Without hashtags and urls columns, the lists are extracted from the text of the few posts
    looked up, and the link and hashtag examples are those the columns give."""
    rows = [{k: v for k, v in r.items() if k not in ("hashtags", "urls")}
            | ({"tweet_text": f"{r['tweet_text']} {r['urls'][0]}"} if r.get("urls") else {})
            for r in _rings()]  # fmt: skip
    con = net_con(rows)
    con.execute("ALTER TABLE tweets ADD COLUMN user_screen_name VARCHAR")
    for col in ("hashtags", "urls"):
        absent(con, "tweets", col)
    cov = coverage(con)
    assert entities.source(cov, "url") == entities.source(cov, "hashtag") == "text"
    ex = ce.compute(con, ce_res := summary.compute(con, cov, 10, cap=3, rounds=1), cov)
    assert ce_res.communities["community"].max() == 2
    lists = ex[ex["trace"].isin(["co_link", "co_hashtag"])]
    got = [(r.community, r.trace, r.item, r.tweetid) for r in lists.itertuples()]
    first = _id(rows, "a1", 0)
    assert got == [(1, "co_link", "example.com/a0", first), (1, "co_hashtag", "ringa", first)]


@pytest.mark.slow
def test_a_crowd_above_the_cap_and_a_post_outside_the_window_are_not_shared(built):
    con, _, res = built
    tops = ce.top_items(con, res)
    assert "crowd" not in set(tops["key"])  # 4 posts in a minute, cap 3: left out
    ring = tops[(tops["trace"] == "co_hashtag") & (tops["community"] == 1)]
    assert ring["accounts"].tolist() == [3]  # n1 an hour later is not in the community


@pytest.mark.slow
def test_the_items_are_those_of_the_pairs_with_or_without_their_keys_table(built):
    """top_items starts from the items the pairs kept (pairs.keys); without that table it works
    them out again from the events, to the same answer."""
    con, _, res = built
    want = ce.top_items(con, res)
    assert set(want["trace"]) == {"co_tweet", "co_link", "co_hashtag", "co_retweet"}
    for t in res.traces.values():
        con.execute(f"DROP TABLE {t.pairs.keys}")
    pd.testing.assert_frame_equal(ce.top_items(con, res), want)


@pytest.mark.slow
def test_a_community_without_a_shared_item_says_why(built):
    con, cov, res = built
    lonely = pd.DataFrame({"userid": ["c2", "c3"], "community": [3, 3]})
    res.communities = pd.concat([res.communities, lonely], ignore_index=True)
    ex = ce.compute(con, res, cov)
    row = ex[ex["community"] == 3].iloc[0]
    assert row["why"] == ce.NO_ITEM and pd.isna(row["tweetid"])
    shown = ce.shown(ex)
    assert shown.iloc[-1][ce.HEADER] == f"3 · {ce.NO_ITEM}"


@pytest.mark.slow
def test_the_shown_table_escapes_hostile_text(built):
    con, cov, res = built
    text = md_table(ce.shown(ce.compute(con, res, cov)), code=("tweet id",))
    assert "{{<" not in text and "<b>" not in text and "**bold**" not in text
    assert "中文 😀" in text
    assert "1 · co\\-tweet\\: “ring a message number 0 today ringa cmd…”" in text


@pytest.mark.slow
def test_no_community_no_examples():
    con = net_con([{"userid": "a", "tweet_time": at(0), "tweet_text": "alone and unshared"}])
    cov = coverage(con)
    res = summary.compute(con, cov, 10, rounds=1)
    assert ce.compute(con, res, cov).empty


@pytest.mark.slow
def test_carries_agrees_with_each_trace_events(built):
    """The example lookup's rule is the trace's: over every tweet, the (item, account, time)
    it marks are exactly the trace's events (retweets left out where the trace does)."""
    con, cov, _ = built
    entities.ensure_view(con)
    for name in traces.TRACES:
        src = traces.source(name, cov)
        if src.sql is None:
            continue
        events = traces.build_events(con, src)
        want = set(con.execute(f"SELECT key, userid, t FROM {events}").fetchall())
        got = set(
            con.execute(
                f"""SELECT x.key, CAST(t.userid AS VARCHAR), t.tweet_time
                    FROM (SELECT DISTINCT key FROM {events}) x, tweets t
                    LEFT JOIN (SELECT tweetid AS e_tweetid, hashtags AS e_hashtags, urls AS e_urls
                               FROM {entities.VIEW}) e ON e.e_tweetid = t.tweetid
                    WHERE {ce.carries(name, cov)}"""
            ).fetchall()
        )
        assert got == want, name


def test_a_hashed_handle_in_a_text_is_cut_before_the_text_is():
    handle = "a8a703cd13fbaf7bafd527470323e372e8da51a7371897c4ecbfc6ff3eef86af"
    ex = pd.DataFrame([{"community": 1, "trace": "co_reply", "item": "99", "accounts": 2,
                        "members": 2, "tweetid": "5", "account": "x",
                        "tweet_time": pd.Timestamp("2020-01-01 00:00", tz="UTC"),
                        "tweet_text": f"@{handle} " + "word " * 30, "why": None}])  # fmt: skip
    text = ce.shown(ex)["text"].iloc[0]
    assert text.startswith("@a8a703cd13fb… word word") and text.endswith("…")
    assert ce.shown(ex)[ce.HEADER].iloc[0] == "1 · co-reply: 99 (2 of 2)"


def test_a_tweet_id_column_the_data_has_no_value_for_is_left_out():
    ex = pd.DataFrame([{"community": 1, "trace": "co_hashtag", "item": "tag", "accounts": 2,
                        "members": 3, "tweetid": None, "account": "x",
                        "tweet_time": pd.Timestamp("2020-01-01 00:00", tz="UTC"),
                        "tweet_text": "text #tag", "why": None}])  # fmt: skip
    assert list(ce.shown(ex)) == [ce.HEADER, "account", "time (UTC)", "text"]
    assert "tweet id" in ce.shown(ex.assign(tweetid="12"))
