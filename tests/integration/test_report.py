"""The rendered demo report: findings against truth.json, provenance, reproducibility, the PDF."""

from __future__ import annotations

import json
import re
import time
from html import unescape
from pathlib import Path

import pytest
from pypdf import PdfReader

from takedown.hashing import sha256_file
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow


def test_version_folder_is_complete(rendered):
    folder = rendered["folder"]
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["accounts.csv", "findings.json", "manifest.json", "network", "notebooks", "report.html",
                     "report.pdf", "tables"]  # fmt: skip
    nbs = sorted(p.name for p in (folder / "notebooks").iterdir())
    assert nbs == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))


def test_zero_follower_share_matches_truth(rendered):
    f, truth = rendered["findings"]["followers.zero_share"], rendered["truth"]
    assert abs(f["value"] - truth["zero_follower_share"]) <= 0.005
    lo, hi = f["interval"]
    assert lo <= truth["zero_follower_share"] <= hi
    assert f["n"] == truth["accounts"]


def test_posting_clock_matches_truth(rendered):
    fs, truth = rendered["findings"], rendered["truth"]
    assert (
        abs(fs["posting_clock.working_hours_share"]["value"] - truth["working_hours_share"]) <= 0.02
    )
    assert fs["posting_clock.best_utc_offset"]["value"] == 8 == truth["utc_offset_hours"]
    ratio = fs["posting_clock.weekday_weekend_rate_ratio"]
    assert abs(ratio["value"] / truth["weekday_weekend_rate_ratio"] - 1) <= 0.10
    assert ratio["interval"][0] < ratio["value"] < ratio["interval"][1]


def test_overview_counts_match_truth(rendered):
    fs, truth = rendered["findings"], rendered["truth"]
    assert fs["overview.accounts"]["value"] == truth["accounts"]
    assert fs["overview.tweets"]["value"] == truth["tweets"]


def test_manifest_traces_inputs_code_and_timings(rendered):
    m = json.loads((rendered["folder"] / "manifest.json").read_text())
    on_disk = {p.name: sha256_file(p) for p in rendered["raw"].glob("*.csv")}
    assert {f["name"]: f["sha256"] for f in m["dataset"]["files"]} == on_disk
    assert m["dataset"]["synthetic"] is True
    assert m["version"] == rendered["folder"].name
    assert m["profile"]["name"] == "china_052020"
    assert m["code_version"] and m["packages"]["duckdb"] != "not installed"
    assert m["lock_sha256"] == sha256_file(ROOT / "requirements.lock")
    assert {n["name"] for n in m["notebooks"]} == {
        p.stem for p in (ROOT / "notebooks").glob("*.ipynb")
    }
    assert all(n["status"] in ("ok", "cached") for n in m["notebooks"])
    assert m["findings_sha256"]
    assert m["timings"]["total_s"] > 0


def test_rerender_of_the_same_inputs_names_the_current_version(rendered):
    """Same data, profile, notebooks, code and engine: the version rendered is current; the
    render says so and lands nothing (test_pipeline composes anew from the cache)."""
    before = sorted(p for p in (rendered["out"] / "demo").iterdir())
    t0 = time.perf_counter()
    r = run_cli(
        "render", "demo", "--engine", "builtin", "--data-dir", rendered["data"], "--out", rendered["out"],
        "--profile", ROOT / "profiles/china_052020.yml", cwd=ROOT,
        env={"TAKEDOWN_CACHE_DIR": str(rendered["cache"])},
    )  # fmt: skip
    took = time.perf_counter() - t0
    assert r.returncode == 0, r.stderr
    latest = [p for p in before if not p.name.startswith(".")][-1]
    assert f"unchanged: version {latest.name} is current" in r.stdout
    assert sorted(p for p in (rendered["out"] / "demo").iterdir()) == before
    assert took < 30
    v = run_cli("versions", "demo", "--out", rendered["out"])
    assert v.returncode == 0 and rendered["folder"].name in v.stdout


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_pdf_opens_and_carries_headline_numbers_and_chinese(rendered):
    text = _pdf_text(rendered["folder"] / "report.pdf")
    fs = rendered["findings"]
    zero = f"{100 * fs['followers.zero_share']['value']:.1f}%"
    assert zero in text
    assert f"{fs['overview.tweets']['value']:,}" in text
    assert "UTC+8" in text
    assert "Synthetic demo data" in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), "no CJK text extracted from the PDF"


