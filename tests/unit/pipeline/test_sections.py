"""The summary the pipeline writes: the profile's description shown as text, never as markup."""

from __future__ import annotations

import nbformat
import pypandoc

from takedown.compose.builtin import READER
from takedown.ingest.dataset import Dataset
from takedown.pipeline.sections import findings_list, stub_failed_embeds, summary
from takedown.profile import Profile

DS = Dataset.model_construct(name="ds", synthetic=False)
HOSTILE = "A *network* {{< var overview.accounts >}} <b>x</b> [link](http://e.x) @cite $x$ `code`"


def test_description_follows_the_summary_line_as_literal_text():
    text = summary(DS, Profile(name="p", title="t", description=HOSTILE), "v1", [])
    line, description = text.strip().split("\n\n")
    assert line == "Dataset **ds**, profile **p**, report version **v1**."
    assert "{{<" not in description  # the resolver looks for exactly this: no shortcode
    plain = pypandoc.convert_text(description, "plain", format=READER, extra_args=["--wrap=none"])
    assert plain.strip() == HOSTILE  # pandoc reads every character as written: no markup


def test_no_description_no_paragraph():
    text = summary(DS, Profile(name="p", title="t", description="  "), "v1", [])
    assert text == "Dataset **ds**, profile **p**, report version **v1**.\n"


def test_embeds_of_a_failed_notebook_elsewhere_become_a_labelled_note(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell('#| label: fig-t\n#| fig-cap: "Tweets by\n#|   topic."\n1')
    )
    nbformat.write(nb, tmp_path / "07_topics.ipynb")
    text = (
        "@fig-t shows it.\n\n{{< embed ../notebooks/07_topics.ipynb#fig-t >}}\n\n"
        "{{< embed ../notebooks/05_volume.ipynb#fig-v >}}\n"
        "{{< embed ../notebooks/07_topics.ipynb#tbl-x >}}\n"
    )
    out = stub_failed_embeds(text, {"07_topics"}, tmp_path)
    assert "07_topics.ipynb#" not in out  # neither engine is asked to embed it
    assert "{{< embed ../notebooks/05_volume.ipynb#fig-v >}}" in out  # the others stay
    assert '::: {#fig-t}\n::: {.callout-important title="Not rendered"}\n' in out
    assert "\nTweets by topic.\n:::" in out  # the cell's caption, so @fig-t still resolves
    assert "::: {#tbl-x}" in out and "\ntbl\\-x\n:::" in out  # no such cell: the label
    assert stub_failed_embeds(text, {"02_followers"}, tmp_path) == text


LONG_METHOD = "Accounts whose first tweet came 90 or more days after creation; " * 9


def _finding(fid: str, **kw) -> dict:
    return {"id": fid, "label": kw.pop("label", "A finding"), "unit": "count", "value": 1234,
            "interval": None, "n": 23750, "method": "Counted.", "status": "ok", **kw}  # fmt: skip


def test_findings_appendix_groups_by_section_with_the_method_in_full():
    findings = [
        _finding("overview.accounts", method=LONG_METHOD.strip()),
        _finding("followers.zero_share", unit="share", value=0.149, interval=[0.14, 0.16]),
        _finding("account_creation.accounts_in_waves", value=21375),
        _finding("engagement.likes", status="unavailable", value=None, reason="no like counts"),
    ]
    md = findings_list(findings)
    headings = [ln for ln in md.splitlines() if ln.startswith("### ")]
    # The report's section order, not the alphabet; no heading numbers, no table of contents.
    assert headings == [
        "### Overview {.unnumbered .unlisted}", "### Followers {.unnumbered .unlisted}",
        "### Account creation {.unnumbered .unlisted}", "### Engagement {.unnumbered .unlisted}",
    ]  # fmt: skip
    plain = pypandoc.convert_text(md, "plain", format=READER, extra_args=["--wrap=none"])
    assert LONG_METHOD.strip() in plain  # not cut at 280 characters, no "…"
    assert "…" not in plain
    assert "followers.zero_share A finding: 14.9% (95% interval 14.0–16.0%; n = 23,750)" in plain
    assert "engagement.likes A finding: not available here (n = 23,750)" in plain
    assert "Not available: no like counts" in plain
    html = pypandoc.convert_text(md, "html", format=READER)
    assert "<code>account_creation.accounts_in_waves</code>" in html  # the id as a code span
    # value, interval and n on the id's line; the method on the next
    assert "n = 23,750)<br />\nCounted." in html


def test_findings_of_a_section_that_share_a_method_stand_together_above_it_once():
    """A method shared within a section is printed once, below the lines of every finding that
    uses it (stated, not dropped); another section states it again."""
    md = findings_list([_finding("posting_clock.a", method=LONG_METHOD.strip()),
                        _finding("posting_clock.b", method="Other."),
                        _finding("posting_clock.c", method=LONG_METHOD.strip()),
                        _finding("volume.d", method=LONG_METHOD.strip())])  # fmt: skip
    plain = pypandoc.convert_text(md, "plain", format=READER, extra_args=["--wrap=none"])
    assert plain.count(LONG_METHOD.strip()) == 2  # once in each section
    assert (
        "posting_clock.a A finding: 1,234 (n = 23,750)\n"
        "posting_clock.c A finding: 1,234 (n = 23,750)\n" + LONG_METHOD.strip() + "\n\n"
        "posting_clock.b A finding: 1,234 (n = 23,750)\nOther." in plain
    )
    assert "as for the finding above" not in plain
    assert "volume.d A finding: 1,234 (n = 23,750)\n" + LONG_METHOD.strip() in plain
