"""Groups on tiny users and tweets tables whose per-group answers are worked out by hand."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from takedown.db import measure_coverage
from takedown.errors import ProfileError
from takedown.findings import group_table as gt
from takedown.findings import groups
from takedown.ingest.dataset import load_dataset
from takedown.profile import Profile
from takedown.text import md_table

PROFILE = Profile(name="t", title="t")

# account_category: X has a and b, Y has c and d, Z has e, f has none; g tweets but is not listed.
USERS = [
    ("a", 0, "X", "r1"), ("b", 5, "X", "r1"), ("c", 0, "Y", "r2"), ("d", None, "Y", "r2"),
    ("e", 3, "Z", None), ("f", 0, None, None),
]  # fmt: skip
TWEETS = [
    ("a", "2020-01-06 01:00", True, "en"), ("a", "2020-01-06 02:00", False, "en"),
    ("a", "2020-01-06 23:30", False, "ru"), ("b", "2020-01-07 01:00", False, "en-gb"),
    ("c", "2020-01-07 02:00", True, "ru"), ("c", "2020-01-07 03:00", True, "ru"),
    ("e", "2020-01-08 04:00", False, "und"), ("f", "2020-01-08 05:00", False, "en"),
    ("g", "2020-01-08 06:00", False, "en"),
]  # fmt: skip


def make(users=USERS, tweets=TWEETS, absent: tuple[str, ...] = ()):
    """users(userid, follower_count, account_category, region) and tweets(tweetid, userid,
    tweet_time, is_retweet, tweet_language); `absent` columns NULL and not in the files."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute("CREATE TABLE users (userid VARCHAR, follower_count BIGINT, "
                "account_category VARCHAR, region VARCHAR)")  # fmt: skip
    con.execute("CREATE TABLE tweets (tweetid VARCHAR, userid VARCHAR, tweet_time TIMESTAMPTZ, "
                "is_retweet BOOLEAN, tweet_language VARCHAR)")  # fmt: skip
    if users:
        con.executemany("INSERT INTO users VALUES (?, ?, ?, ?)", users)
    if tweets:
        con.executemany(
            "INSERT INTO tweets VALUES (?, ?, CAST(? AS TIMESTAMP) AT TIME ZONE 'UTC', ?, ?)",
            [(str(i), *t) for i, t in enumerate(tweets)],
        )
    present: dict[str, list[str]] = {}
    for table in ("users", "tweets"):
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        for c in absent:
            if c in cols:
                con.execute(f"UPDATE {table} SET {c} = NULL")
        present[table] = [c for c in cols if c not in absent]
    return con, measure_coverage(con, present)


def by_name(findings):
    out = {f.name: f for f in findings}
    assert len(out) == len(findings)
    return out


def test_breakdown_rows_by_hand():
    con, cov = make()
    t = gt.breakdown(con, "account_category", cov, cap=2)
    assert t["kind"].tolist() == ["group", "group", "other", "none"]
    assert t["label"].tolist() == ["X", "Y", "other (1 group)", "no value"]
    assert t["accounts"].tolist() == [2, 2, 1, 1]
    assert t["tweets"].tolist() == [4, 2, 1, 2]  # g is not in the users file: no value
    assert t["zero_followers"].tolist() == [1, 1, 0, 1]
    assert t["follower_n"].tolist() == [2, 1, 1, 1]  # d's count is NULL: left out
    assert t["zero_share"].tolist() == [0.5, 1.0, 0.0, 1.0]
    assert t["retweet_share"].tolist() == [0.25, 1.0, 0.0, 0.0]
    assert t["top_languages"].iloc[0] == "en 75%, ru 25%"  # en-gb counts as en
    assert t["top_languages"].iloc[1] == "ru 100%"
    assert pd.isna(t["top_languages"].iloc[2])  # und is no language
    assert t["accounts"].sum() == len(USERS) and t["tweets"].sum() == len(TWEETS)


def test_display_says_not_available_never_zero():
    con, cov = make(absent=("follower_count", "tweet_language"))
    shown = gt.display(gt.breakdown(con, "account_category", cov, cap=2), cov)
    assert set(shown["zero-follower share"]) == {gt.NOT_AVAILABLE}
    assert set(shown["top languages"]) == {gt.NOT_AVAILABLE}
    assert shown["retweet share"].tolist() == ["25.0%", "100.0%", "0.0%", "0.0%"]


