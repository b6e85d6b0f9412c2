"""SQL that turns the archive's all-text columns into typed, normalized columns.

Every parse is a `try_` cast, and a value that is present but does not parse becomes a
reject reason for its row rather than a silent NULL.
"""

from __future__ import annotations

from collections.abc import Callable

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
# The format the archive writes each time column in, tried first on the untrimmed text.
_USUAL = {"tweet_time": "%Y-%m-%d %H:%M", "account_creation_date": "%Y-%m-%d"}


def time_sql(v: str) -> str:
    """Timestamp parse of the text expression v: the likely format first, then all of them."""
    likely = " ".join(f"WHEN {n} THEN try_strptime({v}, {lit(f)})" for n, f in _BY_LENGTH.items())
    every = "[" + ", ".join(lit(f) for f in TIME_FORMATS) + "]"
    return first_of(f"CASE length({v}) {likely} END", f"try_strptime({v}, {every})")


def first_of(a: str, b: str) -> str:
    """SQL coalesce(a, b) that evaluates b only where a is NULL.

    DuckDB's COALESCE computed every argument on every row (a fallback parse that is almost
    never needed cost as much as the parse itself); a CASE computes only the branch a row takes,
    and DuckDB computes the repeated `a` once.
    """
    return f"CASE WHEN {a} IS NOT NULL THEN {a} ELSE {b} END"


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


# DuckDB's trim strips exactly the Unicode space separators (Zs), and none of them starts with a
# byte from '!' (0x21) to DEL (0x7F): a text starting there is never blank. One comparison of
# the prefix then stands in for a trimmed copy of each id (trims were 14% of a typed read's CPU).
def _filled(raw: str) -> str:
    """SQL: raw holds more than spaces, as `_present(raw) IS NOT NULL`, trimming only when it
    must."""
    return f"({raw} IS NOT NULL AND (({raw} >= '!' AND {raw} < chr(128)) OR trim({raw}) <> ''))"


def _raw_first(parse: Callable[[str], str], raw: str) -> str:
    """parse(raw), and parse of the trimmed text only where that failed.

    Exact for the parses it is used with: they skip ASCII spaces at either end themselves, and
    a text with another space separator at an end fails untrimmed and is retried trimmed.
    """
    return first_of(parse(raw), parse(_present(raw)))


def utc(ts: str) -> str:
    """SQL: a parsed (naive) timestamp as the same instant in UTC.

    The same value as timezone('UTC', ts), without ICU's calendar, which took as long as the
    parse itself (0.08 s per million values).
    """
    return f"make_timestamptz(epoch_us({ts}))"


def _list_text(raw: str) -> str:
    """The list's text as `_present(raw)` gives it: a bracketed text needs no trim."""
    return (
        f"CASE WHEN starts_with({raw}, '[') AND ends_with({raw}, ']') THEN {raw} "
        f"ELSE {_present(raw)} END"
    )


def _list_sql(v: str) -> str:
    """Python's repr of a list (quoted elements), a bracketed list, or bare comma-separated.

    String slicing and prefix tests, not regex extraction: this runs on every row of
    multi-GB files.
    """
    quoted = "'[''\"]\\s*,\\s*[''\"]'"
    return (
        f"CASE WHEN {v} IS NULL OR {v} = '[]' THEN []::VARCHAR[] "
        f"WHEN NOT starts_with({v}, '[') "
        f"THEN list_transform(string_split({v}, ','), lambda s: trim(s)) "
        f"WHEN NOT (starts_with({v}, '[''') OR starts_with({v}, '[\"')) "
        f"THEN list_filter(list_transform(string_split({v}[2:-2], ','), "
        f"lambda s: trim(s)), lambda s: s <> '') "
        # Without a comma the separator cannot match: one element, without the regex.
        f"WHEN NOT contains({v}, ',') THEN [{v}[3:-3]] "
        f"ELSE string_split_regex({v}[3:-3], {quoted}) END"
    )


def _count_sql(d: str) -> str:
    """Whole numbers, "12.0" as some vintages write them, never a fraction (1.5 is not
    rounded, issue 20 item 8), nor inf, NaN, negative or overflow.

    try_cast keeps one bad value a reject of its row instead of an error for the file. BETWEEN
    is false for NaN and +-inf too; the cast of a whole double is exact.
    """
    return (
        f"CAST(CASE WHEN {d} BETWEEN 0 AND {MAX_COUNT} AND {d} = floor({d}) THEN {d} END AS BIGINT)"
    )


