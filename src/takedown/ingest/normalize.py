"""SQL that turns the archive's all-text columns into typed, normalized columns.

Every parse is a `try_` cast, and a value that is present but does not parse becomes a
reject reason for its row rather than a silent NULL.
"""

from __future__ import annotations

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

# Published files use the first two; mirrors re-wrote dates as M/D/YYYY.
TIME_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y",
)


# The formats are mutually exclusive (strptime must consume the whole text), so trying first
# the one a value's length points to gives the same result as trying them in order, while a
# date-only column (account_creation_date) no longer fails two formats per row: 26x faster.
_BY_LENGTH = {16: "%Y-%m-%d %H:%M", 10: "%Y-%m-%d", 19: "%Y-%m-%d %H:%M:%S"}


def time_sql(v: str) -> str:
    """Timestamp parse of the text expression v: the likely format first, then all of them."""
    likely = " ".join(f"WHEN {n} THEN try_strptime({v}, {lit(f)})" for n, f in _BY_LENGTH.items())
    every = "[" + ", ".join(lit(f) for f in TIME_FORMATS) + "]"
    return f"coalesce(CASE length({v}) {likely} END, try_strptime({v}, {every}))"


# Counts above 2**53 lose precision as doubles; no account or tweet comes near it.
MAX_COUNT = 2**53 - 1
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
    reason = f"CASE WHEN {_present(raw)} IS NOT NULL AND ({value}) IS NULL THEN {lit(hint)} END"
    return value, reason


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """Quote a string literal for DuckDB."""
    return "'" + text.replace("'", "''") + "'"


def _present(raw: str) -> str:
    return f"NULLIF(trim({raw}), '')"


def _typed(col: str, raw: str) -> tuple[str, str | None]:
    """(expression for the normalized value, reason expression when it fails or None)."""
    v = _present(raw)
    shown = f"left({v}, 40)"
    if col in TIME_COLUMNS:
        expr = f"timezone('UTC', {time_sql(v)})"
        fmt_hint = "use YYYY-MM-DD HH:MM"
    elif col in COUNT_COLUMNS:
        # Whole numbers, "12.0" as some vintages write them, never a fraction (1.5 is not
        # rounded, issue 20 item 8), inf/NaN/negative/overflow: try_cast keeps one bad value a
        # reject of its row instead of an error for the file. BETWEEN is false for NaN and
        # +-inf too; the cast of a whole double is exact.
        d = f"try_cast({v} AS DOUBLE)"
        expr = (
            f"CAST(CASE WHEN {d} BETWEEN 0 AND {MAX_COUNT} AND {d} = floor({d}) THEN {d} END "
            "AS BIGINT)"
        )
        fmt_hint = "expected a whole number from 0 up"
    elif col in BOOL_COLUMNS:
        expr = (
            f"CASE lower({v}) WHEN 'true' THEN true WHEN 'false' THEN false "
            f"WHEN '1' THEN true WHEN '0' THEN false END"
        )
        fmt_hint = "expected True or False"
    elif col in FLOAT_COLUMNS:
        d = f"try_cast({v} AS DOUBLE)"
        bound = 90 if col == "latitude" else 180
        expr = (
            f"CASE WHEN lower({v}) = 'absent' THEN NULL "
            f"WHEN {d} BETWEEN -{bound} AND {bound} THEN {d} END"
        )
        reason = (
            f"CASE WHEN {v} IS NOT NULL AND lower({v}) <> 'absent' AND ({expr}) "
            f"IS NULL THEN {lit(col + ': cannot parse ')} || {shown} || "
            f"{lit(f' (expected a number from -{bound} to {bound} or absent)')} END"
        )
        return expr, reason
    elif col in LIST_COLUMNS:
        # String slicing, not regex extraction: this runs on every row of multi-GB files.
        expr = (
            f"CASE WHEN {v} IS NULL OR {v} = '[]' THEN []::VARCHAR[] "
            f"WHEN {v}[1] <> '[' THEN list_transform(string_split({v}, ','), lambda s: trim(s)) "
            f"WHEN {v}[2] IN ('''', '\"') "
            f"THEN string_split_regex({v}[3:-3], '[''\"]\\s*,\\s*[''\"]') "
            f"ELSE list_filter(list_transform(string_split({v}[2:-2], ','), "
            f"lambda s: trim(s)), lambda s: s <> '') END"
        )
        return expr, None
    else:
        return raw, None
    reason = (
        f"CASE WHEN {v} IS NOT NULL AND ({expr}) IS NULL THEN "
        f"{lit(col + ': cannot parse ')} || {shown} || {lit(' (' + fmt_hint + ')')} END"
    )
    return expr, reason


def _canonical(kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(canonical columns in order, required columns) of a file kind."""
    if kind == "users":
        return USER_COLUMNS, REQUIRED_USER_COLUMNS
    return TWEET_COLUMNS + OPTIONAL_TWEET_COLUMNS, REQUIRED_TWEET_COLUMNS


def _reason_sql(kind: str, header: tuple[str, ...]) -> str:
    """Why a row is rejected, as one text (NULL when every value parsed)."""
    canonical, required = _canonical(kind)
    reasons = [r for c in canonical if c in header for r in [_typed(c, q(c))[1]] if r]
    reasons += [
        f"CASE WHEN {_present(q(c))} IS NULL THEN {lit(c + ' is empty')} END" for c in required
    ]
    found = f"NULLIF(concat_ws('; ', {', '.join(reasons)}), '')"
    # The adapter's reason says why a value it could not convert is empty: it comes alone.
    return f"coalesce({_present(q(REJECT))}, {found})" if REJECT in header else found


def kept_select(kind: str, header: tuple[str, ...], source_sql: str) -> str:
    """Rows whose every value parsed: canonical columns first, unknown extra columns after.

    Each value is parsed once in an inner projection; the filter compares the raw and typed
    columns there, so the parse is not repeated for the reject test.
    """
    canonical, required = _canonical(kind)
    present = set(header)
    inner: list[str] = []
    bad: list[str] = []
    for col in canonical:
        if col not in present:
            # Absent from the file: NULL of the column's type, never 0, "" or [] (issue 7).
            inner.append(f"CAST(NULL AS {sql_type(col)}) AS {q(col)}")
            continue
        raw = q(col)
        expr, reason = _typed(col, raw)
        inner.append(f"{expr} AS {q(col)}")
        if col in present and (reason or col in required):
            shadow = q("_raw_" + col)
            inner.append(f"{_present(raw)} AS {shadow}")
            if col in required:
                bad.append(f"{shadow} IS NULL")
            if col in FLOAT_COLUMNS:
                bad.append(
                    f"({shadow} IS NOT NULL AND lower({shadow}) <> 'absent' AND {q(col)} IS NULL)"
                )
            elif reason:
                bad.append(f"({shadow} IS NOT NULL AND {q(col)} IS NULL)")
    if REJECT in present:
        inner.append(f"{_present(q(REJECT))} AS {q(REJECT)}")
        bad.append(f"{q(REJECT)} IS NOT NULL")
    extras = [q(c) for c in header if c not in canonical and c != REJECT]
    inner.extend(extras)
    outer = [q(c) for c in canonical] + extras
    where = " OR ".join(bad) if bad else "false"
    return (
        f"SELECT {', '.join(outer)} FROM (SELECT {', '.join(inner)} FROM {source_sql}) "
        f"WHERE NOT ({where})"
    )


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
