"""Example tweets of the largest communities, so a reader can check what ties each one together.

The rule: per community, each trace's item (a text, retweeted tweet, link, hashtag, hashtag
sequence or reply target) that the most of the community's accounts posted within the window of
another of its accounts, ties by the earliest such post and then the item; posts in a crowd above
the cap are left out, as in the pairs. Of these, the ITEMS items with the most accounts are shown,
at most one per trace, each with the earliest such post (ties by account, then tweet id). The
ranking runs in DuckDB SQL over each trace's events; only the few tweets shown are looked up.
"""

from __future__ import annotations

import re

import duckdb
import pandas as pd

from takedown.findings import entities, examples
from takedown.findings.contract import Coverage
from takedown.findings.networks import traces
from takedown.findings.networks.figures import SHORT
from takedown.findings.networks.pairs import common_limit, temp_table_exists
from takedown.findings.networks.summary import Result, Trace
from takedown.findings.text_keys import MIN_CHARS, NORMALIZE_SQL
from takedown.text import HASH_SHOWN, cut_words

COMMUNITIES = 5  # the largest communities given examples
ITEMS = 3  # items per community, at most one per trace
TEXT_BUDGET = 100  # characters of a tweet shown, as for the co-tweet clusters
COLUMNS = ["community", "trace", "item", "accounts", "members", "tweetid", "account",
           "tweet_time", "tweet_text", "why"]  # fmt: skip
NO_ITEM = "no item is shared by two of its accounts within the window below the cap"


def top_items(
    con: duckdb.DuckDBPyConnection, res: Result, communities: int = COMMUNITIES
) -> pd.DataFrame:
    """Per community (the `communities` largest) and trace: the item most of its accounts shared
    within the window, how many, and the earliest such post (userid, t). Items left out of the
    pairs (a crowd above the cap, an item common to most accounts) are left out here too."""
    members = res.communities[res.communities["community"] <= communities]
    if members.empty or not res.traces:
        return pd.DataFrame(columns=["community", "trace", "key", "accounts", "userid", "t"])
    con.register("net_ex_members", members[["userid", "community"]])
    try:
        frames = [_trace_top(con, name, res) for name in res.traces]
    finally:
        con.unregister("net_ex_members")
    return pd.concat(frames, ignore_index=True)


def _events(con: duckdb.DuckDBPyConnection, src: traces.Source) -> str:
    """The trace's events table: the one summary.compute built on this connection, else built."""
    name = f"net_ev_{src.trace}"  # traces.build_events' table
    if temp_table_exists(con, name):
        return name
    return traces.build_events(con, src)


