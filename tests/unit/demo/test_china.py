"""The demo archive: exact format, deterministic bytes, and truth.json values that an independent
reading of the written CSVs (csv module, DuckDB, pandas) recovers."""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pandas as pd
import pytest

from takedown import demo
from takedown.demo import text as demo_text
from takedown.demo.china import CHINA
from takedown.demo.hostile import HOSTILE_TWEETS
from takedown.schema import TWEET_COLUMNS, USER_COLUMNS

ACCOUNTS, TWEETS, SEED = 600, 12_000, 3


# One block (the whole archive at once, as at the default size), and small blocks of accounts
# (the path archives above demo.BLOCK_TWEETS take): the planted effects hold on both.
BLOCKS = {"one_block": demo.BLOCK_TWEETS, "four_blocks": 3_000}


@pytest.fixture(scope="module", params=sorted(BLOCKS))
def gen(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("demo")
    calls: list[tuple[str, float]] = []
    truth = demo.generate(
        out, seed=SEED, accounts=ACCOUNTS, tweets=TWEETS, block_tweets=BLOCKS[request.param],
        progress=lambda s, f: calls.append((s, f)),
    )  # fmt: skip
    assert calls and calls[-1][1] == 1.0
    return out, truth, BLOCKS[request.param]


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def tweets(gen: tuple[Path, dict, int]) -> list[dict[str, str]]:
    return _rows(gen[0] / demo.TWEETS_FILE)


@pytest.fixture(scope="module")
def users(gen: tuple[Path, dict, int]) -> list[dict[str, str]]:
    return _rows(gen[0] / demo.USERS_FILE)


@pytest.fixture(scope="module")
def con(gen: tuple[Path, dict, int]) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    for name, file in (("t", demo.TWEETS_FILE), ("u", demo.USERS_FILE)):
        c.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_csv('{gen[0] / file}', all_varchar=true)"
        )
    return c


def _topics(text: str) -> list[str]:
    low = text.lower()
    return [t for t, kws in CHINA.keywords.items() if any(k.lower() in low for k in kws)]


def test_rejects_bad_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 2"):
        demo.generate(tmp_path, accounts=1, tweets=1000)
    with pytest.raises(ValueError, match="every account"):
        demo.generate(tmp_path, accounts=100, tweets=99)


