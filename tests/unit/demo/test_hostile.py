"""Hostile strings in both demo operations: every case planted and round-tripped, all of them on
ordinary low-activity accounts (never the headline most-active accounts), and no Chinese text or
flag in the operation that has none."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from takedown import demo
from takedown.demo.hostile import hostile_tweets, hostile_users

ACCOUNTS, TWEETS, SEED = 600, 12_000, 5
# Han ideographs (CJK unified, extensions, compatibility, radicals) and the 🇨🇳 flag
HAN = re.compile(
    "[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f]|\U0001f1e8\U0001f1f3"
)
# Markup every operation plants; then each operation's own scripts
NEEDLES = ("<script>window.__pwned=1</script>", "{{< var accounts >}}", "{{< include",
           "$$x^2$$", "# heading", "**bold**", "[link](javascript:alert(1))",
           "#set page(width: 1cm)", "@fig-x", "<label>", "\\", "`", "|", "---", "\r\n", '"', ",",
           "👨‍👩‍👧", "مرحبا", "שלום")  # fmt: skip
SCRIPTS = {"china": ("🇨🇳", "这", "這", "第一行"), "russia": ("🇷🇺", "Это кириллица", "Строка")}


@pytest.fixture(scope="module", params=sorted(demo.OPERATIONS))
def gen(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp(request.param)
    truth = demo.generate(out, seed=SEED, accounts=ACCOUNTS, tweets=TWEETS, operation=request.param)
    op = demo.OPERATIONS[request.param]
    rows = {}
    for kind, file in (("users", op.users_file), ("tweets", op.tweets_file)):
        with open(out / file, newline="", encoding="utf-8") as f:
            rows[kind] = list(csv.DictReader(f))
    return op, out, truth, rows


@pytest.mark.slow
def test_every_hostile_case_round_trips(gen) -> None:
    op, _, truth, rows = gen
    cells = {("tweets", r["tweetid"], c): v for r in rows["tweets"] for c, v in r.items()}
    cells |= {("users", r["userid"], c): v for r in rows["users"] for c, v in r.items()}
    for s in truth["hostile_samples"] + truth["top_account_profiles"]:
        assert cells[(s["file"], s["id"], s["column"])] == s["value"], s
    values = "\n".join(s["value"] for s in truth["hostile_samples"])
    for needle in NEEDLES + SCRIPTS[op.name]:
        assert needle in values, needle
    planted = {s["value"] for s in truth["hostile_samples"] if s["column"] == "tweet_text"}
    assert planted == set(hostile_tweets(op))
    empty = {s["column"] for s in truth["hostile_samples"] if s["value"] == ""}
    assert {"user_reported_location", "user_profile_description"} <= empty


def test_hostile_strings_sit_on_low_activity_accounts(gen) -> None:
    """The ten most active accounts (the overview's table) carry the operation's ordinary
    profiles; every hostile profile and tweet belongs to an account at most median-active."""
    op, _, truth, rows = gen
    per_user = Counter(r["userid"] for r in rows["tweets"])
    ranked = per_user.most_common()
    assert ranked[9][1] > ranked[10][1]  # the top ten is unambiguous
    top10 = [u for u, _ in ranked[:10]]
    assert top10 == truth["top_accounts"]
    median = float(np.median(list(per_user.values())))
    hostile = truth["hostile_accounts"]
    assert len(hostile) == len(hostile_users(op)) and not set(hostile) & set(top10)
    assert all(per_user[u] <= median for u in hostile), [per_user[u] for u in hostile]
    by_tweet = {r["tweetid"]: r["userid"] for r in rows["tweets"]}
    for s in truth["hostile_samples"]:
        owner = s["id"] if s["file"] == "users" else by_tweet[s["id"]]
        assert owner not in top10 and per_user[owner] <= median, s
    profiles = {(s["id"], s["column"]): s["value"] for s in truth["top_account_profiles"]}
    assert {i for i, _ in profiles} == set(top10[: len(op.top_profiles)])
    hostile_values = {v for u in hostile_users(op) for v in u if v} | set(hostile_tweets(op))
    users = {r["userid"]: r for r in rows["users"]}
    for u in top10:  # nothing of the test strings in the headline table's cells
        shown = [users[u][c] for c in ("user_display_name", "user_profile_description")]
        assert not [v for v in shown if v in hostile_values or "<script" in v or "{{<" in v]


def test_operation_without_chinese_text_plants_none(gen) -> None:
    op, out, truth, _ = gen
    text = "".join((out / f).read_text(encoding="utf-8") for f in truth["files"].values())
    if op.name == "china":
        assert HAN.search(text)
    else:
        assert not HAN.search(text), HAN.findall(text)[:10]


def test_hostile_tables_fill_every_placeholder() -> None:
    for op in demo.OPERATIONS.values():
        strings = list(hostile_tweets(op)) + [v for u in hostile_users(op) for v in u]
        keys = ("lines", "mixed", "flag", "place", "family", "scripts")
        assert not [s for s in strings for k in keys if "{" + k + "}" in s]
        assert len(set(hostile_tweets(op))) == len(hostile_tweets(op)) == 30


def test_files_are_named_for_the_operation(gen) -> None:
    op, out, truth, _ = gen
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [op.users_file, op.tweets_file, demo.TRUTH_FILE]
    )
    assert isinstance(truth["files"], dict) and Path(out / truth["files"]["tweets"]).exists()
