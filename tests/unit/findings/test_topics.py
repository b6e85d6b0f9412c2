"""Topic findings on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pandas as pd
import pytest

from takedown.findings import topics
from takedown.profile import Profile
from tests.unit.findings.tiny import absent, by_id, coverage, make_con


def _profile(topics_: dict[str, list[str]], groups: dict | None = None) -> Profile:
    return Profile.model_validate(
        {
            "name": "t",
            "title": "t",
            "topics": {k: {"label": k.upper(), "keywords": v} for k, v in topics_.items()},
            "topic_groups": groups or {},
        }
    )


def _con(texts: list[str | None], day: str = "2020-01-01"):
    return make_con([], [{"userid": "a", "tweet_time": day, "tweet_text": t} for t in texts])


def test_topic_assignment_first_match_case_insensitive_literal():
    prof = _profile({"hk": ["Hong Kong", "香港"], "code": ["c++", "a.b", "it's"]})
    texts = {
        "HONG KONG loves c++": "hk",  # both match: the first topic wins
        "c++ loves HONG KONG": "hk",  # whichever comes first in the text
        "using C++ daily": "code",  # case-insensitive
        "axb is not a.b? yes it is": "code",
        "axb only": "other",  # '.' is literal, not a wildcard
        "c and cc": "other",  # '+' is literal
        "IT'S here": "code",  # quotes are escaped in SQL
        "我爱香港": "hk",
        "nothing": "other",
        None: "other",
    }
    # one tweet a day, so the day x topic counts give each tweet's topic
    days = pd.date_range("2020-01-01", periods=len(texts)).strftime("%Y-%m-%d")
    con = make_con([], [{"userid": "a", "tweet_time": d, "tweet_text": t}
                        for d, t in zip(days, texts, strict=True)])  # fmt: skip
    topics.assign(con, prof)
    got = con.execute("SELECT topic, n FROM topic_days ORDER BY day").fetchall()
    assert got == [(t, 1) for t in texts.values()]
    o = topics.overall(con).set_index("topic")
    assert o.loc["other", "tweets"] == 4 and o.loc["code", "tweets"] == 3
    assert o["share"].sum() == pytest.approx(1.0)


@pytest.mark.slow
def test_group_flags_count_any_group_keyword_whatever_the_assigned_topic():
    """Every mix of three topics' keywords, group {a, c} around b: brute force against SQL."""
    prof = _profile({"a": ["alpha"], "b": ["beta"], "c": ["gamma"]},
                    {"ac": {"label": "A or C", "topics": ["a", "c"]},
                     "bc": {"label": "B or C", "topics": ["b", "c"]}})  # fmt: skip
    words = ["alpha", "BETA", "Gamma"]
    texts = [" ".join(w for w, on in zip(words, bits, strict=True) if on) or "none"
             for bits in itertools.product([0, 1], repeat=3)] + [None]  # fmt: skip
    con = _con(texts)
    topics.assign(con, prof)
    got = con.execute(
        "SELECT sum(n), sum(n) FILTER (WHERE g_ac), sum(n) FILTER (WHERE g_bc) FROM topic_days"
    ).fetchone()
    low = [t.lower() if t else "" for t in texts]
    assert got == (
        len(texts),
        sum("alpha" in t or "gamma" in t for t in low),
        sum("beta" in t or "gamma" in t for t in low),
    )
    # a day x topic x flags table: one row per combination, not per tweet
    assert con.execute("SELECT count(*) FROM topic_days").fetchone()[0] < len(texts)


def test_topics_without_a_lexicon_are_all_other():
    con = _con(["香港"])
    topics.assign(con, _profile({}))
    assert topics.overall(con)["topic"].tolist() == ["other"]


