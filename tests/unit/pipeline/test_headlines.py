"""The summary's selection rule on hand-built findings: which are named, in which order, and
never an unavailable finding or an ambiguous clock."""

from __future__ import annotations

import pypandoc

from takedown.compose.builtin import READER
from takedown.pipeline.headlines import (
    HEADLINES,
    MAX_HEADLINES,
    clock_state,
    distance,
    headline_rule_markdown,
    headlines_markdown,
    strongest,
)


def share(fid: str, lo: float, hi: float, n: int = 1000, **kw) -> dict:
    return {"id": fid, "label": kw.pop("label", fid), "unit": "share", "value": (lo + hi) / 2,
            "interval": [lo, hi], "n": n, "status": "ok", "reason": None, **kw}  # fmt: skip


def unavailable(fid: str, reason: str = "no such column") -> dict:
    return {"id": fid, "label": fid, "unit": "share", "value": None, "interval": None, "n": None,
            "status": "unavailable", "reason": reason}  # fmt: skip


def clock(lo: int, hi: int, *, ambiguous: bool) -> list[dict]:
    offset = {"id": "posting_clock.best_utc_offset", "label": "Best-fitting UTC offset",
              "unit": "offset", "value": lo, "interval": [float(lo), float(hi)], "n": 838,
              "status": "ok", "reason": None}  # fmt: skip
    flag = {"id": "posting_clock.offset_ambiguous", "label": "ambiguous", "unit": "text",
            "value": ambiguous, "interval": None, "n": 838, "status": "ok", "reason": None}  # fmt: skip
    return [offset, flag]


def ids(findings: list[dict]) -> list[str]:
    return [f["id"] for f in strongest(findings)]


def test_ranked_by_the_lower_bound_above_the_reference():
    findings = [
        share("followers.zero_share", 0.70, 0.80),  # 0.20 above half
        share("engagement.zero_engagement_share", 0.86, 0.88),  # 0.36
        share("engagement.retweet_inside_share", 0.49, 0.51),  # straddles half: not named
        share("language.top_tweet_language_share", 0.30, 0.35),  # below half: not named
        share("overview.not_a_headline_kind", 0.99, 1.0),  # not in the fixed set
    ]
    assert ids(findings) == ["engagement.zero_engagement_share", "followers.zero_share"]


def test_a_ratio_counts_on_the_share_scale():
    ratio = {**share("posting_clock.weekday_weekend_rate_ratio", 3.0, 4.0), "unit": "ratio"}
    assert distance(ratio, 1.0) == 0.25  # 3 / (1 + 3) - 1 / 2
    findings = [
        ratio,
        share("followers.zero_share", 0.74, 0.76),
        share("account_creation.accounts_in_waves_share", 0.76, 0.77),
    ]
    assert ids(findings) == [
        "account_creation.accounts_in_waves_share",  # 0.26
        "posting_clock.weekday_weekend_rate_ratio",  # 0.25
        "followers.zero_share",  # 0.24
    ]


def test_ties_go_to_the_kind_listed_first_whatever_the_input_order():
    tied = [share(k.id, 0.8, 0.9) for k in HEADLINES if k.unit == "share"]
    expected = [k.id for k in HEADLINES if k.unit == "share"][:MAX_HEADLINES]
    assert ids(tied) == expected
    assert ids(list(reversed(tied))) == expected


def test_at_most_five_and_never_an_unavailable_or_intervalless_finding():
    findings = [share(k.id, 0.9, 0.95) for k in HEADLINES]
    findings[0] = unavailable(HEADLINES[0].id)
    findings[1] = {**findings[1], "interval": None}
    findings[2] = {**findings[2], "n": None}
    chosen = ids(findings)
    assert len(chosen) <= MAX_HEADLINES
    assert not {HEADLINES[0].id, HEADLINES[1].id, HEADLINES[2].id} & set(chosen)


def test_all_unavailable_names_nothing_and_says_so():
    findings = [unavailable(k.id) for k in HEADLINES] + [
        unavailable("posting_clock.best_utc_offset")
    ]
    assert strongest(findings) == []
    text = headlines_markdown(findings)
    assert "names no strongest finding" in text and "not available" not in text.split(".")[0]
    assert "\n- " not in text


def test_a_clear_clock_comes_first_an_ambiguous_one_is_stated_never_named():
    base = [share("followers.zero_share", 0.7, 0.8)]
    assert ids(clock(8, 8, ambiguous=False) + base)[0] == "posting_clock.best_utc_offset"
    findings = clock(-5, 0, ambiguous=True) + base
    assert clock_state({f["id"]: f for f in findings}) == "ambiguous"
    assert ids(findings) == ["followers.zero_share"]
    text = pypandoc.convert_text(
        headlines_markdown(findings), "plain", format=READER, extra_args=["--wrap=none"]
    )
    assert "The posting clock is ambiguous: the data allows any offset from UTC−5 to UTC+0" in text
    offset_without_flag = clock(8, 8, ambiguous=False)[:1] + base  # no recorded verdict
    assert ids(offset_without_flag) == ["followers.zero_share"]


def test_a_clear_fit_without_a_declared_start_is_placed_never_named():
    """Drafted working hours pin the offset they were read at; the summary must not name it."""
    base = [share("followers.zero_share", 0.7, 0.8)]
    start = {"id": "posting_clock.local_start_known", "label": "known", "unit": "text",
             "value": False, "interval": None, "n": None, "status": "ok", "reason": None}  # fmt: skip
    window = {**start, "id": "posting_clock.working_day_utc", "value": "01:00–10:00 UTC"}
    findings = clock(6, 9, ambiguous=False) + [start, window] + base
    assert clock_state({f["id"]: f for f in findings}) == "placed"
    assert ids(findings) == ["followers.zero_share"]
    text = pypandoc.convert_text(
        headlines_markdown(findings), "plain", format=READER, extra_args=["--wrap=none"]
    )
    assert "The posting clock places the working day at 01:00–10:00 UTC." in text
    assert "allows any offset from UTC+6 to UTC+9" in text
    known = clock(8, 8, ambiguous=False) + [{**start, "value": True}] + base
    assert ids(known)[0] == "posting_clock.best_utc_offset"


def test_each_line_gives_value_interval_and_n_as_text():
    findings = [
        share("followers.zero_share", 0.7797399385, 0.7901889306, n=23750, label="Zero <b>{{<"),
        *clock(8, 8, ambiguous=False),
        {**share("language.top_tweet_language_share", 0.8819, 0.8841, n=348608)},
        {"id": "language.top_tweet_language", "label": "Top label", "unit": "text", "value": "zh*",
         "interval": None, "n": None, "status": "ok", "reason": None},
    ]  # fmt: skip
    text = headlines_markdown(findings)
    plain = pypandoc.convert_text(text, "plain", format=READER, extra_args=["--wrap=none"])
    assert "Best-fitting UTC offset: UTC+8 (95% interval UTC+8 alone; n = 838)" in plain
    assert "Zero <b>{{<: 78.5% (95% interval 78.0–79.0%; n = 23,750)" in plain
    assert "language.top_tweet_language_share (zh*, the top label): 88.3% (95% interval 88" in plain
    assert "{{<" not in text  # escaped: never read as a shortcode


def test_the_rule_lists_every_kind_with_its_reference():
    text = headline_rule_markdown()
    for k in HEADLINES:
        assert f"`{k.id}` above" in text
    assert "above 50.0%" in text and "above 1.00" in text
