"""pyarrow string assembly for the generator: whole columns at once, no Python loop per row."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# Slugs without vowels cannot spell a keyword.
SLUG_ALPHABET = np.frombuffer(b"bcdfghjklmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ0123456789", np.uint8)


def slugs(rng: np.random.Generator, n: int, width: int) -> pa.Array:
    """n random ASCII strings of one width, built from buffers without a Python loop."""
    data = SLUG_ALPHABET[rng.integers(0, SLUG_ALPHABET.size, (n, width))].tobytes()
    offsets = pa.py_buffer(np.arange(n + 1, dtype=np.int32) * width)
    return pa.Array.from_buffers(pa.string(), n, [None, offsets, pa.py_buffer(data)])


def join(*parts: Any, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def when(mask: np.ndarray, a: Any, b: Any = "") -> pa.Array:
    return pc.if_else(pa.array(mask), a, b)


def pick(rng: np.random.Generator, pool: Any, n: int) -> pa.Array:
    return pa.array(list(pool)).take(rng.integers(0, len(pool), n))


def num(a: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(a), pa.string())


def csv(a: pa.Array) -> pa.Array:
    """RFC 4180 quoting where needed (delimiter, quote, line break, edge whitespace)."""
    need = pc.match_substring_regex(a, r'[",\r\n]|^\s|\s$').to_numpy(zero_copy_only=False)
    return put(a, need, lambda x: join('"', pc.replace_substring(x, '"', '""'), '"'))


def sparse(mask: np.ndarray, values: pa.Array, fills: tuple[str, ...] = ("",), which: Any = 0):
    """values (one per True in mask) in mask's rows, fills[which] elsewhere, by one take."""
    idx = np.where(mask, len(fills) - 1 + np.cumsum(mask), which)
    return pa.concat_arrays([pa.array(fills, pa.string()), values]).take(idx)


def put(a: pa.Array, mask: np.ndarray, new: Callable[[pa.Array], pa.Array] | pa.Array) -> pa.Array:
    """Replace the masked rows only (new values, or a function of the old): cheap for few rows."""
    if not mask.any():
        return a
    m = pa.array(mask)
    return pc.replace_with_mask(a, m, new(a.filter(m)) if callable(new) else new)


def write(f: IO[bytes], cols: list[pa.Array]) -> None:
    """Append rows, fields joined by commas, as one buffer write."""
    lines = join(join(*cols, sep=","), "", sep="\n")
    off = np.frombuffer(lines.buffers()[1], np.int32)[lines.offset : lines.offset + len(lines) + 1]
    f.write(memoryview(lines.buffers()[2])[off[0] : off[-1]])
