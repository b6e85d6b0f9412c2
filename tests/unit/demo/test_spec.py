"""Operation specs (issue 18 item 6): a tiny spec's archive has the spec's sizes, languages,
clients, span and clock; bad specs fail on the field; the presets are specs."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from takedown import demo
from takedown.demo.spec import SPECS, OperationSpec, operation, spec_of
from tests.conftest import run_cli

TINY = dict(
    name="tiny_op", base="russia", accounts=300, tweets=6_000, start="2016-03-01",
    end="2016-05-31", languages={"ru": 0.5, "en": 0.3, "de": 0.1, "und": 0.1},
    clients={"Twitter Web Client": 0.6, "IFTTT": 0.3, "dlvr.it": 0.1}, utc_offset_hours=-5,
    working_hours=(8, 17),
)  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("spec")
    spec = demo.load_spec(TINY)
    truth = demo.generate(out, spec=spec, seed=11)
    rows = {}
    for kind in ("users", "tweets"):
        with open(out / f"tiny_op_{kind}_csv_hashed.csv", newline="", encoding="utf-8") as f:
            rows[kind] = list(csv.DictReader(f))
    return spec, truth, rows


@pytest.mark.slow
def test_sizes_and_files(built) -> None:
    spec, truth, rows = built
    assert len(rows["users"]) == truth["accounts"] == spec.accounts
    assert len(rows["tweets"]) == truth["tweets"] == spec.tweets
    assert {r["userid"] for r in rows["tweets"]} == {r["userid"] for r in rows["users"]}
    assert truth["files"]["tweets"] == "tiny_op_tweets_csv_hashed.csv"
    assert truth["operation"] == "tiny_op" and truth["absent_columns"] == []


def test_span_and_clock(built) -> None:
    """First and last tweet on the spec's first and last day; the posting clock is the spec's
    working day at its offset (UTC-5 here)."""
    spec, truth, rows = built
    utc = pd.to_datetime(pd.Series([r["tweet_time"] for r in rows["tweets"]]))
    local = utc + pd.Timedelta(hours=spec.utc_offset_hours)
    assert (local.min().date(), local.max().date()) == (spec.start, spec.end)
    assert truth["utc_offset_hours"] == -5 and truth["timezone"] == "Etc/GMT+5"
    h0, h1 = spec.working_hours
    working = (local.dt.day_of_week < 5) & (local.dt.hour >= h0) & (local.dt.hour < h1)
    assert truth["working_hours_share"] == round(float(working.mean()), 6) > 0.7
    assert (truth["working_hours"]["start"], truth["working_hours"]["end"]) == (h0, h1)


def test_language_and_client_mix(built) -> None:
    """Languages drawn per tweet (the 30 hostile tweets are labelled und); clients per account,
    filled by quota, so a mix is off by at most about one account's tweets."""
    spec, truth, rows = built
    n = spec.tweets
    langs = Counter(r["tweet_language"] for r in rows["tweets"])
    assert set(langs) == set(spec.languages)
    assert truth["tweet_language_share"] == {k: round(langs[k] / n, 6) for k in spec.languages}
    for k, p in spec.languages.items():
        assert abs(langs[k] / n - p) <= 0.02 + 30 / n, k
    clients = Counter(r["tweet_client_name"] for r in rows["tweets"])
    assert set(clients) == set(spec.clients)
    assert truth["client_share"] == {k: round(clients[k] / n, 6) for k in spec.clients}
    biggest = max(Counter(r["userid"] for r in rows["tweets"]).values()) / n
    for k, p in spec.clients.items():
        assert abs(clients[k] / n - p) <= biggest + 0.03, (k, clients[k] / n, biggest)


def test_planted_truth_is_written_as_for_the_demos(built) -> None:
    _, truth, rows = built
    assert truth["coordination"]["clusters"] and truth["hostile_samples"]
    assert all(truth["networks"][k] for k in ("co_retweet", "co_link", "co_hashtag", "co_reply"))
    ids = {r["tweetid"] for r in rows["tweets"]}
    assert {i for c in truth["coordination"]["clusters"] for i in c["tweetids"]} <= ids


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tweets": 100}, "tweets"),
        ({"accounts": 1}, "accounts"),
        ({"languages": {"ru": 0.8, "en": 0.4}}, "languages"),
        ({"languages": {"und": 1.0}}, "languages"),
        ({"clients": {}}, "clients"),
        ({"working_hours": (18, 9)}, "working_hours"),
        ({"end": "2016-02-01"}, "end"),
        ({"start": "2009-05-09"}, "start"),
        ({"utc_offset_hours": 15}, "utc_offset_hours"),
        ({"name": "Bad Name"}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_spec_names_the_field(change: dict, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^operation spec: field {field}: "):
        demo.load_spec({**TINY, **change})


@pytest.mark.slow
def test_presets_are_specs(tmp_path: Path) -> None:
    """Each preset is the operation of its own spec; a different spec may not take its name."""
    for name, op in demo.OPERATIONS.items():
        assert SPECS[name] == spec_of(op) and operation(SPECS[name]) is op
        assert (SPECS[name].accounts, SPECS[name].tweets) == (
            op.default_accounts,
            op.default_tweets,
        )
        assert abs(sum(SPECS[name].languages.values()) - 1) < 1e-9
    assert SPECS["russia"].accounts == 1_152 and SPECS["russia"].start == dt.date(2014, 11, 3)
    other = OperationSpec(**{**SPECS["china"].model_dump(), "accounts": 100, "tweets": 1000})
    with pytest.raises(ValueError, match="field name: 'china' is a preset"):
        operation(other)
    res = run_cli("demo", tmp_path, "--operation", "russia", "--accounts", "60", "--tweets", "300")
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize(("accounts", "tweets"), [(6, 340), (4, 229), (2, 2)])
def test_the_archives_smallest_operations_keep_their_real_size(tmp_path, accounts, tweets) -> None:
    """The release list's smallest rows (six Saudi accounts and 340 tweets; four accounts) are
    generated at their real size, not raised to a floor; every account tweets, and the profiles
    planted on the most active and on quiet accounts each sit on an account of their own."""
    spec = demo.load_spec({**TINY, "accounts": accounts, "tweets": tweets})
    truth = demo.generate(tmp_path, spec=spec, seed=3)
    with open(tmp_path / "tiny_op_users_csv_hashed.csv", newline="", encoding="utf-8") as f:
        users = list(csv.DictReader(f))
    with open(tmp_path / "tiny_op_tweets_csv_hashed.csv", newline="", encoding="utf-8") as f:
        posted = Counter(r["userid"] for r in csv.DictReader(f))
    assert (len(users), sum(posted.values())) == (accounts, tweets)
    assert (truth["accounts"], truth["tweets"]) == (accounts, tweets)
    assert set(posted) == {u["userid"] for u in users}
    assert len(set(truth["hostile_accounts"])) == len(truth["hostile_accounts"]) <= accounts
