"""The summary the pipeline writes: the profile's description shown as text, never as markup."""

from __future__ import annotations

import nbformat
import pypandoc

from takedown.compose.builtin import READER
from takedown.ingest.dataset import Dataset
from takedown.pipeline.sections import stub_failed_embeds, summary
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
