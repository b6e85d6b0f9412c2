"""takedown profile init on a tiny archive, zone choice and the safety of the written YAML."""

from __future__ import annotations

import os
import stat
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from takedown.errors import TakedownError
from takedown.findings.clock_fit import OffsetFit
from takedown.ingest import ingest
from takedown.pipeline.profile_draft import choose_offset, draft, pick_zone, start_band, zones_at
from takedown.pipeline.profile_text import q
from takedown.profile import Profile, load_profile
from tests.conftest import make_archive

WINTER = datetime(2020, 2, 11, 12)


@pytest.mark.slow
def test_zone_preferences():
    assert pick_zone(8, WINTER, ["zh", "en"])[0] == "Asia/Shanghai"
    assert pick_zone(8, WINTER, [])[0] == "Asia/Shanghai"
    assert pick_zone(3, WINTER, [])[0] == "Europe/Moscow"
    assert pick_zone(3, WINTER, ["tr"])[0] == "Europe/Istanbul"  # the language hint wins
    assert pick_zone(3, WINTER, ["zh"])[0] == "Europe/Moscow"  # a hint at another offset does not
    assert pick_zone(0, WINTER, [])[0] == "UTC"


def _fit(best: int, low: int | None = None, high: int | None = None) -> OffsetFit:
    low, high = best if low is None else low, best if high is None else high
    plausible = sorted(range(low, high + 1), key=lambda o: (o != best, abs(o - best), o))
    return OffsetFit(best=best, share=0.8, low=low, high=high, plausible=plausible, ambiguous=False,
                     draws=200, days=100, tweets=1000)  # fmt: skip


def test_start_band_widens_the_bootstrap_range():
    # A day starting 07:00-10:00 instead of the fit's 08:00 moves the offset by -1..+2 hours.
    assert start_band(_fit(2)) == (1, 4)
    assert start_band(_fit(8, 7, 9)) == (6, 11)


def test_language_zone_inside_the_band_sets_the_offset():
    # A day at 06-15 UTC fits +2 for an 08:00 start; Moscow (+3) means a 09:00 start.
    off, (zone, matching, why) = choose_offset(_fit(2), WINTER, ["ru", "en"])
    assert (off, zone) == (3, "Europe/Moscow") and "Europe/Istanbul" in matching
    assert "'ru'" in why and "09:00" in why
    off, (zone, _, _) = choose_offset(_fit(8), WINTER, ["zh"])
    assert (off, zone) == (8, "Asia/Shanghai")


def test_language_zone_outside_the_band_is_ignored():
    off, (zone, _, why) = choose_offset(_fit(2), WINTER, ["zh"])  # +8 is far from +1..+4
    assert (off, zone) == (2, "Europe/Athens") and "preference list" in why
    assert choose_offset(_fit(2), WINTER, [])[0] == 2


def test_zones_at_are_canonical_and_match():
    eight = zones_at(8, WINTER)
    assert {"Asia/Shanghai", "Asia/Taipei", "Australia/Perth"} <= set(eight)
    assert "Asia/Chungking" not in eight and "PRC" not in eight  # links and legacy names
    assert "Europe/Berlin" in zones_at(1, WINTER) and "Europe/Berlin" in zones_at(
        2, datetime(2020, 7, 1)
    )


def test_no_major_zone_is_a_fixed_offset_that_validates():
    zone, matching, why = pick_zone(-12, WINTER, [])
    assert zone == "Etc/GMT+12" and matching == [] and "fixed-offset" in why
    assert Profile(name="x", title="x", timezone=zone).timezone == "Etc/GMT+12"


@pytest.mark.parametrize(
    "text", ["plain", "a\nb: c", "x\u2028y", "x\u2029#y", 'q"uote\\', "\x85z", "\u202eevil", "中文"]
)
def test_quoted_text_stays_one_value(text):
    line = f"key: {q(text)}  # comment"
    assert "\n" not in line and "\u2028" not in line and "\u2029" not in line
    assert yaml.safe_load(line) == {"key": text}


