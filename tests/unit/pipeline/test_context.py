"""Published context from the profile: a callout per section, sources named, never a shortcode."""

from __future__ import annotations

from pathlib import Path

import pytest

from takedown.errors import ProfileError
from takedown.pipeline.context import context_markdown, write_context
from takedown.profile import TOPICS, Profile, load_profile

ROOT = Path(__file__).resolve().parents[3]


def profile(context: dict) -> Profile:
    return Profile.model_validate({"name": "p", "title": "P", "context": context})


def test_callout_with_source_and_press_note():
    p = profile(
        {
            "engagement": [
                {"text": "The network drew *little* engagement.", "source": "Lab (2020)"},
                {"text": "Quote {{< var x.y >}} and {{< meta title >}}", "source": "Paper",
                 "via_press": True},
            ]
        }
    )  # fmt: skip
    md = context_markdown(p, "engagement")
    assert md.startswith('::: {.callout-note title="What published analyses said"}\n')
    assert md.endswith(":::\n")
    assert "The network drew *little* engagement.\n\nSource: Lab \\(2020\\)\n" in md
    assert "Source: Paper (as reported in the press)" in md
    assert "{{<" not in md and "{\\{< var x.y >}}" in md
    assert context_markdown(p, "followers") == ""


def test_a_file_for_every_topic(tmp_path):
    paths = write_context(tmp_path, load_profile(ROOT / "profiles/generic.yml"))
    assert sorted(p.name for p in paths) == sorted(f"context_{t}.qmd" for t in TOPICS)
    assert all(p.read_text() == "" for p in paths)


def test_unknown_context_section_names_the_field(tmp_path):
    bad = tmp_path / "p.yml"
    bad.write_text("name: p\ntitle: P\ncontext:\n  engagment:\n    - {text: t, source: s}\n")
    with pytest.raises(ProfileError, match=r"field context: .*unknown section 'engagment'"):
        load_profile(bad)
