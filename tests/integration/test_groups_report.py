"""Issue 16 item 3 on the China demo: its users carry no account attribute and the profile
names no group_by column, so the groups section says "not available here" with the reason."""

from __future__ import annotations

from html import unescape

REASON = (
    "the users file of this dataset carries none of the account attributes account_category, "
    "account_type, region, and the profile names no group_by column"
)


def test_demo_groups_are_not_available_with_the_reason(rendered):
    fs = {k: v for k, v in rendered["findings"].items() if k.startswith("groups.")}
    assert fs and all(f["status"] == "unavailable" and f["value"] is None for f in fs.values())
    assert fs["groups.groups"]["reason"] == REASON
    html = (rendered["folder"] / "report.html").read_text(encoding="utf-8")
    section = " ".join(unescape(html[html.index('id="groups"') :]).replace("’", "'").split())
    assert f"Groups are not available here: {REASON}." in section
    assert 'id="tbl-groups"' not in html and 'id="fig-groups-clock"' not in html
