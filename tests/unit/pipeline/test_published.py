"""Published vs reproduced: an unavailable reproduction says so, with its reason."""

from __future__ import annotations

from takedown.pipeline.published import compare, published_markdown
from takedown.profile import Profile

PROFILE = Profile.model_validate(
    {
        "name": "p", "title": "P",
        "published": [
            {"finding": "engagement.likes", "label": "Likes", "value": 156, "source": "Lab"},
            {"finding": "followers.zero_share", "label": "Zero", "value": 0.785, "unit": "share",
             "source": "Lab", "tolerance": 0.005},
        ],
    }
)  # fmt: skip
FINDINGS = [
    {"id": "engagement.likes", "label": "l", "value": None, "unit": "count",
     "status": "unavailable", "reason": "like_count is not in this dataset's tweets file"},
    {"id": "followers.zero_share", "label": "z", "value": 0.78, "unit": "share",
     "interval": [0.77, 0.79], "status": "ok", "reason": None},
]  # fmt: skip


def test_unavailable_reproduction_shows_its_reason():
    likes, zero = compare(PROFILE, FINDINGS, set())
    assert likes["reproduced"] == "not available here"
    assert likes["match"] == "no comparison: like_count is not in this dataset's tweets file"
    assert zero["reproduced"] == "78.0%" and zero["match"] == "yes"
    md = published_markdown(PROFILE, FINDINGS, set())
    assert "n/a" not in md and "None" not in md
