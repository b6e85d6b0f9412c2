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
        fmts = "[" + ", ".join(lit(f) for f in TIME_FORMATS) + "]"
        expr = f"timezone('UTC', try_strptime({v}, {fmts}))"
        fmt_hint = "use YYYY-MM-DD HH:MM"
    elif col in COUNT_COLUMNS:
        expr = f"CAST(round(try_cast({v} AS DOUBLE)) AS BIGINT)"
        fmt_hint = "expected a whole number"
    elif col in BOOL_COLUMNS:
        expr = (
            f"CASE lower({v}) WHEN 'true' THEN true WHEN 'false' THEN false "
            f"WHEN '1' THEN true WHEN '0' THEN false END"
        )
        fmt_hint = "expected True or False"
    elif col in FLOAT_COLUMNS:
        expr = f"CASE WHEN lower({v}) = 'absent' THEN NULL ELSE try_cast({v} AS DOUBLE) END"
        reason = (
            f"CASE WHEN {v} IS NOT NULL AND lower({v}) <> 'absent' AND try_cast({v} AS DOUBLE) "
            f"IS NULL THEN {lit(col + ': cannot parse ')} || {shown} || "
            f"{lit(' (expected a number or absent)')} END"
        )
        return expr, reason
    elif col in LIST_COLUMNS:
        expr = (
            f"CASE WHEN {v} IS NULL OR {v} = '[]' THEN []::VARCHAR[] "
            f"WHEN regexp_matches({v}, '^\\[\\s*[''\"]') "
            f"THEN regexp_extract_all({v}, '[''\"]([^''\"]*)[''\"]', 1) "
            f"ELSE list_filter(list_transform(string_split(trim({v}, '[]'), ','), "
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


def normalized_select(kind: str, header: tuple[str, ...], source_sql: str) -> str:
    """SELECT over one raw file: canonical columns first, extras after, then _reason and _rec."""
    canonical = USER_COLUMNS if kind == "users" else TWEET_COLUMNS + OPTIONAL_TWEET_COLUMNS
    required = REQUIRED_USER_COLUMNS if kind == "users" else REQUIRED_TWEET_COLUMNS
    present = set(header)
    exprs: list[str] = []
    reasons: list[str] = []
    for col in canonical:
        if col in present:
            expr, reason = _typed(col, q(col))
            if reason:
                reasons.append(reason)
        else:
            expr, _ = _typed(col, "CAST(NULL AS VARCHAR)")
        exprs.append(f"{expr} AS {q(col)}")
    for col in required:
        reasons.append(f"CASE WHEN {_present(q(col))} IS NULL THEN {lit(col + ' is empty')} END")
    extras = [c for c in header if c not in canonical]
    exprs.extend(q(c) for c in extras)
    reason_sql = f"NULLIF(concat_ws('; ', {', '.join(reasons)}), '')" if reasons else "NULL"
    return (
        f"SELECT {', '.join(exprs)}, {reason_sql} AS _reason, "
        f"row_number() OVER () AS _rec FROM {source_sql}"
    )


def id_column(kind: str) -> str:
    return "userid" if kind == "users" else "tweetid"
