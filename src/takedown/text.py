"""Make untrusted strings inert and short in pandoc Markdown, so data can never become markup.

Shared by the notebooks (their tables) and the composer (prose, appendix), so a kernel never
has to load the composer. Text shown in the report is cut to a display length, the cut marked
with "…": a 1 MB profile description must not stall pandoc or Typst. findings.json and the
data keep the full text.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from numbers import Integral, Real
from typing import Any

from takedown.table_widths import TOKEN_CAP, WIDE, column_groups, column_widths

_PUNCT = frozenset(string.punctuation)
# ASCII whitespace and other C0/C1 controls (and Unicode line separators) that could end a line,
# start a block, or upset a writer; they all collapse to one space.
_SPACE_RUN = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029]+")
# Bidirectional embeddings, overrides and isolates: an unclosed one would reverse the report's
# own prose after the value, so data may not carry them.
_BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_BACKTICKS = re.compile(r"`+")
# Longest text shown for one value in prose, a title or a caption; table cells are shorter.
DISPLAY_LIMIT = 500
CELL_LIMIT = 280
ELLIPSIS = "…"


def display_cut(text: str, limit: int = DISPLAY_LIMIT) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


# Characters of tweet text an example shows (the whole text is in the CSV beside the report).
EXAMPLE_BUDGET = 140


def cut_words(text: object, budget: int = EXAMPLE_BUDGET) -> str:
    """`text` on one line, at most `budget` characters: cut at the last space that keeps
    half of it (else mid-word, as in CJK text without spaces), ending in "…" when cut."""
    s = _SPACE_RUN.sub(" ", _BIDI_CONTROLS.sub("", "" if text is None else str(text))).strip()
    if len(s) <= budget:
        return s
    head = s[: max(0, budget - 1)]
    space = head.rfind(" ")
    if s[len(head)] != " " and space >= budget // 2:  # the cut falls inside a word
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def md_escape(text: object, *, limit: int = DISPLAY_LIMIT) -> str:
    """Return `text` as literal inline Markdown: every ASCII punctuation char backslash-escaped.

    Whitespace runs collapse first, then the text is cut to `limit` characters (see
    display_cut), so escaping can never turn a long value into an unbounded one.
    """
    s = _SPACE_RUN.sub(" ", _BIDI_CONTROLS.sub("", str(text)))
    s = display_cut(s, limit)
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in s)


def code_fence(text: str) -> str:
    """A backtick fence longer than any backtick run in `text`, so the block cannot end early."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


def format_cell(
    value: Any, *, float_format: str = "{:,.2f}", int_format: str = "{:,}", na: str = "—"
) -> str:
    """Render one plain value for a table cell (numbers formatted, missing values as `na`)."""
    if _is_missing(value):
        return na
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b":
        return "true" if value else "false"
    if isinstance(value, Integral):
        return int_format.format(int(value))
    if isinstance(value, Real):
        f = float(value)
        if math.isinf(f):
            return "∞" if f > 0 else "−∞"
        return float_format.format(f)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # pandas Timestamp and friends
        return value.isoformat()
    return str(value)


def _is_numeric(value: Any) -> bool:
    """True for ints and floats (NaN included), false for booleans."""
    return isinstance(value, Real) and not isinstance(value, bool)


def _is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA and NaT."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def md_table(
    data: Any,
    columns: Sequence[str] | Mapping[str, str] | None = None,
    *,
    float_format: str = "{:,.2f}",
    int_format: str = "{:,}",
    na: str = "—",
    limit: int = CELL_LIMIT,
    code: Sequence[str] = (),
) -> str:
    """Build a pipe table from a DataFrame or rows of plain values, every cell escaped.

    `columns` picks (and orders) the columns; a mapping also renames them {key: header}.
    For rows given as sequences, `columns` are just the headers. Numeric columns align right.
    Each cell is cut to `limit` characters (marked "…"). Cells of the `code` columns that are
    ids (letters, digits, `._:-`) are set as code spans, and so are hex hashes, cut (see
    hash_cell); column widths follow the content (table_widths).
    """
    keys, headers, rows = _normalize(data, columns)
    if not keys:
        raise ValueError("md_table needs at least one column")
    as_code = [k in code for k in keys]
    shown = [
        [
            _cell(format_cell(v, float_format=float_format, int_format=int_format, na=na),
                  limit, as_code[i])
            for i, v in enumerate(row)
        ]
        for row in rows
    ]  # fmt: skip
    numeric = [
        any(_is_numeric(r[i]) for r in rows)
        and all(_is_numeric(r[i]) or _is_missing(r[i]) for r in rows)
        for i in range(len(keys))
    ]
    head = [_cell(str(h), limit, False)[0] for h in headers]
    texts = [[display_cut(str(headers[i]))] + [r[i][1] for r in shown] for i in range(len(keys))]
    cells = [head, *[[c[0] for c in r] for r in shown]]
    # A table too wide for the page is split into tables that each repeat its first column.
    return "\n".join(
        _pipe_table(cells, texts, numeric, as_code, group)
        for group in column_groups(texts, whole=as_code)
    )


