"""Hostile strings planted in both operations: markup, shortcodes, code, scripts, line breaks and
quotes that must never run, render as markup or break the CSV, HTML or PDF.

They sit on ordinary low-activity accounts and random tweets, never on the accounts a report's
headline tables show. The script samples ({lines}, {mixed}, {flag}, ...) come from the operation
(`Operation.hostile_fill`), so an operation without Chinese text plants none.
"""

from __future__ import annotations

import functools

from takedown.demo.params import Operation

_TWEETS: tuple[str, ...] = (
    "{lines}",
    "Line one\r\nLine two\r\nLine three",
    'She said "hello, world" and then ""twice"" more',
    "Commas, commas, everywhere,,, even at the end,",
    "Family 👨‍👩‍👧 and flag {flag} and thumbs 👍🏽 together",
    "{mixed}",
    "مرحبا بالعالم، هذا نص عربي",
    "שלום עולם, זה טקסט בעברית",
    "Mixed direction abc مرحبا def שלום ghi",
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "{{{{< var accounts >}}}}",
    "{{{{< include /etc/passwd >}}}}",
    "{{{{< meta title >}}}} and {{{{< embed notebook.ipynb#fig-x >}}}}",
    "$$x^2$$ and inline $y_1$ math",
    "# heading\n\nbody under the heading",
    "**bold** and _italic_ and ~~strike~~ text",
    "[link](javascript:alert(1))",
    "#set page(width: 1cm)",
    "See @fig-x and @tbl-y for details",
    "<label> tag and </div> closer",
    "Back\\slash C:\\Users\\demo and a literal \\n",
    "Back`tick` and ```fenced code```",
    "a | b | c\n---|---|---\n1 | 2 | 3",
    "---\ntitle: injected\n---",
    "::: {{.callout-note}}\nfenced div\n:::",
    "<!-- comment --> &amp; &lt;tag&gt; &#x27;",
    "Zero\u200bwidth and tab\tinside",
    "`r 1+1` and {{python}} print(1) and ${{HOME}}",
    'Quote "inside", comma, and newline\nall at once {flag}',
)
# (display name, description, reported location), each on a low-activity account
_USERS: tuple[tuple[str, str, str], ...] = (
    ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">', "<b>Mars</b>"),
    ("**Bold** | Name `tick`", "# heading\n**bold** [link](javascript:alert(1))", ""),
    ("{{{{< var accounts >}}}}", "{{{{< include /etc/passwd >}}}} $$x^2$$ @fig-x", "a | b"),
    ('Name, with "quotes"', 'line1\r\nline2, "quoted" | --- <label>', "{place}"),
    ("👨‍👩‍👧 {family} {flag} אבא", "مرحبا שלום {scripts}", "---"),
    ("#set page(width: 1cm) \\back", "", "\\\\server\\share"),
)
CHINA_FILL = (
    ("lines", "第一行\n第二行\n第三行"), ("mixed", "简体字这里 繁體字這裡 mixed scripts"),
    ("flag", "🇨🇳"), ("place", "Beijing, China"), ("family", "家庭"), ("scripts", "這是繁體 这是简体"),
)  # fmt: skip


@functools.cache
def hostile_tweets(op: Operation) -> tuple[str, ...]:
    """The hostile tweet texts, with the operation's script samples."""
    fill = dict(op.hostile_fill or CHINA_FILL)
    return tuple(t.format(**fill) for t in _TWEETS)


@functools.cache
def hostile_users(op: Operation) -> tuple[tuple[str, str, str], ...]:
    """The hostile (display name, description, location) triples, with the operation's samples."""
    fill = dict(op.hostile_fill or CHINA_FILL)
    return tuple(tuple(x.format(**fill) for x in u) for u in _USERS)  # type: ignore[misc]


HOSTILE_TWEETS = tuple(t.format(**dict(CHINA_FILL)) for t in _TWEETS)  # the China set's