@pytest.mark.slow
def test_summarize_by_hand():
    con, cov = make()
    f = by_name(groups.summarize(con, PROFILE, cov))
    assert f["attribute"].value == "account_category" and f["attribute"].n == 5
    assert f["attributes"].value == "account_category, region"  # account_type is not there
    assert (f["groups"].value, f["shown"].value, f["other_groups"].value) == (3, 3, 0)
    assert f["accounts_without_group"].value == 1
    assert f["largest_group_share"].value == pytest.approx(2 / 5)
    assert f["largest_group_share"].n == 5
    assert (f["zero_follower_share_low"].value, f["zero_follower_share_low"].n) == (0.0, 1)
    assert (f["zero_follower_share_high"].value, f["zero_follower_share_high"].n) == (1.0, 1)
    assert (f["retweet_share_low"].value, f["retweet_share_high"].value) == (0.0, 1.0)
    assert f["retweet_share_high"].n == 2
    assert f["top_languages"].value == 2 and f["top_languages"].n == 2  # en (X), ru (Y)
    assert f["clock_shown"].value == "UTC"
    assert f["clock_reading"].value.startswith("the profile declares no timezone")
    assert (f["clock_groups"].value, f["clock_too_few"].value) == (0, 3)  # 240 tweets each
    assert all(x.available for x in f.values())


@pytest.mark.slow
def test_profile_group_by_picks_the_column_and_an_unknown_one_is_an_error():
    con, cov = make()
    f = by_name(groups.summarize(con, Profile(name="t", title="t", group_by=["region"]), cov))
    assert f["attribute"].value == "region" == f["attributes"].value
    assert (f["groups"].value, f["accounts_without_group"].value) == (2, 2)
    bad = Profile(name="t", title="t", group_by=["region", "nope"])
    assert groups.unknown_column(bad, ["userid", "region"]) == "nope"
    with pytest.raises(ValueError, match="'nope' is not in this dataset's users file"):
        groups.summarize(con, bad, cov)


def test_no_group_column_is_unavailable_with_the_reason():
    con, cov = make(absent=("account_category", "region"))
    f = by_name(groups.summarize(con, PROFILE, cov))
    assert not any(x.available for x in f.values())
    assert f["groups"].reason.startswith(
        "the users file of this dataset carries none of the account"
    )
    assert "the profile names no group_by column" in f["groups"].reason
    named = Profile(name="t", title="t", group_by=["region"])
    f = by_name(groups.summarize(con, named, cov))
    assert f["groups"].reason == "region is not in this dataset's users file"
    f = by_name(groups.summarize(con, Profile(name="t", title="t", group_by=[]), cov))
    assert f["groups"].reason == "group_by in the profile names no column"


@pytest.mark.slow
def test_missing_counts_are_unavailable_and_the_rest_unchanged():
    con, cov = make()
    full = by_name(groups.summarize(con, PROFILE, cov))
    con, cov = make(absent=("follower_count", "is_retweet", "tweet_language"))
    f = by_name(groups.summarize(con, PROFILE, cov))
    for name in ("zero_follower_share_low", "zero_follower_share_high"):
        assert f[name].reason == "follower_count is not in this dataset's users file"
    assert f["retweet_share_low"].reason == "is_retweet is not in this dataset's tweets file"
    assert f["top_languages"].reason == "tweet_language is not in this dataset's tweets file"
    for name in ("groups", "shown", "largest_group_share", "clock_too_few"):
        assert f[name].value == full[name].value


@pytest.mark.slow
def test_empty_tables_are_unavailable():
    con, cov = make(users=[], tweets=[])
    f = by_name(groups.summarize(con, PROFILE, cov))
    assert not any(x.available for x in f.values())
    assert f["groups"].reason == "the users file of this dataset has no rows"
    con, cov = make(tweets=[])
    f = by_name(groups.summarize(con, PROFILE, cov))
    assert f["groups"].value == 3 and f["retweet_share_low"].reason.endswith("has no rows")
    assert f["clock_groups"].reason == "this dataset's tweets file has no rows"


def test_hours_on_the_clock_shown():
    con, cov = make()
    h = groups.hours(con, "account_category", cov, "Asia/Shanghai")
    x = h[(h["kind"] == "group") & (h["group"] == "X")].set_index("hour")["tweets"]
    assert x.to_dict() == {7: 1, 9: 2, 10: 1}  # UTC+8: 23:30 is 07:30, 01:00 twice is 09:00
    assert h.groupby(["kind", "group"], dropna=False)["share"].sum().round(12).eq(1).all()
    assert h["tweets"].sum() == len(TWEETS)


