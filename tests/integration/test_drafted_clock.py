"""The case where a drafted clock would mislead: operations whose working day does not start at
the fit's assumed 08:00.

`profile init` reads working hours off the data at the offset it chose; scored against the same
data, those hours can only return that offset. At full scale the atlas showed 27 of 39
synthetic operations (working 09:00-18:00 local) at a single offset an hour off the planted
one. Here each operation is generated with a known offset and working day, drafted, and its
posting-clock findings computed as notebook 03 computes them: the offset the report gives must
be a range that holds the planted offset, and the atlas must never show one offset alone.
"""

from __future__ import annotations

import datetime as dt

import pytest

from takedown.demo import generate
from takedown.demo.spec import load_spec
from takedown.findings import posting_clock as pc
from takedown.ingest import ingest
from takedown.notebook import setup
from takedown.pipeline.archive.atlas_table import cell, core_of
from takedown.pipeline.profile_draft import draft
from takedown.profile import load_profile

pytestmark = pytest.mark.slow
OFFSET = "posting_clock.best_utc_offset"


def _found(base, name: str, offset: int, hours: tuple[int, int], languages: dict) -> dict:
    """Generate, ingest and draft one operation; its posting-clock findings by id."""
    spec = load_spec({
        "name": name, "accounts": 120, "tweets": 12_000, "start": dt.date(2019, 3, 4),
        "end": dt.date(2019, 6, 28), "languages": languages, "clients": {"Twitter Web App": 1.0},
        "utc_offset_hours": offset, "working_hours": hours,
    })  # fmt: skip
    generate(base / "raw" / name, seed=7, spec=spec)
    data = base / "data"
    ingest([base / "raw" / name], name, data)
    path, _ = draft(name, data_dir=data, out=base / f"{name}.yml")
    nb = setup(data / name / "current", path, base / name / "findings", "03_posting_clock")
    clock = pc.source_clock(nb.dataset.source_format, nb.dataset.source_timezone)
    rows = pc.summarize(nb.con, nb.profile, nb.coverage, clock)
    found = {f.id: f.model_dump(mode="json") for f in rows}  # as findings.json holds them
    return {"found": found, "profile": load_profile(path), "text": path.read_text(encoding="utf-8")}


@pytest.mark.parametrize(
    ("offset", "hours", "languages"),
    [
        (8, (9, 18), {"zh": 0.9, "en": 0.1}),  # a language zone (+8) inside the band
        (-5, (9, 18), {"es": 0.6, "en": 0.4}),
        (3, (10, 19), {"ar": 0.8, "en": 0.2}),
        (5, (7, 16), {"en": 1.0}),
    ],
)
def test_a_drafted_clock_gives_the_range_that_holds_the_planted_offset(
    tmp_path, offset, hours, languages
):
    name = f"op_{'m' if offset < 0 else 'p'}{abs(offset)}"
    got = _found(tmp_path, name, offset, hours, languages)
    wh = got["profile"].working_hours
    assert wh is not None and wh.from_data and "from_data: true}" in got["text"]
    f = got["found"]
    lo, hi = f[OFFSET]["interval"]
    assert lo <= offset <= hi, (offset, lo, hi, f[OFFSET]["value"])
    assert hi - lo >= 3  # a start anywhere in 07:00-10:00: never one offset
    assert f["posting_clock.offset_ambiguous"]["value"] is False  # the data's own fit is clear
    assert f["posting_clock.local_start_known"]["value"] is False
    start = (hours[0] - offset) % 24
    assert f["posting_clock.working_day_utc"]["value"].startswith(f"{start:02d}:00")
    shown = cell(OFFSET, core_of(f, {})[OFFSET])
    assert shown == f"UTC{int(lo):+d}\u00a0to\u00a0UTC{int(hi):+d}"  # one unbreakable run