def _keys(con: duckdb.DuckDBPyConnection, trace: Trace, events: str) -> str:
    """The hashed items (k) of the trace's pairs: those two or more accounts posted, and not
    common (pairs.shared_events kept them), else worked out again from the events."""
    if trace.pairs.keys and temp_table_exists(con, trace.pairs.keys):
        return trace.pairs.keys
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE net_ex_keys AS SELECT hash(key) AS k FROM {events}
            GROUP BY key HAVING count(DISTINCT userid) BETWEEN 2 AND {common_limit(events)}"""
    )
    return "net_ex_keys"


def _trace_top(con: duckdb.DuckDBPyConnection, name: str, res: Result) -> pd.DataFrame:
    """One trace's best item per community (SQL over the trace's events). Only the items of the
    trace's pairs can be shared, so the rest are dropped first: at 45 million tweets most links
    and retweeted tweets have one account, and ranking them took seconds per trace."""
    events = _events(con, res.traces[name].source)
    keys = _keys(con, res.traces[name], events)
    w = int(res.window_minutes) * 60
    frame = f"ORDER BY s RANGE BETWEEN {w} PRECEDING AND {w} FOLLOWING"
    return con.execute(
        f"""WITH mine AS (SELECT e.key, e.userid, e.t, CAST(epoch(e.t) AS BIGINT) AS s, m.community
                          FROM {events} e JOIN net_ex_members m USING (userid)
                          WHERE hash(e.key) IN (SELECT k FROM {keys})),
                 crowd AS (SELECT key, userid, t, count(*) OVER (PARTITION BY key {frame}) AS n
                           FROM (SELECT key, userid, t, CAST(epoch(t) AS BIGINT) AS s
                                 FROM {events} SEMI JOIN (SELECT DISTINCT key FROM mine) USING (key))),
                 kept AS (SELECT mine.* FROM mine JOIN crowd USING (key, userid, t)
                          WHERE crowd.n <= {int(res.cap)}),
                 flag AS (SELECT *, min(userid) OVER win <> max(userid) OVER win AS shared
                          FROM kept WINDOW win AS (PARTITION BY community, key {frame}))
            SELECT community, '{name}' AS trace, key, count(DISTINCT userid) AS accounts,
                   arg_min(userid, (t, userid)) AS userid, min(t) AS t
            FROM flag WHERE shared GROUP BY community, key
            QUALIFY row_number() OVER (PARTITION BY community
                                       ORDER BY count(DISTINCT userid) DESC, min(t), key) = 1"""
    ).df()


def carries(trace: str, coverage: Coverage) -> str:
    """SQL true when the tweet `t` (with its entity lists e_hashtags, e_urls) carries the item
    `x.key` by the trace's rule in traces.source (a test checks that the two agree)."""
    tags = "list_transform(coalesce(e_hashtags, []), lambda h: lower(trim(h)))"
    if trace == "co_retweet":
        col = "retweet_tweetid" if coverage.has("tweets", "retweet_tweetid") else "retweet_userid"
        return f"CAST(t.{col} AS VARCHAR) = x.key"
    rule = {
        "co_tweet": f"t.tweet_text IS NOT NULL AND {NORMALIZE_SQL} = x.key "
        f"AND length(x.key) >= {MIN_CHARS}",
        "co_reply": "CAST(t.in_reply_to_tweetid AS VARCHAR) = x.key",
        "co_link": "list_contains(list_transform(coalesce(e_urls, []), lambda u: net_url(u)), x.key)",
        "co_hashtag": f"list_contains({tags}, x.key)",
        "co_hashtag_seq": f"array_to_string(list_filter({tags}, lambda h: h <> ''), ' ') = x.key",
    }[trace]
    return f"({rule}) AND NOT coalesce(({traces.retweet_sql(coverage)}), false)"


def pick(
    con: duckdb.DuckDBPyConnection, res: Result, coverage: Coverage, tops: pd.DataFrame
) -> pd.DataFrame:
    """The items shown (ITEMS per community, one per trace, most accounts first) with their
    example tweet; a community with none gets one row saying why (COLUMNS)."""
    order = {t: i for i, t in enumerate(traces.TRACES)}
    ranked = tops.assign(o=tops["trace"].map(order)).sort_values(
        ["community", "accounts", "o"], ascending=[True, False, True]
    )
    shown = ranked.groupby("community").head(ITEMS).reset_index(drop=True)
    tweets = _tweets(con, coverage, shown)
    sizes = res.communities["community"].value_counts()
    rows = []
    for c in sorted(res.communities["community"].unique())[:COMMUNITIES]:
        mine = shown[shown["community"] == c]
        if mine.empty:
            rows.append({"community": c, "members": int(sizes[c]), "why": NO_ITEM})
            continue
        for r in mine.itertuples():
            ex = tweets.get((r.trace, r.key, r.userid))
            rows.append({"community": c, "trace": r.trace, "item": r.key,
                         "accounts": int(r.accounts), "members": int(sizes[c]),
                         **(ex or {"why": "the post is not found in the tweets"})})  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS)


POSTS = "net_ex_posts"  # the tweets posted by a shown item's account at its time, with lists


