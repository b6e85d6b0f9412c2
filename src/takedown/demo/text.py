"""Tweet text tables of one operation: templates, hashtag sets, the unique code phrase, and the
normalization that coordinated clusters are planted against.

A code phrase per tweet makes every background text unique after normalization: literals, then
8 slots of 8 prefix-free phrases (8**8 values), then, past 8**8 tweets, a digit glued to the last
literal (so up to 8 * 8**8 values; below 8**8 the phrase is the same as without the digit).
"""

from __future__ import annotations

import functools
import re
from types import SimpleNamespace as NS

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from takedown.demo.arrow import join
from takedown.demo.params import Operation

FAMILY_BLOCK = np.array([0, 0, 1, 2])
COMBO_M, COMBO_MUL = 8**8, 11_400_713  # an odd multiplier: a bijection on [0, 8**8)
COMBO_HI = 8  # the glued digit: up to 8 * 8**8 distinct phrases

_URL_RE, _MENTION_RE = re.compile(r"https?://\S+"), re.compile(r"@\w+")
_PUNCT_RE, _WS_RE = re.compile(r"[^\w\s]"), re.compile(r"\s+")
NORMALIZATION_RULE = (
    "lowercase; URLs (https?://\\S+) and @mentions (@\\w+) become a space; delete every character "
    "that is not a Unicode word character (letter, digit, underscore) or whitespace; collapse "
    "whitespace runs to one space; strip"
)


def normalize_text(text: str) -> str:
    """The normalization coordinated clusters are planted against (see NORMALIZATION_RULE)."""
    s = _MENTION_RE.sub(" ", _URL_RE.sub(" ", text.lower()))
    return _WS_RE.sub(" ", _PUNCT_RE.sub("", s)).strip()


def groups(op: Operation) -> dict[tuple[str, str], tuple[list[str], list[str]]]:
    """(topic, family) -> (sentences, hashtags without '#'), parsed from op.text."""
    out: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for line in op.text.splitlines():
        head = line.split(" ")
        if head[0] in op.topics and len(head) > 1 and head[1] in op.families:
            cur = out[(head[0], head[1])] = ([], [t[1:] for t in head[2:]])
        else:
            cur[0].append(line)
    return out


@functools.cache
def tables(op: Operation) -> NS:
    """Flat template and hashtag-set tables; start and length per key = topic * 4 + family;
    the code-phrase literals and slots per block."""
    tpl: list[str] = []
    tags: list[tuple[str, ...]] = [()]
    nkeys = len(op.topics) * 4
    tpl_idx, tag_idx = np.zeros((nkeys, 2), np.int64), np.zeros((nkeys, 2), np.int64)
    for (topic, fam), (texts, tg) in groups(op).items():
        k = op.topics.index(topic) * 4 + op.families.index(fam)
        tpl_idx[k] = len(tpl), len(texts)
        tpl += texts
        sets = [(t,) for t in tg] + [tuple(tg[:2])] * (len(tg) >= 2)
        tag_idx[k] = len(tags), len(sets)
        tags += sets
    src = dict(op.combo_src)
    combo = {
        b: (src[b].split("|"), [src[f"{b}{i}"].split("|") for i in range(8)]) for b in op.blocks
    }
    return NS(tpl=tpl, tpl_idx=tpl_idx, tagsets=tags, tag_idx=tag_idx, combo=combo)


def combo_value(i: np.ndarray, salt: int) -> np.ndarray:
    """Output position (or T + cluster index) -> code value, a bijection on [0, COMBO_HI * 8**8)
    that equals (COMBO_MUL * i + salt) % 8**8 below 8**8."""
    i = np.asarray(i, np.int64)
    return (i // COMBO_M) * COMBO_M + (COMBO_MUL * (i % COMBO_M) + salt) % COMBO_M


def code(op: Operation, block: int, c: int) -> str:
    """The code phrase for value c in a block (0: families 0/1, 1: family 2, 2: family 3)."""
    lit, slots = tables(op).combo[op.blocks[block]]
    s = "".join(lit[i] + slots[i][(c >> (3 * i)) & 7] for i in range(8)) + lit[8]
    return s + (str(c >> 24) if c >> 24 else "")


@functools.cache
def halves(op: Operation) -> tuple[pa.Array, pa.Array, pa.Array]:
    """All 8**4 first and second halves of the code phrase per block, and the glued digits, so a
    row's phrase is three takes and one join (value bits 0-11, 12-23, 24-)."""
    out = []
    for lo in (0, 4):
        rows = []
        for lit, slots in (tables(op).combo[b] for b in op.blocks):
            for v in range(8**4):
                d = [(v >> (3 * i)) & 7 for i in range(4)]
                rows.append("".join(lit[lo + i] + slots[lo + i][d[i]] for i in range(4)))
                rows[-1] += lit[8] if lo else ""
        out.append(pa.array(rows))
    out.append(pa.array([""] + [str(h) for h in range(1, COMBO_HI)]))
    return out[0], out[1], out[2]


def spaced(a: pa.Array) -> pa.Array:
    """The extra-whitespace variant: doubled spaces around sentences, tags, links; trailing
    spaces. Spaces inside keywords ("Hong Kong") stay single so topic matching is unchanged."""
    for old in (". ", " #", " @", " http"):
        a = pc.replace_substring(a, old, old.replace(" ", "  "))
    return join(a, "  ")
