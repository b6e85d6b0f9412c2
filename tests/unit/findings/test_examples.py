"""The example picker on tiny tables: earliest first, deterministic ties, every list kind."""

from __future__ import annotations

import duckdb
import pytest

from takedown.findings import coordination, examples
from takedown.text import md_table
from tests.unit.findings.tiny import absent, make_con

HOSTILE = "<script>alert(1)</script> {{< include /etc/passwd >}} =cmd|' /C calc'!A0 #x `rm`"


def _con(tweets: list[dict]) -> duckdb.DuckDBPyConnection:
    con = make_con([{"userid": "u1", "account_creation_date": "2019-01-01"}], tweets)
    con.execute("ALTER TABLE tweets ADD COLUMN user_screen_name VARCHAR")
    con.execute("UPDATE tweets SET user_screen_name = 'name_' || userid WHERE userid <> 'u3'")
    return con


TWEETS = [
    {"userid": "u1", "tweet_time": "2020-01-02 10:00", "tweet_text": "later", "hashtags": ["a"]},
    {"userid": "u1", "tweet_time": "2020-01-01 09:00", "tweet_text": "first", "hashtags": ["a", "b"]},
    {"userid": "u2", "tweet_time": "2020-01-01 09:00", "tweet_text": HOSTILE, "hashtags": ["b"],
     "user_mentions": ["m1"], "urls": ["https://WWW.Example.com/x"]},
    {"userid": "u3", "tweet_time": "2020-01-03 00:00", "tweet_text": "无空格的中文文本" * 30},
]  # fmt: skip


@pytest.mark.slow
def test_each_account_gets_its_earliest_tweet_in_list_order() -> None:
    ex = examples.accounts(_con(TWEETS), ["u2", "u1", "nobody", "u3"])
    assert ex["key"].tolist() == ["u2", "u1", "u3"]
    assert ex["tweetid"].tolist() == ["3", "2", "4"]
    # the screen name where the data has one, else the id (hashed ids stay as they are)
    assert ex["account"].tolist() == ["name_u2", "name_u1", "u3"]


@pytest.mark.slow
def test_ties_in_time_fall_to_the_tweet_id() -> None:
    ex = examples.hashtags(_con(TWEETS), ["b", "a"])
    # "b": tweets 2 and 3 both at 09:00 -> tweet id 2; "a": tweet 2 is earlier than tweet 1
    assert ex["tweetid"].tolist() == ["2", "2"]
    two = examples.pick(
        _con(TWEETS), ["b"], "h", "(SELECT *, unnest(hashtags) AS h FROM tweets)", 2
    )
    assert two["tweetid"].tolist() == ["2", "3"]


@pytest.mark.slow
def test_mentions_domains_days() -> None:
    con = _con(TWEETS)
    assert examples.mentions(con, ["m1"])["tweetid"].tolist() == ["3"]
    assert examples.domains(con, ["example.com"])["tweetid"].tolist() == ["3"]
    assert examples.days(con, ["2020-01-02", "2020-01-01"])["tweetid"].tolist() == ["1", "2"]


@pytest.mark.slow
def test_an_export_without_entity_columns_takes_its_examples_from_the_text() -> None:
    """content's top lists extract entities from the text where the columns are absent (the
    IRA export); the examples must find their tweets the same way, not show empty tables."""
    con = _con(
        [
            {"userid": "u1", "tweet_time": "2020-01-02 10:00", "tweet_text": "later #Vote @ann"},
            {"userid": "u2", "tweet_time": "2020-01-01 09:00",
             "tweet_text": "first #Vote https://www.Example.com/x @ann"},
            {"userid": "u1", "tweet_time": "2020-01-01 08:00", "tweet_text": "no #vote here"},
        ]
    )  # fmt: skip
    for column in ("hashtags", "urls", "user_mentions"):
        absent(con, "tweets", column)
    assert examples.hashtags(con, ["Vote", "vote", "none"])["tweetid"].tolist() == ["2", "3"]
    assert examples.mentions(con, ["ann"])["tweetid"].tolist() == ["2"]
    assert examples.domains(con, ["example.com"])["tweetid"].tolist() == ["2"]


