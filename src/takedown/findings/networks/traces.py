"""Behavioural traces as events: which item (text, retweeted tweet, link, hashtag, reply
target) an account posted, and when. One SQL query per trace; no Python loop over rows.

A trace whose column is absent (or empty in every row) is unavailable, with the reason.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

import duckdb

from takedown.findings import entities, text_keys
from takedown.findings.contract import Coverage
from takedown.findings.coordination import retweet_rule
from takedown.findings.networks.pairs import two_accounts
from takedown.findings.text_keys import MIN_CHARS, NORMALIZE_SQL
from takedown.ingest.plan import parse_once

TRACES: tuple[str, ...] = (
    "co_tweet", "co_retweet", "co_link", "co_hashtag", "co_hashtag_seq", "co_reply",
)  # fmt: skip

LABELS = {
    "co_tweet": "co-tweet (the same normalized text)",
    "co_retweet": "co-retweet (retweeting the same tweet)",
    "co_link": "co-link (the same normalized URL)",
    "co_hashtag": "co-hashtag (the same hashtag)",
    "co_hashtag_seq": "hashtag sequence (the same ordered hashtags, two or more)",
    "co_reply": "co-reply (replying to the same tweet)",
}

# Query parameters dropped from links: they name the campaign that sent a click, not the page.
TRACKING = (
    "utm_[a-z0-9_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|igshid|mc_cid|mc_eid|"
    "ref_src|ref_url|_ga|_gl|mkt_tok|oly_anon_id|oly_enc_id|vero_id|wt_mc|s_cid"
)

# A link normalized in SQL: scheme and `www.` dropped, host lowercased (the path keeps its case:
# short links are case-sensitive), fragment and tracking parameters dropped, trailing slashes
# dropped. Shortened links are not expanded: there is no network at run time. One regex splits
# the link into host, path and query (a link holds no space or line break); the tracking
# parameters' regex runs only on links with a query.
URL_PARTS = r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[Ww][Ww][Ww]\.)?([^/?#]*)([^?#]*)(?:\?([^#]*))?"
URL_MACRO = rf"""CREATE OR REPLACE TEMP MACRO net_url_query(q) AS coalesce(nullif('?' ||
    array_to_string(list_filter(string_split(q, '&'), lambda x: x <> '' AND NOT regexp_matches(
        lower(x), '^({TRACKING})(=|$)')), '&'), '?'), '');
CREATE OR REPLACE TEMP MACRO net_url_join(p) AS nullif(rtrim(lower(p.host) || p.path, '/')
    || CASE WHEN p.query = '' THEN '' ELSE net_url_query(p.query) END, '');
CREATE OR REPLACE TEMP MACRO net_url(u) AS
    net_url_join(regexp_extract(trim(u), '{URL_PARTS}', ['host', 'path', 'query']));"""


CANDIDATES = "net_ev_co_tweet_candidates"  # th of tweets whose key hash two accounts posted


@dataclass(frozen=True)
class Source:
    """Where a trace's events come from: the SQL of (key, userid, t) rows, or why it cannot."""

    trace: str
    sql: str | None
    reason: str | None = None
    method: str = ""
    # co-tweet's two passes: the retweet rule of findings.text_keys (hashes of each tweet's id
    # and key), and the FROM ... WHERE of the tweets whose th is in CANDIDATES, keyed again.
    retweets: str | None = None
    narrowed: str | None = None
    # Keys made by an expression DuckDB would copy into the filters it pushes below it: net_url's
    # regex then ran three times per link (84.6 s at 45M tweets). Built with filter pushdown off:
    # 17.5 s, and no copy of the events in memory (materialized first: 16.3 s, 1 GB more).
    no_pushdown: bool = False


# The tweets with their entity lists, from the archive's columns or extracted from the text
# (findings.entities' `tweet_entities`, which compute() creates first).
WITH_ENTITIES = (
    "tweets JOIN (SELECT tweetid AS e_tweetid, hashtags AS e_hashtags, urls AS e_urls "
    f"FROM {entities.VIEW}) ON e_tweetid = tweetid"
)


