"""The summary the pipeline writes: the profile's description shown as text, never as markup."""

from __future__ import annotations

import pypandoc

from takedown.compose.builtin import READER
from takedown.ingest.dataset import Dataset
from takedown.pipeline.sections import summary
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
