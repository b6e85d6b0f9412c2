"""Quarto conditional content in the built-in composer: hidden content never reaches shortcode
resolution, shown content is unwrapped, one-format content reaches only that output, and every
unsupported form is an error naming file:line."""

from __future__ import annotations

import pytest
import yaml
from pypdf import PdfReader

from takedown.compose import ComposeError, render
from takedown.compose.conditional import filter_text
from tests.unit.compose.test_shortcodes import compose, write_project

META = {"available": {"engagement": {"any": True, "likes": False, "share": True}}, "n": 3}


def fl(text: str) -> str:
    return filter_text(text, "s.qmd", 0, META)


@pytest.mark.parametrize(
    ("opener", "shown"),
    [
        ('::: {.content-visible when-meta="available.engagement.any"}', True),
        ('::: {.content-visible when-meta="available.engagement.likes"}', False),
        ('::: {.content-hidden when-meta="available.engagement.any"}', False),
        ('::: {.content-hidden when-meta="available.engagement.likes"}', True),
        ('::: {.content-visible unless-meta="available.engagement.likes"}', True),
        ('::: {.content-hidden unless-meta="available.engagement.likes"}', False),
        # every condition must hold for a match
        (
            '::: {.content-visible when-meta="available.engagement.any" '
            'unless-meta="available.engagement.share"}',
            False,
        ),
        # a leaf not recorded under a defined mapping is false, as in Quarto
        ('::: {.content-visible when-meta="available.engagement.never_recorded"}', False),
        ("::: {.content-visible}", True),
        ("::: content-hidden", False),
        ("::::: {.content-visible when-meta='available.engagement.any'} :::::", True),
    ],
)
def test_meta_conditions_follow_quarto(opener, shown):
    out = fl(f"before\n\n{opener}\ninside\n:::\n\nafter")
    assert out.count("\n") == 6  # lines kept, so later file:line stay right
    assert ("inside" in out) is shown
    assert ":::" not in out and "before" in out and "after" in out


def test_nested_divs_code_blocks_and_plain_divs():
    text = (
        '::: {.content-visible when-meta="available.engagement.any"}\n'
        "::: {.callout-note}\nkept\n:::\n"
        '::: {.content-hidden when-meta="available.engagement.any"}\n'
        "gone {{< var x.y >}}\n::: {.inner}\nalso gone\n:::\n:::\n"
        '```\n:::\n::: {.content-visible when-meta="nope.x"}\n```\n'
        ":::\n"
    )
    out = fl(text)
    assert "kept" in out and "::: {.callout-note}" in out
    assert "gone" not in out and "{{<" not in out
    # code blocks are left alone: their fences are not divs, their text not conditions
    assert '```\n:::\n::: {.content-visible when-meta="nope.x"}\n```' in out


def test_spans():
    out = fl(
        'A [yes]{.content-visible when-meta="available.engagement.any"} '
        'B [no {{< var a.b >}}]{.content-hidden when-meta="available.engagement.any"} '
        'C [web]{.content-visible when-format="html"}.'
    )
    assert out == "A yes B  C [web]{.td-only-html}."


def test_format_conditions_wrap_for_one_output():
    out = fl('::: {.content-hidden when-format="html"}\nprint\n:::\n')
    assert out.splitlines()[0] == "::: {.td-only-typst}" and "print" in out
    out = fl('::: {.content-visible unless-format="typst"}\nweb\n:::\n')
    assert out.splitlines()[0] == "::: {.td-only-html}"
    # a false meta condition hides it everywhere, whatever the format
    out = fl(
        '::: {.content-visible when-format="html" when-meta="available.engagement.likes"}\nx\n:::'
    )
    assert "x" not in out


