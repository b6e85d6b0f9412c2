"""Files a user names (findings.json, manifest.json, a profile) and text printed from them.

A FIFO would block the read forever, /dev/zero would fill memory, and a 30 MB file can take
minutes to parse (issue 20 item 17): only a regular file is read, and only up to a size. What a
file holds may carry terminal escape sequences: `printable` makes it inert before it is shown.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from takedown.errors import TakedownError

MB = 1 << 20
# C0 and C1 controls, DEL, line and paragraph separators, bidi marks, embeddings and isolates.
_CONTROLS = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def read_regular(
    path: Path, limit: int, how: str, error: type[TakedownError] = TakedownError
) -> bytes:
    """The bytes of `path`: a regular file of at most `limit` bytes, else one line saying `how`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)  # a FIFO opens at once
    except OSError as exc:
        raise error(f"{path}: cannot read it ({exc.strerror}); {how}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{path}: not a regular file; {how}")
        if st.st_size > limit:
            raise error(f"{path}: {st.st_size / MB:.1f} MB, over the {limit // MB} MB limit; {how}")
        chunks, total = [], 0
        while chunk := os.read(fd, min(MB, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while read
                raise error(f"{path}: over the {limit // MB} MB limit; {how}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def printable(text: object, limit: int = 200) -> str:
    """`text` safe to print: control characters shown as escapes, cut to `limit` characters."""
    s = _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
    return s if len(s) <= limit else s[: limit - 1] + "…"