@pytest.fixture
def dataset(tmp_path: Path) -> tuple[Path, str]:
    data = tmp_path / "data"
    ingest([make_archive(tmp_path / "raw", users=6, tweets=40)], "tiny", data)
    return data, "tiny"


@pytest.mark.slow
def test_draft_validates_and_refuses_overwrite(dataset, tmp_path):
    data, name = dataset
    out = tmp_path / "profiles" / "tiny.yml"
    path, facts = draft(name, data_dir=data, out=out)
    assert path == out
    profile = load_profile(out)
    assert profile.name == "tiny" and profile.topics == {} and profile.published == []
    assert profile.languages == ["zh"]
    text = out.read_text(encoding="utf-8")
    assert "# published:" in text and "#   - {finding:" in text  # the commented example
    with pytest.raises(TakedownError, match="already exists; pass --force"):
        draft(name, data_dir=data, out=out)
    out.write_text("edited", encoding="utf-8")
    draft(name, data_dir=data, out=out, force=True)
    assert load_profile(out).name == "tiny"
    assert [p.name for p in out.parent.iterdir()] == ["tiny.yml"]  # no partial file left


def test_draft_of_a_missing_dataset_leaves_no_folder(tmp_path):
    out = tmp_path / "new" / "dir" / "x.yml"
    with pytest.raises(TakedownError, match="run `takedown ingest"):
        draft("nope", data_dir=tmp_path / "data", out=out)
    assert not (tmp_path / "new").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)], ids=["022", "077", "002"]
)
def test_draft_is_an_ordinary_file_under_the_umask(dataset, tmp_path, umask, mode):
    # issue 20 item 21: `profile init` wrote mkstemp's 0600 whatever the umask.
    data, name = dataset
    out = tmp_path / "profiles" / "tiny.yml"
    old = os.umask(umask)
    try:
        draft(name, data_dir=data, out=out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert [p.name for p in out.parent.iterdir()] == ["tiny.yml"]


@pytest.mark.slow
def test_a_larger_operations_text_facts_come_from_a_stated_sample(dataset, tmp_path):
    """Above DRAFT_TEXT_SAMPLE tweets the scripts, hashtags and terms are read from the first
    tweets in hash order (the same every time) and the draft says so; the clock and languages
    still read every tweet."""
    from takedown.db import open_dataset
    from takedown.pipeline.profile_draft import gather
    from takedown.pipeline.profile_text import draft_text

    data, name = dataset
    whole, part = gather(data / name), gather(data / name, text_sample=10)
    assert whole["text_sample"] is None and part["text_sample"] == (10, 40)
    con = open_dataset(data / name)
    first = {r[0] for r in con.execute("SELECT tweetid FROM tweets ORDER BY hash(tweetid), "
                                       "tweetid LIMIT 10").fetchall()}  # fmt: skip
    han = con.execute(
        "SELECT count(*) FILTER (WHERE regexp_matches(tweet_text, '\\p{Han}')) FROM tweets "
        f"WHERE tweetid IN ({', '.join(map(repr, first))}) AND tweet_text IS NOT NULL"
    ).fetchone()[0]
    shares = dict(zip(part["scripts"]["script"], part["scripts"]["n"], strict=True))
    assert shares.get("Han", 0) == han  # counted on exactly the sample
    assert part["fit"] == whole["fit"] and part["languages"].equals(whole["languages"])
    assert gather(data / name, text_sample=10)["scripts"].equals(part["scripts"])  # repeatable
    text = draft_text(name, part, created=WINTER)
    assert "in a sample of 10 of the 40 tweets" in text
    assert "in a sample of" not in draft_text(name, whole, created=WINTER)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["032020", "2020", "1e3", "true"])
def test_a_dataset_named_like_a_number_drafts_a_profile_of_that_name(tmp_path, name):
    # The archive's release 032020: YAML would read an unquoted 032020 as a number (octal).
    data = tmp_path / "data"
    ingest([make_archive(tmp_path / "raw", users=6, tweets=40)], name, data)
    out = tmp_path / "profiles" / f"{name}.yml"
    draft(name, data_dir=data, out=out)
    assert load_profile(out).name == name
