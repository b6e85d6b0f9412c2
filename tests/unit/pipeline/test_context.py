"""Published context from the profile: a callout per section, sources named, never a shortcode,
images copied from the profile's folder only."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from takedown.errors import ProfileError
from takedown.ingest import ingest
from takedown.pipeline.context import write_context
from takedown.pipeline.render import render
from takedown.profile import TOPICS, load_profile
from tests.conftest import make_archive

ROOT = Path(__file__).resolve().parents[3]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def profile_file(folder: Path, context: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "p.yml"
    path.write_text(json.dumps({"name": "p", "title": "P", "context": context}), encoding="utf-8")
    return path


def test_callout_with_source_and_press_note(tmp_path):
    path = profile_file(
        tmp_path / "profiles",
        {
            "engagement": [
                {"text": "The network drew *little* engagement.", "source": "Lab (2020)"},
                {"text": "A second statement.", "source": "Paper", "via_press": True},
            ]
        },
    )
    gen = tmp_path / "report" / "_generated"
    gen.mkdir(parents=True)
    write_context(gen, load_profile(path), path)
    md = (gen / "context_engagement.qmd").read_text()
    assert md == (
        '::: {.callout-note title="What published analyses said"}\n'
        "The network drew *little* engagement.\n\nSource: Lab \\(2020\\)\n\n"
        "A second statement.\n\nSource: Paper (as reported in the press)\n:::\n"
    )
    assert (gen / "context_followers.qmd").read_text() == ""


def test_a_file_for_every_topic(tmp_path):
    path = ROOT / "profiles/generic.yml"
    paths = write_context(tmp_path, load_profile(path), path)
    assert sorted(p.name for p in paths) == sorted(f"context_{t}.qmd" for t in TOPICS)
    assert all(p.read_text() == "" for p in paths)


def test_unknown_context_section_names_the_field(tmp_path):
    bad = tmp_path / "p.yml"
    bad.write_text("name: p\ntitle: P\ncontext:\n  engagment:\n    - {text: t, source: s}\n")
    with pytest.raises(ProfileError, match=r"field context: .*unknown section 'engagment'"):
        load_profile(bad)


def test_images_are_copied_from_the_profile_folder_under_generated(tmp_path):
    folder = tmp_path / "profiles"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "map.png").write_bytes(PNG)
    path = profile_file(folder, {"volume": [{"text": "![The map](img/map.png)", "source": "S"}]})
    gen = tmp_path / "report" / "_generated"
    gen.mkdir(parents=True)
    write_context(gen, load_profile(path), path)
    md = (gen / "context_volume.qmd").read_text()
    (copied,) = (gen / "context_media").iterdir()
    assert copied.read_bytes() == PNG
    assert f"![The map](_generated/context_media/{copied.name})" in md


def test_an_image_swapped_for_a_symlink_after_load_is_not_copied(tmp_path):
    # Checked at load, then replaced by a link to a file outside before render copies it.
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "map.png").write_bytes(PNG)
    (tmp_path / "secret.png").write_bytes(PNG + b"secret")
    path = profile_file(folder, {"volume": [{"text": "![m](map.png)", "source": "S"}]})
    profile = load_profile(path)
    os.unlink(folder / "map.png")
    (folder / "map.png").symlink_to(tmp_path / "secret.png")
    gen = tmp_path / "report" / "_generated"
    gen.mkdir(parents=True)
    with pytest.raises(ProfileError) as exc:
        write_context(gen, profile, path)
    assert str(exc.value) == (
        f"{path}: line 1: field context.volume.0.text: image map.png resolves outside the "
        f"profile's folder {folder}; copy it there"
    )
    assert not (gen / "context_media").exists()


@pytest.mark.slow
def test_a_bad_context_stops_render_before_any_notebook(tmp_path):
    # issue 20 item 20: the error named report/_generated/... and came after every notebook ran.
    data = tmp_path / "data"
    ingest([make_archive(tmp_path / "raw", users=3, tweets=10)], "tiny", data)
    path = profile_file(
        tmp_path / "profiles", {"overview": [{"text": "x\n\n</div>", "source": "s"}]}
    )
    out, cache = tmp_path / "reports", tmp_path / "cache"
    with pytest.raises(ProfileError) as exc:
        render("tiny", data_dir=data, profile_path=path, out_root=out, cache_dir=cache)
    assert str(exc.value) == (
        f"{path}: line 1: field context.overview.0.text: raw HTML, Typst or other raw markup is "
        "not allowed; write Markdown"
    )
    assert not out.exists() and not cache.exists()
