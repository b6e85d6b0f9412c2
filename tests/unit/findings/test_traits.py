"""Span, languages and scripts for a profile draft, on a tiny table."""

from __future__ import annotations

import duckdb
import pytest

from takedown.findings import traits


@pytest.fixture
def con():
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.execute("CREATE TABLE users AS SELECT 'u' || i AS userid FROM range(3) r(i)")
    con.execute(
        """CREATE TABLE tweets AS SELECT * FROM (VALUES
           (TIMESTAMPTZ '2020-01-01 00:00+00', 'zh', '这是中文'),
           (TIMESTAMPTZ '2020-01-02 00:00+00', 'zh', '這是中文 and Latin'),
           (TIMESTAMPTZ '2020-01-03 00:00+00', 'zh-cn', '中文'),
           (TIMESTAMPTZ '2020-01-05 00:00+00', 'en', 'plain'),
           (TIMESTAMPTZ '2020-01-09 00:00+00', 'und', 'Привет'),
           (TIMESTAMPTZ '2020-01-09 00:00+00', NULL, NULL))
           AS t(tweet_time, tweet_language, tweet_text)"""
    )
    return con


def test_span(con):
    s = traits.span(con)
    assert (str(s["first"]), str(s["last"]), s["tweets"], s["accounts"]) == (
        "2020-01-01", "2020-01-09", 6, 3,
    )  # fmt: skip
    assert s["median"].date().isoformat() == "2020-01-04"  # between Jan 3 and Jan 5


def test_languages_leave_out_unlabelled(con):
    langs = traits.languages(con)
    assert list(langs.itertuples(index=False, name=None)) == [("zh", 3, 0.75), ("en", 1, 0.25)]
    assert traits.languages(con, min_share=0.5)["language"].tolist() == ["zh"]


def test_scripts(con):
    s = traits.scripts(con)
    got = dict(zip(s["script"], s["n"], strict=True))
    assert got == {"Han": 3, "Latin": 2, "Cyrillic": 1}
    assert s["share"].iloc[0] == pytest.approx(3 / 5)


def test_han_scripts(con):
    assert traits.han_scripts(con) == {"simplified": 1, "traditional": 1, "either": 1}
