"""Hostile strings planted in both operations: markup, shortcodes, code, scripts, line breaks and
quotes that must never run, render as markup or break the CSV, HTML or PDF."""

from __future__ import annotations

HOSTILE_TWEETS: tuple[str, ...] = (
    "第一行\n第二行\n第三行",
    "Line one\r\nLine two\r\nLine three",
    'She said "hello, world" and then ""twice"" more',
    "Commas, commas, everywhere,,, even at the end,",
    "Family 👨‍👩‍👧 and flag 🇨🇳 and thumbs 👍🏽 together",
    "简体字这里 繁體字這裡 mixed scripts",
    "مرحبا بالعالم، هذا نص عربي",
    "שלום עולם, זה טקסט בעברית",
    "Mixed direction abc مرحبا def שלום ghi",
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "{{< var accounts >}}",
    "{{< include /etc/passwd >}}",
    "{{< meta title >}} and {{< embed notebook.ipynb#fig-x >}}",
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
    "::: {.callout-note}\nfenced div\n:::",
    "<!-- comment --> &amp; &lt;tag&gt; &#x27;",
    "Zero\u200bwidth and tab\tinside",
    "`r 1+1` and {python} print(1) and ${HOME}",
    'Quote "inside", comma, and newline\nall at once 🇨🇳',
)
# (display name, description, reported location) for the most active accounts
HOSTILE_USERS: tuple[tuple[str, str, str], ...] = (
    ("<script>window.__pwned=1</script>", '<img src=x onerror="window.__pwned=1">', "<b>Mars</b>"),
    ("**Bold** | Name `tick`", "# heading\n**bold** [link](javascript:alert(1))", ""),
    ("{{< var accounts >}}", "{{< include /etc/passwd >}} $$x^2$$ @fig-x", "a | b"),
    ('Name, with "quotes"', 'line1\r\nline2, "quoted" | --- <label>', "Beijing, China"),
    ("👨‍👩‍👧 家庭 🇨🇳 אבא", "مرحبا שלום 這是繁體 这是简体", "---"),
    ("#set page(width: 1cm) \\back", "", "\\\\server\\share"),
)
