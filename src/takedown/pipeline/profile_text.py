"""The text of a draft profile: YAML values with comments that say what each field does and
where its suggested value came from (see profile_draft for how the facts are gathered).

Text from the data (hashtags, terms, labels) is only ever written JSON-quoted, which YAML reads
as a double-quoted scalar, with line-break and control characters escaped, so no value can end
a comment or start a new key.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from typing import Any

from takedown import __version__
from takedown.findings.candidates import MIN_ACCOUNTS, MIN_TWEETS, OVERLAP, SAMPLE_TEXTS
from takedown.findings.groups import DEFAULT_COLUMNS, MAX_DRAFT_VALUES
from takedown.findings.traits import MIN_SHARE

UNSAFE = ("Cc", "Cf", "Zl", "Zp", "Co", "Cn", "Cs")


def q(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax) with nothing YAML reads as a line break."""
    s = json.dumps(str(value), ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in UNSAFE else c for c in s)


def _off(o: int) -> str:
    return f"UTC{o:+d}" if o else "UTC"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _days(days: list[str]) -> str:
    return "[" + ", ".join(days) + "]"


def _header(name: str, facts: dict, created: datetime) -> list[str]:
    ds, span = facts["dataset"], facts["span"]
    lines = [
        f"# Draft profile for dataset {q(ds.name)}, written by `takedown profile init` on",
        f"# {created.date().isoformat()} (takedown {__version__}). Every value below is a suggestion",
        "# read from the data: check each one, edit this file, then render with",
        f"#   takedown render {name} --profile <this file>",
        "# Lines starting with '#' are comments: what each field does and where its value came from.",
        "",
        "# name: this profile's id (letters, digits, '.', '_', '-'), shown in the report.",
        f"name: {q(name)}",  # quoted: a name of digits (032020) would read as a number
        "# title: the report's subtitle. Describe the operation in your own words.",
        f"title: {q(f'Takedown dataset {ds.name} (draft profile: edit this title)')}",
    ]
    if span:
        desc = (
            f"{span['accounts']:,} accounts and {span['tweets']:,} tweets, {span['first']} to "
            f"{span['last']}."
        )
        lines += [
            "# description: one sentence about the dataset, shown under the report's summary line.",
            "# Suggested from the data: its size and date span (first and last tweet, UTC dates).",
            f"description: {q(desc)}",
        ]
    fmt = ds.source_format if ds.source_format != "mapped" else "auto"
    lines += [
        "# source: how ingest read the files (format: twitter, tweets-only, ira538 or mapped) and",
        "# the clock their timestamps are in. Recorded by ingest; a mapped export keeps its",
        "# column mapping here (see README).",
        f"source: {{format: {fmt}, source_timezone: {ds.source_timezone}}}",
        "",
    ]
    return lines


def _wrap(items: list[str], prefix: str, width: int = 96, sep: str = ", ") -> list[str]:
    """Separated items on comment lines; continuation lines indented under the first."""
    lines, cur, lead = [], "", prefix
    for it in items:
        if cur and len(lead) + len(cur) + len(it) + len(sep) > width:
            lines.append(lead + cur[: -len(sep)] + sep.rstrip())
            cur, lead = "", "#" + " " * (len(prefix) - 1)
        cur += it + sep
    if cur:
        lines.append(lead + cur[: -len(sep)])
    return lines


def _languages(facts: dict) -> list[str]:
    langs = facts.get("languages")
    codes = [c for c in (langs["language"] if langs is not None else []) if c.isascii()]
    codes = [c for c in codes if c.isalpha() and 2 <= len(c) <= 3]
    lines = [
        "# languages: the operation's languages (ISO 639-1 codes); the report gives the share of",
        "# tweets whose tweet_language label is one of them.",
    ]
    if langs is None:
        lines.append(f"#   Not read from the data: {facts['missing']['languages']}.")
    else:
        shares = ", ".join(
            f"{q(c)} {_pct(s)}" for c, s in zip(langs["language"], langs["share"], strict=True)
        )
        lines.append(
            f"#   From the data: tweet_language labels with at least {_pct(MIN_SHARE)} of the"
            " labelled tweets:"
        )
        lines += _wrap(shares.split(", ") if shares else ["none"], "#     ")
    scripts = facts.get("scripts")
    if scripts is not None and len(scripts):
        lines.append(f"#   Scripts in the text (share of tweets holding each{_sampled(facts)}):")
        lines += _wrap(
            [f"{s} {_pct(x)}" for s, x in zip(scripts["script"], scripts["share"], strict=True)],
            "#     ",
        )
    han = facts.get("han") or {}
    if han and scripts is not None and "Han" in set(scripts["script"]):
        n = sum(han.values())
        lines.append("#   Tweets with Han characters, by script (hanzidentifier's character sets):")
        lines += _wrap([f"{s} {_pct(k / n)}" for s, k in sorted(han.items())], "#     ")
    lines += [f"languages: [{', '.join(codes)}]", ""]
    return lines


def _sampled(facts: dict) -> str:
    """ ", in a sample of N of M tweets" when the draft read its text facts from a sample."""
    sample = facts.get("text_sample")
    return f", in a sample of {sample[0]:,} of the {sample[1]:,} tweets" if sample else ""