@pytest.mark.slow
def test_same_seed_same_bytes_other_seed_differs(gen, tmp_path: Path) -> None:
    size = dict(accounts=ACCOUNTS, tweets=TWEETS, block_tweets=gen[2])
    demo.generate(tmp_path / "a", seed=SEED, **size)
    demo.generate(tmp_path / "b", seed=SEED + 1, **size)
    for name in (demo.USERS_FILE, demo.TWEETS_FILE, demo.TRUTH_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (gen[0] / name).read_bytes()
        assert (tmp_path / "b" / name).read_bytes() != (gen[0] / name).read_bytes()


@pytest.mark.slow
def test_headers_and_formats(gen: tuple[Path, dict, int], tweets, users) -> None:
    out, truth = gen[:2]
    for file, cols in ((demo.USERS_FILE, USER_COLUMNS), (demo.TWEETS_FILE, TWEET_COLUMNS)):
        first = (out / file).read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.split(",") == list(cols)
    assert len(users) == truth["accounts"] == ACCOUNTS and len(tweets) == TWEETS
    assert all(re.fullmatch(r"[0-9a-f]{64}", u["userid"]) for u in users)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", u["account_creation_date"]) for u in users)
    assert all(re.fullmatch(r"\d+", u["follower_count"]) for u in users)
    assert len({r["tweetid"] for r in tweets}) == TWEETS
    for r in tweets:
        assert re.fullmatch(r"\d{18,19}", r["tweetid"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", r["tweet_time"])
        assert re.fullmatch(r"\d+\.0", r["follower_count"])
        assert r["is_retweet"] in ("True", "False")
        assert r["latitude"] == r["longitude"] == "absent"
        for col in ("hashtags", "urls", "user_mentions"):
            assert r[col] == "" or (r[col].startswith("[") and r[col].endswith("]"))
        if r["is_retweet"] == "True":
            assert (
                r["tweet_text"].startswith("RT @") and r["retweet_userid"] and r["retweet_tweetid"]
            )
    styles = Counter("'" in r["hashtags"] for r in tweets if r["hashtags"] not in ("", "[]"))
    assert styles[True] and styles[False]  # both list styles occur
    times = sorted(r["tweet_time"] for r in tweets)
    assert times[0][:10] == truth["first_tweet_date"] == "2018-01-01"
    assert times[-1][:10] == truth["last_tweet_date"] == "2020-04-17"
    raw = (out / demo.TWEETS_FILE).read_bytes()
    assert b"\r\n" in raw and b'""' in raw  # multi-line and embedded quotes are really there


def test_account_fields_repeat_in_tweets_and_no_tweet_before_creation(tweets, users) -> None:
    by_id = {u["userid"]: u for u in users}
    assert {r["userid"] for r in tweets} == set(by_id)
    for r in tweets:
        u = by_id[r["userid"]]
        for col in USER_COLUMNS:
            want = u[col] + ".0" if col in ("follower_count", "following_count") else u[col]
            assert r[col] == want, col
        assert r["tweet_time"][:10] >= u["account_creation_date"]


@pytest.mark.slow
def test_followers_and_accounts(gen, con) -> None:
    truth = gen[1]
    zero, u8, u10, n = con.execute(
        """SELECT count(*) FILTER (WHERE follower_count::INT = 0),
                  count(*) FILTER (WHERE follower_count::INT < 8),
                  count(*) FILTER (WHERE follower_count::INT < 10), count(*) FROM u"""
    ).fetchone()
    assert zero == truth["zero_follower_count"] == round(0.785 * ACCOUNTS)
    assert truth["zero_follower_share"] == round(zero / n, 6)
    assert truth["under_8_share"] == round(u8 / n, 6) and 0.93 <= u8 / n <= 0.97
    assert truth["under_10_share"] == round(u10 / n, 6)
    assert con.execute("SELECT count(DISTINCT userid) FROM t").fetchone()[0] == ACCOUNTS
    assert truth["accounts_with_tweets"] == ACCOUNTS


def test_posting_clock_in_beijing_time(gen, tweets) -> None:
    truth = gen[1]
    utc = pd.to_datetime(pd.Series([r["tweet_time"] for r in tweets]), format="%Y-%m-%d %H:%M")
    local = utc.dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai")
    working = (local.dt.day_of_week < 5) & (local.dt.hour >= 8) & (local.dt.hour < 17)
    assert truth["working_hours_share"] == round(float(working.mean()), 6)
    assert 0.65 <= working.mean() <= 0.85
    days = local.dt.tz_localize(None).dt.normalize()
    per_day = days.value_counts().reindex(pd.date_range(days.min(), days.max()), fill_value=0)
    weekend = per_day.index.day_of_week >= 5
    ratio = per_day[~weekend].mean() / per_day[weekend].mean()
    assert truth["weekday_weekend_rate_ratio"] == pytest.approx(ratio, abs=1e-6)
    assert 2.5 <= ratio <= 5
    assert truth["utc_offset_hours"] == 8 and truth["timezone"] == "Asia/Shanghai"


def test_creation_waves_and_dormancy(gen, con) -> None:
    truth = gen[1]
    gaps = con.execute(
        """SELECT u.userid, u.account_creation_date::DATE AS created,
                  min(t.tweet_time::TIMESTAMP)::DATE - u.account_creation_date::DATE AS gap
           FROM u JOIN t USING (userid) GROUP BY u.userid, u.account_creation_date"""
    ).df()
    assert truth["dormant_count"] == int((gaps["gap"] >= 90).sum())
    assert truth["median_creation_to_first_tweet_days"] == float(gaps["gap"].median())
    assert (gaps["gap"] >= 7).all()
    created = pd.to_datetime(gaps["created"])
    for w in truth["creation_waves"]:
        inside = gaps[(created >= w["start"]) & (created <= w["end"])]
        assert len(inside) == w["size"] > 0
    sept = truth["creation_waves"][0]
    assert sept["dormant"] and sept["start"].startswith("2019-09")
    sept_rows = gaps[(created >= sept["start"]) & (created <= sept["end"])]
    first = (pd.to_datetime(sept_rows["created"]) + pd.to_timedelta(sept_rows["gap"], "D")).dt.date
    window = truth["dormant_wave_members_first_tweet_window"]
    assert str(first.min()) == window["start"] >= "2020-01-22"
    assert str(first.max()) == window["end"] <= "2020-01-31"
    assert (sept_rows["gap"] >= 90).all()
    assert truth["created_after_2019_10_01_share"] > 0.5


@pytest.mark.slow
def test_lexicon_recovers_planted_topics_exactly(gen, tweets) -> None:
    truth = gen[1]
    found = [_topics(r["tweet_text"]) for r in tweets]
    assert all(len(f) <= 1 for f in found), "a tweet carries keywords of two topics"
    labels = [f[0] if f else "other" for f in found]
    assert dict(Counter(labels)) == {k: v for k, v in truth["topic_counts_overall"].items() if v}
    for t, share in truth["topic_share_overall"].items():
        assert share == round(labels.count(t) / TWEETS, 6)
    months = [r["tweet_time"][:7] for r in tweets]
    for month, shares in truth["topic_share_by_month"].items():
        got = [lab for lab, m in zip(labels, months, strict=True) if m == month]
        assert shares["n"] == len(got)
        for t in CHINA.topics:
            assert shares[t] == round(got.count(t) / len(got), 6), (month, t)
    covid_hk = sum(lab in ("covid", "hong_kong") for lab in labels) / TWEETS
    assert truth["covid_hk_share"] == round(covid_hk, 6)
    early = [lab for lab, r in zip(labels, tweets, strict=True) if r["tweet_time"] < "2020-01-19"]
    assert "covid" not in early
    assert truth["covid_rise_dates"][0].startswith("2020-01-2")
    assert truth["covid_rise_dates"][1].startswith("2020-03-2")


def test_lexicon_tables_are_clean() -> None:
    """Templates carry their own topic's keywords only; code phrases, handles, tags carry none."""
    for (topic, _family), (texts, tags) in demo_text.groups(CHINA).items():
        for text in texts + [f"#{t}" for t in tags if topic == "other"]:
            assert _topics(text) == ([] if topic == "other" else [topic]), text
    neutral = [p for b in demo_text.tables(CHINA).combo.values() for slot in b[1] for p in slot]
    neutral += list(HOSTILE_TWEETS) + list(CHINA.outside) + [d[1] for d in CHINA.domains]
    assert not [p for p in neutral if _topics(p)]
    norm = sorted({demo_text.normalize_text(t) for t in demo_text.tables(CHINA).tpl} - {""})
    assert len(norm) == len([t for t in demo_text.tables(CHINA).tpl if demo_text.normalize_text(t)])
    assert not [(a, b) for a in norm for b in norm if a != b and b.startswith(a)]
    for _, slots in demo_text.tables(
        CHINA
    ).combo.values():  # prefix-free code: decodes to one combination
        for slot in slots:
            ns = [demo_text.normalize_text(p) for p in slot]
            assert len(set(ns)) == 8 and not [
                a for a in ns for b in ns if a != b and b.startswith(a)
            ]


def test_cluster_variants_keep_topic_and_normal_form() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    texts = [
        t + " " + demo_text.code(CHINA, 1, 12345) + " #HongKong @ab12 https://t.co/x"
        for t in demo_text.tables(CHINA).tpl
    ]
    variants = [
        demo_text.spaced(pa.array(texts)).to_pylist(),
        pc.utf8_upper(pa.array(texts)).to_pylist(),
        [t + trail for t, trail in zip(texts, CHINA.trails * 99, strict=False)],
    ]
    for v in variants:
        for a, b in zip(texts, v, strict=True):
            assert a != b and demo_text.normalize_text(a) == demo_text.normalize_text(b)
            assert _topics(a) == _topics(b)


def test_chinese_scripts(gen, tweets) -> None:
    hanzi = pytest.importorskip("hanzidentifier")
    truth = gen[1]
    kinds = Counter(hanzi.identify(r["tweet_text"]) for r in tweets if r["tweet_language"] == "zh")
    assert set(kinds) <= {hanzi.SIMPLIFIED, hanzi.TRADITIONAL}
    counts = truth["chinese_script_counts"]
    assert (kinds[hanzi.SIMPLIFIED], kinds[hanzi.TRADITIONAL]) == (
        counts["simplified"],
        counts["traditional"],
    )
    assert 0.7 <= truth["chinese_script_share"]["simplified"] <= 0.8
    langs = Counter(r["tweet_language"] for r in tweets)
    assert langs["zh"] / TWEETS > 0.8 and set(langs) == {"zh", "en", "und"}


def test_engagement_and_retweets(gen, tweets, users) -> None:
    truth = gen[1]
    ids = {u["userid"] for u in users}
    counts = ("like_count", "retweet_count", "reply_count", "quote_count")
    none = sum(all(r[c] == "0" for c in counts) for r in tweets) / TWEETS
    assert truth["zero_engagement_share"] == round(none, 6) and none >= 0.85
    rts = [r for r in tweets if r["is_retweet"] == "True"]
    assert truth["retweet_share"] == round(len(rts) / TWEETS, 6)
    inside = sum(r["retweet_userid"] in ids for r in rts) / len(rts)
    assert truth["retweet_inside_share"] == round(inside, 6) and 0.4 <= inside <= 0.6
    zero = [r for r in tweets if r["follower_count"] == "0.0"]
    assert truth["zero_follower_tweets_over_50_likes"] == sum(
        int(r["like_count"]) > 50 for r in zero
    )
    assert truth["zero_follower_tweets_over_10_retweets"] == sum(
        int(r["retweet_count"]) > 10 for r in zero
    )
    assert truth["zero_follower_tweets_over_50_likes"] == round(156 * TWEETS / 348_608)


def test_hashtags_and_domains(gen, tweets) -> None:
    truth = gen[1]
    tags: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    for r in tweets:
        tags.update(x.strip(" '") for x in r["hashtags"].strip("[]").split(",") if x.strip(" '"))
        domains.update(
            urlsplit(x.strip(" '")).netloc for x in r["urls"].strip("[]").split(",") if x
        )
    top = sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert [(x["hashtag"], x["count"]) for x in truth["top_hashtags"]] == top
    assert {x["domain"]: x["count"] for x in truth["top_url_domains"]} == dict(domains)
    assert {"youtube.com", "youtu.be", "t.co", "www.youtube.com"} <= set(domains)


def test_coordinated_clusters_and_unique_background(gen, tweets) -> None:
    coord = gen[1]["coordination"]
    assert coord["window_minutes"] == 10 and coord["min_accounts"] == 5 and coord["clusters"]
    by_id = {r["tweetid"]: r for r in tweets}
    in_cluster: set[str] = set()
    for c in coord["clusters"]:
        rows = [by_id[i] for i in c["tweetids"]]
        assert len({r["userid"] for r in rows}) == len(rows) >= 5
        assert [r["userid"] for r in rows] == c["userids"]
        stamps = pd.to_datetime([r["tweet_time"] for r in rows])
        assert (stamps.max() - stamps.min()) < pd.Timedelta(minutes=10)
        assert (str(stamps.min())[:16], str(stamps.max())[:16]) == (c["start"], c["end"])
        assert {demo_text.normalize_text(r["tweet_text"]) for r in rows} == {c["normalized"]}
        assert demo_text.normalize_text(c["text"]) == c["normalized"]
        assert all(r["is_retweet"] == "False" for r in rows)
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
    assert not {c["normalized"] for c in coord["clusters"]} & set(background)


def test_truth_file_matches_return_value(gen) -> None:
    out, truth = gen[:2]
    assert json.loads((out / demo.TRUTH_FILE).read_text(encoding="utf-8")) == truth
    assert truth["synthetic"] is True and truth["seed"] == SEED
    assert truth["params"] == {"accounts": ACCOUNTS, "tweets": TWEETS}
    assert truth["generator_version"] == demo.GENERATOR_VERSION


def test_smallest_archive(tmp_path: Path) -> None:
    truth = demo.generate(tmp_path, accounts=50, tweets=50)
    assert truth["tweets"] == 50 and truth["accounts_with_tweets"] == 50
    json.dumps(truth, allow_nan=False)  # strict JSON even when a ratio is undefined


@pytest.mark.slow
def test_default_size_is_fast(tmp_path: Path) -> None:
    start = time.perf_counter()
    truth = demo.generate(tmp_path)
    elapsed = time.perf_counter() - start
    assert elapsed < 15, f"default demo took {elapsed:.1f} s"
    con = duckdb.connect()
    n_users, n_tweets = (
        con.execute(
            f"SELECT count(*) FROM read_csv('{tmp_path / f}', all_varchar=true)"
        ).fetchone()[0]
        for f in (demo.USERS_FILE, demo.TWEETS_FILE)
    )
    assert (n_users, n_tweets) == (truth["accounts"], truth["tweets"]) == (23_750, 348_608)
    assert truth["zero_follower_count"] == round(0.785 * 23_750)
    assert 0.44 <= truth["covid_hk_share"] <= 0.50