def _pipe_table(
    cells: list[list[str]],
    texts: list[list[str]],
    numeric: list[bool],
    as_code: list[bool],
    group: list[int],
) -> str:
    """The pipe table of the columns in `group`: header, rule sized from the content, rows."""
    widths = column_widths([texts[i] for i in group], whole=[as_code[i] for i in group])
    rule = [("-" * (w - 1) + ":") if numeric[i] else "-" * w
            for i, w in zip(group, widths, strict=True)]  # fmt: skip
    lines = ["| " + " | ".join(row[i] for i in group) + " |" for row in cells]
    return "\n".join([lines[0], "|" + "|".join(rule) + "|", *lines[1:]]) + "\n"


# Hex digits of a hash a table shows; the rest is cut (the full value is in the data, and in
# the HTML cell's title).
HASH_SHOWN = 12
_HASH = re.compile(r"(?=[0-9]*[a-f])[0-9a-f]{20,}")
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,120}")


def _cell(text: str, limit: int, as_code: bool) -> tuple[str, str]:
    """(Markdown, text as shown) of one cell: a cut hash or an id as a code span, else escaped."""
    s = _SPACE_RUN.sub(" ", text).strip()
    if _HASH.fullmatch(s):
        return hash_cell(s), s[:HASH_SHOWN] + ELLIPSIS
    if as_code and _ID.fullmatch(s):
        return f"`{s}`", s
    shown = " ".join(_cut_hash(t) for t in display_cut(_BIDI_CONTROLS.sub("", s), limit).split(" "))
    return " ".join(_token(t) for t in shown.split(" ")), shown


# A hashed mention or tag inside text (`@E9C7…` in a tweet): cut like a hash cell.
_TEXT_HASH = re.compile(r"([@#]?)([0-9A-Fa-f]{20,})(\W*)")


def _cut_hash(token: str) -> str:
    """`token`, a hex hash of 20 or more digits in it cut to HASH_SHOWN and marked "…"."""
    m = _TEXT_HASH.fullmatch(token)
    if not m or not re.search(r"[A-Fa-f]", m.group(2)):
        return token
    return f"{m.group(1)}{m.group(2)[:HASH_SHOWN]}{ELLIPSIS}{m.group(3)}"


def _token(token: str) -> str:
    """One escaped token of a cell. One with a digit and punctuation (a number, a date, an
    interval, UTC+8) goes in a `nobr` span, which the HTML style keeps on one line where a
    browser would break it after a hyphen or dash; Typst breaks only at spaces anyway. One longer
    than TOKEN_CAP goes in a `brk` span, which may break anywhere (crossref.lua's soft_break in
    Typst)."""
    escaped = md_escape(token, limit=len(token) + 1)
    number = any(c.isdigit() for c in token) and not token.isalnum()
    if number and len(token) <= TOKEN_CAP and not WIDE.search(token):
        return f"[{escaped}]{{.nobr}}"
    if len(token) > TOKEN_CAP:  # no column makes room for it: it may break anywhere
        return f"[{escaped}]{{.brk}}"
    return escaped


def hash_cell(value: str) -> str:
    """A hex hash as a code span of its first HASH_SHOWN digits, the full value its title: a
    64-digit hash cannot share a line with other columns without breaking."""
    return f'`{value[:HASH_SHOWN]}{ELLIPSIS}`{{title="{value}"}}'


def _columns(
    columns: Sequence[str] | Mapping[str, str] | None,
) -> tuple[list[Any] | None, list[str] | None]:
    """(keys, headers) a caller named: a mapping gives both, a sequence is its own headers."""
    if isinstance(columns, Mapping):
        return list(columns.keys()), [str(v) for v in columns.values()]
    if columns is not None:
        return list(columns), [str(c) for c in columns]
    return None, None


def _sequence_rows(materialized: list[Any], keys: list[Any] | None) -> list[list[Any]]:
    """Rows of plain sequences: they have no names, so the columns must be given and fit."""
    if keys is None:
        raise ValueError("md_table needs `columns` when rows are plain sequences")
    rows = [list(row) for row in materialized]
    for i, row in enumerate(rows):
        if len(row) != len(keys):
            raise ValueError(f"md_table row {i} has {len(row)} values for {len(keys)} columns")
    return rows


def _normalize(
    data: Any, columns: Sequence[str] | Mapping[str, str] | None
) -> tuple[list[Any], list[str], list[list[Any]]]:
    """Turn a DataFrame, rows of mappings, or rows of sequences into (keys, headers, rows)."""
    keys, headers = _columns(columns)
    if hasattr(data, "columns") and hasattr(data, "itertuples"):  # pandas DataFrame
        if keys is None:
            keys = list(data.columns)
            headers = [str(c) for c in keys]
        rows = [list(t) for t in data[keys].itertuples(index=False, name=None)]
        return keys, headers or [], rows
    materialized: list[Any] = list(data) if isinstance(data, Iterable) else []
    if materialized and isinstance(materialized[0], Mapping):
        if keys is None:
            keys = list(materialized[0].keys())
            headers = [str(k) for k in keys]
        return keys, headers or [], [[row.get(k) for k in keys] for row in materialized]
    rows = _sequence_rows(materialized, keys)
    return keys or [], headers or [], rows