def _topics(facts: dict) -> list[str]:
    lines = [
        "# topics: keyword lexicons, one per topic; a tweet is about a topic when its text holds",
        "# one of the keywords (case-insensitive). Left empty on purpose: the candidates below are",
        "# machine-picked and would otherwise become the report's topics under placeholder names.",
        "# Uncomment the block, give each topic an id and a label, merge, prune and add keywords in",
        "# every script the data uses.",
        "topics: {}",
    ]
    groups = facts.get("groups")
    if groups is None:
        lines.append(f"#   No hashtag candidates: {facts['missing']['hashtags']}.")
    elif groups:
        counts = dict(zip(facts["top_hashtags"]["hashtag"], facts["top_hashtags"]["tweets"],
                          strict=True))  # fmt: skip
        lines += [
            f"#   Candidates: the {len(facts['top_hashtags'])} most used hashtags (each in at least"
            f" {MIN_TWEETS} tweets by {MIN_ACCOUNTS}+ accounts{_sampled(facts)}),",
            f"#   grouped when at least {OVERLAP:.0%} of the rarer tag's tweets carry both, biggest"
            " groups (hashtag uses) first.",
            "# topics:",
        ]
        for i, g in enumerate(groups, start=1):
            used = ", ".join(f"#{t} {counts[t]:,}" for t in g)
            lines += [
                f"#   candidate_{i:02d}:  # tweets per hashtag: {used}",
                f"#     label: {q(f'Candidate {i}: name this topic')}",
                f"#     keywords: [{', '.join(q(t) for t in g)}]",
            ]
        lines.append("# (end of the candidate topics)")
    for key, title in (
        ("hashtags_by_quarter", "Most distinctive hashtags per quarter"),
        ("terms", "Most distinctive terms per quarter"),
    ):
        frame = facts.get(key)
        if frame is None or frame.empty:
            continue
        lines.append(
            f"#   {title} (keyness: log-likelihood against the other quarters; tweets in brackets"
            + _sampled(facts)
            + ")"
            + (":" if key != "terms" else ",")
        )
        if key == "terms":
            lines.append(
                f"#   from a sample of at most {SAMPLE_TEXTS:,} distinct texts per quarter (jieba"
                " segments Chinese, other text splits into words):"
            )
        for quarter, g in frame.groupby("quarter", sort=True):
            items = [f"{q(k)} ({int(n):,})" for k, n in zip(g["keyword"], g["tweets"], strict=True)]
            lines += _wrap(items, f"#     {quarter}: ")
    if facts["missing"].get("text"):
        lines.append(f"#   No term candidates: {facts['missing']['text']}.")
    return lines + [""]


def _groups(facts: dict) -> list[str]:
    """group_by, commented: the users columns with a few distinct values each, if any."""
    found = facts.get("group_columns") or []
    lines = [
        "# group_by: users columns to break the findings down by (the Groups section). Without",
        f"# it: the account attributes {', '.join(DEFAULT_COLUMNS)}, where the data has",
        "# them. [] turns the breakdown off.",
    ]
    if not found:
        return lines + ["# No users column with a few distinct values was found.", ""]
    return lines + [
        f"# Users columns with 2 to {MAX_DRAFT_VALUES} distinct values (uncomment to use):",
        f"# group_by: [{', '.join(found)}]",
        "",
    ]


def _rest() -> list[str]:
    """The fields not read from the data: their defaults, with examples in comments."""
    lines = [
        "# collection: how the data was collected. description is free text; sample, for a",
        "# uniform sample, its rate: every Nth tweet, per account or over the whole file (per:",
        "# dataset). Counts are then reported as counts in the sample, never multiplied up.",
        "# Example, for a file that keeps every 12th tweet of each account:",
        "collection: {}",
        '#   description: "Every 12th tweet per author, from the publisher\'s full release."',
        "#   sample: {every: 12, per: account}",
        "",
        "# coordination: identical text from at least min_accounts accounts within window_minutes",
        "# counts as coordinated (the defaults).",
        "coordination: {window_minutes: 10, min_accounts: 5}",
        "",
        "# published: figures from published analyses of this operation, shown beside the",
        "# reproduced ones. finding is a findings.json id; unit is count, share, ratio, hours or",
        "# offset; via_press marks a figure read in a news report of the study. Example:",
        "published: []",
        "#   - {finding: followers.zero_share, label: Accounts with zero followers, value: 0.785,",
        '#      unit: share, source: "Author, Title (year)", via_press: false, tolerance: 0.005}',
        "",
        "# context: what published analyses said, per report section (a finding topic), as",
        "# Markdown with its source. Example:",
        "context: {}",
        "#   followers:",
        '#     - text: "What the analysis said about the followers of these accounts."',
        '#       source: "Author, Title (year)"',
        "",
    ]
    return lines


def draft_text(name: str, facts: dict[str, Any], *, created: datetime) -> str:
    """The whole draft profile as YAML text with comments."""
    from takedown.pipeline.profile_clock import clock_lines  # it reuses this module's helpers

    parts = _header(name, facts, created) + clock_lines(facts) + _languages(facts)
    return "\n".join(parts + _topics(facts) + _groups(facts) + _rest())
