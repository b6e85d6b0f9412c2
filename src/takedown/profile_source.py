"""The `source:` block of a profile: which files an export has, and the clock it writes.

Kept apart from the rest of the profile because ingest reads only this part.
"""

from __future__ import annotations

import functools
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from takedown.schema import TWEET_COLUMNS, USER_COLUMNS


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Format = Literal["auto", "twitter", "tweets-only", "ira538", "mapped"]


class FileMapping(Strict):
    """One kind of export file: which files (a glob) and normalized field -> export column."""

    file: str | None = None
    columns: dict[str, str] = Field(min_length=1)
    # Further columns to keep under their own names (account attributes to group by).
    extra: dict[str, str] = {}


class Source(Strict):
    """Where a dataset's files come from and the clock its timestamps are written in."""

    format: Format = "auto"
    # The clock of the export's timestamps; Twitter's archive writes UTC.
    source_timezone: str = "UTC"
    # strptime format of the timestamps, or epoch / epoch_ms; None tries the common ones.
    time_format: str | None = None
    tweets: FileMapping | None = None
    users: FileMapping | None = None

    @field_validator("source_timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return check_zone(v)

    @model_validator(mode="after")
    def _mapped(self) -> Source:
        if self.format == "mapped" and self.tweets is None:
            raise ValueError("format mapped needs a tweets: mapping (columns: {tweetid: ...})")
        for kind, m in (("tweets", self.tweets), ("users", self.users)):
            if m is None:
                continue
            known = TWEET_COLUMNS if kind == "tweets" else USER_COLUMNS
            unknown = sorted(set(m.columns) - set(known))
            if unknown:
                raise ValueError(f"{kind}.columns: {unknown[0]!r} is not a normalized field")
        return self


def check_zone(v: str) -> str:
    """An IANA zone both Python and DuckDB know: `posix/...`, `right/...` and `localtime` pass
    zoneinfo but would fail the ingest and the findings' SQL."""
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA timezone {v!r} (e.g. Asia/Shanghai)") from None
    if v not in _duckdb_zones():
        raise ValueError(
            f"timezone {v!r} is not one DuckDB knows; use an IANA name like Asia/Shanghai"
        )
    return v


@functools.cache
def _duckdb_zones() -> frozenset[str]:
    with duckdb.connect() as con:
        return frozenset(
            r[0] for r in con.execute("SELECT name FROM pg_timezone_names()").fetchall()
        )


__all__ = ["FileMapping", "Format", "Source", "Strict", "check_zone"]
