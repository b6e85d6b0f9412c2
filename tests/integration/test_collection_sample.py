"""A profile declaring a 1-in-12 sample: the report says its counts are counts in the sample,
in the summary and in every section whose counts scale with it, and multiplies none up."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import ROOT, run_cli, tweet_row, user_row, write_csv

OP = "sample_012020"
SAMPLE_PHRASE = "counts in the sample (every 12th tweet per account)"
BURST = 6  # accounts posting one text within five minutes: one coordination cluster


def _archive(folder: Path) -> list[dict[str, str]]:
    """9 listed accounts, 8 of which tweet; 96 ordinary tweets and a burst of copies."""
    folder.mkdir(parents=True)
    write_csv(folder / f"{OP}_users_csv_hashed.csv", [user_row(i) for i in range(9)])
    tweets = [tweet_row(i, i % 8, tweet_text=f"ordinary tweet number {i}") for i in range(96)]
    tweets += [
        tweet_row(500 + k, k, tweet_text="The very same coordinated message, copied",
                  tweet_time=f"2020-01-10 12:0{k}")
        for k in range(BURST)
    ]  # fmt: skip
    write_csv(folder / f"{OP}_tweets_csv_hashed.csv", tweets)
    return tweets


def _sections(html: str) -> dict[str, str]:
    """Each top-level section's HTML by its id."""
    parts = re.split(r'<section id="([^"]+)" class="level1', html)
    return {parts[i]: " ".join(parts[i + 1].split()) for i in range(1, len(parts) - 1, 2)}


@pytest.fixture(scope="module")
def sampled(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("sample")
    tweets = _archive(tmp / "raw")
    profile = tmp / "sampled.yml"
    profile.write_text(
        (ROOT / "profiles" / "generic.yml")
        .read_text(encoding="utf-8")
        .replace("name: generic", "name: sampled")
        + "collection:\n  description: Every 12th tweet per account, as the publisher says.\n"
        "  sample: {every: 12, per: account}\n",
        encoding="utf-8",
    )
    data, out = tmp / "data", tmp / "reports"
    r = run_cli("ingest", tmp / "raw", "--dataset", "ds", "--data-dir", data)
    assert r.returncode == 0, r.stderr
    r = run_cli(
        "render", "ds", "--engine", "builtin", "--data-dir", data, "--out", out, "--profile", profile, cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(tmp / "cache")},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr + r.stdout
    (folder,) = (p for p in (out / "ds").iterdir() if not p.name.startswith("."))
    findings = json.loads((folder / "findings.json").read_text(encoding="utf-8"))["findings"]
    return {
        "html": (folder / "report.html").read_text(encoding="utf-8"),
        "pdf": " ".join(
            " ".join((page.extract_text() or "").split())
            for page in PdfReader(folder / "report.pdf").pages
        ),
        "findings": {f["id"]: f for f in findings},
        "tweets": tweets,
    }


@pytest.mark.slow
def test_summary_and_scaled_sections_say_counts_are_counts_in_the_sample(sampled):
    sections = _sections(sampled["html"])
    assert "uniform sample, every 12th tweet per account" in sections["summary"]
    assert "Every 12th tweet per account, as the publisher says." in sections["summary"]
    for sid in ("overview", "volume-over-time", "coordination"):
        assert SAMPLE_PHRASE in sections[sid], sid
    overview = sections["overview"]
    assert "most active accounts in" in overview.split(SAMPLE_PHRASE)[0][-300:]
    assert "Accounts in the users table with no tweet in the tweets file: 1." in overview
    # Sections of shares only say nothing of the kind.
    for sid in ("followers", "language"):
        assert "counts in the sample" not in sections[sid], sid


@pytest.mark.slow
def test_findings_are_the_raw_counts_never_multiplied_up(sampled):
    f, tweets = sampled["findings"], sampled["tweets"]
    assert f["overview.tweets"]["value"] == len(tweets) == 102
    assert f["overview.active_accounts"]["value"] == 8
    assert f["overview.accounts"]["value"] == 9
    assert f["overview.accounts_without_tweets"]["value"] == 1
    assert f["overview.tweets_per_account_max"]["value"] == max(
        Counter(t["userid"] for t in tweets).values()
    )
    per_day = Counter(t["tweet_time"][:10] for t in tweets)
    assert f["volume.peak_day_tweets"]["value"] == max(per_day.values())
    assert f["coordination.clusters"]["value"] == 1
    assert f["coordination.largest_cluster_accounts"]["value"] == BURST


@pytest.mark.slow
def test_the_pdf_says_the_same(sampled):
    pdf = sampled["pdf"]
    assert "The data are a uniform sample, every 12th tweet per account" in pdf
    # overview, volume (days and spikes) and coordination
    assert pdf.count(SAMPLE_PHRASE) >= 3
