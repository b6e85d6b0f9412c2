"""The data behind the rendered demo report: a CSV per figure and table, linked, agreeing with
findings.json; accounts.csv; example tweets that are the data's own and stay inert text."""

from __future__ import annotations

import csv
import re
from html import unescape
from pathlib import Path

import duckdb
import pytest

from takedown.db import open_dataset

pytestmark = pytest.mark.slow

LABELS = re.compile(r'id="((?:fig|tbl)-[A-Za-z0-9_-]+)"')


def _csv(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _value(rendered: dict, fid: str) -> object:
    return rendered["findings"][fid]["value"]


def test_every_figure_and_table_has_its_csv_and_a_link_to_it(rendered):
    folder = rendered["folder"]
    html = (folder / "report.html").read_text(encoding="utf-8")
    labels = set(LABELS.findall(html))
    assert {"fig-monthly", "tbl-top-accounts-examples", "tbl-coordination-examples"} <= labels
    assert {"tbl-files", "tbl-packages", "tbl-runs"} <= labels  # the pipeline's own tables
    missing = sorted(x for x in labels if not (folder / "tables" / f"{x}.csv").is_file())
    assert missing == []
    unlinked = sorted(x for x in labels if f'href="tables/{x}.csv"' not in html)
    assert unlinked == []
    assert "Data behind this report" in html and 'href="accounts.csv"' in html


def test_csv_numbers_equal_findings(rendered):
    t = rendered["folder"] / "tables"
    tags = _csv(t, "tbl-content-hashtags.csv")
    assert (tags[0]["hashtag"], int(tags[0]["uses"])) == (
        _value(rendered, "content.top_hashtag"), _value(rendered, "content.top_hashtag_tweets"))  # fmt: skip
    domains = _csv(t, "tbl-content-domains.csv")
    assert (domains[0]["domain"], int(domains[0]["links"])) == (
        _value(rendered, "content.top_domain"), _value(rendered, "content.top_domain_links"))  # fmt: skip
    days = _csv(t, "fig-volume-daily.csv")
    assert sum(int(d["tweets"]) for d in days) == _value(rendered, "overview.tweets")
    assert max(int(d["tweets"]) for d in days) == _value(rendered, "volume.peak_day_tweets")
    assert sum(int(d["tweets"]) > 0 for d in days) == _value(rendered, "volume.active_days")
    top = _csv(t, "tbl-top-accounts.csv")
    assert int(top[0]["tweets"]) == _value(rendered, "overview.tweets_per_account_max")
    clusters = _csv(t, "tbl-coordination-clusters.csv")
    assert max(int(c["accounts"]) for c in clusters) == _value(
        rendered, "coordination.largest_cluster_accounts"
    )
    waves = _csv(t, "tbl-creation-waves.csv")
    assert [int(w["accounts"]) for w in waves] == [
        _value(rendered, f"account_creation.wave{i}_accounts") for i in range(1, len(waves) + 1)
    ]


def test_accounts_csv_has_every_account_and_every_tweet(rendered):
    rows = _csv(rendered["folder"], "accounts.csv")
    con = open_dataset(rendered["data"] / "demo" / "current")
    accounts, tweets = con.execute(
        """SELECT (SELECT count(*) FROM (SELECT userid FROM users UNION SELECT userid FROM tweets)),
                  (SELECT count(*) FROM tweets)"""
    ).fetchone()
    assert len(rows) == accounts == rendered["truth"]["accounts"]
    assert sum(int(r["tweets"]) for r in rows) == tweets == _value(rendered, "overview.tweets")
    assert sum(r["clusters"] != "" for r in rows) == _value(
        rendered, "coordination.accounts_involved"
    )
    per_wave: dict[str, int] = {}
    for r in rows:
        per_wave[r["wave"]] = per_wave.get(r["wave"], 0) + 1
    waves = _csv(rendered["folder"] / "tables", "tbl-creation-waves.csv")
    assert [per_wave[w["wave"]] for w in waves] == [int(w["accounts"]) for w in waves]
    # no cell a spreadsheet would run as a formula (unit-tested with planted formulas)
    assert not any(r["account"][:1] in ("=", "+", "-", "@") for r in rows)


def test_examples_are_the_earliest_tweets_and_inert_in_the_report(rendered):
    folder = rendered["folder"]
    ex = _csv(folder / "tables", "tbl-top-accounts-examples.csv")
    assert len(ex) == 10
    con: duckdb.DuckDBPyConnection = open_dataset(rendered["data"] / "demo" / "current")
    for row in ex:
        first = con.execute(
            """SELECT tweetid FROM tweets WHERE userid = ?
               ORDER BY tweet_time, tweetid, tweet_text LIMIT 1""",
            [row["key"]],
        ).fetchone()[0]
        assert row["tweetid"] == first
    html = (folder / "report.html").read_text(encoding="utf-8")
    part = html[html.index('id="tbl-top-accounts-examples"') :][:60000]
    for row in ex[:3]:
        assert row["tweetid"] in part
    # the hostile strings the demo plants never become markup or shortcodes
    assert "<script>window.__pwned" not in html
    assert "root:x:0:0" not in unescape(html)  # an include shortcode in the data never ran
    clusters = _csv(folder / "tables", "tbl-coordination-examples.csv")
    assert len({c["key"] for c in clusters}) == min(40, _value(rendered, "coordination.clusters"))