def _bool_sql(v: str) -> str:
    return (
        f"CASE lower({v}) WHEN 'true' THEN true WHEN 'false' THEN false "
        f"WHEN '1' THEN true WHEN '0' THEN false END"
    )


def _float_sql(col: str, raw: str) -> str:
    v = _present(raw)
    d = f"try_cast({v} AS DOUBLE)"
    bound = FLOAT_BOUNDS[col]
    return (
        f"CASE WHEN {raw} = 'absent' OR lower({v}) = 'absent' THEN NULL "
        f"WHEN {d} BETWEEN -{bound} AND {bound} THEN {d} END"
    )


def _value(col: str, raw: str) -> str | None:
    """The normalized value of a typed column (None for text).

    Each form gives exactly what parsing `_present(raw)` gives, but the common value is parsed
    without first making a trimmed copy of it.
    """
    if col in TIME_COLUMNS:
        # The archive's own format first, on the raw text: the formats are exclusive, so a
        # value it parses is parsed the same by the length's format or the list.
        usual = f"try_strptime({raw}, {lit(_USUAL[col])})"
        return utc(first_of(usual, time_sql(_present(raw))))
    if col in COUNT_COLUMNS:
        return _count_sql(_raw_first(lambda v: f"try_cast({v} AS DOUBLE)", raw))
    if col in BOOL_COLUMNS:
        # The archive's own spellings are exact matches, with no lower() copy.
        return (
            f"CASE WHEN {raw} = 'True' THEN true WHEN {raw} = 'False' THEN false "
            f"ELSE {_bool_sql(_present(raw))} END"
        )
    if col in FLOAT_COLUMNS:
        return _float_sql(col, raw)
    if col in LIST_COLUMNS:
        return _list_sql(_list_text(raw))
    return None


FLOAT_BOUNDS = {"latitude": 90, "longitude": 180}
_HINTS = {
    **{c: "use YYYY-MM-DD HH:MM" for c in TIME_COLUMNS},
    **{c: "expected a whole number from 0 up" for c in COUNT_COLUMNS},
    **{c: "expected True or False" for c in BOOL_COLUMNS},
    **{c: f"expected a number from -{b} to {b} or absent" for c, b in FLOAT_BOUNDS.items()},
}


def _typed(col: str, raw: str) -> tuple[str, str | None]:
    """(expression for the normalized value, reason expression when it fails or None)."""
    expr = _value(col, raw)
    if expr is None or col in LIST_COLUMNS:
        return expr or raw, None
    v = _present(raw)
    failed = f"{v} IS NOT NULL AND ({expr}) IS NULL"
    if col in FLOAT_COLUMNS:
        failed = f"{v} IS NOT NULL AND lower({v}) <> 'absent' AND ({expr}) IS NULL"
    reason = (
        f"CASE WHEN {failed} THEN {lit(col + ': cannot parse ')} || left({v}, 40) || "
        f"{lit(' (' + _HINTS[col] + ')')} END"
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
    columns there, so the parse is not repeated for the reject test. The raw text passes up
    untouched, and is trimmed only for the few rows whose typed value is NULL.
    """
    canonical, required = _canonical(kind)
    present = set(header)
    inner: list[str] = []
    ok: list[str] = []
    for col in canonical:
        if col not in present:
            # Absent from the file: NULL of the column's type, never 0, "" or [] (issue 7).
            inner.append(f"CAST(NULL AS {sql_type(col)}) AS {q(col)}")
            continue
        expr, reason = _typed(col, q(col))
        inner.append(f"{expr} AS {q(col)}")
        if reason or col in required:
            shadow = q("_raw_" + col)
            inner.append(f"{q(col)} AS {shadow}")
            ok.extend(_ok(col, shadow, col in required, reason is not None))
    if REJECT in present:
        inner.append(f"{_present(q(REJECT))} AS {q(REJECT)}")
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
    out = [_filled(raw)] if required else []
    v = _present(raw)
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
