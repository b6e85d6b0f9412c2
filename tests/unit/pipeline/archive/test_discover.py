"""Operations are found at any depth by the archive's file names, one per (folder, name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from takedown.errors import TakedownError
from takedown.pipeline.archive.discover import discover_operations


def _touch(root: Path, *names: str) -> None:
    for n in names:
        p = root / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x", encoding="utf-8")


def test_finds_operations_at_any_depth_with_shards_and_compression(tmp_path):
    _touch(
        tmp_path,
        "2020_06/china_052020/china_052020_users_csv_hashed.csv",
        "2020_06/china_052020/china_052020_tweets_csv_hashed_1.csv.gz",
        "2020_06/china_052020/china_052020_tweets_csv_hashed_2.csv.gz",
        "2020_06/china_052020/media.zip",
        "2019/08/deep/saudi/saudi_users_csv_unhashed.zip",
        "2019/08/deep/saudi/saudi_tweets_csv_unhashed.zip",
        ".hidden/x/x_users_csv_hashed.csv",
    )
    ops = discover_operations(tmp_path)
    assert [o.name for o in ops] == ["saudi", "china_052020"]
    china = ops[1]
    assert [f.name for f in china.files] == [
        "china_052020_tweets_csv_hashed_1.csv.gz",
        "china_052020_tweets_csv_hashed_2.csv.gz",
        "china_052020_users_csv_hashed.csv",
    ]


def test_two_folders_with_the_same_operation_name_get_distinct_names(tmp_path):
    _touch(tmp_path, "a/demo_users_csv_hashed.csv", "a/demo_tweets_csv_hashed.csv",
           "b/demo_users_csv_hashed.csv", "b/demo_tweets_csv_hashed.csv")  # fmt: skip
    names = [o.name for o in discover_operations(tmp_path)]
    assert names == ["demo", "b_demo"]


def test_two_operations_in_one_folder(tmp_path):
    _touch(tmp_path, "r/x_users_csv_hashed.csv", "r/x_tweets_csv_hashed.csv",
           "r/y_users_csv_hashed.csv", "r/y_tweets_csv_hashed.csv")  # fmt: skip
    ops = discover_operations(tmp_path)
    assert [(o.name, len(o.files)) for o in ops] == [("x", 2), ("y", 2)]


def test_a_profile_with_a_source_block_names_its_folder(tmp_path):
    _touch(tmp_path, "root/release/ira/IRAhandle_tweets_1.csv")
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "ira.yml").write_text(
        "name: ira\ntitle: t\nsource:\n  format: ira538\n", encoding="utf-8"
    )
    ops = discover_operations(tmp_path / "root", profiles)
    assert [(o.name, o.profile) for o in ops] == [("ira", profiles / "ira.yml")]
    assert ops[0].files == (tmp_path / "root/release/ira",)


def test_missing_root_is_one_clear_error(tmp_path):
    with pytest.raises(TakedownError, match="no such folder"):
        discover_operations(tmp_path / "nope")
