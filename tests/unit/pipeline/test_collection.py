"""The collection block as the report states it: meta, variables, the escaped description."""

from __future__ import annotations

import pytest
import yaml

from takedown.pipeline.collection import (
    collection_meta,
    collection_variables,
    ordinal,
    write_collection,
)
from takedown.profile import Collection, Sample


@pytest.mark.parametrize(
    ("n", "text"),
    [(2, "2nd"), (3, "3rd"), (11, "11th"), (12, "12th"), (21, "21st"), (112, "112th")],
)
def test_ordinal(n, text):
    assert ordinal(n) == text


def test_a_declared_sample_sets_the_meta_and_the_rate_text():
    c = Collection(description="Every 12th.", sample=Sample(every=12))
    assert collection_meta(c) == {"sampled": True, "described": True}
    assert collection_variables(c) == {"sample": "every 12th tweet per account", "every": "12"}
    per_file = Collection(sample=Sample(every=100, per="dataset"))
    assert collection_variables(per_file)["sample"] == "every 100th tweet over the whole file"


def test_no_block_is_not_a_sample():
    assert collection_meta(Collection()) == {"sampled": False, "described": False}


def test_write_keeps_the_availability_meta_and_escapes_the_description(tmp_path):
    (tmp_path / "_metadata.yml").write_text("available: {overview: {any: true}}\n")
    write_collection(
        tmp_path, Collection(description="{{< var x >}} <b>1</b>", sample=Sample(every=12))
    )
    meta = yaml.safe_load((tmp_path / "_metadata.yml").read_text())
    assert meta == {"available": {"overview": {"any": True}},
                    "collection": {"sampled": True, "described": True}}  # fmt: skip
    text = (tmp_path / "_generated" / "collection.qmd").read_text()
    assert "{{<" not in text and "<b>" not in text and "1" in text
    write_collection(tmp_path, Collection())
    assert (tmp_path / "_generated" / "collection.qmd").read_text() == ""
