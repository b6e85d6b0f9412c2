"""Hostile and damaged inputs (issue 10 items 1, 4, 10-12, 15): one clear line naming the file
and what to do, nothing left behind, nothing read from outside the input folder."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import make_archive, run_cli

OP = "test_012020"
TWEETS = f"{OP}_tweets_csv_hashed.csv"


def _fails_cleanly(result, data: Path, *needles: str) -> str:
    assert result.returncode != 0, result.stdout
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "internal error" not in lines[0]
    assert "Traceback" not in result.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    left = [p for p in data.iterdir() if p.name.startswith(".")] if data.exists() else []
    assert left == [], left
    return lines[0]


def _ingest(raw: Path, data: Path, *extra: str, name: str = "d"):
    return run_cli("ingest", raw, "--dataset", name, "--data-dir", data, *extra)


def _gzip_tweets(raw: Path) -> bytes:
    plain = raw / TWEETS
    data = gzip.compress(plain.read_bytes(), mtime=0)
    plain.unlink()
    return data


def test_gzip_with_corrupted_middle_fails_naming_the_file(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=20000)
    data = bytearray(_gzip_tweets(raw))
    # Flip bytes in the middle of the deflate stream: DuckDB alone may read garbage rows.
    mid = len(data) // 2
    for i in range(mid, mid + 16):
        data[i] ^= 0x5A
    (raw / f"{TWEETS}.gz").write_bytes(bytes(data))
    r = _ingest(raw, tmp_path / "data")
    _fails_cleanly(r, tmp_path / "data", f"{TWEETS}.gz", "gzip", "re-download")
    assert not (tmp_path / "data/d").exists()


def test_gzip_with_bad_crc_only_fails(tmp_path):
    """The deflate data is intact; only the CRC-32 in the trailer disagrees."""
    raw = make_archive(tmp_path / "raw", tweets=200)
    data = bytearray(_gzip_tweets(raw))
    data[-8] ^= 0xFF
    (raw / f"{TWEETS}.gz").write_bytes(bytes(data))
    r = _ingest(raw, tmp_path / "data")
    _fails_cleanly(r, tmp_path / "data", f"{TWEETS}.gz", "gzip", "re-download")


def test_gzip_that_ends_early_fails(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=200)
    data = _gzip_tweets(raw)
    (raw / f"{TWEETS}.gz").write_bytes(data[:-6])  # trailer cut: all rows readable
    r = _ingest(raw, tmp_path / "data")
    _fails_cleanly(r, tmp_path / "data", f"{TWEETS}.gz", "re-download")


def test_concatenated_gzip_members_are_valid(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=50)
    text = (raw / TWEETS).read_bytes()
    (raw / TWEETS).unlink()
    head, rest = text.split(b"\r\n", 1)
    (raw / f"{TWEETS}.gz").write_bytes(gzip.compress(head + b"\r\n") + gzip.compress(rest))
    r = _ingest(raw, tmp_path / "data")
    assert r.returncode == 0, r.stderr
    ds = json.loads((tmp_path / "data/d/dataset.json").read_text())
    assert ds["counts"]["tweets"] == 50


def _bomb_rows(n: int) -> bytes:
    row = b"1,u0,2020-01-01 00:00," + b"x" * 200 + b"\n"
    return b"tweetid,userid,tweet_time,tweet_text\n" + row * n


def test_gzip_bomb_is_refused_by_ratio_and_the_flag_raises_it(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / TWEETS).unlink()
    (raw / f"{TWEETS}.gz").write_bytes(gzip.compress(_bomb_rows(120_000), 9))  # ~25 MB
    r = _ingest(raw, tmp_path / "data")
    _fails_cleanly(r, tmp_path / "data", f"{TWEETS}.gz", "--max-expansion-ratio", "bomb")
    r = _ingest(raw, tmp_path / "data", "--max-expansion-ratio", "100000")
    assert r.returncode == 0, r.stderr


def test_zip_bomb_is_refused_by_total_size_flag(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / TWEETS).unlink()
    with zipfile.ZipFile(raw / f"{OP}_tweets_csv_hashed.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(TWEETS, _bomb_rows(60_000))  # ~12.5 MB
    r = _ingest(raw, tmp_path / "data", "--max-expanded-gb", "0.005")
    _fails_cleanly(r, tmp_path / "data", f"{TWEETS}", "--max-expanded-gb")


@pytest.mark.parametrize("member", [f"../{TWEETS}", f"/tmp/{TWEETS}", f"a/../../{TWEETS}"])
def test_zip_member_with_parent_or_absolute_path_is_refused(tmp_path, member):
    raw = make_archive(tmp_path / "raw")
    text = (raw / TWEETS).read_bytes()
    (raw / TWEETS).unlink()
    with zipfile.ZipFile(raw / f"{OP}_tweets_csv_hashed.zip", "w") as z:
        z.writestr(member, text)
    r = _ingest(raw, tmp_path / "data")
    _fails_cleanly(r, tmp_path / "data", f"{OP}_tweets_csv_hashed.zip", "'..'")


def test_corrupted_zip_member_is_named(tmp_path):
    raw = make_archive(tmp_path / "raw", tweets=300)
    text = (raw / TWEETS).read_bytes()
    (raw / TWEETS).unlink()
    zpath = raw / f"{OP}_tweets_csv_hashed.zip"
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_STORED) as z:
        z.writestr(TWEETS, text)
    data = bytearray(zpath.read_bytes())
    data[len(text) // 2] ^= 0x01  # stored data changed, CRC now wrong
    zpath.write_bytes(bytes(data))
    r = _ingest(raw, tmp_path / "data")
    _fails_cleanly(r, tmp_path / "data", f"{zpath.name}:{TWEETS}", "corrupt zip member")


def test_symlink_out_of_the_folder_is_not_followed_and_not_quoted(tmp_path):
    raw = make_archive(tmp_path / "raw")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (raw / TWEETS).unlink()
    (raw / TWEETS).symlink_to(secret)
    r = _ingest(raw, tmp_path / "data")
    line = _fails_cleanly(r, tmp_path / "data", TWEETS, "symlink", "outside")
    assert "root:" not in line


def test_file_that_is_not_csv_is_never_quoted(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / TWEETS).write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1\n")
    r = _ingest(raw, tmp_path / "data")
    line = _fails_cleanly(r, tmp_path / "data", TWEETS)
    assert "root:" not in line and "/bin/bash" not in line


def test_symlink_inside_the_folder_and_other_symlinks_are_fine(tmp_path):
    raw = make_archive(tmp_path / "raw")
    (raw / "real.csv").write_bytes((raw / TWEETS).read_bytes())
    (raw / TWEETS).unlink()
    (raw / TWEETS).symlink_to(raw / "real.csv")
    (raw / "notes.txt").symlink_to("/etc/passwd")
    r = _ingest(raw, tmp_path / "data")
    assert r.returncode == 0, r.stderr
    ds = json.loads((tmp_path / "data/d/dataset.json").read_text())
    assert ds["counts"]["tweets"] == 10 and "notes.txt" in ds["ignored_files"]


def test_edit_in_place_with_same_size_and_mtime_is_not_reused(tmp_path):
    from takedown.ingest import ingest

    raw = make_archive(tmp_path / "raw", tweets=50)
    data = tmp_path / "data"
    ds1, _ = ingest([raw], "c", data)
    path = raw / TWEETS
    st = path.stat()
    text = path.read_bytes()
    assert b"tweet 7," in text
    path.write_bytes(text.replace(b"tweet 7,", b"TWEET 7,"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    ds2, cached = ingest([raw], "c", data)
    assert not cached and ds2.fingerprint != ds1.fingerprint
    rec = next(f for f in ds2.files if f.kind == "tweets")
    import hashlib

    assert rec.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_apostrophe_in_dataset_name_and_data_dir(tmp_path):
    raw = make_archive(tmp_path / "raw")
    data = tmp_path / "it's data"
    r = _ingest(raw, data, name="o'brien")
    assert r.returncode == 0, r.stderr
    assert (data / "o'brien/dataset.json").exists()


def test_300_character_dataset_name_is_one_clear_line(tmp_path):
    raw = make_archive(tmp_path / "raw")
    r = _ingest(raw, tmp_path / "data", name="x" * 300)
    line = _fails_cleanly(r, tmp_path / "data", "--dataset", "too long")
    assert len(line) < 300


@pytest.fixture
def tiny_disk(tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], check=False)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=False)


def test_disk_full_says_the_disk_is_full(tmp_path, tiny_disk):
    raw = make_archive(tmp_path / "raw", tweets=30000)
    r = _ingest(raw, tiny_disk / "data")
    line = _fails_cleanly(r, tiny_disk / "data", "the disk is full")
    assert "corrupt" not in line and "cannot read as CSV" not in line


def test_disk_full_while_unpacking_a_zip(tmp_path, tiny_disk):
    raw = make_archive(tmp_path / "raw", tweets=30000)
    text = (raw / TWEETS).read_bytes()
    (raw / TWEETS).unlink()
    with zipfile.ZipFile(raw / f"{OP}_tweets_csv_hashed.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(TWEETS, text)
    r = _ingest(raw, tiny_disk / "data")
    _fails_cleanly(r, tiny_disk / "data", TWEETS, "the disk is full")
