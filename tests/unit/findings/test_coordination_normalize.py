"""The one-pass text normalization equals the four sequential passes it replaced, exactly.

The sequential expression lives only here, as the reference. Both run in DuckDB (RE2) on the
same strings: hand-picked traps, then random strings built from the risky pieces.
"""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takedown.findings.coordination import NORMALIZE_SQL

SEQUENTIAL_SQL = r"""trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    lower(tweet_text), '^rt @\w+:\s*', ''), '(https?://|www\.)[^\s\x{0B}\x{85}\p{Z}]+', ' ', 'g'),
    '@\w+', ' ', 'g'), '[^\p{L}\p{N}]+', ' ', 'g'))"""

TRAPS = [
    "",
    " ",
    "Support the Hong Kong police!",
    "RT @x: Support the Hong Kong police",
    "rt @x:support",
    "RT @x:   spaced out",
    "a RT @x: not at the start",
    "RT @x no colon",
    "RT @xhttp://y: z",
    "rt @http://x",
    "write to me@example.com today",
    "mail:first.last@example.co.uk!",
    "see http://a.b/c, then (https://t.co/x).",
    "linkhttp://glued.example and wordwww.x.y",
    "wwww.x.com",
    "www.example.com/path?q=1&r=@x",
    "http:// x",
    "http://",
    "www. x",
    "@userhttp://x.com/y tail",
    "@abc_www.example.com tail",
    "@http://x",
    "@ www.x",
    "!@name and @@double and @ alone and @_under",
    "a@b@c@d",
    "name@host:word",
    "@İstanbul and @Kelvin\u212a and @\u017fhort",
    "İSTANBUL ΣΟΦΙΑ ǅemal",
    "Путин сказал: «Да!» — и всё.",
    "郭文贵是一个骗子，他的谎言早已被揭穿。 #郭文贵",
    "emoji 👍🏽 between 🇭🇰 words ❤️",
    "digits ١٢٣ and ½ and 3.14 and Ⅻ",
    "combining e\u0301 and zero\u200bwidth and nbsp\u00a0here",
    "tabs\tand\nnewlines\r\nand\x0bvtab\x0cff",
    "multiple     spaces   here",
    "   leading and trailing   ",
    "under_score and hy-phen and a'postrophe",
    "RT @a: RT @b: nested",
    "@a: http://x @b",
    "\U0001d400\U0001d7ce math letters",
    "link http://t.co/x\u00a0word after a no-break space",
    "link https://t.co/x\u3000词 after an ideographic space",
    "www.x.y\u2009thin and http://a\u202fnarrow and http://b\x85next",
]


_CON = duckdb.connect()


def _both(texts: list[str]) -> list[tuple[str, str, str]]:
    """(text, sequential key, one-pass key) for each text, in order."""
    return _CON.execute(
        f"""SELECT tweet_text, {SEQUENTIAL_SQL}, {NORMALIZE_SQL}
            FROM (SELECT unnest($1) AS tweet_text, generate_subscripts($1, 1) AS i) ORDER BY i""",
        [texts],
    ).fetchall()


@pytest.mark.parametrize("text", TRAPS)
def test_one_pass_equals_sequential_on_traps(text):
    [(_, old, new)] = _both([text])
    assert new == old


def test_traps_normalize_as_documented():
    got = {t: new for t, _, new in _both(TRAPS)}
    assert got["RT @x: Support the Hong Kong police"] == "support the hong kong police"
    assert got["a RT @x: not at the start"] == "a rt not at the start"
    assert got["@userhttp://x.com/y tail"] == "tail"
    assert got["!@name and @@double and @ alone and @_under"] == "and and alone and"
    assert got["write to me@example.com today"] == "write to me com today"
    assert got["multiple     spaces   here"] == "multiple spaces here"


def test_a_url_ends_at_a_unicode_space():
    """RE2's \\S matches U+00A0 and U+3000: a URL must not swallow the word after them."""
    got = {t: new for t, _, new in _both(TRAPS)}
    assert got["link http://t.co/x\u00a0word after a no-break space"] == (
        "link word after a no break space"
    )
    assert got["link https://t.co/x\u3000词 after an ideographic space"] == (
        "link 词 after an ideographic space"
    )
    assert got["www.x.y\u2009thin and http://a\u202fnarrow and http://b\x85next"] == (
        "thin and narrow and next"
    )


PIECES = [
    "rt @", "RT @", "@", "@a", "@_", "x", "ab", "h", "http", "https", "://", "http://",
    "https://", "www", "www.", ".", ":", ":/", "/", " ", "  ", "\t", "\n", "\x0b", "!", "_",
    "-", "1", "İ", "\u212a", "\u017f", "Д", "中", "。", "，", "👍", "\u0301", "\u200b",
    "\u00a0", "\u3000", "٣", "é", "E",
]  # fmt: skip


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), min_size=1, max_size=40)
)
def test_one_pass_equals_sequential_on_random_strings(texts):
    for text, old, new in _both(texts):
        assert new == old, repr(text)
