"""Example tweets behind a top list or a cluster, so a reader can check a claim against tweets.

For each key of a list (an account, a hashtag, a day, a cluster...), the earliest tweets that
match it, ties broken by tweet id, account and text: the same data always gives the same
examples, so findings.json and the report stay identical on re-render. One SQL join per list,
never a loop over tweets. Text is hostile: `shown` only cuts it; md_table escapes it.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from takedown.db import sql_string
from takedown.findings import entities
from takedown.findings.keywords import pattern
from takedown.text import EXAMPLE_BUDGET, cut_words

COLUMNS = ["rank", "key", "tweetid", "account", "tweet_time", "tweet_text"]
ORDER = "t.tweet_time, t.tweetid, t.userid, t.tweet_text"
# The account as the report shows it: the screen name (hashed in hashed releases), else the id.
ACCOUNT = "coalesce(t.user_screen_name, CAST(t.userid AS VARCHAR))"
# The tweet id where the data has one: an id the IRA adapter made up (author, file, row number;
# ingest/ira538.py) names no tweet, so it is left out rather than shown as a tweet id.
TWEET_ID = """CASE WHEN starts_with(CAST(t.tweetid AS VARCHAR), CAST(t.userid AS VARCHAR) || '-')
                   AND regexp_matches(CAST(t.tweetid AS VARCHAR), '-[0-9]+$') THEN NULL
              ELSE CAST(t.tweetid AS VARCHAR) END"""
# A link's domain as content.top_domains counts it: the lower-cased host, one leading www., m.
# or mobile. removed (the plain form of the equivalent, faster SQL there).
DOMAIN_SQL = r"""regexp_replace(regexp_extract(lower(trim(u)),
    '^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)', 1), '^(www|m|mobile)\.', '')"""


def pick(
    con: duckdb.DuckDBPyConnection,
    keys: Sequence[object],
    value_sql: str,
    source: str = "tweets",
    per_key: int = 1,
) -> pd.DataFrame:
    """The first `per_key` tweets of `source` whose `value_sql` (as text) equals each key.

    Rows come back in the keys' order (`rank` 1, 2, ...); a key no tweet matches has none.
    """
    frame = pd.DataFrame({"rank": range(1, len(keys) + 1), "key": [str(k) for k in keys]})
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    con.register("example_keys", frame)
    try:
        chosen = _first(con, value_sql, source, per_key)
    finally:
        con.unregister("example_keys")
    ids = ", ".join(_lit(i) for i in sorted(set(chosen["tweetid"].astype(str)))) or "NULL"
    con.register("example_chosen", chosen[["rank", "key", "tweetid", "userid"]])
    try:
        return con.execute(
            f"""SELECT c.rank, c.key, {TWEET_ID} AS tweetid, {ACCOUNT} AS account,
                       t.tweet_time, t.tweet_text
                FROM tweets t JOIN example_chosen c
                     ON CAST(t.tweetid AS VARCHAR) = CAST(c.tweetid AS VARCHAR)
                    AND CAST(t.userid AS VARCHAR) = CAST(c.userid AS VARCHAR)
                WHERE t.tweetid IN ({ids})
                QUALIFY row_number() OVER (PARTITION BY c.rank ORDER BY {ORDER}) <= {int(per_key)}
                ORDER BY c.rank, {ORDER}"""
        ).df()[COLUMNS]
    finally:
        con.unregister("example_chosen")


def _first(
    con: duckdb.DuckDBPyConnection, value_sql: str, source: str, per_key: int
) -> pd.DataFrame:
    """Per key of example_keys, the tweets that can be among its first `per_key`: ranked by
    time, id and account only, so the scan carries no text (at tens of millions of tweets that
    is most of the cost); ties there are kept, and the text breaks them in `pick`.

    For one tweet per key an aggregate finds it: rows tied on (time, id, account) are the same
    tweet, and a window over a popular key's millions of rows cost as much as the scan (at 45
    million tweets, the five top domains' first links: 29.0 s of CPU against 16.1 s)."""
    rows = f"""(SELECT k.rank, k.key, t.tweetid, t.userid, t.tweet_time FROM (
                    SELECT tweetid, userid, tweet_time, CAST({value_sql} AS VARCHAR) AS example_value
                    FROM {source}) t
                JOIN example_keys k ON t.example_value = k.key)"""
    if per_key == 1:
        first = "(tweet_time, tweetid, userid)"
        return con.execute(
            f"""SELECT rank, any_value(key) AS key, min_by(tweetid, {first}) AS tweetid,
                       min_by(userid, {first}) AS userid
                FROM {rows} GROUP BY rank"""
        ).df()
    return con.execute(
        f"""SELECT rank, key, tweetid, userid FROM {rows}
            QUALIFY rank() OVER (PARTITION BY rank
                                 ORDER BY tweet_time, tweetid, userid) <= {int(per_key)}"""
    ).df()


