"""Language findings on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from takedown.findings import language
from takedown.profile import Profile
from tests.unit.findings.tiny import absent, by_id, coverage, make_con

PROFILE = Profile(name="t", title="t", languages=["zh"])
T = "2020-01-01"


def _tweets(texts_labels: list[tuple[str | None, str | None]]) -> list[dict]:
    return [
        {"userid": "a", "tweet_time": T, "tweet_text": text, "tweet_language": label}
        for text, label in texts_labels
    ]


SCRIPT_TWEETS = [
    ("这是我们的国家", "zh"),  # simplified
    ("這是我們的國家", "zh"),  # traditional
    ("这個", "zh"),  # both: mixed
    ("人口 大", "zh"),  # characters common to both scripts: either
    ("hello", "zh"),  # no Han characters
    ("国 and 国", "zh"),  # simplified
    ("good day", "en"),
    ("📷", ""),  # no label
    (None, "zh"),  # no text
]


@pytest.mark.slow
def test_script_classification_and_label_shares():
    con = make_con([], _tweets(SCRIPT_TWEETS))
    by = language.script_by_label(con)
    got = {(None if pd.isna(r.label) else r.label, r.script): r.n for r in by.itertuples()}
    assert got == {
        ("zh", "simplified"): 2,
        ("zh", "traditional"): 1,
        ("zh", "mixed"): 1,
        ("zh", "either"): 1,
        ("zh", "none"): 2,  # 'hello' and a NULL text
        ("en", "none"): 1,
        (None, "none"): 1,  # an empty label is no label, never a language called 'none'
    }
    c = language.script_counts(by, "zh")
    assert c["total"] == 7 and c["none"] == 2
    s = language.script_shares(by, "zh")  # among simplified, traditional, mixed: 2 / 1 / 1
    assert s == {"simplified": 0.5, "traditional": 0.25, "mixed": 0.25}
    assert language.script_shares(by, "ru") == {"simplified": 0.0, "traditional": 0.0, "mixed": 0.0}

    labels = language.label_shares(con, "tweet_language", "tweets")
    assert labels["language"].tolist() == ["zh", "en"]  # no 'none' row
    assert labels["n"].tolist() == [7, 1]
    assert labels["share"].tolist() == pytest.approx([7 / 9, 1 / 9])  # of all 9 tweets
    with pytest.raises(ValueError):
        language.label_shares(con, "tweet_text", "tweets")


def test_account_language_shares():
    users = [
        {"userid": u, "account_creation_date": "2019-01-01", "account_language": lang}
        for u, lang in (("a", "zh-cn"), ("b", "zh-cn"), ("c", "en"), ("d", "zh-tw"))
    ]
    s = language.label_shares(make_con(users, []), "account_language", "users")
    assert dict(zip(s["language"], s["share"], strict=True)) == {
        "zh-cn": 0.5,
        "en": 0.25,
        "zh-tw": 0.25,
    }


@pytest.mark.slow
def test_summarize_known_answers():
    users = [{"userid": u, "account_creation_date": "2019-01-01", "account_language": lang}
             for u, lang in (("a", "zh-cn"), ("b", ""), ("c", "en"), ("d", "zh-cn"))]  # fmt: skip
    con = make_con(users, _tweets(SCRIPT_TWEETS))
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    assert all(x.available for x in f.values()), [x.reason for x in f.values() if x.reason]
    assert f["language.top_tweet_language"].value == "zh"
    assert f["language.top_tweet_language_share"].value == pytest.approx(7 / 9)
    assert f["language.top_tweet_language_share"].n == 9
    assert f["language.tweet_languages"].value == 2
    assert f["language.top_account_language"].value == "zh-cn"
    assert f["language.top_account_language_share"].value == 0.5  # 2 of 4, the blank one counts
    assert f["language.han_share"].value == pytest.approx(5 / 9)
    assert f["language.zh_tweets"].value == 7
    assert f["language.simplified_share"].value == 0.5
    assert f["language.traditional_share"].value == 0.25
    assert f["language.mixed_share"].value == 0.25
    assert f["language.simplified_share"].n == 4
    assert "5%" in f["language.simplified_share"].method
    assert f["language.label_text_agreement"].value == pytest.approx(5 / 7)
    assert f["language.han_outside_zh"].value == 0
    assert f["language.profile_languages_share"].value == pytest.approx(7 / 9)


@pytest.mark.slow
def test_one_chinese_tweet_is_no_script_comparison():
    """Han text must be a real share of the dataset (5% or 1,000 tweets) for the subsection."""
    con = make_con([], _tweets([("这是我们的国家", "zh")] + [("hello", "en")] * 99))
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    for name in ("han_share", "zh_tweets", "simplified_share", "label_text_agreement"):
        assert not f[f"language.{name}"].available
        assert f[f"language.{name}"].reason.startswith("only 1 of 100 tweets hold Han characters")
    assert f["language.top_tweet_language"].value == "en"
    # five in a hundred is enough
    con = make_con([], _tweets([("这是我们的国家", "zh")] * 5 + [("hello", "en")] * 95))
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    assert f["language.simplified_share"].value == 1.0
    assert language.han_is_substantial(1000, 10**9) and not language.han_is_substantial(999, 10**9)


@pytest.mark.parametrize(
    ("table", "column", "gone"),
    [
        ("tweets", "tweet_language", ["top_tweet_language", "top_tweet_language_share",
                                      "tweet_languages", "zh_tweets", "simplified_share",
                                      "profile_languages_share"]),
        ("users", "account_language", ["top_account_language", "top_account_language_share"]),
        ("tweets", "tweet_text", ["han_share", "simplified_share", "han_outside_zh"]),
    ],
)  # fmt: skip
def test_absent_column_is_unavailable_with_reason(table, column, gone):
    con = make_con([{"userid": "a", "account_creation_date": "2019-01-01"}], _tweets(SCRIPT_TWEETS))
    absent(con, table, column)
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    for name in gone:
        assert not f[f"language.{name}"].available
        assert f[f"language.{name}"].reason == f"{column} is not in this dataset's {table} file"
    others = [x for x in f.values() if x.name not in gone and x.name not in
              ("han_share", "zh_tweets", "simplified_share", "traditional_share", "mixed_share",
               "label_text_agreement", "han_outside_zh")]  # fmt: skip
    assert others and all(x.available for x in others)
    assert all(x.value != "none" for x in f.values())


@pytest.mark.slow
def test_labels_present_but_all_empty_are_unavailable_not_none():
    users = [{"userid": "a", "account_creation_date": "2019-01-01", "account_language": ""}]
    con = make_con(users, _tweets([("hello", "")]))
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    assert f["language.top_account_language"].reason == (
        "account_language is empty in every row of this dataset's users file"
    )
    assert f["language.top_tweet_language"].reason == (
        "tweet_language is empty in every row of this dataset's tweets file"
    )


def test_empty_tables_are_unavailable():
    con = make_con([], [])
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    assert not any(x.available for x in f.values())
    assert f["language.top_tweet_language"].reason == "this dataset's tweets file has no rows"
    assert f["language.top_account_language"].reason == "this dataset's users file has no rows"


@pytest.mark.slow
def test_profile_languages_share_known_answer():
    """zh or en: 8 of the 9 tweets; the unlabelled tweet counts in the total, under no language.

    Wilson 95% interval for 8 of 9 worked out by hand: centre (8 + 1.96²/2) / (9 + 1.96²),
    half-width 1.96 * sqrt(8 * 1 / 9 + 1.96² / 4) / (9 + 1.96²).
    """
    con = make_con([], _tweets(SCRIPT_TWEETS))
    profile = Profile(name="t", title="t", languages=["zh", "en"])
    f = by_id(language.summarize(con, profile, coverage(con)))["language.profile_languages_share"]
    assert f.available and f.value == pytest.approx(8 / 9) and f.n == 9
    z2 = 1.959963984540054**2
    centre, half = (8 + z2 / 2) / (9 + z2), (z2**0.5) * (8 / 9 + z2 / 4) ** 0.5 / (9 + z2)
    assert f.interval == pytest.approx((centre - half, centre + half))
    assert "zh, en" in f.method
    # a label matches only exactly: 'zh-cn' is not 'zh'; a profile code no tweet has counts 0
    g = by_id(language.summarize(con, Profile(name="t", title="t", languages=["ZH", "fr"]),
                                 coverage(con)))["language.profile_languages_share"]  # fmt: skip
    assert g.available and g.value == 0.0 and g.n == 9


@pytest.mark.slow
def test_profile_languages_share_unavailable_with_reason():
    con = make_con([], _tweets(SCRIPT_TWEETS))
    f = by_id(language.summarize(con, Profile(name="t", title="t"), coverage(con)))
    assert not f["language.profile_languages_share"].available
    assert f["language.profile_languages_share"].reason == (
        "the profile lists no languages (its languages: field is empty)"
    )
    absent(con, "tweets", "tweet_language")
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    assert f["language.profile_languages_share"].reason == (
        "tweet_language is not in this dataset's tweets file"
    )
    con = make_con([], _tweets([("hello", ""), ("hi", None)]))
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    assert f["language.profile_languages_share"].reason == (
        "tweet_language is empty in every row of this dataset's tweets file"
    )
    con = make_con([], [])
    f = by_id(language.summarize(con, PROFILE, coverage(con)))
    assert f["language.profile_languages_share"].reason == "this dataset's tweets file has no rows"


def test_script_sql_agrees_with_the_four_tests_in_any_order():
    """The nested CASE equals testing simplified and traditional on every text."""
    simp, trad = (c.replace("'", "''") for c in language._classes())
    texts = ["这", "這", "这這", "這这", "人", "人这", "這人", "x這y这z", "a", "", None, "📷人", "国國",
             "hello 这 world 個", "RT @a: 這是", "\n这\n"]  # fmt: skip
    con = make_con([], _tweets([(t, "zh") for t in texts]))
    reference = f"""CASE
        WHEN regexp_matches(tweet_text, '{simp}') AND regexp_matches(tweet_text, '{trad}') THEN 'mixed'
        WHEN regexp_matches(tweet_text, '{simp}') THEN 'simplified'
        WHEN regexp_matches(tweet_text, '{trad}') THEN 'traditional'
        WHEN regexp_matches(tweet_text, '\\p{{Han}}') THEN 'either'
        ELSE 'none' END"""
    rows = con.execute(
        f"SELECT tweet_text, {language.script_sql()}, {reference} FROM tweets ORDER BY tweetid"
    ).fetchall()
    assert [r[1] for r in rows] == [r[2] for r in rows]
    assert {r[1] for r in rows} == {"simplified", "traditional", "mixed", "either", "none"}
