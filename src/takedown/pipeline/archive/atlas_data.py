"""What the atlas measures on each dataset itself: the automation share and the UTC clock.

Everything else in the atlas is quoted from each operation's findings.json; these two need the
tweets, and are measured the same way on every dataset so the operations line up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from takedown.db import open_dataset
from takedown.findings.clients import automation_share
from takedown.ingest.dataset import resolve_dataset


def measure(dataset_dir: Path) -> dict[str, Any]:
    """The automation-client finding and the share of tweets per UTC weekday x hour."""
    con = open_dataset(resolve_dataset(dataset_dir))
    try:
        auto = automation_share(con).model_dump(mode="json", exclude_none=True)
        cells = con.execute(
            """SELECT isodow(tweet_time) - 1 AS dow, hour(tweet_time) AS hour, count(*) AS n
               FROM tweets WHERE tweet_time IS NOT NULL GROUP BY ALL ORDER BY ALL"""
        ).fetchall()
    finally:
        con.close()
    total = sum(n for _, _, n in cells)
    clock = [[0.0] * 24 for _ in range(7)]
    for dow, hour, n in cells:
        clock[dow][hour] = round(n / total, 8) if total else 0.0
    return {"automation": auto, "clock_utc": clock, "clock_tweets": total}


def waves(findings: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The creation waves one operation's report found: start, end and accounts of each."""
    out = []
    for k in range(1, 100):
        start = findings.get(f"account_creation.wave{k}_start", {}).get("value")
        if start is None:
            break
        out.append({
            "start": start,
            "end": findings.get(f"account_creation.wave{k}_end", {}).get("value", start),
            "accounts": findings.get(f"account_creation.wave{k}_accounts", {}).get("value"),
        })  # fmt: skip
    return out
