"""Pipe-table column widths from the cells' content, so no engine breaks a number, id or hash.

Once a pipe-table line is longer than 72 characters, pandoc (and so Quarto) sizes the columns by
the dash counts of the separator line, in both HTML and Typst. Each column gets at least its
longest unbreakable token (a number, an id, a word, a cut hash) and the rest of the line is
shared in proportion to how much longer its text runs, as a browser's automatic layout does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Average characters (table font) one A4 text column holds in the narrower engine (Quarto's
# Typst: about 426 pt at 8.8 pt).
TABLE_BUDGET = 96
# Cell padding, in characters, on top of the text.
PAD = 3
# Longest token a column makes room for; a longer one (a long URL) may break (crossref.lua's
# soft_break in Typst, the browser in HTML). Ids, numbers and cut hashes are all shorter.
TOKEN_CAP = 30
# Wide characters: CJK, Hangul, full-width forms and emoji take about two Latin characters and
# may break between any two of them.
WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
    "\U0001f300-\U0001faff\U00020000-\U0003fffd]"
)


# Where a line may break: whitespace, but not the no-break spaces (str.split() breaks at them).
BREAKS = re.compile(r"[^\S\u00a0\u2007\u202f]+")


# Capitals and a few broad signs run about a third wider than the average character.
_BROAD = re.compile(r"[A-Z@%&#mw]")


def _width(run: str) -> int:
    """Width of a run without wide characters, in average Latin characters (rounded up)."""
    return len(run) + (len(_BROAD.findall(run)) + 2) // 3


def text_width(text: str) -> int:
    """Width of `text` in average Latin characters: a wide character counts two."""
    return _width(WIDE.sub("", text)) + 2 * len(WIDE.findall(text))


def longest_token(text: str) -> int:
    """Width of the longest run a line break may not split (at most TOKEN_CAP): whitespace and
    wide characters are break opportunities."""
    runs = [r for r in BREAKS.split(WIDE.sub(" ", text)) if r]
    widest = min(TOKEN_CAP, max((_width(r) for r in runs), default=0))
    return max(widest, 2) if WIDE.search(text) else widest


def column_widths(
    columns: Sequence[Sequence[str]],
    budget: int = TABLE_BUDGET,
    whole: Sequence[bool] = (),
) -> list[int]:
    """Dash counts for each column (its header first, then its cells, as shown).

    A table whose text fits in `budget` gets each column's longest cell; a wider one gives every
    column its longest token and shares what is left in proportion to the text beyond it. A
    `whole` column (code spans: ids) gets its longest cell, however long: code never breaks.
    """
    whole = list(whole) or [False] * len(columns)
    mins = _narrowest(columns, whole)
    maxs = [max((text_width(c) for c in col), default=0) + PAD for col in columns]
    maxs = [max(lo, hi) for lo, hi in zip(mins, maxs, strict=True)]
    if sum(maxs) <= budget:
        return [max(3, w) for w in maxs]
    spare = budget - sum(mins)
    stretch = sum(hi - lo for lo, hi in zip(mins, maxs, strict=True))
    if spare <= 0 or stretch == 0:
        return [max(3, w) for w in mins]
    return [
        max(3, lo + round(spare * (hi - lo) / stretch)) for lo, hi in zip(mins, maxs, strict=True)
    ]


def _narrowest(columns: Sequence[Sequence[str]], whole: Sequence[bool]) -> list[int]:
    """Each column's narrowest width: its longest unbreakable token (its longest cell when whole)."""
    return [
        max(((text_width if w else longest_token)(c) for c in col), default=0) + PAD
        for col, w in zip(columns, whole, strict=True)
    ]


# The narrowest widths are estimates rounded up (PAD each): a table over the budget by up to this
# share still fits the page, as the page check shows; beyond it the table is split.
SPLIT_SLACK = 1.1


def column_groups(
    columns: Sequence[Sequence[str]], budget: int = TABLE_BUDGET, whole: Sequence[bool] = ()
) -> list[list[int]]:
    """Column indices of the tables one table is set as, so that none is too wide for the page
    (issue 17: split, never overprinted): all columns when they fit; else the first column, the
    row's key, repeated before as many of the next columns, in order, as fit."""
    whole = list(whole) or [False] * len(columns)
    mins = _narrowest(columns, whole)
    if sum(mins) <= budget * SPLIT_SLACK or len(columns) < 3:
        return [list(range(len(columns)))]
    groups, group, used = [], [0], mins[0]
    for i in range(1, len(columns)):
        if len(group) > 1 and used + mins[i] > budget:
            groups.append(group)
            group, used = [0], mins[0]
        group.append(i)
        used += mins[i]
    return [*groups, group]