# Where the archive has the column itself, the tweets are read as they are: joining them to the
# view of the same columns would be a join of every tweet with itself (tens of seconds at 45M).
DIRECT = "(SELECT *, hashtags AS e_hashtags, urls AS e_urls FROM tweets)"


def with_entities(coverage: Coverage, kind: str) -> str:
    """The relation a list trace of `kind` (url or hashtag) reads its lists from."""
    if entities.source(coverage, kind) == "column":
        return DIRECT
    return WITH_ENTITIES


def entity_list(column: str) -> str:
    """SQL of one tweet's list of `column` (hashtags or urls), as findings.entities reads it."""
    return f"coalesce(e_{column}, [])"


def retweet_sql(coverage: Coverage) -> str:
    """How a retweet is recognized: is_retweet, or the 'RT @' prefix where the export lacks it."""
    if coverage.has("tweets", "is_retweet") or coverage.has("tweets", "tweet_text"):
        return retweet_rule(coverage)
    return "retweet_tweetid IS NOT NULL OR retweet_userid IS NOT NULL"


def source(trace: str, coverage: Coverage) -> Source:
    """The events SQL for `trace` on this dataset, or the reason its column cannot give any."""
    rt = retweet_sql(coverage)
    own = f"FROM tweets WHERE NOT coalesce(({rt}), false)"  # a NULL text is no retweet
    if trace == "co_tweet":
        return _tweet_source(coverage, own)
    if trace == "co_retweet":
        return _retweet_source(coverage)
    if trace == "co_reply":
        why = coverage.missing("tweets", "in_reply_to_tweetid")
        sql = f"SELECT in_reply_to_tweetid AS key, userid, tweet_time AS t {own} AND in_reply_to_tweetid IS NOT NULL"
        return Source(trace, None if why else sql, why, "in_reply_to_tweetid, retweets excluded")
    kind = "url" if trace == "co_link" else "hashtag"
    why = entities.missing(coverage, kind)
    with_lists = own.replace("FROM tweets", f"FROM {with_entities(coverage, kind)}", 1)
    how = _list_method(trace) + "; " + entities.method(coverage, kind)
    sql = None if why else _list_sql(trace, with_lists)
    return Source(trace, sql, why, how, no_pushdown=trace == "co_link")


def _tweet_source(coverage: Coverage, own: str) -> Source:
    """The normalized text (at least MIN_CHARS characters) of tweets that are no retweet."""
    why = coverage.missing("tweets", "tweet_text")
    rows = f"{own} AND tweet_text IS NOT NULL"
    narrowed = f"{rows} AND hash(tweetid) IN (SELECT th FROM {CANDIDATES})"
    how = (f"normalized text as in the clusters above (at least {MIN_CHARS} characters), "
           "retweets excluded")  # fmt: skip
    if why:
        return Source("co_tweet", None, why, how)
    return Source("co_tweet", keyed(rows), None, how, retweet_sql(coverage), narrowed)


def keyed(rows: str) -> str:
    """co-tweet's events SQL over `rows` (a FROM ... WHERE of tweets)."""
    return f"""SELECT key, userid, tweet_time AS t FROM (
               SELECT {NORMALIZE_SQL} AS key, userid, tweet_time {rows})
               WHERE length(key) >= {MIN_CHARS}"""


def _retweet_source(coverage: Coverage) -> Source:
    """By retweet_tweetid; where only retweet_userid is present, by the retweeted account."""
    if coverage.has("tweets", "retweet_tweetid"):
        col, how = "retweet_tweetid", "retweet_tweetid (the same retweeted tweet)"
    elif coverage.has("tweets", "retweet_userid"):
        col = "retweet_userid"
        how = "retweet_userid (the same retweeted account: this export has no retweet_tweetid)"
    else:
        return Source("co_retweet", None, coverage.missing("tweets", "retweet_tweetid"))
    return Source(
        "co_retweet", f"SELECT {col} AS key, userid, tweet_time AS t FROM tweets "
        f"WHERE {col} IS NOT NULL", None, how)  # fmt: skip


