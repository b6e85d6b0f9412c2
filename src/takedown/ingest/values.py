"""SQL that parses one of the archive's text values into its typed value.

Every form gives exactly what trimming the text and then parsing it gives (the plain rule,
kept in tests/unit/ingest/test_values.py), but the common value is parsed without a trimmed
copy. Trims, COALESCE and ICU's time zones took a fifth of the CPU of a typed read (4.44 to
3.62 CPU-seconds for a 1M-tweet file, one thread).
"""

from __future__ import annotations

from collections.abc import Callable

from takedown.schema import BOOL_COLUMNS, COUNT_COLUMNS, FLOAT_COLUMNS, LIST_COLUMNS, TIME_COLUMNS

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

    DuckDB's COALESCE computes every argument on every row: with a strptime first, a fallback
    that no row needed still took 0.38 s per 3M values, as long as the fallback alone. A CASE
    computes only the branch a row takes (0.15 s), and DuckDB computes the repeated `a` once.
    """
    return f"CASE WHEN {a} IS NOT NULL THEN {a} ELSE {b} END"


# Counts above 2**53 lose precision as doubles; no account or tweet comes near it.
MAX_COUNT = 2**53 - 1


def q(name: str) -> str:
    """Quote an identifier for DuckDB."""
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """Quote a string literal for DuckDB."""
    return "'" + text.replace("'", "''") + "'"


def present(raw: str) -> str:
    """SQL: the text without its spaces at either end, NULL when nothing is left (the plain rule)."""
    return f"NULLIF(trim({raw}), '')"


# DuckDB's trim strips exactly the Unicode space separators (Zs), and none of them starts with a
# byte from '!' (0x21) to DEL (0x7F): a text starting there is never blank. One comparison of
# the prefix then stands in for a trimmed copy of each id (trims were 14% of a typed read's CPU).
def filled(raw: str) -> str:
    """SQL: raw holds more than spaces, as `present(raw) IS NOT NULL`, trimming only when it
    must."""
    return f"({raw} IS NOT NULL AND (({raw} >= '!' AND {raw} < chr(128)) OR trim({raw}) <> ''))"


def _raw_first(parse: Callable[[str], str], raw: str) -> str:
    """parse(raw), and parse of the trimmed text only where that failed.

    Exact for the parses it is used with: they skip ASCII spaces at either end themselves, and
    a text with another space separator at an end fails untrimmed and is retried trimmed.
    """
    return first_of(parse(raw), parse(present(raw)))


def utc(ts: str) -> str:
    """SQL: a parsed (naive) timestamp as the same instant in UTC.

    The same value as timezone('UTC', ts), without ICU's calendar, which took as long as the
    parse itself (0.08 s per million values).
    """
    return f"make_timestamptz(epoch_us({ts}))"


def _list_text(raw: str) -> str:
    """The list's text as `present(raw)` gives it: a bracketed text needs no trim."""
    return (
        f"CASE WHEN starts_with({raw}, '[') AND ends_with({raw}, ']') THEN {raw} "
        f"ELSE {present(raw)} END"
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
    v = present(raw)
    d = f"try_cast({v} AS DOUBLE)"
    bound = FLOAT_BOUNDS[col]
    return (
        f"CASE WHEN {raw} = 'absent' OR lower({v}) = 'absent' THEN NULL "
        f"WHEN {d} BETWEEN -{bound} AND {bound} THEN {d} END"
    )


def _value(col: str, raw: str) -> str | None:
    """The normalized value of a typed column (None for text).

    Each form gives exactly what parsing `present(raw)` gives, but the common value is parsed
    without first making a trimmed copy of it.
    """
    if col in TIME_COLUMNS:
        # The archive's own format first, on the raw text: the formats are exclusive, so a
        # value it parses is parsed the same by the length's format or the list.
        usual = f"try_strptime({raw}, {lit(_USUAL[col])})"
        return utc(first_of(usual, time_sql(present(raw))))
    if col in COUNT_COLUMNS:
        return _count_sql(_raw_first(lambda v: f"try_cast({v} AS DOUBLE)", raw))
    if col in BOOL_COLUMNS:
        # The archive's own spellings are exact matches, with no lower() copy.
        return (
            f"CASE WHEN {raw} = 'True' THEN true WHEN {raw} = 'False' THEN false "
            f"ELSE {_bool_sql(present(raw))} END"
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


def typed_sql(col: str, raw: str) -> tuple[str, str | None]:
    """(expression for the normalized value, reason expression when it fails or None)."""
    expr = _value(col, raw)
    if expr is None or col in LIST_COLUMNS:
        return expr or raw, None
    v = present(raw)
    failed = f"{v} IS NOT NULL AND ({expr}) IS NULL"
    if col in FLOAT_COLUMNS:
        failed = f"{v} IS NOT NULL AND lower({v}) <> 'absent' AND ({expr}) IS NULL"
    reason = (
        f"CASE WHEN {failed} THEN {lit(col + ': cannot parse ')} || left({v}, 40) || "
        f"{lit(' (' + _HINTS[col] + ')')} END"
    )
    return expr, reason
