"""Availability metadata for conditional content, the appendix list and the summary line."""

from __future__ import annotations

import pytest
import yaml

from takedown.errors import RenderError
from takedown.pipeline.availability import (
    availability,
    availability_summary,
    unavailable_markdown,
    write_metadata,
)
from takedown.profile import TOPICS
from tests.unit.pipeline.test_variables import ROWS


def test_every_topic_has_any_and_every_finding_a_boolean():
    a = availability(ROWS)
    assert set(a) == set(TOPICS)
    assert a["engagement"] == {
        "any": True, "zero_share": True, "likes": False, "quotes": False, "replies": False
    }  # fmt: skip
    assert a["overview"] == {"any": True, "accounts": True}
    assert a["coordination"] == {"any": False}  # no findings recorded: nothing to quote
    only_missing = availability(ROWS[1:3])
    assert only_missing["engagement"]["any"] is False
    with pytest.raises(RenderError, match="reserved"):
        availability([{**ROWS[0], "id": "engagement.any"}])


def test_write_metadata_keeps_other_keys(tmp_path):
    (tmp_path / "_metadata.yml").write_text("lang: en\n")
    path = write_metadata(tmp_path, ROWS)
    meta = yaml.safe_load(path.read_text())
    assert meta["lang"] == "en" and meta["available"]["engagement"]["likes"] is False


def test_appendix_list_and_summary_line():
    md = unavailable_markdown(ROWS)
    assert "`engagement.likes`" in md and "quote\\_count is not in this dataset" in md  # id as code
    assert "{#tbl-unavailable-findings}" in md
    assert "engagement.zero_share" not in md
    assert unavailable_markdown(ROWS[:1]).startswith("Every recorded finding")
    assert availability_summary(ROWS).startswith("3 of 5 recorded findings are not available here")
    assert availability_summary(ROWS[:1]) == ""


def test_a_reason_shared_by_neighbouring_rows_is_printed_once():
    base = {"value": None, "label": "x", "reason": "the users file has no group column"}
    rows = [{**base, "id": f"groups.g{i}"} for i in range(3)]
    rows.append({**base, "id": "volume.spike", "reason": "no day stood out"})
    md = unavailable_markdown(rows)
    assert md.count("the users file has no group column") == 1
    assert md.count("as above") == 2 and "no day stood out" in md
