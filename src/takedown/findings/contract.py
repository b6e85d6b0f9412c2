"""The finding contract: what every `findings/<topic>.summarize(...)` returns.

A finding is either measured (`ok`, with a value) or `unavailable` with a reason a reader can act
on. It is never a zero standing in for missing data: the report shows "not available here".
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from takedown.schema import Coverage

__all__ = ["Coverage", "Finding", "Status", "Unit", "ok", "unavailable", "first_missing"]


class Unit(StrEnum):
    count = "count"
    share = "share"
    ratio = "ratio"
    offset = "offset"
    hours = "hours"
    days = "days"
    date = "date"
    text = "text"
    number = "number"


class Status(StrEnum):
    ok = "ok"
    unavailable = "unavailable"


Value = bool | int | float | str | list[Any] | None


class Finding(BaseModel):
    """One number (or text) the report may quote; `id` is `<topic>.<name>`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    label: str
    value: Value = None
    unit: Unit
    interval: tuple[float, float] | None = None
    n: int | None = None
    method: str | None = None
    status: Status = Status.ok
    reason: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Finding:
        if self.status is Status.unavailable:
            if not self.reason:
                raise ValueError(f"{self.id}: an unavailable finding needs a reason")
            if self.value is not None or self.interval is not None:
                raise ValueError(f"{self.id}: an unavailable finding has no value or interval")
        else:
            if self.reason is not None:
                raise ValueError(f"{self.id}: a measured finding has no reason")
            if self.value is None:
                raise ValueError(f"{self.id}: a measured finding needs a value; else unavailable")
        return self

    @property
    def available(self) -> bool:
        return self.status is Status.ok

    @property
    def topic(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.id.split(".", 1)[1]


def ok(
    id: str,
    value: Value,
    *,
    unit: Unit | str,
    label: str,
    interval: tuple[float, float] | None = None,
    n: int | None = None,
    method: str | None = None,
) -> Finding:
    """A measured finding. A None value is a bug in the caller: use `unavailable`."""
    return Finding(
        id=id, label=label, value=value, unit=Unit(unit), interval=interval, n=n, method=method
    )


def unavailable(
    id: str, *, unit: Unit | str, label: str, reason: str, method: str | None = None
) -> Finding:
    """A finding this dataset cannot support, with the reason (e.g. a missing column)."""
    return Finding(
        id=id,
        label=label,
        unit=Unit(unit),
        method=method,
        status=Status.unavailable,
        reason=reason,
    )


def first_missing(coverage: Coverage, *needs: tuple[str, str]) -> str | None:
    """The reason the first of (table, column) that has no values, or None if all have some."""
    for table, column in needs:
        reason = coverage.missing(table, column)
        if reason:
            return reason
    return None
