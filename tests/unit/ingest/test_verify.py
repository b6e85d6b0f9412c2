"""The byte-level checks beside DuckDB: gzip integrity and expansion limits (issue 10)."""

from __future__ import annotations

import gzip
import hashlib

import pytest

from takedown.errors import IngestError
from takedown.ingest.discover import _unsafe_member
from takedown.ingest.limits import Budget, Limits
from takedown.ingest.verify import sha256_of

TEXT = b"tweetid,userid,tweet_time\n" + b"".join(
    b"%d,u1,2020-01-01 00:00\n" % i for i in range(5000)
)


def _check(tmp_path, data: bytes, limits: Limits | None = None) -> str:
    p = tmp_path / "x.csv.gz"
    p.write_bytes(data)
    return sha256_of(p, Budget(limits or Limits()), "x.csv.gz")


def test_good_gzip_hash_is_the_file_hash(tmp_path):
    data = gzip.compress(TEXT)
    assert _check(tmp_path, data) == hashlib.sha256(data).hexdigest()


def test_concatenated_members_pass(tmp_path):
    _check(tmp_path, gzip.compress(TEXT[:100]) + gzip.compress(TEXT[100:]))


@pytest.mark.parametrize("cut", [1, 4, 8, 100])
def test_truncated_gzip_fails(tmp_path, cut):
    with pytest.raises(IngestError, match=r"^x\.csv\.gz: .*re-download it$"):
        _check(tmp_path, gzip.compress(TEXT)[:-cut])


def test_crc_mismatch_fails(tmp_path):
    data = bytearray(gzip.compress(TEXT))
    data[-7] ^= 0x10
    with pytest.raises(IngestError, match="corrupt gzip"):
        _check(tmp_path, bytes(data))


def test_ratio_and_total_limits(tmp_path):
    data = gzip.compress(b"a" * 5_000_000, 9)
    with pytest.raises(IngestError, match="--max-expansion-ratio"):
        _check(tmp_path, data, Limits(ratio_floor=1 << 20))
    with pytest.raises(IngestError, match="--max-expanded-gb"):
        _check(tmp_path, data, Limits(max_expanded_bytes=1 << 20))
    _check(tmp_path, data, Limits(max_ratio=1e6, ratio_floor=1 << 20))


def test_budget_is_shared_across_files():
    b = Budget(Limits(max_expanded_bytes=100, max_ratio=1e9))
    b.add("a", 60, 60, 60)
    with pytest.raises(IngestError, match="^b: the compressed inputs expand to more than"):
        b.add("b", 60, 60, 60)


@pytest.mark.parametrize(
    ("name", "unsafe"),
    [("x.csv", False), ("dir/x.csv", False), ("../x.csv", True), ("/etc/x.csv", True),
     ("a/../../x.csv", True), ("..\\x.csv", True), ("C:/x.csv", True), ("a..b.csv", False)],
)  # fmt: skip
def test_unsafe_zip_member_names(name, unsafe):
    assert _unsafe_member(name) is unsafe


def test_check_gzips_counts_each_gzip_once_and_skips_plain_files(tmp_path):
    from takedown.ingest.verify import check_gzips

    gz, plain = tmp_path / "a.jsonl.gz", tmp_path / "b.csv"
    gz.write_bytes(gzip.compress(TEXT))
    plain.write_bytes(TEXT)
    budget = Budget(Limits())
    got = check_gzips([gz, plain, gz], budget)
    assert got == {str(gz.resolve()): hashlib.sha256(gz.read_bytes()).hexdigest()}
    assert budget.used == len(TEXT)
    assert check_gzips([gz], None) == {}