@pytest.mark.slow
def test_monthly_shares_sum_to_one_and_daily_fills_days():
    prof = _profile({"hk": ["hk"], "tw": ["tw"]})
    tweets = [
        {"userid": "a", "tweet_time": "2020-01-05", "tweet_text": "hk"},
        {"userid": "a", "tweet_time": "2020-01-06", "tweet_text": "hk"},
        {"userid": "a", "tweet_time": "2020-01-31 23:59", "tweet_text": "x"},
        {"userid": "a", "tweet_time": "2020-03-01", "tweet_text": "tw"},
    ]
    con = make_con([], tweets)
    topics.assign(con, prof)
    m = topics.monthly_shares(con, ["hk", "tw"])
    assert m.index.tolist() == ["2020-01", "2020-03"]
    assert list(m.columns) == ["hk", "tw", "other", "n"]
    assert m[["hk", "tw", "other"]].sum(axis=1).tolist() == pytest.approx([1.0, 1.0])
    assert m.loc["2020-01", "hk"] == pytest.approx(2 / 3) and m["n"].tolist() == [3, 1]
    d = topics.daily(con, ["hk", "tw"])
    assert len(d) == (date(2020, 3, 1) - date(2020, 1, 5)).days + 1
    assert d["hk"].sum() == 2 and d["tw"].sum() == 1 and d["other"].sum() == 1


def test_rolling_mean_of_daily_topic_counts():
    prof = _profile({"x": ["alpha"]})
    tweets = [
        {"userid": "a", "tweet_time": "2020-01-01 01:00", "tweet_text": "alpha"},
        {"userid": "a", "tweet_time": "2020-01-01 23:59", "tweet_text": "b"},
        {"userid": "b", "tweet_time": "2020-01-03 00:00", "tweet_text": "c"},
    ]
    con = make_con([], tweets)
    topics.assign(con, prof)
    r = topics.rolling(topics.daily(con, ["x"]), days=2)
    assert r["x"].tolist() == [1.0, 0.5, 0.0]
    assert r["other"].tolist() == [1.0, 0.5, 0.5]
    assert isinstance(r.index, pd.DatetimeIndex)


def test_rises_dated_to_onset_and_peak_week():
    idx = pd.date_range("2020-01-01", periods=120).date
    x = np.zeros(120)
    x[30:] = 20  # takes off from nothing on day 30
    x[80:] = 100  # and again, five-fold, on day 80
    s = pd.Series(x, index=idx)
    assert topics.rises(s) == [idx[30].isoformat(), idx[80].isoformat()]
    assert topics.peak_week(s) == idx[80].isoformat()
    # a bump of 3 tweets over nothing stays under the floor of 5 a week: not a rise
    y = x.copy()
    y[10] = 3
    assert topics.rises(pd.Series(y, index=idx)) == [idx[30].isoformat(), idx[80].isoformat()]
    # a steady series never rises; an empty one has no peak
    assert topics.rises(pd.Series(np.full(60, 5.0), index=idx[:60])) == []
    assert topics.rises(pd.Series(np.zeros(60), index=idx[:60])) == []
    assert topics.peak_week(pd.Series(np.zeros(60), index=idx[:60])) is None


def test_an_early_rise_counts_however_large_a_later_peak():
    """Regression (issue 16): the China demo's Hong Kong went from 55 to 345 tweets a week, yet
    "rises: none", because that week was under 10% of its busiest week. Planted: 8 a day, then
    49 a day from day 40, then 3,000 a day from day 100."""
    idx = pd.date_range("2019-04-01", periods=160).date
    x = np.full(160, 8.0)
    x[40:] = 49
    x[100:] = 3000
    s = pd.Series(x, index=idx)
    assert topics.rises(s) == [idx[40].isoformat(), idx[100].isoformat()]
    assert topics.peak_week(s) == idx[100].isoformat()


def test_noise_makes_no_rise():
    """Poisson days, steady at any level from a tweet a month to thousands a day: no rise."""
    rng = np.random.default_rng(16)
    idx = pd.date_range("2019-01-01", periods=730).date
    for level in (0.03, 0.3, 1, 3, 10, 100, 3000):
        s = pd.Series(rng.poisson(level, 730).astype(float), index=idx)
        assert topics.rises(s) == [], level


def test_a_rise_against_a_quiet_but_noisy_level():
    """Planted: about 2 a day (Poisson) for 60 days, then about 12 a day: one rise, at day 60."""
    rng = np.random.default_rng(7)
    idx = pd.date_range("2019-01-01", periods=120).date
    x = np.concatenate([rng.poisson(2, 60), rng.poisson(12, 60)]).astype(float)
    assert topics.rises(pd.Series(x, index=idx)) == [idx[60].isoformat()]


