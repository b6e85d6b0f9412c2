"""SQL that turns the archive's all-text rows into typed, normalized rows.

Every parse is a `try_` cast (values.py), and a value that is present but does not parse
becomes a reject reason for its row rather than a silent NULL.
"""

from __future__ import annotations

from takedown.ingest.values import TIME_FORMATS, filled, lit, present, q, typed_sql
from takedown.schema import (
    BOOL_COLUMNS,
    COUNT_COLUMNS,
    FLOAT_COLUMNS,
    LIST_COLUMNS,
    OPTIONAL_TWEET_COLUMNS,
    REQUIRED_TWEET_COLUMNS,
    REQUIRED_USER_COLUMNS,
    TIME_COLUMNS,
    TWEET_COLUMNS,
    USER_COLUMNS,
)

# A converted file's column of reasons an adapter found (a value that is not in the declared
# time format, a JSON object where one value is mapped): such a row is rejected with it.
REJECT = "_takedown_reject"
# Epoch seconds DuckDB's timestamps hold: years 1 to 9999.
EPOCH_RANGE = (-62135596800, 253402300799)


def source_time(raw: str, time_format: str | None, source_timezone: str) -> tuple[str, str]:
    """SQL (UTC text 'YYYY-MM-DD HH:MM:SS', reason when a present value does not convert).

    A declared format is the only format; without one, the archive's formats and ISO 8601 with
    an offset are tried on the source's clock.
    """
    if time_format in ("epoch", "epoch_ms"):
        d = f"try_cast({raw} AS DOUBLE)" + ("" if time_format == "epoch" else " / 1000.0")
        lo, hi = EPOCH_RANGE
        tstz = f"CASE WHEN {d} BETWEEN {lo} AND {hi} THEN to_timestamp({d}) END"
        hint = (
            f"not a number of {'seconds' if time_format == 'epoch' else 'milliseconds'} since 1970"
        )
    elif time_format and "%z" in time_format:
        tstz = f"try_strptime({raw}, {lit(time_format)})"
        hint = f"not in the declared time_format {time_format}"
    else:
        formats = [time_format] if time_format else list(TIME_FORMATS)
        naive = f"try_strptime({raw}, [{', '.join(lit(f) for f in formats)}])"
        tstz = f"timezone({lit(source_timezone)}, {naive})"
        hint = f"not in the declared time_format {time_format}"
        if not time_format:
            tstz = f"coalesce({tstz}, try_cast({raw} AS TIMESTAMPTZ))"
            hint = "not a date and time in a known format; declare source.time_format"
    value = f"strftime(timezone('UTC', {tstz}), '%Y-%m-%d %H:%M:%S')"
    reason = f"CASE WHEN {present(raw)} IS NOT NULL AND ({value}) IS NULL THEN {lit(hint)} END"
    return value, reason


def _canonical(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(canonical columns in order, required columns) of a file kind."""
    if kind == "users":
        return USER_COLUMNS, REQUIRED_USER_COLUMNS
    return TWEET_COLUMNS + OPTIONAL_TWEET_COLUMNS, REQUIRED_TWEET_COLUMNS


def _reason_sql(kind: str, header: tuple[str, ...]) -> str:
    """Why a row is rejected, as one text (NULL when every value parsed)."""
    canonical, required = _canonical(kind)
    reasons = [r for c in canonical if c in header for r in [typed_sql(c, q(c))[1]] if r]
    reasons += [
        f"CASE WHEN {present(q(c))} IS NULL THEN {lit(c + ' is empty')} END" for c in required
    ]
    found = f"NULLIF(concat_ws('; ', {', '.join(reasons)}), '')"
    # The adapter's reason says why a value it could not convert is empty: it comes alone.
    return f"coalesce({present(q(REJECT))}, {found})" if REJECT in header else found


def kept_select(kind: str, header: tuple[str, ...], source_sql: str) -> str:
    """Rows whose every value parsed: canonical columns first, unknown extra columns after.

    Each value is parsed once in an inner projection; the filter compares the raw and typed
    columns there, so the parse is not repeated for the reject test. The raw text passes up
    untouched, and is trimmed only for the few rows whose typed value is NULL.
    """
    canonical, required = _canonical(kind)
    in_file = set(header)
    inner: list[str] = []
    ok: list[str] = []
    for col in canonical:
        if col not in in_file:
            # Absent from the file: NULL of the column's type, never 0, "" or [] (issue 7).
            inner.append(f"CAST(NULL AS {sql_type(col)}) AS {q(col)}")
            continue
        expr, reason = typed_sql(col, q(col))
        inner.append(f"{expr} AS {q(col)}")
        if reason or col in required:
            shadow = q("_raw_" + col)
            inner.append(f"{q(col)} AS {shadow}")
            ok.extend(_ok(col, shadow, col in required, reason is not None))
    if REJECT in in_file:
        inner.append(f"{present(q(REJECT))} AS {q(REJECT)}")
        ok.append(f"{q(REJECT)} IS NULL")
    extras = [q(c) for c in header if c not in canonical and c != REJECT]
    inner.extend(extras)
    outer = [q(c) for c in canonical] + extras
    where = " AND ".join(ok) if ok else "true"
    return (
        f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {source_sql}) "
        f"WHERE {where}"
    )


def _ok(col: str, raw: str, required: bool, typed: bool) -> list[str]:
    """SQL tests a kept row passes for this column: not blank when required; parsed when
    present. Each OR stops at its first true test, so the trim runs only for the few rows that
    need it (a trim of every id cost more than the filter's other work)."""
    out = [filled(raw)] if required else []
    v = present(raw)
    if col in FLOAT_COLUMNS:
        out.append(
            f"({q(col)} IS NOT NULL OR {raw} IS NULL OR {raw} = 'absent' OR {v} IS NULL "
            f"OR lower({v}) = 'absent')"
        )
    elif typed:
        out.append(f"({q(col)} IS NOT NULL OR {raw} IS NULL OR {v} IS NULL)")
    return out


def rejected_select(kind: str, header: tuple[str, ...], source_sql: str) -> str:
    """Rows with a value that did not parse: record number among the rows the CSV reader
    accepted, id and reason. It runs only for files with rejects."""
    reason = _reason_sql(kind, header)
    idc = q(id_column(kind))
    # Touch every column so the CSV reader validates (UTF-8) and rejects exactly the rows it
    # rejected in the kept pass; otherwise such a row could be counted twice (issue 10 item 5).
    touch = " OR ".join(f"{q(c)} IS NULL" for c in header)
    return (
        f"SELECT _rec, _id, _reason FROM (SELECT row_number() OVER () AS _rec, {idc} AS _id, "
        f"{reason} AS _reason, ({touch}) AS _touch FROM {source_sql}) "
        f"WHERE _reason IS NOT NULL AND _touch IS NOT NULL"
    )


def sql_type(col: str) -> str:
    """The normalized DuckDB type of a canonical column."""
    if col in TIME_COLUMNS:
        return "TIMESTAMPTZ"
    if col in COUNT_COLUMNS:
        return "BIGINT"
    if col in BOOL_COLUMNS:
        return "BOOLEAN"
    if col in FLOAT_COLUMNS:
        return "DOUBLE"
    if col in LIST_COLUMNS:
        return "VARCHAR[]"
    return "VARCHAR"


def id_column(kind: str) -> str:
    return "userid" if kind == "users" else "tweetid"
