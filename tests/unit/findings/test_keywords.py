"""Keyword patterns on the raw text match exactly where the lower-cased text holds a keyword."""

from __future__ import annotations

import itertools
import random
import re
import time
from datetime import date, timedelta

import duckdb
import pytest

from takedown.findings import keywords, topics
from takedown.profile import Profile
from tests.unit.findings.tiny import make_con


def _con(texts: list[str | None]):
    return make_con(
        [], [{"userid": "a", "tweet_time": "2020-01-01", "tweet_text": t} for t in texts]
    )


# Texts whose case folds differ between lower() and Unicode case folding: Turkish dotted and
# dotless i, German sharp s (and its capital), Greek final sigma, the Kelvin sign, long s,
# Cyrillic, Armenian ligature, title-case digraphs, Deseret (outside the BMP).
TRICKY = [
    "İSTANBUL", "istanbul", "ıstanbul", "ISTANBUL", "İ̇stanbul", "Mİles Guo", "MILES GUO",
    "STRASSE", "straße", "STRAẞE", "ΟΔΟΣ", "οδος", "οδοσ", "ΣΊΣΥΦΟΣ", "ſtraße", "KELVIN K",
    "Москва", "МОСКВА", "ﬁle", "ǅemal", "ǄEMAL", "𐐀𐐨", "𐐨𐐨", "Ǉubljana", "ǈUBLJANA",
    "ⅰⅱ Ⅰ", "Ⓐⓑ", "ΐ", "ϐ β Β", "ꞵ Ꞵ", "", "no keyword",
]  # fmt: skip
KEYWORDS = ["istanbul", "İstanbul", "ıstanbul", "Miles Guo", "straße", "strasse", "STRAẞE",
            "οδος", "οδοσ", "ΟΔΟΣ", "kelvin k", "ſ", "москва", "ﬁle", "ǆemal", "ǅ", "𐐨",
            "ǉubljana", "ⅰ", "ⓐ", "β", "ꞵ", "i̇"]  # fmt: skip


def test_raw_text_pattern_matches_exactly_where_lowered_text_holds_the_keyword():
    con = _con(TRICKY)
    for kw in KEYWORDS:
        new = keywords.pattern([kw])
        old = re.escape(kw.lower()).replace("'", "''")
        got = con.execute(
            f"""SELECT list(tweetid ORDER BY tweetid) FILTER (WHERE regexp_matches(tweet_text, '{new}')),
                       list(tweetid ORDER BY tweetid) FILTER (WHERE regexp_matches(lower(tweet_text), '{old}'))
                FROM tweets"""
        ).fetchone()
        assert got[0] == got[1], kw


@pytest.mark.slow
def test_lower_is_one_code_point_to_one_and_cased_letters_lie_below_the_bound():
    """What the raw-text patterns rest on, checked for the DuckDB version in use."""
    con = duckdb.connect()
    con.execute(
        """CREATE TABLE c AS SELECT i, chr(CAST(i AS INTEGER)) AS c FROM range(1, 1114112) t(i)
           WHERE i < 55296 OR i > 57343"""
    )
    # each code point lowers to one code point, the same whatever its neighbours
    assert con.execute("SELECT count(*) FROM c WHERE length(lower(c)) <> 1").fetchone() == (0,)
    assert con.execute(
        "SELECT lower(string_agg(c, '' ORDER BY i)) = string_agg(lower(c), '' ORDER BY i) FROM c"
    ).fetchone() == (True,)
    assert con.execute(
        "SELECT lower('ΟΔΟΣ ΣΑΣ. Σ') = 'οδοσ σασ. σ', lower('İI') = 'ii'"
    ).fetchone() == (True, True)
    # nothing at or above the bound is changed by lower(), or lowers to anything else
    assert con.execute(
        f"""SELECT count(*) FROM c WHERE (i >= {keywords.CASED_BELOW} AND lower(c) <> c)
                                    OR (i < {keywords.CASED_BELOW} AND lower(c) <> c
                                        AND unicode(lower(c)) >= {keywords.CASED_BELOW})"""
    ).fetchone() == (0,)


def _reference_topics(prof: Profile, texts: list[str | None]) -> list[str]:
    """The rule as first written: lower() every text, then one regex per topic in order."""
    con = _con(texts)
    whens = " ".join(
        f"WHEN regexp_matches(lower(tweet_text), '{re.escape(k.lower()).replace(chr(39), chr(39) * 2)}')"
        f" THEN '{t}'"
        for t, spec in prof.topics.items() for k in spec.keywords if k.strip()
    )  # fmt: skip
    return [r[0] for r in con.execute(
        f"SELECT CASE {whens} ELSE 'other' END FROM tweets ORDER BY CAST(tweetid AS INT)"
    ).fetchall()]  # fmt: skip