def test_summarize_known_answers():
    prof = _profile(
        {"hk": ["hong kong"], "gw": ["guo"], "covid": ["covid"], "tw": ["taiwan"]},
        {"covid_hk": {"label": "COVID or HK", "topics": ["covid", "hk"]}},
    )
    texts = ["hong kong", "guo and covid", "covid", "nothing", "HONG KONG covid", None, "covid!"]
    con = _con(texts)
    f = by_id(topics.summarize(con, prof, coverage(con)))
    n = len(texts)
    assert f["topics.topics_defined"].value == 4
    assert f["topics.matched_share"].value == pytest.approx(5 / n)
    assert f["topics.unmatched_share"].value == pytest.approx(2 / n)  # 'nothing' and no text
    assert f["topics.hk_share"].value == pytest.approx(2 / n)
    assert f["topics.gw_share"].value == pytest.approx(1 / n)
    assert f["topics.covid_share"].value == pytest.approx(2 / n)
    assert f["topics.tw_share"].value == 0.0  # a real zero: the text is there, no keyword
    # ties go to the first topic in profile order; the name is the profile's label
    assert f["topics.top_topic"].value == "HK"
    assert f["topics.top_topic_share"].value == pytest.approx(2 / n)
    # the group counts keywords of either topic, whatever the tweet was assigned
    assert f["topics.covid_hk_share"].value == pytest.approx(5 / n)
    assert f["topics.covid_hk_share"].label == "Tweets about COVID or HK"
    assert f["topics.hk_rises"].value == 0 and "topics.hk_rise_1" not in f
    rule = {k: f[f"topics.rule_rise_{k}"].value for k in ("factor", "level_days", "floor")}
    assert rule == {"factor": topics.RISE_FACTOR, "level_days": topics.RISE_LEVEL_DAYS,
                    "floor": topics.RISE_FLOOR}  # fmt: skip
    assert f["topics.hk_peak_week"].value == "2020-01-01"
    assert not f["topics.tw_peak_week"].available
    assert f["topics.tw_peak_week"].reason == "no tweet holds a keyword of the topic TW"


def test_no_keyword_match_has_no_largest_topic():
    prof = _profile({"hk": ["hong kong"]})
    con = _con(["nothing", "at all"])
    f = by_id(topics.summarize(con, prof, coverage(con)))
    assert f["topics.matched_share"].value == 0.0 and f["topics.unmatched_share"].value == 1.0
    assert not f["topics.top_topic"].available and not f["topics.top_topic_share"].available
    assert "no tweet holds a keyword" in f["topics.top_topic"].reason


def test_no_lexicon_makes_every_topic_finding_unavailable():
    con = _con(["香港"])
    f = topics.summarize(con, _profile({}), coverage(con))
    assert {x.name for x in f} >= {"topics_defined", "matched_share", "top_topic"}
    assert all(not x.available and x.reason == "the profile defines no topic lexicon" for x in f)


@pytest.mark.slow
def test_absent_text_and_empty_tables_are_unavailable():
    prof = _profile({"hk": ["hong kong"]}, None)
    con = _con(["hong kong"])
    absent(con, "tweets", "tweet_text")
    f = topics.summarize(con, prof, coverage(con))
    assert all(x.reason == "tweet_text is not in this dataset's tweets file" for x in f)
    assert {x.name for x in f} >= {"hk_share", "hk_rises", "hk_peak_week", "top_topic"}
    con = make_con([], [])
    f = topics.summarize(con, prof, coverage(con))
    assert all(x.reason == "this dataset's tweets file has no rows" for x in f)


def test_profile_topic_ids_and_groups_are_checked():
    with pytest.raises(ValueError, match="unknown topics"):
        _profile({"hk": ["x"]}, {"g": {"label": "G", "topics": ["hk", "nope"]}})
    with pytest.raises(ValueError, match="topic id"):
        _profile({"Hong-Kong": ["x"]})
    with pytest.raises(ValueError, match="topic id"):
        _profile({"matched": ["x"]})
