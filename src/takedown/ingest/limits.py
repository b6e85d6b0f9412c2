"""Limits on how far compressed inputs may expand (zip and gzip bombs, issue 10 item 10)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

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
