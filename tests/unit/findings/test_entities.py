"""Entity extraction: twitter-text's official conformance cases, tiny tables, and the IRA texts.

The conformance file (data/twitter_text_extract.yml, twitter/twitter-text's extract.yml) is read
as shipped. Cases we deliberately do not follow are listed below, each with why; the test checks
that they still differ, so the list cannot go stale. The reference package for links is PyPI
`twitter-text-parser` (a Python port of twitter-text that passes the same suite).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest
import yaml

from takedown.findings import entities
from tests.unit.findings.tiny import absent, coverage, make_con

CASES = yaml.safe_load(
    (Path(__file__).parent / "data" / "twitter_text_extract.yml").read_text(encoding="utf-8")
)["tests"]

NO_PROTOCOL = "a link without http(s):// (a bare domain) is not extracted"
NO_TLD_LIST = "a link's host is not cut back to the last valid top-level domain, nor IDNA-checked"
# description -> why we differ
DIFFERENT = {
    "hashtags": {"DO NOT extract hashtag if it's a part of URL": NO_PROTOCOL},
    "urls": {
        **dict.fromkeys(
            [
                "Extract URLs without protocol on (com|org|edu|gov|net) domains",
                "Extract URLs without protocol not on (com|org|edu|gov|net) domains",
                "Extract URLs without protocol on ccTLD with slash",
                "Extract URLs beginning with a space",
                "Extract long URL without protocol surrounded by CJK characters",
                "Extract short URL without protocol surrounded by CJK characters",
                "Extract URLs with and without protocol surrounded by CJK characters",
                "Extract short URLs without protocol on ccTLD domains without path",
                "Extract URLs with a - in the middle",
                "Extract some (tv|co) short URLs without protocol on ccTLD domains without path",
                "Extract URLs beginning with a non-breaking space (U+00A0)",
                "Extract valid URL ELPAÍS.com",
                "Extract domain followed by Japanese characters",
                "Extract URL before newline",
            ],
            NO_PROTOCOL,
        ),
        **dict.fromkeys(
            [
                "Extract valid URL: http://example.com/",  # example.comだよね.comtest: a TLD match
                "DO NOT Extract a hyphenated TLD (even though it's usually a typo)",
                "Extract non-ASCII host name URLs with protocol, but ignore host names bigger than "
                "63 characters. Also handle exceptions for non-ASCII hostnames longer than 256 "
                "characters",
                "DO NOT extract invalid URL",  # xn--はじめよう.com: an IDNA check
            ],
            NO_TLD_LIST,
        ),
    },
}


def extract_all(con: duckdb.DuckDBPyConnection, kind: str, texts: list) -> list:
    """Texts through the SQL the tweet_entities view runs, in one query (in order)."""
    free = entities.without_urls_sql("t")
    sql = {
        "hashtags": entities.hashtags_sql("f"),
        "hashtags_from_astral": entities.hashtags_sql("f"),
        "mentions": entities.mentions_sql("f"),
        "urls": entities.urls_sql("t"),
    }[kind]
    return [r[0] for r in con.execute(
        f"""SELECT {sql} FROM (SELECT i, t, {free} AS f
                               FROM (SELECT unnest(range(len(?))) AS i, unnest(?::VARCHAR[]) AS t))
            ORDER BY i""", [texts, texts]).fetchall()]  # fmt: skip


def extract(con: duckdb.DuckDBPyConnection, kind: str, text: str | None) -> list[str] | None:
    return extract_all(con, kind, [text])[0]


@pytest.fixture(scope="module")
def sql() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


@pytest.mark.slow
@pytest.mark.parametrize("section", ["hashtags", "hashtags_from_astral", "mentions", "urls"])
def test_official_conformance_cases(sql, section):
    differ = DIFFERENT.get(section, {})
    wrong, same = [], []
    found = extract_all(sql, section, [case["text"] for case in CASES[section]])
    for case, got in zip(CASES[section], found, strict=True):
        if case["description"] in differ:
            if got == case["expected"]:
                same.append(case["description"])
        elif got != case["expected"]:
            wrong.append((case["description"], case["expected"], got))
    assert not wrong, wrong
    assert not same, f"listed as different but now agree: {same}"
    assert len(CASES[section]) - len(differ) >= {"urls": 65}.get(section, 3)


@pytest.mark.slow
def test_hostile_and_edge_texts(sql):
    assert extract(sql, "hashtags", "<script>#x</script> {{< include #a >}} #a'; DROP--") == [
        "x", "a", "a"
    ]  # fmt: skip
    # No hashtag of digits or joiners only (#_), after a hash sign, or after &.
    assert extract(sql, "hashtags", "#2024 #１２ #_ #a_1 #tag#tag ＃全角 &#39;") == ["a_1", "全角"]
    assert extract(sql, "hashtags", "") == [] and extract(sql, "urls", None) is None
    # twitter-text takes up to 20 characters, even from a longer run (its own rule, followed).
    assert extract(sql, "mentions", "@a1234567890123456789 @toolong12345678901234 x@y.z @ok") == [
        "a1234567890123456789", "toolong1234567890123", "ok"
    ]  # fmt: skip
    # A link ends at any Unicode space: no-break and ideographic spaces are not part of it.
    assert extract(sql, "urls", "https://a.com/x\u00a0y https://b.org/p\u3000q") == [
        "https://a.com/x", "https://b.org/p"
    ]  # fmt: skip
    assert extract(sql, "urls", "see https://t.co/abc123/more") == ["https://t.co/abc123"]
    assert extract(sql, "hashtags", "https://a.com/#frag #real") == ["real"]
    assert extract(sql, "mentions", "https://medium.com/@author/post @real") == ["real"]
    long = "x" * 30_000
    assert extract(sql, "hashtags", f"#{long} #b") == [long, "b"]


TWEETS = [
    {"userid": "a", "tweet_time": "2020-01-01", "tweet_text": "#one @bob https://t.co/x1 #two",
     "hashtags": ["h"], "urls": ["https://u.org"], "user_mentions": ["99"]},
    {"userid": "b", "tweet_time": "2020-01-01", "tweet_text": "plain", "hashtags": [],
     "urls": [], "user_mentions": []},
]  # fmt: skip


def rows(con, cov) -> list[tuple]:
    return sorted(con.execute(entities.entities_sql(cov)).fetchall())


@pytest.mark.slow
def test_columns_when_present_text_when_absent():
    con = make_con([], TWEETS)
    assert rows(con, coverage(con)) == [
        ("1", "a", "hashtag", "h", "column"),
        ("1", "a", "mention", "99", "column"),
        ("1", "a", "url", "https://u.org", "column"),
    ]
    absent(con, "tweets", "hashtags")
    absent(con, "tweets", "user_mentions")
    cov = coverage(con)
    assert rows(con, cov) == [
        ("1", "a", "hashtag", "one", "text"),
        ("1", "a", "hashtag", "two", "text"),
        ("1", "a", "mention", "bob", "text"),
        ("1", "a", "url", "https://u.org", "column"),
    ]
    assert entities.source(cov, "hashtag") == "text" and entities.source(cov, "url") == "column"
    assert "extracted from the text" in entities.method(cov, "hashtag")
    assert entities.describe(cov) == (
        "Hashtags and mentions are extracted from the tweet text by the entity rules of Twitter "
        "itself (twitter-text), as this dataset has no hashtags or user_mentions column; links "
        "are read from the urls column of the dataset"
    )


@pytest.mark.slow
def test_nothing_to_read_and_empty_table():
    con = make_con([], TWEETS)
    for c in ("hashtags", "urls", "user_mentions", "tweet_text"):
        absent(con, "tweets", c)
    cov = coverage(con)
    assert rows(con, cov) == [] and entities.source(cov, "url") is None
    assert entities.describe(cov) is None
    assert entities.missing(cov, "url") == (
        "urls is not in this dataset's tweets file, and there is no tweet text to extract them from"
    )
    empty = make_con([], [])
    assert rows(empty, coverage(empty)) == []
    assert entities.missing(coverage(empty), "hashtag") == "this dataset's tweets file has no rows"


@pytest.mark.slow
def test_ira_entities_come_from_the_text_and_match_the_reference(ira):
    """The IRA sample has no entity columns: hashtags, mentions and links are read from the
    text, #news leads, and per tweet they equal the reference's (twitter_text_ref.py: a
    transcription of twitter-text's JavaScript for hashtags and mentions, twitter-text-parser for
    links with a protocol).

    The reference is a Python loop, so the test reads every 12th tweet (about 15 s). Measured over
    all 206,655 texts when this was written, with this reference and with the official
    JavaScript twitter-text 3.1.0 (extractEntitiesWithIndices, no links without a protocol):
    122,919 hashtags, 50,338 mentions and 202,100 links, equal in every tweet.
    """
    from takedown.db import measure_coverage
    from tests.unit.findings.twitter_text_ref import entities as reference

    cov = measure_coverage(ira)
    assert {k: entities.source(cov, k) for k in entities.COLUMNS} == dict.fromkeys(
        entities.COLUMNS, "text"
    )
    entities.create_view(ira, cov)
    ira.execute(
        """CREATE TEMP TABLE e AS SELECT t.tweet_text, e.*
           FROM tweet_entities e JOIN tweets t USING (tweetid)"""
    )
    top = ira.execute(
        """SELECT h, count(*) FROM (SELECT unnest(hashtags) h FROM e)
           GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"""
    ).fetchone()
    assert top == ("news", 3151)
    got = ira.execute(
        """SELECT tweet_text, hashtags, user_mentions, urls FROM e
           QUALIFY row_number() OVER (ORDER BY tweetid) % 12 = 0"""
    ).fetchall()
    ours = {k: Counter() for k in entities.COLUMNS}
    theirs = {k: Counter() for k in entities.COLUMNS}
    differ = dict.fromkeys(entities.COLUMNS, 0)
    for text, *lists in got:
        ref = reference(text) if text is not None else dict.fromkeys(entities.COLUMNS, [])
        for kind, mine in zip(("hashtag", "mention", "url"), lists, strict=True):
            ours[kind].update(mine or [])
            theirs[kind].update(ref[kind])
            differ[kind] += (mine or []) != ref[kind]
    assert differ == dict.fromkeys(("hashtag", "mention", "url"), 0)
    assert ours == theirs
    assert min(sum(c.values()) for c in ours.values()) > 3_000  # every kind is really there


@pytest.mark.slow
def test_a_table_when_extracted_a_view_over_columns():
    """Text extraction is materialized once per connection; columns stay a view; either can
    replace the other."""
    con = make_con([], TWEETS)
    kinds = "SELECT table_type FROM information_schema.tables WHERE table_name = 'tweet_entities'"
    entities.create_view(con, coverage(con))
    assert con.execute(kinds).fetchall() == [("VIEW",)]
    absent(con, "tweets", "urls")
    cov = coverage(con)
    entities.create_view(con, cov)
    assert con.execute(kinds).fetchall() == [("LOCAL TEMPORARY",)]
    assert con.execute("SELECT urls FROM tweet_entities ORDER BY tweetid").fetchall() == [
        (["https://t.co/x1"],), ([],)
    ]  # fmt: skip
    assert entities.describe(cov).endswith(
        "links are counted as written, so a shortened t.co link counts as t.co"
    )
    assert entities.ensure_view(con) == "tweet_entities"