@pytest.mark.parametrize(
    ("opener", "message"),
    [
        ('::: {.content-visible when-profile="a"}', "s.qmd:3: unknown condition when-profile"),
        ('::: {.content-visible whenmeta="a"}', "s.qmd:3: unknown condition whenmeta"),
        ('::: {.content-visible .callout-note when-meta="n"}', "s.qmd:3: a conditional div"),
        ("::: {#sec-x .content-hidden}", "s.qmd:3: a conditional div takes only conditions"),
        ("::: {.content-visible .content-hidden}", "s.qmd:3: use one of"),
        ('::: {.content-visible when-meta="n"}', "s.qmd:3: metadata 'n' is 3, not true or false"),
        ('::: {.content-visible when-meta="available"}', "not true or false"),
        (
            '::: {.content-visible when-meta="availble.engagement.any"}',
            "s.qmd:3: metadata 'availble.engagement.any' is not defined",
        ),
        ('::: {.content-visible when-format="pdf"}', "s.qmd:3: format 'pdf'"),
        ('::: {.content-visible when-format="docx"}', "use html or typst"),
        ('::: {.content-visible when-meta="a" when-meta="b"}', "given twice"),
        ('::: {.content-visible when-meta="a}', "cannot read the attributes"),
    ],
)
def test_anything_else_is_an_error_with_file_and_line(opener, message):
    with pytest.raises(ComposeError) as exc:
        fl(f"x\n\n{opener}\ny\n:::\n")
    assert message in str(exc.value)
    assert str(exc.value).startswith("s.qmd:3: ")


def test_unclosed_conditional_div_is_an_error():
    with pytest.raises(ComposeError, match=r"s\.qmd:2: conditional div is never closed"):
        fl('x\n::: {.content-visible when-meta="available.engagement.any"}\ny\n')


def test_hidden_include_and_var_are_never_resolved_in_a_project(tmp_path):
    """Through the composer: _metadata.yml is read from the document's folder, includes are
    filtered too, and a hidden missing include or undefined var is no error."""
    root = write_project(
        tmp_path / "p",
        '::: {.content-hidden when-meta="available.engagement.any"}\n'
        "{{< include _missing.qmd >}}\n:::\n\n{{< include _part.qmd >}}\n",
        {"engagement": {"share": "12.5%"}},
    )
    (root / "report" / "_metadata.yml").write_text(yaml.safe_dump({"available": META["available"]}))
    (root / "report" / "_part.qmd").write_text(
        "\n\n"
        '[Share: {{< var engagement.share >}}.]{.content-visible when-meta="available.engagement.share"}\n\n'
        '::: {.content-visible when-meta="available.engagement.likes"}\n'
        "Likes: {{< var engagement.likes >}}\n:::\n\n"
        '::: {.content-visible when-meta="available.engagement.bad"}\n'
    )
    with pytest.raises(ComposeError, match=r"^report/_part\.qmd:9: conditional div is never"):
        compose(root)
    (root / "report" / "_part.qmd").write_text(
        (root / "report" / "_part.qmd").read_text() + ":::\n"
    )
    md = compose(root)
    assert "Share: 12\\.5\\%." in md and "Likes" not in md and "_missing" not in md
    # the front matter wins over directory metadata, as in Quarto
    (root / "report" / "report.qmd").write_text(
        "---\ntitle: T\navailable: {engagement: {share: false}}\n---\n\n{{< include _part.qmd >}}\n"
    )
    assert "Share" not in compose(root)


@pytest.mark.slow
def test_one_format_content_reaches_only_that_output(tmp_path):
    root = write_project(
        tmp_path / "p",
        '# S\n\n::: {.content-visible when-format="html"}\nWEBONLY\n:::\n\n'
        '::: {.content-hidden when-format="html"}\nPRINTONLY\n:::\n\n'
        'Both [inlineweb]{.content-visible when-format="html"}'
        '[inlineprint]{.content-visible when-format="typst"}.\n',
    )
    out = render(root, tmp_path / "out")
    html = out["html"].read_text(encoding="utf-8")
    pdf = "".join(p.extract_text() for p in PdfReader(out["pdf"]).pages)
    assert "WEBONLY" in html and "inlineweb" in html
    assert "PRINTONLY" not in html and "inlineprint" not in html and "td-only" not in html
    assert "PRINTONLY" in pdf and "inlineprint" in pdf
    assert "WEBONLY" not in pdf and "inlineweb" not in pdf