def accounts(con: duckdb.DuckDBPyConnection, userids: Sequence[object]) -> pd.DataFrame:
    """Each account's first tweet."""
    return pick(con, userids, "userid")


def hashtags(con: duckdb.DuckDBPyConnection, tags: Sequence[str]) -> pd.DataFrame:
    """The first tweet carrying each hashtag (as written)."""
    return pick(con, tags, "h", _unnested(con, "hashtags", "h"))


def mentions(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> pd.DataFrame:
    """The first tweet mentioning each account."""
    return pick(con, names, "m", _unnested(con, "user_mentions", "m"))


def domains(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> pd.DataFrame:
    """The first tweet linking each domain (counted as content.top_domains counts it)."""
    return pick(con, names, DOMAIN_SQL, _unnested(con, "urls", "u"))


def _unnested(con: duckdb.DuckDBPyConnection, column: str, name: str) -> str:
    """One row per entity of each tweet, read where content's top lists read them
    (`tweet_entities`: the archive's list column, or the entities extracted from the text). An
    export without the column would otherwise show its top hashtags over no example tweet."""
    view = entities.ensure_view(con)
    return f"(SELECT tweetid, userid, tweet_time, unnest({column}) AS {name} FROM {view})"


def days(con: duckdb.DuckDBPyConnection, dates: Sequence[str]) -> pd.DataFrame:
    """The first tweet of each UTC day (YYYY-MM-DD)."""
    return pick(con, dates, "strftime(tweet_time AT TIME ZONE 'UTC', '%Y-%m-%d')")


def clusters(
    con: duckdb.DuckDBPyConnection, numbers: Sequence[int], per_key: int = 2
) -> pd.DataFrame:
    """The first copies of each numbered cluster of the last coordination build."""
    members = """(SELECT c.cluster, t.* FROM tweets t JOIN (
                      SELECT dense_rank() OVER (ORDER BY t0, key) AS cluster, tweetid
                      FROM coord_members) c USING (tweetid))"""
    return pick(con, [int(n) for n in numbers], "cluster", members, per_key)


def topic_weeks(
    con: duckdb.DuckDBPyConnection, weeks: Sequence[tuple[str, list[str], str]]
) -> pd.DataFrame:
    """Per (label, keywords, first day of a week): the week's first tweet holding a keyword."""
    parts = []
    for label, keywords, start in weeks:
        p = pattern(keywords)
        if p is None:
            continue
        parts.append(
            f"""SELECT *, {_lit(label)} AS topic_key FROM tweets
                WHERE tweet_time >= CAST({_lit(start)} AS DATE)
                  AND tweet_time < CAST({_lit(start)} AS DATE) + INTERVAL 7 DAY
                  AND coalesce(regexp_matches(tweet_text, '{p}'), false)"""
        )
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pick(con, [w[0] for w in weeks], "topic_key", "(" + " UNION ALL ".join(parts) + ")")


def _lit(text: object) -> str:
    return sql_string(str(text))


def shown(examples: pd.DataFrame, key: str | None, budget: int = EXAMPLE_BUDGET) -> pd.DataFrame:
    """The examples as a table shows them: [key,] tweet id, account, time (UTC), cut text."""
    time = pd.to_datetime(examples["tweet_time"], utc=True)
    out = pd.DataFrame(
        {
            "tweet id": examples["tweetid"].to_numpy(),
            "account": examples["account"].to_numpy(),
            "time (UTC)": time.dt.strftime("%Y-%m-%d %H:%M").to_numpy(),
            "text": [cut_words(t, budget) for t in examples["tweet_text"]],
        }
    )
    if key is not None:
        out.insert(0, key, examples["key"].to_numpy())
    return out


# The clusters each account is in, written by the coordination notebook for accounts.csv.
CLUSTER_ACCOUNTS = "cluster_accounts.parquet"


def write_cluster_accounts(con: duckdb.DuckDBPyConnection, folder: str) -> None:
    """folder/cluster_accounts.parquet: (userid, cluster) of the last coordination build, with
    the cluster numbers the report shows."""
    from pathlib import Path

    path = Path(folder) / CLUSTER_ACCOUNTS
    path.parent.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"""COPY (SELECT DISTINCT userid, cluster FROM (
                    SELECT dense_rank() OVER (ORDER BY t0, key) AS cluster, userid FROM coord_members)
                  ORDER BY userid, cluster)
            TO {_lit(path.as_posix())} (FORMAT parquet)"""
    )
