"""Limits on the inputs: how far compressed ones may expand (zip and gzip bombs, issue 10 item
10), and how long one row may be."""

from __future__ import annotations

import gzip
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from takedown.errors import IngestError

GB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """How far compressed inputs may expand: in total, and per file relative to its size.

    Below `ratio_floor` expanded bytes a file is never a bomb, whatever its ratio.
    """

    max_expanded_bytes: int = 50 * GB
    max_ratio: float = 100.0
    ratio_floor: int = 16 << 20


@dataclass
class Budget:
    """Expanded bytes across all compressed inputs of one ingest (zip members and gzips)."""

    limits: Limits
    used: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, n: int, expanded: int, compressed: int) -> None:
        with self.lock:
            self.used += n
            total = self.used
        lim = self.limits
        if total > lim.max_expanded_bytes:
            raise IngestError(
                f"{label}: the compressed inputs expand to more than "
                f"{lim.max_expanded_bytes / GB:g} GB; if the archive is genuine, pass a "
                "larger --max-expanded-gb"
            )
        if expanded > lim.ratio_floor and expanded > lim.max_ratio * max(compressed, 1):
            raise IngestError(
                f"{label}: expands more than {lim.max_ratio:g} times its compressed size "
                "(a zip or gzip bomb?); if the archive is genuine, pass a larger "
                "--max-expansion-ratio"
            )


# The longest row (line) a reader accepts: DuckDB's max_line_size for CSVs, and the largest
# JSON object in a JSONL export.
MAX_ROW_BYTES = 20_000_000
# DuckDB's CSV buffer, set rather than left to DuckDB, which sizes it from max_line_size: at
# MAX_ROW_BYTES the typed read of a 2 GB tweets file took 1.2 s (12%) longer than with 32 MiB
# (issue 18). It must exceed the longest row.
CSV_BUFFER_BYTES = 32 * 2**20
CSV_ROW_OPTIONS = f"max_line_size={MAX_ROW_BYTES}, buffer_size={CSV_BUFFER_BYTES}"


def long_row(path: Path, limit: int = MAX_ROW_BYTES) -> int | None:
    """The number of the first line longer than `limit` bytes (1 = the first), or None.

    Only the error path reads this way: chunk by chunk, so a line inside one chunk is never
    looked at alone (it is shorter than the chunk, hence than the limit).
    """
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    line, run = 1, 0
    try:
        with opener(path, "rb") as f:
            while chunk := f.read(1 << 20):
                first = chunk.find(b"\n")
                if first < 0:
                    run += len(chunk)
                elif run + first > limit:
                    return line
                else:
                    line += chunk.count(b"\n")
                    run = len(chunk) - chunk.rfind(b"\n") - 1
                if run > limit:
                    return line
    except (OSError, EOFError, zlib.error):
        return None
    return None


def long_row_error(path: Path, label: str) -> IngestError:
    """One line naming the file and the row that is too long, without quoting it."""
    n = long_row(path)
    where = f"line {n} is" if n is not None else "a row is"
    return IngestError(
        f"{label}: {where} longer than {MAX_ROW_BYTES // 1_000_000} MB, the most a row may be; "
        "shorten or remove that row"
    )