def test_pdf_copies_hashtags_and_ids_as_written(rendered):
    """Text copied out of the PDF is the data's: no space after `#` before CJK, no minus sign."""
    import subprocess

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(rendered["folder"] / "report.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert re.search(r"#[\u4e00-\u9fff]", text), "no CJK hashtag copied from the PDF"
    assert not re.search(r"#\s+[\u4e00-\u9fff]", text), "a space after # in a CJK hashtag"
    assert f"Version {rendered['folder'].name}" in text, "the version id is not copied as written"


def test_html_shows_hostile_profile_text_as_text(rendered):
    from html.parser import HTMLParser

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.text: list[str] = []
            self.tags: list[tuple[str, dict]] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append((tag, dict(attrs)))

        def handle_data(self, data):
            self.text.append(data)

    html = (rendered["folder"] / "report.html").read_text(encoding="utf-8")
    p = Collect()
    p.feed(html)
    assert [t for t, _ in p.tags].count("script") == 0
    assert not any(k.startswith("on") for _, a in p.tags for k in a)
    text = " ".join(" ".join(p.text).split())
    # The most active accounts carry ordinary profiles with what real ones hold (<Name>, quotes,
    # pipes, #tags, @handles, $, a backslash, emoji); the test strings sit on quiet accounts.
    shown = [
        s["value"]
        for s in rendered["truth"]["top_account_profiles"]
        if s["value"] and s["column"] in ("user_display_name", "user_profile_description")
    ]
    assert len(shown) >= 8
    for value in shown:
        assert " ".join(value.split()) in text, value
    assert "<Daily News>" in " ".join(shown)  # a tag if it were not escaped


def test_pdf_survives_hostile_text(rendered):
    """The top accounts' profile text (Typst and Markdown syntax among it: #tags, $, @handles,
    <Name>, *stars*, [text](link), a backslash) reaches the PDF as written."""
    text = _pdf_text(rendered["folder"] / "report.pdf").replace("\u200b", "")
    flat = "".join(text.split())
    profiles = rendered["truth"]["top_account_profiles"]
    values = [s["value"] for s in profiles if s["column"] == "user_profile_description"]
    for needle in ["".join(v.split()) for v in values if v]:
        assert needle in flat, needle
    assert {"#", "$", "@", "*", "[", "\\", "<"} <= set("".join(values))


def test_china_profile_context_is_in_its_callouts(rendered):
    # The context is written back by pandoc after the load-time check (issue 20 item 12): every
    # entry of profiles/china_052020.yml still shows, whole, in a titled callout with its source.
    from takedown.profile import load_profile

    html = (rendered["folder"] / "report.html").read_text(encoding="utf-8")
    # From each callout title to the next heading: the callout and its section's opening text.
    chunks = re.findall(r"What published analyses said(.*?)(?=<h\d|$)", html, re.S)
    plain = [" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in chunks]
    profile = load_profile(ROOT / "profiles/china_052020.yml")
    assert len(plain) == len(profile.context)
    for entries in profile.context.values():
        for entry in entries:
            text = " ".join(entry.text.replace("'", "’").split())
            assert any(text in c and f"Source: {entry.source}" in c for c in plain), text
    pdf = "".join(_pdf_text(rendered["folder"] / "report.pdf").split())
    assert "".join(profile.context["followers"][0].text.split()) in pdf.replace("’", "'")
