"""A profile's context is checked when the profile loads (issue 20 items 12 and 20): it cannot
reach a file outside the profile's folder, leave its callout, or carry raw markup or styling,
and each refusal is one line naming the profile file and the line of the entry's `text:`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from takedown.errors import ProfileError
from takedown.profile import load_profile
from takedown.profile_context import context_fragments
from tests.conftest import ROOT

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
IMAGE_OUTSIDE = "an image path is relative to the profile's folder, without ../, and uses only "
IMAGE_OUTSIDE += "letters, digits and _ . / -"
NOT_LOCAL = "an image is a file in the profile's folder, not an absolute path or a URL"
RAW = "raw HTML, Typst or other raw markup is not allowed; write Markdown"
HEADING = "a heading would start a section of its own; write it as a paragraph"


def write_profile(folder: Path, text: str, *, name: str = "p.yml") -> Path:
    """A profile whose only context entry is `text`, its `text:` key on line 7."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        "name: p\ntitle: t\ncontext:\n  overview:\n    - text: fine\n      source: s\n"
        f"    - text: {json.dumps(text)}\n      source: s\n",
        encoding="utf-8",
    )
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ProfileError) as exc:
        load_profile(path)
    return str(exc.value)


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """A profile folder with one image, beside a folder outside it holding a secret and an SVG."""
    folder, outside = tmp_path / "project" / "profiles", tmp_path / "elsewhere"
    folder.mkdir(parents=True)
    outside.mkdir()
    (folder / "map.png").write_bytes(PNG)
    (outside / "secret.png").write_bytes(PNG)
    (outside / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return {"folder": folder, "outside": outside}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("![x](../../elsewhere/secret.png)", IMAGE_OUTSIDE),  # relative traversal
        ("![x](../../../../../../../../etc/passwd)", IMAGE_OUTSIDE),
        ("![x](../../elsewhere/logo.svg)", IMAGE_OUTSIDE),  # the SVG of the report
        ("![x](/etc/passwd)", NOT_LOCAL),  # absolute
        ("![x](file:///etc/passwd)", NOT_LOCAL),
        ("![x](https://example.org/a.png)", NOT_LOCAL),
        ("Text.\n:::\n\n# Unattributed", "a ':::' line would close the callout; remove it"),
        ("Text.\n\n</div>\n\n## Unattributed", RAW),  # closes the callout's <div> in HTML
        (
            "<div>\nx\n</div>",
            "a div (::: or <div>) could close the callout; write plain paragraphs",
        ),
        ("Intro.\n\n## Unattributed section", HEADING),
        ("Intro\n------", HEADING),  # a setext heading
        ('[red]{style="color:red"}', "attribute style= is not allowed; only {#id .class}"),
        ("![x](map.png){width=100%}", "attribute width= is not allowed; only {#id .class}"),
        ("<script>alert(1)</script>", RAW),
        ("```{=html}\n<b>x</b>\n```", RAW),
        ('```{=typst}\n#read("/etc/passwd")\n```', RAW),
        ('`#read("/etc/passwd")`{=typst}', RAW),
        ("x <!-- hidden --> y", RAW),
        (
            "{{< include /etc/passwd >}}",
            "shortcodes ({{< ... >}}) are not allowed in context; write the value out",
        ),  # fmt: skip
        (
            "Quote {{< var overview.accounts >}}",
            "shortcodes ({{< ... >}}) are not allowed in context; write the value out",
        ),  # fmt: skip
        ("```\nan unclosed fence", "this text would not stay inside its callout; simplify it"),
        ("---\ntitle: x\n---", "a YAML block (--- ... ---) is not allowed in context"),
        ("![x](map.png){#fig-x}", "id #fig-... would be numbered as a report cross-reference"),
        (
            "[x]{.callout-warning}",
            "classes .callout-*, .content-* and .td-* belong to the report's layout",
        ),  # fmt: skip
        (
            "[x](file:///etc/passwd)",
            "a link goes to an http(s) or mailto address, or to a #section of the report",
        ),  # fmt: skip
        (
            "[x][r]\n\n[r]: ../../elsewhere/secret.png",
            "a link goes to an http(s) or mailto address, or to a #section of the report",
        ),  # fmt: skip
        (
            "```{python}\nimport os\n```",
            "code starting with {lang} is a cell Quarto runs; drop the braces",
        ),  # fmt: skip
        (
            "`{python} open('/etc/passwd').read()`",
            "code starting with {lang} is a cell Quarto runs; drop the braces",
        ),  # fmt: skip
        ("by @someone", "'@name' reads as a citation; write \\@ for a literal @"),
        (
            "a note^[hidden]",
            "footnotes are not supported in context; name the reference under source:",
        ),  # fmt: skip
        (
            "[" * 15 + "x",
            "square brackets must pair up, at most 2 deep; write \\[ for a literal bracket",
        ),  # fmt: skip  (pandoc's reader is exponential in these)
    ],
)
def test_hostile_context_is_refused_at_load_naming_file_and_line(layout, text, why):
    path = write_profile(layout["folder"], text)
    assert refusal(path) == f"{path}: line 7: field context.overview.1.text: {why}"