@pytest.mark.slow
def test_topic_weeks_match_keywords_inside_the_week() -> None:
    ex = examples.topic_weeks(_con(TWEETS), [("t", ["LATER", "first"], "2020-01-01")])
    assert ex["tweetid"].tolist() == ["2"]
    assert examples.topic_weeks(_con(TWEETS), [("t", ["later"], "2020-01-03")]).empty


@pytest.mark.slow
def test_cluster_examples_are_its_first_copies() -> None:
    text = "the very same coordinated message"
    tweets = [
        {"userid": f"u{i}", "tweet_time": f"2020-01-01 10:0{i}", "tweet_text": text}
        for i in range(5, 0, -1)
    ]
    con = _con(tweets)
    coordination.build(con, 10, 5)
    ex = examples.clusters(con, [1])
    assert ex["key"].tolist() == ["1", "1"]
    assert ex["account"].tolist() == ["name_u1", "name_u2"]


@pytest.mark.slow
def test_empty_lists_and_tables() -> None:
    assert examples.accounts(_con(TWEETS), []).empty
    assert examples.accounts(_con([]), ["u1"]).empty
    assert list(examples.shown(examples.hashtags(_con([]), ["a"]), "hashtag").columns) == [
        "hashtag", "tweet id", "account", "time (UTC)", "text"
    ]  # fmt: skip


@pytest.mark.slow
def test_shown_cuts_and_the_table_escapes_hostile_text() -> None:
    ex = examples.accounts(_con(TWEETS), ["u2", "u3"])
    table = examples.shown(ex, None, budget=60)
    assert table["time (UTC)"].tolist() == ["2020-01-01 09:00", "2020-01-03 00:00"]
    assert all(len(t) <= 60 for t in table["text"])
    assert table["text"][1].endswith("…") and table["text"][1].startswith("无空格")
    md = md_table(table)
    assert "<script>" not in md and "{{<" not in md and "\\<script\\>" in md


def test_an_id_the_ira_adapter_made_up_is_not_shown_as_a_tweet_id() -> None:
    con = _con(TWEETS)
    con.execute("UPDATE tweets SET tweetid = userid || '-IRAhandle_tweets_1-' || tweetid")
    con.execute("UPDATE tweets SET tweetid = 'u2-real' WHERE userid = 'u2'")
    ex = examples.accounts(con, ["u1", "u2"])
    assert ex["tweetid"].isna().tolist() == [True, False]
    assert examples.shown(ex, None)["tweet id"].tolist()[1] == "u2-real"


LISTS = [
    {"userid": f"u{i}", "tweet_time": f"2020-01-0{1 + i % 5} 0{i % 10}:00", "tweet_text": f"t{i}",
     "hashtags": [["Tag", "tag"], ["tag"], ["TAG", "other"], [], ["x'y"]][i % 5],
     "user_mentions": [["m1"], ["M1", "m2"], [], ["m2"], ["x'y"]][i % 5],
     "urls": [[" https://WWW.Example.com/a "], ["http://m.example.com"], ["https://mobile.Other.org/p?q=1"],
              ["https://user@example.com:8080/x", "https://notexample.com.evil/x"], ["https://x'y.com"]][i % 5]}
    for i in range(20)
]  # fmt: skip


@pytest.mark.slow
def test_one_per_key_is_the_first_of_the_window_ranking() -> None:
    """per_key=1 takes an aggregate, per_key>1 a window: the first row of the one is the other,
    with ties in time and a tweet listing the same hashtag twice."""
    tweets = [*LISTS, {"userid": "u0", "tweet_time": "2020-01-01 00:00", "tweet_text": "tie",
                       "hashtags": ["tag", "tag"]}]  # fmt: skip
    con = _con(tweets)
    source = "(SELECT *, unnest(hashtags) AS h FROM tweets)"
    keys = ["tag", "Tag", "TAG", "other", "x'y"]
    one = examples.pick(con, keys, "h", source, 1)
    two = examples.pick(con, keys, "h", source, 2)
    assert one.reset_index(drop=True).equals(two.groupby("rank").head(1).reset_index(drop=True))
    assert len(two) > len(one) >= 4
