"""Version ids: unique per run even within one second, and sortable by time."""

from __future__ import annotations

import re

from takedown.pipeline.versions import new_version


def test_ids_made_in_the_same_second_never_collide_and_sort_by_time():
    ids = [new_version("ab" * 32) for _ in range(300)]
    assert len(set(ids)) == len(ids)
    for v in ids:
        assert re.fullmatch(r"\d{8}T\d{6}Z-abababab-[0-9a-f]{8}", v), v
    stamps = [v.split("-")[0] for v in ids]
    assert stamps == sorted(stamps)