@pytest.mark.slow
def test_an_image_through_a_symlink_out_of_the_folder_is_refused(layout):
    (layout["folder"] / "link.png").symlink_to(layout["outside"] / "secret.png")
    (layout["folder"] / "sub").symlink_to(layout["outside"], target_is_directory=True)
    folder = layout["folder"]
    for src in ("link.png", "sub/secret.png"):
        path = write_profile(folder, f"![x]({src})")
        assert refusal(path) == (
            f"{path}: line 7: field context.overview.1.text: image {src} resolves outside the "
            f"profile's folder {folder}; copy it there"
        )


@pytest.mark.slow
def test_an_image_that_is_not_what_it_says_is_refused(layout):
    folder = layout["folder"]
    (folder / "fake.png").write_text("root:x:0:0\n")
    (folder / "dir.png").mkdir()
    cases = {
        "fake.png": "image fake.png is not a PNG file",
        "dir.png": "image dir.png is not a regular file",
        "missing.png": f"image missing.png is not a file in the profile's folder {folder}",
        "map.svg": "an image is a .png, .jpg or .gif file",
    }
    for src, why in cases.items():
        path = write_profile(folder, f"![x]({src})")
        assert refusal(path) == f"{path}: line 7: field context.overview.1.text: {why}"


@pytest.mark.slow
def test_an_image_in_the_profile_folder_is_kept_and_renamed(layout):
    path = write_profile(layout["folder"], "The map: ![Map of the network](map.png)")
    fragments = context_fragments(load_profile(path), path)
    (only,) = fragments["overview"][1].images
    assert only[0] == layout["folder"] / "map.png"
    assert only[1].startswith("_generated/context_media/overview-2-") and only[1].endswith(".png")
    assert fragments["overview"][1].markdown == f"The map: ![Map of the network]({only[1]})"


def test_the_line_is_that_of_the_text_key_in_flow_style_too(tmp_path):
    path = tmp_path / "p.yml"
    path.write_text(
        "name: p\ntitle: t\ncontext:\n  followers: [{source: s,\n    text: '# Heading'}]\n"
    )
    assert refusal(path) == f"{path}: line 5: field context.followers.0.text: {HEADING}"


@pytest.mark.slow
@pytest.mark.parametrize("profile", sorted((ROOT / "profiles").glob("*.yml")), ids=lambda p: p.name)
def test_shipped_profiles_context_reads_back_unchanged(profile):
    # The Markdown written back is the author's prose: the China profile's paragraphs stay whole.
    fragments = context_fragments(load_profile(profile), profile)
    entries = load_profile(profile).context
    assert {t: len(f) for t, f in fragments.items()} == {t: len(e) for t, e in entries.items()}
    for topic, items in entries.items():
        for entry, fragment in zip(items, fragments[topic], strict=True):
            assert fragment.images == ()
            assert fragment.markdown.split() == entry.text.split()


def test_context_is_read_as_the_composer_and_quarto_read_it():
    from takedown.compose.pandoc import READER
    from takedown.profile_context import READER as CONTEXT_READER

    assert CONTEXT_READER == READER
