"""A profile's column name -> SQL reading that value as text exactly as the export wrote it.

Dots reach into nested objects (`user.id`); a backslash makes the next character literal, so a
column named `user.id` is written `user\\.id`. JSON values are read from each object's raw text:
a string without its quotes, a number as written (never through a float, so 19-digit ids and
`1e3` stay as they are), and an object or array where one value is mapped is a reject reason.
"""

from __future__ import annotations

from takedown.ingest.normalize import lit, q
from takedown.schema import LIST_COLUMNS

# Every JSON number outside a string, quoted: the text of a real number is kept as written.
_STRINGS_OR_REST = r'"(?:[^"\\]|\\.)*"|[^"]+'
_NUMBER = r"(-?[0-9][0-9.eE+-]*)"


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


def json_sql(obj: str, column: str, field: str, where: str) -> tuple[str, str]:
    """SQL (the value as text, reason when it is not one value) of a column of JSON `obj`.

    `where` names the profile entry in the reason, e.g. `source.tweets.columns.userid`.
    """
    p = pointer(column)
    t = f"json_type({obj}, {p})"
    exact = (
        f"json_extract_string(array_to_string(list_transform(regexp_extract_all({obj}, "
        f"{lit(_STRINGS_OR_REST)}), lambda s: CASE WHEN s[1] = '\"' THEN s ELSE "
        f"regexp_replace(s, {lit(_NUMBER)}, '\"\\1\"', 'g') END), ''), {p})"
    )
    nested = ("'OBJECT'",) if field in LIST_COLUMNS else ("'OBJECT'", "'ARRAY'")
    value = (
        f"CASE {t} WHEN 'VARCHAR' THEN json_extract_string({obj}, {p}) WHEN 'NULL' THEN NULL "
        f"WHEN 'DOUBLE' THEN {exact} "
        f"WHEN 'OBJECT' THEN NULL WHEN 'ARRAY' THEN "
        f"{'CAST(json_extract(' + obj + ', ' + p + ') AS VARCHAR)' if len(nested) == 1 else 'NULL'} "
        f"ELSE CAST(json_extract({obj}, {p}) AS VARCHAR) END"
    )
    reason = (
        f"CASE WHEN {t} IN ({', '.join(nested)}) THEN {lit(field + ': a JSON ')} || "
        f"lower({t}) || {lit(' where one value is mapped (' + where + ')')} END"
    )
    return value, reason


def presence_sql(obj: str, src: str, columns: list[str], longest: int) -> str:
    """SQL: whether any object is longer than `longest` bytes, then per column whether any
    object of the file has it (a misspelt name has none)."""
    checks = "".join(f", count(json_type({obj}, {pointer(c)})) > 0" for c in columns)
    return f"SELECT max(strlen(CAST({obj} AS VARCHAR))) > {longest}{checks} FROM {src}"
