"""Issue 16 item 1 on the real IRA sample: its clock runs round the clock, so `profile init`
drafts no named timezone and no working hours, the offset interval spans several hours, and
no working-hours share is computed on an assumed window."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from takedown.findings import posting_clock as pc
from takedown.notebook import setup
from takedown.pipeline.headlines import OFFSET_ID
from takedown.profile import load_profile
from tests.integration.summary_checks import (
    check_limitations,
    check_summary,
    offset_span,
    section_text,
)


@pytest.fixture(scope="module")
def drafted(ira_drafted: dict) -> dict:
    """The session's IRA ingest and drafted profile (tests/integration/conftest.py)."""
    return ira_drafted


@pytest.fixture(scope="module")
def nb(drafted: dict):
    return setup(drafted["data"] / "ira" / "current", drafted["profile"],
                 drafted["base"] / "findings", "03_posting_clock")  # fmt: skip


@pytest.fixture(scope="module")
def found(nb) -> dict:
    """The posting-clock findings exactly as notebook 03 computes them, with the draft."""
    clock = pc.source_clock(nb.dataset.source_format, nb.dataset.source_timezone)
    return {f.name: f for f in pc.summarize(nb.con, nb.profile, nb.coverage, clock)}


def test_no_named_timezone_and_no_working_hours_are_drafted(drafted):
    profile = load_profile(drafted["profile"])
    assert profile.timezone is None and profile.working_hours is None
    text = drafted["text"]
    assert "\ntimezone:" not in text and "\nworking_hours:" not in text
    assert "America/Sao_Paulo" not in text.split("Candidate offsets")[0]
    assert "the offset fit is ambiguous" in text and "show no working day" in text
    assert "no timezone drafted" in drafted["stdout"]


def test_hashtag_candidates_come_from_the_text(drafted):
    """Issue 16 item 3: the draft's topic candidates are the hashtags in the text."""
    text = drafted["text"]
    assert "No hashtag candidates" not in text
    assert "#   candidate_01:  # tweets per hashtag: #news " in text


def test_offset_interval_spans_more_than_an_hour(found):
    best = found["best_utc_offset"]
    lo, hi = best.interval
    assert hi - lo > 1 and lo <= best.value <= hi
    assert found["offset_ambiguous"].value is True
    assert found["offset_reading"].value.startswith("ambiguous")


def test_figure_4_shades_every_offset_of_the_interval(nb, found):
    """Figure 4's frame marks as indistinguishable exactly the offsets findings.json lists, and
    as allowed exactly its interval: wider, as the draft declares no working day."""
    curve = pc.offset_curve(nb.con, nb.profile)
    shaded = curve.loc[curve["indistinguishable"], "offset"].tolist()
    labels = found["indistinguishable_offsets"].value.split(", ")
    assert len(shaded) > 1 and len(labels) == len(shaded)
    allowed = curve.loc[curve["allowed"], "offset"].tolist()
    lo, hi = found["best_utc_offset"].interval
    assert (min(allowed), max(allowed)) == (lo, hi) and set(shaded) < set(allowed)
    assert found["local_start_known"].value is False


def test_no_working_hours_share_and_the_clock_is_utc(found):
    assert found["clock_shown"].value == "UTC"
    assert found["operator_clock"].value.startswith("no operator clock can be read from this data")
    assert not found["working_hours_share"].available
    assert found["working_hours_share"].reason.startswith("the offset fit is ambiguous (UTC−")
    assert "no operator clock can be read" in found["working_hours_share"].reason
    assert found["profile_offset_verdict"].reason == "the profile declares no timezone"


@pytest.mark.slow
def test_rendered_report_prints_no_working_hours_share(rendered_ira):
    folder = rendered_ira["folder"]
    fs = {f["id"]: f for f in json.loads((folder / "findings.json").read_text())["findings"]}
    lo, hi = fs["posting_clock.best_utc_offset"]["interval"]
    assert hi - lo > 1
    assert fs["posting_clock.working_hours_share"]["status"] == "unavailable"
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "inside the profile’s working hours" not in html.replace("'", "’")
    assert "no operator clock can be read from this data" in html
    assert "No share of tweets inside working hours is given" in html
    # Issue 16 item 3: hashtags, mentions and links come from the text (no entity columns).
    assert fs["content.top_hashtag"]["value"] == "news"
    assert fs["content.top_hashtag_tweets"]["value"] == 3151  # test_entities.py: = reference
    for fid in ("with_hashtag_share", "with_url_share", "with_mention_share"):
        assert "extracted from the text" in fs[f"content.{fid}"]["method"]
    assert "Hashtags, links and mentions are extracted from the tweet text" in html


@pytest.mark.slow
def test_rendered_report_breaks_accounts_down_by_account_category(rendered_ira, shared_data):
    """Issue 16 item 3: account_category groups appear with their account counts, equal to an
    independent count of the authors file; the clock per group is UTC, no operator clock."""
    authors = (shared_data / "ira_538_by_author" / "authors.csv.gz").as_posix()
    truth = duckdb.sql(
        f"SELECT account_category, count(*) FROM read_csv('{authors}', all_varchar=true) "
        "GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    fs = rendered_ira["findings"]
    assert fs["groups.attribute"]["value"] == "account_category"
    assert fs["groups.groups"]["value"] == len(truth)
    assert fs["groups.clock_shown"]["value"] == "UTC"
    html = rendered_ira["html"]
    section = html[html.index('id="groups"') :]
    table = section[: section.index("</table>")]
    cells = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    ]
    rows = [(c[0], c[1], c[2]) for c in cells if c and c[0] == "account_category"]
    assert [(g, int(n.replace(",", ""))) for _, g, n in rows] == truth
    assert 'id="fig-groups-clock"' in section and "so the clock shown is UTC" in section


@pytest.mark.slow
def test_summary_names_measured_findings_and_states_the_clock_as_ambiguous(rendered_ira):
    fs = rendered_ira["findings"]
    chosen = check_summary(rendered_ira["html"], fs)
    assert OFFSET_ID not in {f["id"] for f in chosen}
    summary = section_text(rendered_ira["html"], "summary")
    assert (
        f"The posting clock is ambiguous: the data allows any offset {offset_span(fs)}" in summary
    )
    for name in ("Russia", "IRA", "Internet Research", "Clemson", "Linvill", "FiveThirtyEight"):
        assert name not in summary  # the generated text names no country, operation, analyst


@pytest.mark.slow
def test_limitations_state_the_sample_the_utc_assumption_and_each_unavailable_finding(rendered_ira):
    text = check_limitations(rendered_ira["html"], rendered_ira["findings"])
    assert "The data are a uniform sample (every 12th tweet per account)" in text
    assert "count in the sample and none is multiplied up" in text
    assert "declares no timezone, so hours and weekdays are read on UTC, by assumption" in text
    span = offset_span(rendered_ira["findings"])
    assert f"The offset fit is ambiguous: the data allows any offset {span}" in text
    assert "The users file lacks, or leaves empty in every row: account_creation_date" in text
