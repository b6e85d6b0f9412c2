"""An independent reference for hashtags and mentions: twitter-text's JavaScript, line for line.

twitter-text-parser (PyPI) ports twitter-text's links only. This transcribes its hashtag and
mention extraction (js/src/regexp/validHashtag.js, validMentionOrList.js, extractHashtags.js,
extractMentions.js and extractEntitiesWithIndices' overlap removal) into Python's backtracking
`re`, with the look-aheads RE2 lacks, so the SQL in takedown.findings.entities is checked against
a second implementation that is written the way the original is. Links come from
twitter-text-parser (protocol links only, as the SQL extracts them).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

from twitter_text import extract_urls_with_indices


@cache
def _classes() -> tuple[str, str]:
    """(letters and marks, decimal digits) as `re` class bodies, from Python's Unicode tables."""
    alpha, digits = [], []
    for cp in range(sys.maxunicode + 1):
        cat = unicodedata.category(chr(cp))
        if cat[0] in "LM":
            alpha.append(cp)
        elif cat == "Nd":
            digits.append(cp)
    return _ranges(alpha), _ranges(digits)


def _ranges(cps: list[int]) -> str:
    out, start, prev = [], cps[0], cps[0]
    for cp in cps[1:] + [-1]:
        if cp != prev + 1:
            out.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
            start = cp
        prev = cp
    return "".join(out)


SPECIAL = "_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\xb7"
LATIN_ACCENTS = (
    "\xc0-\xd6\xd8-\xf6\xf8-\xff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259\u025b\u0263\u0268"
    "\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff"
)


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    alpha, digits = _classes()
    alnum = f"[{alpha}{digits}{re.escape(SPECIAL)}]"
    boundary = f"(?:^|\ufe0e|\ufe0f|(?!{alnum}|&)[\\s\\S])"
    hashtag = re.compile(
        f"({boundary})([#＃])(?!\ufe0f|\u20e3)({alnum}*[{alpha}]{alnum}*)", re.IGNORECASE
    )
    mention = re.compile(
        r"((?:^|[^a-zA-Z0-9_!#$%&*@＠]|(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?))"
        r"([@＠])([a-zA-Z0-9_]{1,20})(/[a-zA-Z][a-zA-Z0-9_-]{0,24})?"
    )
    return hashtag, mention


def entities(text: str) -> dict[str, list[str]]:
    """{'hashtag': [...], 'mention': [...], 'url': [...]} as twitter-text extracts them."""
    hashtag, mention = _patterns()
    found: list[tuple[int, int, str, str]] = []  # (start, end, kind, value)
    for m in hashtag.finditer(text):
        if not re.match("[#＃]|://", text[m.end() :]):
            start = m.start() + len(m[1])
            found.append((start, m.end(), "hashtag", m[3]))
    for m in mention.finditer(text):
        if not re.match(f"[@＠]|[{LATIN_ACCENTS}]|://", text[m.end() :]):
            start = m.start() + len(m[1])
            found.append((start, m.end(), "list" if m[4] else "mention", m[3]))
    for u in extract_urls_with_indices(text, extract_urls_without_protocol=False):
        found.append((u["indices"][0], u["indices"][1], "url", u["url"]))
    kept: list[tuple[int, int, str, str]] = []
    for e in sorted(found, key=lambda e: e[0]):  # removeOverlappingEntities
        if not kept or kept[-1][1] <= e[0]:
            kept.append(e)
    return {k: [v for _, _, kind, v in kept if kind == k] for k in ("hashtag", "mention", "url")}
