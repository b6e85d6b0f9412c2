"""Candidate topic keywords for a profile draft: hashtags and terms a person names and prunes.

Distinctiveness is keyness: for each quarter, Dunning's log-likelihood (G2) of a keyword's count
in that quarter against its count in every other quarter, kept only where the keyword is
over-represented in the quarter. Hashtags are counted in SQL over every tweet. Terms need a
word segmenter for Chinese (jieba), which runs in Python: it sees only a bounded, deterministic
sample of distinct texts per quarter (SAMPLE_TEXTS), and the counting is SQL again.
"""

from __future__ import annotations

import logging
import re

import duckdb
import pandas as pd

from takedown.findings import entities

MIN_TWEETS = 5  # a candidate appears in at least this many tweets ...
MIN_ACCOUNTS = 3  # ... posted by at least this many accounts
SAMPLE_TEXTS = 2000  # distinct texts per quarter that the term segmenter reads
OVERLAP = 0.2  # hashtags group when this share of the rarer one's tweets carry both
# Hashtags and terms made of letters, digits and underscores only: data text that could carry
# markup, line breaks or control characters never becomes a candidate.
WORD = r"^[\p{L}\p{N}_][\p{L}\p{N}_\p{M}]*$"
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[^\W\d_](?:[\w'-]*[^\W_])?")  # a word: starts with a letter
STRIP = re.compile(r"https?://\S+|[#@][^\s#@]+")
STOPWORDS = frozenset(
    """the and for that this with you are was but not have has had they their them from what
    his her our your its who will would can could should about into than then there these those
    just more most all any also been being were which when where while how why out off over
    under very one two some such only own same too amp via rt""".split()
    + "我们 你们 他们 她们 这个 那个 一个 什么 没有 不是 就是 可以 自己 已经 因为 所以 但是 如果 这是 這是 大家 我們 你們 他們 這個 沒有".split()
)

_KEYNESS = """
WITH sp AS (SELECT key, first(spelling ORDER BY n DESC, spelling) AS spelling
            FROM (SELECT key, spelling, count(*) AS n FROM items GROUP BY ALL) GROUP BY key),
     c AS (SELECT quarter, key, count(*) AS k, count(DISTINCT userid) AS accounts
           FROM items GROUP BY ALL),
     q AS (SELECT quarter, count(DISTINCT unit) AS n FROM units GROUP BY ALL),
     tot AS (SELECT key, sum(k) AS kk FROM c GROUP BY ALL),
     g AS (SELECT c.quarter, c.key, sp.spelling, c.k, c.accounts, q.n,
                  tot.kk - c.k AS k2, (SELECT count(DISTINCT unit) FROM units) - q.n AS n2
           FROM c JOIN q USING (quarter) JOIN tot USING (key) JOIN sp USING (key))
SELECT quarter, spelling AS keyword, k AS tweets, accounts,
       2 * (k * ln(k / (n * (k + k2) / (n + n2)))
            + CASE WHEN k2 > 0 THEN k2 * ln(k2 / (n2 * (k + k2) / (n + n2))) ELSE 0 END
            + (n - k) * ln(greatest(n - k, 1e-9) / (n * (n + n2 - k - k2) / (n + n2)))
            + CASE WHEN n2 - k2 > 0
                   THEN (n2 - k2) * ln((n2 - k2) / (n2 * (n + n2 - k - k2) / (n + n2))) ELSE 0 END
           ) AS keyness
FROM g
WHERE k >= ? AND accounts >= ? AND (n2 = 0 OR k / n > k2 / n2)
"""


def _ranked(con: duckdb.DuckDBPyConnection, per_quarter: int) -> pd.DataFrame:
    """Top keywords per quarter by keyness over the `items` and `units` views."""
    return con.execute(
        f"""SELECT * FROM ({_KEYNESS}) QUALIFY row_number() OVER (
                PARTITION BY quarter ORDER BY keyness DESC, tweets DESC, keyword) <= ?
            ORDER BY quarter, keyness DESC, tweets DESC, keyword""",
        [MIN_TWEETS, MIN_ACCOUNTS, per_quarter],
    ).df()


def top_hashtags(con: duckdb.DuckDBPyConnection, n: int = 20) -> pd.DataFrame:
    """The most used hashtags overall (case folded; shown in their commonest spelling), from the
    tweet_entities view: the hashtags column, or the hashtags in the text."""
    entities.ensure_view(con)
    return con.execute(
        f"""WITH t AS (SELECT DISTINCT tweetid, userid, tag
                       FROM (SELECT tweetid, userid, unnest(hashtags) AS tag FROM tweet_entities)
                       WHERE regexp_full_match(tag, '{WORD}')),
                 s AS (SELECT lower(tag) AS key, tag, count(*) AS n FROM t GROUP BY ALL)
            SELECT (SELECT first(tag ORDER BY n DESC, tag) FROM s WHERE s.key = lower(t.tag))
                       AS hashtag,
                   count(DISTINCT tweetid) AS tweets, count(DISTINCT userid) AS accounts
            FROM t GROUP BY lower(tag)
            HAVING count(DISTINCT tweetid) >= ? AND count(DISTINCT userid) >= ?
            ORDER BY tweets DESC, hashtag LIMIT ?""",
        [MIN_TWEETS, MIN_ACCOUNTS, n],
    ).df()


def hashtags_by_quarter(con: duckdb.DuckDBPyConnection, per_quarter: int = 8) -> pd.DataFrame:
    """Per quarter (of tweet_time, UTC), the hashtags most over-represented in it."""
    entities.ensure_view(con)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW units AS
            SELECT tweetid AS unit, strftime(date_trunc('quarter', tweet_time), '%Y-Q') ||
                   quarter(tweet_time) AS quarter FROM tweets WHERE tweet_time IS NOT NULL;
            CREATE OR REPLACE TEMP VIEW items AS
            SELECT DISTINCT quarter, tweetid AS unit, userid, lower(tag) AS key, tag AS spelling
            FROM (SELECT tweetid, userid, unnest(hashtags) AS tag,
                         strftime(date_trunc('quarter', tweet_time), '%Y-Q') ||
                         quarter(tweet_time) AS quarter
                  FROM tweet_entities WHERE tweet_time IS NOT NULL)
            WHERE regexp_full_match(tag, '{WORD}')"""
    )
    return _ranked(con, per_quarter)


def tokenize(text: str) -> list[str]:
    """Words of one text: jieba for runs with Han characters, letters-only words otherwise.

    Hashtags, mentions and URLs are removed first (hashtags are counted on their own)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    text = STRIP.sub(" ", text)
    words: list[str] = []
    if HAN.search(text):
        for w in jieba.cut(text):
            w = w.strip()
            if HAN.search(w):
                if len(w) >= 2:
                    words.append(w)
            elif LATIN_WORD.fullmatch(w):
                words.append(w.lower())
    else:
        words = [w.lower() for w in LATIN_WORD.findall(text)]
    # Han words of 2+ characters (single ones are mostly particles), other words of 3+.
    return [
        w for w in words
        if w not in STOPWORDS and len(w) <= 40 and (len(w) >= 3 or HAN.search(w))
    ]  # fmt: skip


def terms_by_quarter(
    con: duckdb.DuckDBPyConnection, per_quarter: int = 8, sample: int = SAMPLE_TEXTS
) -> pd.DataFrame:
    """Per quarter, the terms most over-represented in it, from a bounded sample of texts.

    The sample is the first `sample` distinct texts per quarter in hash order: the same data
    gives the same candidates. Each distinct text counts once, with its number of accounts.
    """
    texts = con.execute(
        """SELECT quarter, tweet_text, userid FROM (
               SELECT strftime(date_trunc('quarter', tweet_time), '%Y-Q') || quarter(tweet_time)
                          AS quarter, tweet_text, min(userid) AS userid
               FROM tweets WHERE tweet_time IS NOT NULL AND tweet_text IS NOT NULL
               GROUP BY ALL)
           QUALIFY row_number() OVER (PARTITION BY quarter ORDER BY hash(tweet_text), tweet_text)
                   <= ?""",
        [sample],
    ).df()
    rows = [
        (q, i, u, w)
        for i, (q, t, u) in enumerate(texts.itertuples(index=False))
        for w in set(tokenize(t))
    ]
    tokens = pd.DataFrame(rows, columns=["quarter", "unit", "userid", "key"])
    tokens["spelling"] = tokens["key"]
    units = texts.assign(unit=range(len(texts)))[["quarter", "unit"]]
    con.register("_tokens", tokens)
    con.register("_units", units)
    con.execute(
        f"""CREATE OR REPLACE TEMP VIEW items AS SELECT * FROM _tokens
                WHERE regexp_full_match(key, '{WORD}');
            CREATE OR REPLACE TEMP VIEW units AS SELECT * FROM _units"""
    )
    # One distinct text rarely has 3 accounts: terms need MIN_TWEETS texts and MIN_ACCOUNTS
    # authors among the sample's first authors, as hashtags do.
    return _ranked(con, per_quarter)


def hashtag_groups(
    con: duckdb.DuckDBPyConnection, top: pd.DataFrame, overlap: float = OVERLAP
) -> list[list[str]]:
    """The `top` hashtags grouped by co-occurrence: two tags join one group when at least
    `overlap` of the rarer tag's tweets also carry the other (overlap coefficient), chained.
    Groups are ordered by hashtag uses (the sum of their tags' tweet counts), tags within a
    group by count."""
    if top.empty:
        return []
    entities.ensure_view(con)
    con.register("_top", top.assign(key=top["hashtag"].str.lower())[["key", "tweets"]])
    pairs = con.execute(
        """WITH t AS (SELECT DISTINCT tweetid, lower(tag) AS key
                      FROM (SELECT tweetid, unnest(hashtags) AS tag FROM tweet_entities)
                      WHERE lower(tag) IN (SELECT key FROM _top))
           SELECT a.key AS x, b.key AS y, count(*) AS k
           FROM t a JOIN t b ON a.tweetid = b.tweetid AND a.key < b.key GROUP BY ALL"""
    ).fetchall()
    n = dict(zip(top["hashtag"].str.lower(), top["tweets"], strict=True))
    parent = {k: k for k in n}

    def root(k: str) -> str:
        while parent[k] != k:
            k = parent[k]
        return k

    for x, y, k in pairs:
        if k >= MIN_TWEETS and k / min(n[x], n[y]) >= overlap:
            parent[root(y)] = root(x)
    spelling = dict(zip(top["hashtag"].str.lower(), top["hashtag"], strict=True))
    groups: dict[str, list[str]] = {}
    for key in sorted(n, key=lambda k: (-n[k], k)):
        groups.setdefault(root(key), []).append(spelling[key])
    uses = {r: sum(n[t.lower()] for t in g) for r, g in groups.items()}
    return [groups[r] for r in sorted(groups, key=lambda r: (-uses[r], r))]
