"""A profile's column name -> SQL reading that value as text exactly as the export wrote it.

Dots reach into nested objects (`user.id`); a backslash makes the next character literal, so a
column named `user.id` is written `user\\.id`. JSON values are read from each object's raw text:
a string without its quotes, a number as written (never through a float, so 19-digit ids and
`1e3` stay as they are), and an object or array where one value is mapped is a reject reason.
"""

from __future__ import annotations

from takedown.ingest.normalize import lit, q
from takedown.schema import COUNT_COLUMNS, FLOAT_COLUMNS, LIST_COLUMNS, TIME_COLUMNS

# Every JSON number outside a string, quoted: the text of a real number is kept as written.
_STRINGS_OR_REST = r'"(?:[^"\\]|\\.)*"|[^"]+'
_NUMBER = r"(-?[0-9][0-9.eE+-]*)"
# Fields typed as numbers (epoch times too): a real number's text is not kept as written for
# them, which spares the rewrite of the whole object on every row with a coordinate.
NUMERIC = frozenset(COUNT_COLUMNS) | frozenset(FLOAT_COLUMNS) | frozenset(TIME_COLUMNS)


def split_path(column: str) -> list[str]:
    """`user.id` -> ["user", "id"]; `user\\.id` -> ["user.id"]; `a\\\\b` -> ["a\\b"]."""
    parts, cur, escaped = [], [], False
    for ch in column:
        if escaped:
            cur.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ".":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur) + ("\\" if escaped else ""))
    return parts


def struct_sql(column: str) -> str:
    """A CSV or Parquet column (or a field of a Parquet struct), as text."""
    return f"CAST({'.'.join(q(p) for p in split_path(column))} AS VARCHAR)"


def pointer(column: str) -> str:
    """The JSON pointer literal of a column name: `/user/id`, with `~` and `/` escaped."""
    return lit("".join("/" + p.replace("~", "~0").replace("/", "~1") for p in split_path(column)))


def json_sql(row: str, value: str, column: str, field: str, where: str) -> tuple[str, str]:
    """SQL (the value as text, reason when it is not one value) of a column of a JSON object.

    `row` is the object's raw text, `value` the column's JSON value already taken from it (one
    parse per row for all columns: `extract_sql`); `where` names the profile entry in the
    reason, e.g. `source.tweets.columns.userid`.
    """
    t = f"json_type({value})"
    exact = f"CAST({value} AS VARCHAR)"  # a number's text; a real number's is re-written
    if field not in NUMERIC:  # text fields keep a real number as written (ids above all)
        exact = (
            f"json_extract_string(array_to_string(list_transform(regexp_extract_all({row}, "
            f"{lit(_STRINGS_OR_REST)}), lambda s: CASE WHEN s[1] = '\"' THEN s ELSE "
            f"regexp_replace(s, {lit(_NUMBER)}, '\"\\1\"', 'g') END), ''), {pointer(column)})"
        )
    nested = ("'OBJECT'",) if field in LIST_COLUMNS else ("'OBJECT'", "'ARRAY'")
    array = f"CAST({value} AS VARCHAR)" if len(nested) == 1 else "NULL"
    text = (
        f"CASE {t} WHEN 'VARCHAR' THEN json_extract_string({value}, '$') WHEN 'NULL' THEN NULL "
        f"WHEN 'DOUBLE' THEN {exact} WHEN 'OBJECT' THEN NULL WHEN 'ARRAY' THEN {array} "
        f"ELSE CAST({value} AS VARCHAR) END"
    )
    reason = (
        f"CASE WHEN {t} IN ({', '.join(nested)}) THEN {lit(field + ': a JSON ')} || "
        f"lower({t}) || {lit(' where one value is mapped (' + where + ')')} END"
    )
    return text, reason


def extract_sql(row: str, columns: list[str]) -> str:
    """SQL: the JSON values of the columns, as one list, from one parse of the object."""
    return f"json_extract({row}, [{', '.join(pointer(c) for c in columns)}])"


def presence_sql(row: str, src: str, columns: list[str], longest: int) -> str:
    """SQL: whether any object is longer than `longest` bytes, then per column whether any
    object of the file has it (a misspelt name has none)."""
    checks = "".join(f", count(_v[{i}]) > 0" for i in range(1, len(columns) + 1))
    return (
        f"SELECT max(strlen(CAST({row} AS VARCHAR))) > {longest}{checks} "
        f"FROM (SELECT {row}, {extract_sql(row, columns)} AS _v FROM {src})"
    )