def _posts(con: duckdb.DuckDBPyConnection, coverage: Coverage) -> None:
    """Write temp table POSTS: the tweets posted at a shown item's time (net_ex_items) by a shown
    item's account (the filters reach the scan: a join on the pair would read every column of
    every tweet), with the entity lists carries() reads (e_hashtags, e_urls) from the columns or,
    where the archive lacks them, extracted from these few tweets' text. One scan of the tweets
    for every trace: at 45 million tweets each scan takes seconds."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {POSTS}_raw AS
            SELECT * FROM tweets WHERE tweet_time IN (SELECT x_t FROM net_ex_items)
                                   AND CAST(userid AS VARCHAR) IN (SELECT userid FROM net_ex_items)"""
    )
    cols = {k: entities.source(coverage, k) for k in ("hashtag", "url")}
    if all(v == "column" for v in cols.values()):
        lists = f"SELECT *, hashtags AS e_hashtags, urls AS e_urls FROM {POSTS}_raw"
    else:
        lists = f"""SELECT p.*, l.hashtags AS e_hashtags, l.urls AS e_urls FROM {POSTS}_raw p
                    LEFT JOIN ({entities.lists_sql(coverage, f"{POSTS}_raw")}) l
                    ON l.tweetid = p.tweetid"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {POSTS} AS {lists}")
    con.execute(f"DROP TABLE {POSTS}_raw")


def _tweets(
    con: duckdb.DuckDBPyConnection, coverage: Coverage, shown: pd.DataFrame
) -> dict[tuple[str, str, str], dict[str, object]]:
    """The tweet (the first by tweet id) carrying each shown item, by its account at its time:
    the few candidate posts are read once (_posts), then one small query per trace."""
    con.execute(traces.URL_MACRO)
    items = shown[["trace", "key", "userid", "t"]].rename(columns={"t": "x_t"})
    con.register("net_ex_items", items)
    try:
        _posts(con, coverage)
        got = pd.concat(
            [_carrier(con, str(trace), coverage) for trace in sorted(set(items["trace"]))]
        )
    finally:
        con.unregister("net_ex_items")
        con.execute(f"DROP TABLE IF EXISTS {POSTS}")
    return {(r.trace, r.key, r.userid): {"tweetid": r.tweetid, "account": r.account,
                                         "tweet_time": r.tweet_time, "tweet_text": r.tweet_text}
            for r in got.itertuples()}  # fmt: skip


def _carrier(con: duckdb.DuckDBPyConnection, trace: str, coverage: Coverage) -> pd.DataFrame:
    """Per shown item of `trace`: the first post (by tweet id) of its account at its time that
    carries it."""
    return con.execute(
        f"""SELECT x.trace, x.key, x.userid, {examples.TWEET_ID} AS tweetid,
                   {examples.ACCOUNT} AS account, t.tweet_time, t.tweet_text
            FROM net_ex_items x JOIN {POSTS} t
            ON CAST(t.userid AS VARCHAR) = x.userid AND t.tweet_time = x.x_t
            WHERE x.trace = ? AND {carries(trace, coverage)}
            QUALIFY row_number() OVER (PARTITION BY x.key, x.userid ORDER BY t.tweetid) = 1""",
        [trace],
    ).df()


def compute(con: duckdb.DuckDBPyConnection, res: Result, coverage: Coverage) -> pd.DataFrame:
    """The examples of the largest communities (COLUMNS), by the rule in the module docstring."""
    if res.communities.empty:
        return pd.DataFrame(columns=COLUMNS)
    return pick(con, res, coverage, top_items(con, res))


HEADER = "community: shared item (accounts of the community)"
_HEX = re.compile(r"(?=[0-9]*[A-Fa-f])[0-9A-Fa-f]{20,}")


def shown(ex: pd.DataFrame) -> pd.DataFrame:
    """As the report's table shows them: the community and its shared item (trace, item, its
    accounts of the community's), tweet id (where the data has one), account, time (UTC) and the
    text cut to TEXT_BUDGET characters; community and item share a column so the table fits."""
    have = ex[ex["why"].isna()]
    # a hashed handle in a text is cut before the text is: it would eat the budget
    text = have["tweet_text"].map(lambda t: t if not isinstance(t, str) else _HEX.sub(_head, t))
    table = examples.shown(have.assign(key=None, tweet_text=text), None, budget=TEXT_BUDGET)
    table.index = have.index
    item = [f"{r.community} · {SHORT[r.trace]}: {_item(r.trace, r.item)} "
            f"({r.accounts:,} of {r.members:,})" for r in have.itertuples()]  # fmt: skip
    table.insert(0, HEADER, item)
    if table["tweet id"].isna().all():  # ids the data does not have (the IRA adapter's made-up)
        table = table.drop(columns="tweet id")
    missing = ex[ex["why"].notna()]
    gaps = pd.DataFrame({HEADER: [f"{r.community} · {r.why}" for r in missing.itertuples()]},
                        index=missing.index)  # fmt: skip
    return pd.concat([table, gaps]).sort_index()


def _head(m: re.Match[str]) -> str:
    return m.group(0)[:HASH_SHOWN] + "…"


def _item(trace: str, key: str) -> str:
    """An item as the table names it: a text in quotes, hashtags with #, an id or link."""
    if trace == "co_tweet":
        return f"“{cut_words(key, 40)}”"
    if trace in ("co_hashtag", "co_hashtag_seq"):
        return cut_words(" ".join("#" + h for h in key.split(" ")), 60)
    return cut_words(key, 60)  # md_table cuts a hashed id in it
