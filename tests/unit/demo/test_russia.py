"""The second demo operation: absent columns really absent, Moscow office hours, no waves, and
truth.json values that an independent reading of the written CSVs recovers."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from takedown import demo
from takedown.demo import text as demo_text
from takedown.demo.china import CHINA
from takedown.demo.hostile import hostile_tweets
from takedown.demo.russia import RUSSIA
from takedown.schema import TWEET_COLUMNS, USER_COLUMNS

ACCOUNTS, TWEETS, SEED = 600, 12_000, 3
ABSENT = {
    "like_count", "retweet_count", "reply_count", "quote_count", "hashtags", "urls",
    "user_mentions", "tweet_client_name", "account_language",
}  # fmt: skip


@pytest.fixture(scope="module", params=["one_block", "four_blocks"])
def gen(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("russia")
    block = {"one_block": demo.BLOCK_TWEETS, "four_blocks": 3_000}[request.param]
    truth = demo.generate(
        out, seed=SEED, accounts=ACCOUNTS, tweets=TWEETS, operation="russia", block_tweets=block
    )
    return out, truth, block


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def tweets(gen) -> list[dict[str, str]]:
    return _rows(gen[0] / RUSSIA.tweets_file)


@pytest.fixture(scope="module")
def users(gen) -> list[dict[str, str]]:
    return _rows(gen[0] / RUSSIA.users_file)


def _topics(text: str) -> list[str]:
    low = text.lower()
    return [t for t, kws in RUSSIA.keywords.items() if any(k.lower() in low for k in kws)]


@pytest.mark.slow
def test_file_names_follow_the_archive_format(gen) -> None:
    names = sorted(p.name for p in gen[0].iterdir())
    assert names == [
        "demo_russia_tweets_csv_hashed.csv", "demo_russia_users_csv_hashed.csv", "truth.json"
    ]  # fmt: skip
    assert gen[1]["files"]["tweets"] == RUSSIA.tweets_file


@pytest.mark.slow
def test_absent_columns_are_absent_from_every_header(gen, tweets, users) -> None:
    out, truth = gen[:2]
    for file, cols in ((RUSSIA.users_file, USER_COLUMNS), (RUSSIA.tweets_file, TWEET_COLUMNS)):
        header = (out / file).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        assert header == [c for c in cols if c not in ABSENT]
        assert not ABSENT & set(header)
    assert set(truth["absent_columns"]) == ABSENT
    assert all(len(r) == len(TWEET_COLUMNS) - 9 and None not in r.values() for r in tweets)
    assert len(users) == ACCOUNTS and len(tweets) == TWEETS


def test_truth_names_what_is_missing_and_what_must_be_unavailable(gen) -> None:
    truth = gen[1]
    assert truth["operation"] == "russia" and truth["synthetic"] is True
    assert "engagement.zero_engagement_share" in truth["expected_unavailable"]
    assert "engagement.top_client" in truth["expected_unavailable"]
    # Hashtags, links and mentions are extracted from the text: never expected unavailable.
    assert not any(f.startswith("content.") for f in truth["expected_unavailable"])
    for key in ("zero_engagement_share", "zero_follower_tweets_over_50_likes", "client_share",
                "top_hashtags", "top_url_domains", "account_language_share",
                "covid_hk_share", "chinese_script_share", "old_accounts"):  # fmt: skip
        assert key not in truth, key
    assert truth["creation_waves"] == []
    assert truth["timezone"] == "Europe/Moscow" and truth["utc_offset_hours"] == 3
    assert truth["working_hours"]["start"] == 9 and truth["working_hours"]["end"] == 18
    assert json.loads((gen[0] / demo.TRUTH_FILE).read_text(encoding="utf-8")) == truth


def test_moscow_office_hours(gen, tweets) -> None:
    truth = gen[1]
    utc = pd.to_datetime(pd.Series([r["tweet_time"] for r in tweets]), format="%Y-%m-%d %H:%M")
    local = utc.dt.tz_localize("UTC").dt.tz_convert("Europe/Moscow")
    assert (local.dt.tz_localize(None) - utc == pd.Timedelta(hours=3)).all()  # UTC+3 throughout
    working = (local.dt.day_of_week < 5) & (local.dt.hour >= 9) & (local.dt.hour < 18)
    assert truth["working_hours_share"] == round(float(working.mean()), 6) >= 0.75
    days = local.dt.tz_localize(None).dt.normalize()
    per_day = days.value_counts().reindex(pd.date_range(days.min(), days.max()), fill_value=0)
    weekend = per_day.index.day_of_week >= 5
    ratio = per_day[~weekend].mean() / per_day[weekend].mean()
    assert truth["weekday_weekend_rate_ratio"] == pytest.approx(ratio, abs=1e-6) and ratio > 6
    assert min(utc).year == 2014 and max(utc).year == 2018
    assert (truth["first_tweet_date"], truth["last_tweet_date"]) == ("2014-11-03", "2018-12-28")


def test_languages_scripts_and_zero_followers(gen, tweets, users) -> None:
    truth = gen[1]
    langs = Counter(r["tweet_language"] for r in tweets)
    assert set(langs) == {"ru", "en", "und"}
    for k, share in truth["tweet_language_share"].items():
        assert share == round(langs[k] / TWEETS, 6)
    ru = [r["tweet_text"] for r in tweets if r["tweet_language"] == "ru"]
    assert all(re.search("[а-яё]", t, re.I) for t in ru[:500])  # Cyrillic
    en = [r["tweet_text"] for r in tweets if r["tweet_language"] == "en"]
    assert all(re.search("[a-z]", t, re.I) for t in en[:500])  # Latin
    zero = sum(u["follower_count"] == "0" for u in users)
    assert zero == truth["zero_follower_count"] == round(0.31 * ACCOUNTS)


@pytest.mark.slow
def test_topics_and_text_entities(gen, tweets) -> None:
    truth = gen[1]
    found = [_topics(r["tweet_text"]) for r in tweets]
    assert all(len(f) <= 1 for f in found), "a tweet carries keywords of two topics"
    labels = Counter(f[0] if f else "other" for f in found)
    assert dict(labels) == {k: v for k, v in truth["topic_counts_overall"].items() if v}
    assert all(v > 0 for v in truth["topic_counts_overall"].values())
    hostile = {s["id"] for s in truth["hostile_samples"] if s["column"] == "tweet_text"}
    plain = [r["tweet_text"] for r in tweets if r["tweetid"] not in hostile]
    tagged = sum(bool(re.search(r"\s#[^\s#]", t)) for t in plain) / TWEETS
    linked = sum("https://" in t.lower() for t in plain) / TWEETS  # some upper-cased
    assert truth["text_hashtag_share"] == round(tagged, 6) and 0.15 < tagged < 0.4
    assert truth["text_url_share"] == round(linked, 6) and linked > 0.5


def test_lexicon_tables_are_clean() -> None:
    for (topic, _family), (texts, tags) in demo_text.groups(RUSSIA).items():
        for text in texts + [f"#{t}" for t in tags if topic == "other"]:
            assert _topics(text) == ([] if topic == "other" else [topic]), text
    tb = demo_text.tables(RUSSIA)
    neutral = [p for b in tb.combo.values() for slot in [b[0], *b[1]] for p in slot]
    neutral += list(hostile_tweets(RUSSIA)) + list(RUSSIA.outside) + [d[1] for d in RUSSIA.domains]
    neutral += list(RUSSIA.locations + RUSSIA.bios + RUSSIA.surnames + RUSSIA.given)
    assert not [p for p in neutral if _topics(p)]
    norm = sorted({demo_text.normalize_text(t) for t in tb.tpl} - {""})
    assert len(norm) == len([t for t in tb.tpl if demo_text.normalize_text(t)])
    assert not [(a, b) for a in norm for b in norm if a != b and b.startswith(a)]
    for _, slots in tb.combo.values():  # prefix-free code: decodes to one combination
        for slot in slots:
            ns = [demo_text.normalize_text(p) for p in slot]
            assert len(set(ns)) == 8 and not [
                a for a in ns for b in ns if a != b and b.startswith(a)
            ], slot


def test_coordinated_clusters_and_unique_background(gen, tweets) -> None:
    coord = gen[1]["coordination"]
    assert coord["clusters"]
    by_id = {r["tweetid"]: r for r in tweets}
    in_cluster: set[str] = set()
    for c in coord["clusters"]:
        rows = [by_id[i] for i in c["tweetids"]]
        assert len({r["userid"] for r in rows}) == len(rows) >= 5
        stamps = pd.to_datetime([r["tweet_time"] for r in rows])
        assert (stamps.max() - stamps.min()) < pd.Timedelta(minutes=10)
        assert {demo_text.normalize_text(r["tweet_text"]) for r in rows} == {c["normalized"]}
        assert _topics(c["text"]) == ([] if c["topic"] == "other" else [c["topic"]])
        in_cluster |= set(c["tweetids"])
    # Retweets are left out of co-tweet clusters; their texts repeat only inside a planted
    # co-retweet event (each member retweets the same tweet, so its text).
    background = [
        demo_text.normalize_text(r["tweet_text"])
        for r in tweets
        if r["tweetid"] not in in_cluster and r["is_retweet"] == "False"
    ]
    assert len(set(background)) == len(background), "background texts would form clusters"
    retweets = Counter(r["tweet_text"] for r in tweets if r["is_retweet"] == "True")
    events = [ids for ring in gen[1]["networks"]["co_retweet"] for ids in ring["tweetids"]]
    by_id = {r["tweetid"]: r["tweet_text"] for r in tweets}
    assert sorted(n for n in retweets.values() if n > 1) == sorted(len(e) for e in events)
    assert all(len({by_id[i] for i in e}) == 1 for e in events)


@pytest.mark.slow
def test_same_seed_same_bytes(gen, tmp_path: Path) -> None:
    demo.generate(
        tmp_path, seed=SEED, accounts=ACCOUNTS, tweets=TWEETS, operation="russia",
        block_tweets=gen[2],
    )  # fmt: skip
    for name in (RUSSIA.users_file, RUSSIA.tweets_file, demo.TRUTH_FILE):
        assert (tmp_path / name).read_bytes() == (gen[0] / name).read_bytes()


def test_profile_matches_the_planted_operation() -> None:
    from takedown.profile import load_profile

    root = Path(__file__).resolve().parents[3]
    profile = load_profile(root / "profiles" / "demo_russia.yml")
    assert profile.name == "demo_russia" and profile.timezone == RUSSIA.timezone
    assert (profile.working_hours.start, profile.working_hours.end) == RUSSIA.working_hours
    assert {k: t.keywords for k, t in profile.topics.items()} == RUSSIA.keywords
    assert [t.label for t in profile.topics.values()] == list(RUSSIA.topic_labels[:-1])
    assert profile.published == [] and profile.context == {}


def test_preset_has_its_own_sizes_and_shares() -> None:
    """The Russia set's 1,152 accounts, a twelfth of its tweets, and its own retweet share and
    cluster figures: none of the China preset's."""
    assert (RUSSIA.default_accounts, RUSSIA.default_tweets) == (1_152, 286_233)
    for field in ("default_accounts", "default_tweets", "retweet_share", "retweet_inside",
                  "clusters", "cluster_k"):  # fmt: skip
        assert getattr(RUSSIA, field) != getattr(CHINA, field), field


def test_retweets_and_clusters_follow_the_preset(gen, tweets) -> None:
    truth = gen[1]
    rts = [r for r in tweets if r["is_retweet"] == "True"]
    assert truth["retweet_share"] == round(len(rts) / TWEETS, 6)
    assert abs(len(rts) / TWEETS - RUSSIA.retweet_share) < 0.02
    users = {r["userid"] for r in tweets}
    inside = sum(r["retweet_userid"] in users for r in rts) / len(rts)
    assert truth["retweet_inside_share"] == round(inside, 6)
    assert abs(inside - RUSSIA.retweet_inside) < 0.04
    sizes = [len(c["userids"]) for c in truth["coordination"]["clusters"]]
    assert len(sizes) == max(5, round(RUSSIA.clusters * TWEETS / RUSSIA.default_tweets))
    assert RUSSIA.cluster_k[0] <= min(sizes) and max(sizes) <= RUSSIA.cluster_k[1]
