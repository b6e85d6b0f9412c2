"""A profile's `group_by`: users column names, validated when read, errors naming the field."""

from __future__ import annotations

import pytest

from takedown.errors import ProfileError
from takedown.profile import load_profile


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("group_by: [account category]", "field group_by: Value error, 'account category' is not a column name"),
        ("group_by: ['1st']", "field group_by: Value error, '1st' is not a column name"),
        ("group_by: [region, region]", "field group_by: Value error, a column is named twice"),
        ("group_by: [a, b, c, d, e]", "field group_by: List should have at most 4 items"),
        ("group_by: region", "field group_by: Input should be a valid list"),
    ],
)  # fmt: skip
def test_a_bad_group_by_is_one_line_naming_the_field(tmp_path, text, needle):
    f = tmp_path / "p.yml"
    f.write_text(f"name: x\ntitle: t\n{text}\n")
    with pytest.raises(ProfileError) as exc:
        load_profile(f)
    msg = str(exc.value)
    assert "\n" not in msg and str(f) in msg and needle in msg, msg


def test_group_by_reads_as_a_list_and_defaults_to_none(tmp_path):
    f = tmp_path / "p.yml"
    f.write_text("name: x\ntitle: t\ngroup_by: [account_category, region]\n")
    assert load_profile(f).group_by == ["account_category", "region"]
    f.write_text("name: x\ntitle: t\n")
    assert load_profile(f).group_by is None
    f.write_text("name: x\ntitle: t\ngroup_by: []\n")
    assert load_profile(f).group_by == []
