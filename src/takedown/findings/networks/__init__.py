"""Coordination networks: account-account networks of shared behaviour, fused and exported.

traces.py turns tweets into events (an account posting an item at a time), pairs.py joins
events into weighted pairs within a window, fusion.py scores them against a time-shuffle null
and finds communities, summary.py states the findings, export.py writes Gephi's files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from takedown.findings.contract import Coverage, Finding
    from takedown.profile import Profile


def summarize(
    con: duckdb.DuckDBPyConnection, profile: Profile, coverage: Coverage
) -> list[Finding]:
    """The section's findings in one call, as every other section gives them, so the contract
    tests (an absent column is never a number; empty tables) cover the networks too."""
    from takedown.findings.networks import summary

    return summary.summarize(summary.compute(con, coverage, profile.coordination.window_minutes))
