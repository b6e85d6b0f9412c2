"""Profile column names -> SQL reading the value exactly as written, with real DuckDB."""

from __future__ import annotations

import json

import duckdb
import pytest

from takedown.ingest.fields import extract_sql, json_sql, pointer, split_path, struct_sql
from takedown.ingest.normalize import lit


@pytest.mark.parametrize(
    ("column", "parts"),
    [
        ("id", ["id"]),
        ("user.id", ["user", "id"]),
        ("user\\.id", ["user.id"]),
        ("a\\\\.b", ["a\\", "b"]),
        ("trailing\\", ["trailing\\"]),
    ],
)
def test_split_path_escapes_dots(column, parts):
    assert split_path(column) == parts


def test_pointer_escapes_json_pointer_characters():
    assert pointer("a/b.t~x") == "'/a~1b/t~0x'"
    assert struct_sql('u.we"ird') == 'CAST("u"."we""ird" AS VARCHAR)'


def value(obj: dict | str, column: str, field: str = "userid") -> tuple[str | None, str | None]:
    text = obj if isinstance(obj, str) else json.dumps(obj)
    v, r = json_sql("j", "v[1]", column, field, f"source.tweets.columns.{field}")
    src = f"(SELECT j, {extract_sql('j', [column])} AS v FROM (SELECT {lit(text)} AS j))"
    return duckdb.execute(f"SELECT {v}, {r} FROM {src}").fetchone()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"id": 1234567890123456789}', "1234567890123456789"),
        ('{"id": 18446744073709551617}', "18446744073709551617"),
        ('{"id": 123456789012345678901234567890}', "123456789012345678901234567890"),
        ('{"id": 7.5}', "7.5"),
        ('{"id": 1e3}', "1e3"),
        ('{"id": -1.50E+2}', "-1.50E+2"),
        ('{"id": 0.1000000000000000055511151231257827}', "0.1000000000000000055511151231257827"),
        ('{"s": "a \\"1.5\\" b", "id": 2.50}', "2.50"),
        ('{"id": "alice"}', "alice"),
        ('{"id": "say \\"hi\\""}', 'say "hi"'),
        ('{"id": true}', "true"),
        ('{"id": null}', None),
        ('{"other": 1}', None),
    ],
)
def test_json_scalars_are_their_text_as_written(text, expected):
    assert value(text, "id") == (expected, None)


def test_objects_and_arrays_are_reasons_except_arrays_for_list_fields():
    assert value({"u": {"id": 1}}, "u") == (
        None,
        "userid: a JSON object where one value is mapped (source.tweets.columns.userid)",
    )
    assert value({"u": [1]}, "u")[1].startswith("userid: a JSON array")
    assert value({"h": ["a", "b"]}, "h", "hashtags") == ('["a","b"]', None)
    assert value({"h": {"a": 1}}, "h", "hashtags")[1].startswith("hashtags: a JSON object")


def test_dotted_and_escaped_paths():
    obj = {"user.id": "flat", "user": {"id": "nested"}}
    assert value(obj, "user\\.id") == ("flat", None)
    assert value(obj, "user.id") == ("nested", None)


def test_numeric_fields_read_a_real_number_as_its_value():
    assert value('{"n": 1e3}', "n", "like_count") == ("1000.0", None)
    assert value('{"n": 18446744073709551617}', "n", "like_count") == ("18446744073709551617", None)
