"""From files in each export format to a rendered report, editing only YAML.

Each small fixture goes ingest -> profile init -> render with the drafted profile. Findings the
format cannot support are unavailable with a reason; the rest are measured.
"""

from __future__ import annotations

import base64
import csv
import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, tweet_row, user_row, write_csv

OLD_USERS = [c for c in user_row(0) if c != "account_language"]
OLD_TWEETS = [c for c in tweet_row(0) if c not in ("quote_count", "reply_count", "poll_choices")]


def old_vintage(folder: Path) -> list[str]:
    """A 2018-style archive: fewer columns, tweet_id / user_id header names, M/D/YYYY dates."""
    folder.mkdir()
    users = [user_row(i) for i in range(40)]
    tweets = [
        tweet_row(i, i % 40, tweet_time=f"{1 + i % 12}/{1 + i % 28}/2018 {i % 24}:{i % 60:02d}")
        for i in range(1200)
    ]
    write_csv(folder / "old_012018_users_csv_unhashed.csv", users, OLD_USERS)
    path = write_csv(folder / "old_012018_tweets_csv_unhashed.csv", tweets, OLD_TWEETS)
    text = path.read_text().replace("tweetid,userid", "tweet_id,user_id", 1)
    path.write_text(text)
    return []


def tweets_only(folder: Path) -> list[str]:
    """A consolidated mirror file: base64 ids, float counts, the account columns on each row."""
    folder.mkdir()
    rows = []
    for i in range(1500):
        u = base64.b64encode(f"acct{i % 50}".encode()).decode()
        rows.append(tweet_row(i, userid=u, follower_count=f"{i % 7}.0", like_count=f"{i % 3}.0",
                              tweet_time=f"2019-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:05"))  # fmt: skip
    write_csv(folder / "io_mirror_consolidated.csv", rows)
    return []


FTE_HEADER = ["external_author_id", "author", "content", "region", "language", "publish_date",
              "harvested_date", "following", "followers", "updates", "post_type", "account_type",
              "retweet", "account_category", "new_june_2018", "alt_external_id", "tweet_id"]  # fmt: skip


def fivethirtyeight(folder: Path) -> list[str]:
    """FiveThirtyEight's original IRAhandle_tweets_N.csv layout."""
    folder.mkdir()
    with open(folder / "IRAhandle_tweets_1.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(FTE_HEADER)
        for i in range(1500):
            a = i % 30
            w.writerow([str(100 + a), f"HANDLE{a}", f"text {i} #tag{i % 5}", "United States",
                        "English" if i % 3 else "Russian",
                        f"{1 + i % 12}/{1 + i % 28}/2016 {i % 24}:{i % 60:02d}", "1/1/2017 0:00",
                        str(i % 50), str(a * 10), str(i), "RETWEET" if i % 4 == 0 else "",
                        "Right", "1" if i % 4 == 0 else "0", "RightTroll", "0", str(100 + a),
                        str(9000 + i)])  # fmt: skip
    return ["--format", "ira538"]


def jsonl_mapped(folder: Path) -> list[str]:
    """A JSONL scrape read through a column mapping in a profile (no users file)."""
    folder.mkdir()
    lines = []
    for i in range(1500):
        lines.append(json.dumps({
            "id": f"p{i}", "at": 1546300800 + i * 3607, "body": f"post {i} #x{i % 4}",
            "author": {"id": f"a{i % 25}", "followers": i % 9}, "lang": "ru",
        }))  # fmt: skip
    (folder / "scrape.jsonl").write_text("\n".join(lines) + "\n")
    profile = folder.parent / "mapping.yml"
    profile.write_text(
        "name: scrape\ntitle: A scrape\nsource:\n  format: mapped\n  time_format: epoch\n"
        "  tweets:\n    file: '*.jsonl'\n    columns: {tweetid: id, userid: author.id, "
        "follower_count: author.followers, tweet_text: body, tweet_time: at, tweet_language: lang}\n"
    )
    return ["--profile", str(profile)]


FORMATS = {
    "old-vintage": (old_vintage, "twitter", set()),
    "tweets-only": (tweets_only, "tweets-only", set()),
    "fivethirtyeight": (fivethirtyeight, "ira538", {"engagement.zero_engagement_share"}),
    "jsonl-mapped": (jsonl_mapped, "mapped", {"engagement.zero_engagement_share"}),
}  # fmt: skip


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_to_report_with_only_yaml(fmt, tmp_path):
    build, source_format, unavailable = FORMATS[fmt]
    raw, data, out = tmp_path / "raw", tmp_path / "data", tmp_path / "reports"
    extra = build(raw)
    r = run_cli("ingest", raw, "--dataset", "ds", "--data-dir", data, *extra)
    assert r.returncode == 0, r.stderr
    ds = json.loads((data / "ds" / "dataset.json").read_text())
    assert ds["source_format"] == source_format
    profile = tmp_path / "drafted.yml"
    r = run_cli("profile", "init", "ds", "--data-dir", data, "--out", profile)
    assert r.returncode == 0, r.stderr
    r = run_cli("render", "ds", "--engine", "builtin", "--data-dir", data, "--out", out, "--profile", profile,
                cwd=ROOT, env={"TAKEDOWN_CACHE_DIR": str(tmp_path / "cache")})  # fmt: skip
    assert r.returncode == 0, r.stderr + r.stdout
    (folder,) = (p for p in (out / "ds").iterdir() if not p.name.startswith("."))
    assert (folder / "report.pdf").read_bytes()[:5] == b"%PDF-"
    found = {f["id"]: f for f in json.loads((folder / "findings.json").read_text())["findings"]}
    assert found["overview.tweets"]["value"] == ds["counts"]["tweets"] > 1000
    for fid in unavailable:
        assert found[fid]["status"] == "unavailable" and found[fid]["reason"], found[fid]
    for f in found.values():
        assert (f["status"] == "ok") == (f["value"] is not None), f
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f"Files read as {source_format}" in html
    if fmt == "jsonl-mapped":  # no hashtags column: every "post i #x.." text has one (issue 16)
        tags = found["content.with_hashtag_share"]
        assert tags["value"] == 1.0 and "extracted from the text" in tags["method"]


def test_ira_sample_renders_with_a_drafted_profile(rendered_ira):
    folder = rendered_ira["folder"]
    found = {f["id"]: f for f in json.loads((folder / "findings.json").read_text())["findings"]}
    assert found["overview.tweets"]["value"] == 206_655
    assert found["account_creation.first_created"]["status"] == "unavailable"
    assert "by assumption" in found["posting_clock.timestamp_clock"]["value"]
