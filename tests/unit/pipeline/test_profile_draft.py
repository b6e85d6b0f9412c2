"""takedown profile init on a tiny archive, zone choice and the safety of the written YAML."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import yaml

from takedown.errors import TakedownError
from takedown.ingest import ingest
from takedown.pipeline.profile_draft import draft, pick_zone, zones_at
from takedown.pipeline.profile_text import q
from takedown.profile import Profile, load_profile
from tests.conftest import make_archive

WINTER = datetime(2020, 2, 11, 12)


def test_zone_preferences():
    assert pick_zone(8, WINTER, ["zh", "en"])[0] == "Asia/Shanghai"
    assert pick_zone(8, WINTER, [])[0] == "Asia/Shanghai"
    assert pick_zone(3, WINTER, [])[0] == "Europe/Moscow"
    assert pick_zone(3, WINTER, ["tr"])[0] == "Europe/Istanbul"  # the language hint wins
    assert pick_zone(3, WINTER, ["zh"])[0] == "Europe/Moscow"  # a hint at another offset does not
    assert pick_zone(0, WINTER, [])[0] == "UTC"


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
