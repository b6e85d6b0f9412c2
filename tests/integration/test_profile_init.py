"""takedown profile init on the synthetic operations recovers their planted clock, language and
topics (truth.json), and the draft it writes is a valid profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from takedown.profile import load_profile
from tests.conftest import run_cli


def candidate_topics(text: str) -> dict:
    """The commented-out candidate block, uncommented as a person would: it must be YAML."""
    lines = text.splitlines()
    start = lines.index("# topics:")
    end = lines.index("# (end of the candidate topics)")
    block = [line[2:] for line in lines[start:end]]
    return yaml.safe_load("\n".join(block))["topics"]


@pytest.fixture(scope="module")
def drafted(demo) -> dict:
    out = demo["base"] / "profiles" / "demo.yml"
    r = run_cli("profile", "init", "demo", "--data-dir", demo["data"], "--out", out)
    assert r.returncode == 0, r.stderr
    return {**demo, "out": out, "stdout": r.stdout, "text": out.read_text(encoding="utf-8")}


def test_clock_zone_and_working_day(drafted):
    truth, profile = drafted["truth"], load_profile(drafted["out"])
    assert truth["utc_offset_hours"] == 8 and truth["timezone"] == "Asia/Shanghai"
    assert profile.timezone == "Asia/Shanghai"
    inside = f"{100 * truth['working_hours_share']:.1f}% of {truth['tweets']:,} tweets inside"
    assert f"working day is UTC+8 ({inside})" in drafted["text"]  # the planted window's share
    assert "run from UTC+8 to UTC+8." in drafted["text"]
    wh = truth["working_hours"]
    assert profile.working_hours.model_dump() == {"start": wh["start"], "end": wh["end"],
                                                  "days": wh["days"], "from_data": True}  # fmt: skip
    assert "Chosen: UTC+8, Asia/Shanghai" in drafted["text"]
    assert (
        "clock UTC+8 (Asia/Shanghai); fitted offset +8 (cannot be told apart: +8 to +8)"
        in drafted["stdout"]
    )


def test_languages_and_scripts(drafted):
    profile = load_profile(drafted["out"])
    assert profile.languages[0] == "zh"
    assert set(profile.languages) == {
        lang for lang, s in drafted["truth"]["tweet_language_share"].items()
        if lang != "und" and s >= 0.05
    }  # fmt: skip
    share = drafted["truth"]["chinese_script_share"]
    assert f"simplified {100 * share['simplified']:.1f}%" in drafted["text"]


def test_planted_topics_among_top_candidates(drafted):
    """Each planted topic's keywords appear in one of the first six candidate topics."""
    candidates = list(candidate_topics(drafted["text"]).values())
    assert all(c["label"].startswith("Candidate ") for c in candidates)
    top = [" ".join(c["keywords"]).lower() for c in candidates[:6]]
    for topic, keywords in drafted["truth"]["topic_keywords"].items():
        hits = [i for i, tags in enumerate(top) if any(k.lower() in tags for k in keywords)]
        assert hits, f"planted topic {topic} not among the top candidates {top}"
    assert load_profile(drafted["out"]).topics == {}  # candidates never become topics unreviewed


def test_span_and_published_block(drafted):
    truth, text = drafted["truth"], drafted["text"]
    # The span is in the suggested description (the draft no longer writes a windows block).
    assert f"{truth['first_tweet_date']} to {truth['last_tweet_date']}." in text
    assert "\npublished: []\n#   - {finding:" in text


def test_collection_block_is_drafted_empty_with_an_example_that_validates(drafted, tmp_path):
    text = drafted["text"]
    assert load_profile(drafted["out"]).collection.sample is None  # nothing declared unreviewed
    assert "\ncollection: {}\n#   description:" in text
    # The example, uncommented, is a valid 1-in-12 per-account sample.
    lines = text.splitlines()
    at = lines.index("collection: {}")
    example = ["collection:"] + [line[1:] for line in lines[at + 1 : at + 3]]
    f = tmp_path / "p.yml"
    f.write_text("name: x\ntitle: t\n" + "\n".join(example) + "\n", encoding="utf-8")
    sample = load_profile(f).collection.sample
    assert (sample.every, sample.per) == (12, "account")


def test_refuses_to_overwrite(drafted):
    r = run_cli("profile", "init", "demo", "--data-dir", drafted["data"], "--out", drafted["out"])
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "already exists; pass --force" in r.stderr


def _has_operation_option() -> bool:
    return "--operation" in run_cli("demo", "--help").stdout


@pytest.mark.skipif(
    not _has_operation_option(),
    reason="takedown demo --operation (the second synthetic operation) is not on this branch yet",
)
def test_second_operation_clock_is_moscow(tmp_path: Path):
    raw, data = tmp_path / "raw", tmp_path / "data"
    r = run_cli("demo", raw, "--operation", "russia")
    assert r.returncode == 0, r.stderr
    truth = json.loads((raw / "truth.json").read_text())
    assert (
        r.returncode == 0
        and run_cli("ingest", raw, "--dataset", "ru", "--data-dir", data).returncode == 0
    )
    out = tmp_path / "ru.yml"
    r = run_cli("profile", "init", "ru", "--data-dir", data, "--out", out)
    assert r.returncode == 0, r.stderr
    assert truth["utc_offset_hours"] == 3
    text, profile = out.read_text(encoding="utf-8"), load_profile(out)
    assert "Chosen: UTC+3, Europe/Moscow" in text
    assert profile.timezone == truth["timezone"] == "Europe/Moscow"
    wh = truth["working_hours"]
    assert profile.working_hours.model_dump() == {"start": wh["start"], "end": wh["end"],
                                                  "days": wh["days"], "from_data": True}  # fmt: skip
    assert profile.languages[0] == "ru"