def _list_sql(trace: str, own: str) -> str:
    """Events from a list column: one per link or hashtag, or one per ordered hashtag sequence."""
    if trace == "co_link":
        return f"""SELECT net_url(u) AS key, userid, t FROM (
                   SELECT unnest({entity_list("urls")}) AS u, userid, tweet_time AS t {own})"""
    tags = f"list_transform({entity_list('hashtags')}, lambda h: lower(trim(h)))"
    if trace == "co_hashtag":
        return f"""SELECT nullif(h, '') AS key, userid, t FROM (
                   SELECT unnest({tags}) AS h, userid, tweet_time AS t {own})"""
    return f"""SELECT array_to_string(tags, ' ') AS key, userid, tweet_time AS t FROM (
               SELECT list_filter({tags}, lambda h: h <> '') AS tags, userid, tweet_time {own})
               WHERE len(tags) >= 2"""


def _list_method(trace: str) -> str:
    return {
        "co_link": "urls, normalized (scheme, www., host case, fragment, tracking parameters "
        "such as utm_* and fbclid, trailing slash); shortened links are not expanded, as there is "
        "no network at run time; retweets excluded",
        "co_hashtag": "hashtags, lowercased; retweets excluded",
        "co_hashtag_seq": "the tweet's hashtags in order, lowercased, two or more; retweets "
        "excluded",
    }[trace]


def build_events(con: duckdb.DuckDBPyConnection, src: Source) -> str:
    """Write the temp table net_ev_<trace> (key, userid, t), one row per distinct event.

    For co-tweet the normalizing regex runs once per tweet, keeping two 64-bit hashes (of the
    tweet id and of its key), and again only for the tweets whose key hash two or more accounts
    posted: net_ev_co_tweet then holds the events of those items alone (no other event can join a
    pair), and net_ev_co_tweet_times (userid, t) every post time, for the null.
    """
    con.execute(URL_MACRO)
    if entities.VIEW in (src.sql or ""):
        entities.ensure_view(con)  # compute() made it from the coverage; a lone call measures
    table = f"net_ev_{src.trace}"
    sql = src.sql
    if src.retweets and src.narrowed:
        _candidates(con, text_keys.ensure(con, src.retweets), f"{table}_times")
        # Materialized first: a filter on the key would otherwise be pushed into the scan of
        # every tweet, running the regex on all of them (and twice).
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {CANDIDATES}_rows AS
                SELECT tweet_text, userid, tweet_time {src.narrowed}"""
        )
        sql = keyed(f"FROM {CANDIDATES}_rows")
    with parse_once(con) if src.no_pushdown else nullcontext():
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE {table} AS
                SELECT DISTINCT CAST(key AS VARCHAR) AS key, CAST(userid AS VARCHAR) AS userid, t
                FROM ({sql}) WHERE key IS NOT NULL AND userid IS NOT NULL AND t IS NOT NULL"""
        )
    if src.retweets:
        con.execute(f"DROP TABLE {CANDIDATES}")
        con.execute(f"DROP TABLE {CANDIDATES}_rows")
    return table


def _candidates(con: duckdb.DuckDBPyConnection, keys: str, times: str) -> None:
    """Temp tables CANDIDATES (th) and `times` (userid, t) from the text keys (th, h, userid,
    tweet_time)."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {CANDIDATES} AS
            SELECT DISTINCT th FROM {keys} WHERE h IN (
                SELECT h FROM {keys} WHERE h IS NOT NULL AND userid IS NOT NULL
                       AND tweet_time IS NOT NULL
                GROUP BY h HAVING {two_accounts(con, keys)})
            AND userid IS NOT NULL AND tweet_time IS NOT NULL"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {times} AS
            SELECT userid, t FROM (SELECT DISTINCT h, CAST(userid AS VARCHAR) AS userid,
                                                   tweet_time AS t
                                   FROM {keys} WHERE h IS NOT NULL AND userid IS NOT NULL
                                                     AND tweet_time IS NOT NULL)"""
    )
