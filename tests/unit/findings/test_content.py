"""Content findings on tiny tables whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from takedown.findings import content
from takedown.profile import Profile
from tests.unit.findings.tiny import absent, by_id, coverage, make_con

PROFILE = Profile(name="t", title="t")
T = "2020-01-01"


@pytest.fixture
def con():
    tweets = [
        {"userid": "a", "tweet_time": T, "hashtags": ["香港", "HongKong"], "user_mentions": ["u1"],
         "urls": ["https://www.YouTube.com/watch?v=1", "http://m.youtube.com/x"]},
        {"userid": "a", "tweet_time": T, "hashtags": ["hongkong"],
         "urls": ["HTTPS://youtube.com", "https://youtu.be/abc"]},
        {"userid": "a", "tweet_time": T, "hashtags": ["香港"], "user_mentions": ["u1", "u2"],
         "urls": ["https://user@mobile.Example.org:8080/p?q=1", "not a url"]},
        {"userid": "a", "tweet_time": T},
    ]  # fmt: skip
    return make_con([], tweets)


def test_hashtags_mentions_domains_and_counts(con):
    h = content.top_hashtags(con)
    assert list(zip(h["hashtag"], h["tweets"], strict=True)) == [
        ("香港", 2),
        ("HongKong", 1),  # case kept: a different campaign from #hongkong
        ("hongkong", 1),
    ]
    d = content.top_domains(con)
    assert list(zip(d["domain"], d["links"], strict=True)) == [
        ("youtube.com", 3),
        ("example.org", 1),
        ("youtu.be", 1),
    ]
    m = content.top_mentions(con)
    assert m["mention"].tolist() == ["u1", "u2"] and m["tweets"].tolist() == [2, 1]
    c = content.counts(con)
    assert (c["hashtag"], c["url"], c["mention"], c["hashtag_n"]) == (3, 3, 2, 4)


def test_summarize_known_answers(con):
    f = by_id(content.summarize(con, PROFILE, coverage(con)))
    assert all(x.available for x in f.values())
    assert f["content.with_hashtag_share"].value == 0.75
    assert f["content.with_url_share"].value == 0.75
    assert f["content.with_mention_share"].value == 0.5
    assert f["content.with_mention_share"].n == 4
    assert (f["content.top_hashtag"].value, f["content.top_hashtag_tweets"].value) == ("香港", 2)
    assert (f["content.top_domain"].value, f["content.top_domain_links"].value) == (
        "youtube.com",
        3,
    )
    assert f["content.top_mention_tweets"].value == 2
    assert f["content.entity_source"].value == (
        "Hashtags, links and mentions are read from the hashtags, urls and user_mentions "
        "columns of the dataset"
    )


@pytest.mark.slow
def test_null_lists_are_left_out_of_shares():
    tweets = [
        {"userid": "a", "tweet_time": T, "hashtags": ["x"]},
        {"userid": "a", "tweet_time": T, "hashtags": []},
        {"userid": "a", "tweet_time": T, "hashtags": None},
    ]
    con = make_con([], tweets)
    f = by_id(content.summarize(con, PROFILE, coverage(con)))
    assert f["content.with_hashtag_share"].value == 0.5 and f["content.with_hashtag_share"].n == 2


@pytest.mark.slow
def test_no_entities_at_all_is_a_measured_zero_and_no_top():
    con = make_con([], [{"userid": "a", "tweet_time": T}])
    f = by_id(content.summarize(con, PROFILE, coverage(con)))
    assert f["content.with_hashtag_share"].value == 0.0  # the lists are there, and empty
    assert f["content.top_hashtag"].reason == "no tweet in this dataset carries a hashtag"
    assert f["content.top_domain_links"].reason == "no link in this dataset has a web domain"
    assert f["content.top_mention_tweets"].reason == "no tweet in this dataset mentions an account"


GONE = [
    ("hashtags", ["with_hashtag_share", "top_hashtag", "top_hashtag_tweets"]),
    ("urls", ["with_url_share", "top_domain", "top_domain_links"]),
    ("user_mentions", ["with_mention_share", "top_mention_tweets"]),
]


@pytest.mark.parametrize(("column", "gone"), GONE)
def test_absent_column_and_text_is_unavailable_with_reason(con, column, gone):
    absent(con, "tweets", column)
    absent(con, "tweets", "tweet_text")
    f = by_id(content.summarize(con, PROFILE, coverage(con)))
    for name in gone:
        x = f[f"content.{name}"]
        assert not x.available and x.reason == (
            f"{column} is not in this dataset's tweets file, and there is no tweet text to "
            "extract them from"
        )
    assert all(x.available for x in f.values() if x.name not in gone)


@pytest.mark.slow
@pytest.mark.parametrize(("column", "gone"), GONE)
def test_absent_column_is_extracted_from_the_text(con, column, gone):
    """Without the column, the tweets' text is read by twitter-text's rules instead."""
    texts = ["#Сирия and #news @bob https://t.co/abc", "#news http://www.Example.org/x", "", None]
    for i, text in enumerate(texts, start=1):
        con.execute("UPDATE tweets SET tweet_text = ? WHERE tweetid = ?", [text, str(i)])
    absent(con, "tweets", column)
    f = by_id(content.summarize(con, PROFILE, coverage(con)))
    want = {
        "hashtags": {"with_hashtag_share": 2 / 3, "top_hashtag": "news", "top_hashtag_tweets": 2},
        "urls": {"with_url_share": 2 / 3, "top_domain": "example.org", "top_domain_links": 1},
        "user_mentions": {"with_mention_share": 1 / 3, "top_mention_tweets": 1},
    }[column]
    for name in gone:
        x = f[f"content.{name}"]
        assert x.available and x.value == pytest.approx(want[name]), name
    assert "extracted from the text" in f[f"content.{gone[0]}"].method
    said = f["content.entity_source"].value
    assert (
        f"extracted from the tweet text by the entity rules of Twitter itself (twitter-text), as this dataset has no {column} column"
        in said
    )
    assert f[f"content.{gone[0]}"].n == 3  # the tweet without text is not counted


def test_empty_tables_are_unavailable():
    con = make_con([], [])
    f = content.summarize(con, PROFILE, coverage(con))
    assert {x.id for x in f} == set(content.SPECS)
    assert all(x.reason == "this dataset's tweets file has no rows" for x in f)


# The domain rule as first written: lower-case the whole URL, then one regex. The faster SQL
# in content.py must count exactly the same domains.
REFERENCE_HOST = r"""regexp_replace(regexp_extract(lower(trim(u)),
    '^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?([^/?#:]+)', 1), '^(www|m|mobile)\.', '')"""


def test_domains_match_the_lower_case_whole_url_rule():
    urls = [
        "https://www.YouTube.com/watch?v=1", "HTTPS://WWW.YOUTUBE.COM", "  http://m.x.org/a  ",
        "https://user:pw@Mobile.Example.org:8080/p", "https://a@b@c.com/", "ftp://@host/x",
        "https://host?q=a@b", "https://host#frag@x", "\u0130ttps://\u0130stanbul.example/",
        "\u212aa://Kelvin.example", "Ωttps://greek.example", "1http://digit.example",
        "http:/one-slash.example", "mailto:someone@example.org", "not a url", "", "https://",
        "https://:8080/x", "s+v.-1://WWW.mixed.Example.COM/路径", "https://香港.例子.中国/x",
        "https://www.", "https://m.m.example", "https://mobile.www.example",
    ]  # fmt: skip
    con = make_con([], [{"userid": "a", "tweet_time": T, "urls": [u]} for u in urls])
    want = con.execute(
        f"""SELECT d, count(*) FROM (SELECT {REFERENCE_HOST} AS d FROM (SELECT unnest(urls) AS u
            FROM tweets)) WHERE d <> '' GROUP BY 1 ORDER BY 2 DESC, 1"""
    ).fetchall()
    got = content.top_domains(con, 100)
    assert list(zip(got["domain"], got["links"], strict=True)) == want
    assert ("istanbul.example", 1) in want and ("example.org", 1) in want  # the cases are live


def test_top_lists_are_measured_once_per_connection(con):
    first = content.top_domains(con, 1)
    con.execute("DELETE FROM tweets")  # a second call reads the cached counts, not the table
    assert content.top_domains(con, 15).iloc[:1].equals(first)


def test_more_than_the_cached_rows_are_measured_afresh():
    tags = [f"t{i:03d}" for i in range(content.CACHED_ROWS + 5)]
    con = make_con([], [{"userid": "a", "tweet_time": T, "hashtags": tags}])
    assert len(content.top_hashtags(con, 15)) == 15
    every = content.top_hashtags(con, len(tags) + 10)
    assert every["hashtag"].tolist() == tags and set(every["tweets"]) == {1}
    assert content.top_hashtags(con, 3)["hashtag"].tolist() == tags[:3]