@pytest.mark.slow
def test_a_declared_zone_the_data_cannot_check_is_the_clock():
    con, _ = make()
    clk = groups.shown_clock(con, Profile(name="t", title="t", timezone="Asia/Shanghai"))
    assert clk.shown == "Asia/Shanghai" and "too few days" in clk.reading


def test_render_refuses_an_unknown_group_column_naming_it(tmp_path):
    con, _ = make()
    for table in ("users", "tweets"):
        con.execute(f"COPY {table} TO '{tmp_path / table}.parquet' (FORMAT parquet)")
    groups.check_group_by(Profile(name="t", title="t", group_by=["region"]), tmp_path / "p.yml",
                          tmp_path)  # fmt: skip
    groups.check_group_by(PROFILE, tmp_path / "p.yml", tmp_path)  # nothing named: nothing to check
    bad = Profile(name="t", title="t", group_by=["region", "party"])
    with pytest.raises(ProfileError) as exc:
        groups.check_group_by(bad, tmp_path / "p.yml", tmp_path)
    msg = str(exc.value)
    assert msg.startswith(f"{tmp_path / 'p.yml'}: field group_by: column 'party' is not in this")
    assert "(userid, follower_count, account_category, region)" in msg and "\n" not in msg


@pytest.mark.slow
def test_ira_account_category_groups_match_the_authors_file(ira, ira_dir, shared_data):
    """The real IRA sample: accounts per account_category equal an independent count of
    authors.csv.gz (FiveThirtyEight's own category per author)."""
    authors = (shared_data / "ira_538_by_author" / "authors.csv.gz").as_posix()
    truth = dict(
        duckdb.sql(
            f"SELECT account_category, count(*) FROM read_csv('{authors}', all_varchar=true) "
            "GROUP BY 1"
        ).fetchall()
    )
    cov = load_dataset(ira_dir).coverage
    t = gt.breakdown(ira, "account_category", cov)
    assert len(truth) <= gt.MAX_GROUPS and set(t["kind"]) == {"group"}
    assert dict(zip(t["group"], t["accounts"], strict=True)) == truth
    f = by_name(groups.summarize(ira, PROFILE, cov))
    assert f["attribute"].value == "account_category" and f["groups"].value == len(truth)
    assert f["attributes"].value == "account_category, account_type, region"
    assert f["largest_group_share"].value == pytest.approx(
        max(truth.values()) / sum(truth.values())
    )


@pytest.mark.slow
def test_group_like_columns_for_a_draft_profile():
    """Text columns with 2 to MAX_DRAFT_VALUES distinct values; not one value, not ids."""
    con, cov = make()
    con.execute("ALTER TABLE users ADD COLUMN one VARCHAR DEFAULT 'same'")
    con.execute("ALTER TABLE users ADD COLUMN user_screen_name VARCHAR DEFAULT 'x'")
    con.execute("UPDATE users SET user_screen_name = userid")
    cov = measure_coverage(con)
    assert groups.group_like(con, cov) == ["account_category", "region"]
    con.execute("UPDATE users SET region = userid || 'r'")
    assert groups.group_like(con, cov) == ["account_category", "region"]  # 6 values: still few
    many = [(f"u{i}", 0, f"c{i}", None) for i in range(groups.MAX_DRAFT_VALUES + 1)]
    con, cov = make(users=many)
    assert groups.group_like(con, cov) == []


def test_draft_profile_lists_group_like_columns_commented():
    from takedown.pipeline.profile_text import _groups

    lines = _groups({"group_columns": ["account_category", "region"]})
    assert "# group_by: [account_category, region]" in lines
    assert all(ln.startswith("#") or not ln for ln in lines)
    assert "# No users column with a few distinct values was found." in _groups({})


def test_hostile_group_names_stay_text_in_the_table():
    hostile = ["{{< include /etc/passwd >}}", "<script>alert(1)</script>", "$x^2$ | *b*"]
    users = [(f"u{i}", 0, name, None) for i, name in enumerate(hostile)]
    con, cov = make(users=users, tweets=[("u0", "2020-01-06 01:00", False, "en")])
    shown = gt.display(gt.breakdown(con, "account_category", cov), cov)
    assert sorted(shown["group"]) == sorted(hostile)  # the data's own labels, unchanged
    text = md_table(shown)
    assert "{{<" not in text and "<script>" not in text and "| *b*" not in text