@pytest.mark.slow
def test_leftmost_keyword_then_earlier_topics_gives_the_first_topic_in_profile_order():
    """Every order and overlap of four topics' keywords, some overlapping across topics."""
    prof = Profile.model_validate({
        "name": "t", "title": "t",
        "topics": {"a": {"label": "A", "keywords": ["kong", "ΣΑΣ"]},
                   "b": {"label": "B", "keywords": ["hong kong", "香港"]},
                   "c": {"label": "C", "keywords": ["ongk", "i"]},
                   "d": {"label": "D", "keywords": ["港", "gwen"]}},
        "topic_groups": {"bd": {"label": "B or D", "topics": ["b", "d"]}},
    })  # fmt: skip
    parts = ["HONG KONG", "Hongkong", "香港", "σας", "İ", "gwen", "x"]
    texts = [" ".join(p) for n in (1, 2) for p in itertools.permutations(parts, n)]
    texts += ["".join(p) for p in itertools.permutations(parts, 2)] + [None, ""]
    want = _reference_topics(prof, texts)
    assert set(want) == {"a", "b", "c", "d", "other"}
    # one tweet a day: the day x topic counts give each tweet's topic
    first = date(2000, 1, 1)
    con = make_con([], [{"userid": "a", "tweet_time": (first + timedelta(days=i)).isoformat(),
                         "tweet_text": t} for i, t in enumerate(texts)])  # fmt: skip
    topics.assign(con, prof)
    got = con.execute("SELECT topic, g_bd FROM topic_days ORDER BY day").fetchall()
    assert [g[0] for g in got] == want
    low = [(t or "").lower() for t in texts]
    assert [g[1] for g in got] == ["hong kong" in t or "港" in t or "gwen" in t for t in low]


def _big_profile(n_topics: int, per_topic: int, groups: int = 0) -> Profile:
    """`n_topics` topics of `per_topic` keywords 'Kw<topic>x<k>', and groups of ten topics."""
    return Profile.model_validate({
        "name": "t", "title": "t",
        "topics": {f"t{i}": {"label": f"T{i}", "keywords": [f"Kw{i:03d}x{k:02d}" for k in range(per_topic)]}
                   for i in range(n_topics)},
        "topic_groups": {f"g{g}": {"label": f"G{g}", "topics": [f"t{i}" for i in range(g, n_topics, groups)]}
                         for g in range(groups)},
    })  # fmt: skip


@pytest.mark.slow
def test_topic_sql_grows_linearly_and_runs_in_seconds_at_200_topics_of_30_keywords():
    """Regression (issue 20 item 14): 200 topics x 30 keywords gave 48 MB of SQL and took 95 s
    on 20k tweets, each topic repeating every earlier topic's keywords."""
    prof = _big_profile(200, 30, groups=10)
    size = len(keywords.topic_days_sql(prof))
    assert size < 1_000_000
    assert len(keywords.topic_days_sql(_big_profile(400, 30, groups=10))) < 2.2 * size
    rng = random.Random(20)
    texts, want = [], []
    for _ in range(20_000):
        picks = [(rng.randrange(200), rng.randrange(30)) for _ in range(rng.randrange(4))]
        words = [f"kW{t:03d}X{k:02d}" for t, k in picks] + ["filler text"] * 2
        rng.shuffle(words)
        texts.append(" ".join(words))
        first = min((t for t, _ in picks), default=None)
        want.append(("other" if first is None else f"t{first}", {t % 10 for t, _ in picks}))
    con = make_con([], [{"userid": "a", "tweet_time": (date(2000, 1, 1) + timedelta(days=i)).isoformat(),
                         "tweet_text": x} for i, x in enumerate(texts)])  # fmt: skip
    # CPU time of this process (DuckDB's threads included), not wall time: the machines running
    # the tests are shared, and waiting for a core is not the query's cost
    start = time.process_time()
    topics.assign(con, prof)
    elapsed = time.process_time() - start
    flags = ", ".join(f"g_g{g}" for g in range(10))
    got = con.execute(f"SELECT topic, [{flags}] FROM topic_days ORDER BY day").fetchall()
    assert [(t, {g for g, f in enumerate(fs) if f}) for t, fs in got] == want
    assert elapsed < 6, f"{elapsed:.1f} s of CPU for 20,000 tweets"
