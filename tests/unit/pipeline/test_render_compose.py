"""What the posting-clock section says of the profile's working day."""

from __future__ import annotations

from takedown.pipeline.render_compose import working_hours_text
from takedown.profile import WorkingHours


def test_working_hours_say_when_a_draft_read_them_off_the_data():
    assert working_hours_text(None) == "none declared"
    assert working_hours_text(WorkingHours(start=9, end=18)) == "Mon-Fri 09:00-18:00"
    assert working_hours_text(WorkingHours(start=9, end=18, days=["Sat"])) == "Sat 09:00-18:00"
    drafted = working_hours_text(WorkingHours(start=9, end=18, from_data=True))
    assert drafted.startswith("Mon-Fri 09:00-18:00, read off this data by a draft profile")
