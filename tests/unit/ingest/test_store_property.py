"""Property of the store (issue 20): for any sequence of ingests, prunes, killed runs and hand
edits, no file that ingest did not create is ever removed or changed."""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from takedown.errors import TakedownError
from takedown.ingest import ingest
from takedown.ingest.dataset import resolve_dataset
from takedown.ingest.publish import pinned, prune_versions, verify_version
from takedown.ingest.store import read_store
from tests.conftest import make_archive

OPS = st.sampled_from(
    [
        "ingest0", "ingest1", "ingest2", "pinned_ingest", "prune", "kill",
        "user_home", "user_versions", "user_in_version", "symlink_versions",
    ]
)  # fmt: skip


class World:
    """One data folder, the raw archives, and every file a user made there (path -> bytes)."""

    def __init__(self, root: Path, raws: list[Path], user_folder_first: bool) -> None:
        self.root, self.raws = root, raws
        root.mkdir()
        self.data, self.home = root / "data", root / "data" / "d"
        self.user: dict[Path, bytes] = {}
        self.n = itertools.count()
        self.next_raw = 0
        if user_folder_first:
            self.drop(self.home / "thesis.docx")

    def drop(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        body = f"user file {next(self.n)}".encode()
        path.write_bytes(body)
        self.user[path] = body

    def ingest(self, k: int) -> None:
        try:
            ingest([self.raws[k]], "d", self.data)
        except TakedownError:
            pass  # refused (a folder not ours, a versions link): refusing is allowed

    def step(self, op: str) -> None:
        home, versions = self.home, self.home / "versions"
        has_current = (home / "current").is_symlink() and not versions.is_symlink()
        if op.startswith("ingest"):
            self.ingest(int(op[-1]))
        elif op == "pinned_ingest" and has_current and (home / "current").resolve().exists():
            with pinned(home):
                self.ingest(self.next_raw)
            self.next_raw = (self.next_raw + 1) % len(self.raws)
        elif op == "prune" and home.is_dir():
            prune_versions(home)
        elif op == "kill":
            self.leave_scratch()
        elif op == "user_home" and home.is_dir():
            self.drop(home / f"NOTES-{next(self.n)}.txt")
        elif op == "user_versions" and versions.is_dir():
            self.drop(versions / f"mine-{next(self.n)}" / "a.txt")
        elif op == "user_in_version" and has_current:
            v = resolve_dataset(home)
            v.chmod(0o755)
            self.drop(v / f"my-analysis-{next(self.n)}.csv")
            v.chmod(0o555)
        elif op == "symlink_versions" and versions.is_dir() and not versions.is_symlink():
            self.move_versions_to_other_disk()

    def leave_scratch(self) -> None:
        """What a kill -9 leaves: an ingest's scratch folder, a half-made link or store file."""
        i = next(self.n)
        scratch = self.data / f".d.tmp-killed{i}" / "out"
        scratch.mkdir(parents=True)
        (scratch / "tweets.parquet").write_bytes(b"half")
        if self.home.is_dir() and not self.home.is_symlink():
            os.symlink("versions/nowhere", self.home / f".current.tmp-1-{i:08x}")
            (self.home / f".takedown-store.json.tmp-1-{i:08x}").write_text("{")

    def move_versions_to_other_disk(self) -> None:
        """The user moves versions/ to another disk, with their own folders beside it there."""
        disk = self.root / "disk"
        disk.mkdir(exist_ok=True)
        self.drop(disk / "photos" / "a.jpg")
        versions = self.home / "versions"
        for p in versions.iterdir():
            os.rename(p, disk / p.name)
        versions.rmdir()
        versions.symlink_to(disk)
        self.user = {
            (disk / p.relative_to(versions) if p.is_relative_to(versions) else p): b
            for p, b in self.user.items()
        }

    def check(self) -> None:
        for path, body in self.user.items():
            assert path.is_file() and path.read_bytes() == body, f"user file lost: {path}"
        store = read_store(self.home) if self.home.is_dir() else None
        versions = self.home / "versions"
        if store and (self.home / "current").is_symlink() and not versions.is_symlink():
            verify_version(self.home, resolve_dataset(self.home))  # our own data stays whole


def _writable(root: Path) -> None:
    for dirpath, dirs, _ in os.walk(root):
        for d in dirs:
            p = Path(dirpath) / d
            if not p.is_symlink():
                p.chmod(0o755)


def _run(tmp_path: Path, ops: list[str], user_folder_first: bool) -> None:
    raws = [tmp_path / f"raw{k}" for k in range(3)]
    for k, raw in enumerate(raws):
        if not raw.exists():
            make_archive(raw, users=2, tweets=3 + k)
    root = tmp_path / f"ex-{len(list(tmp_path.glob('ex-*')))}"
    world = World(root, raws, user_folder_first)
    try:
        for op in ops:
            world.step(op)
            world.check()
    finally:
        _writable(root)
        shutil.rmtree(root)


@pytest.mark.slow
@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(OPS, min_size=1, max_size=5), user_folder_first=st.booleans())
def test_no_file_ingest_did_not_create_is_ever_removed(tmp_path, ops, user_folder_first):
    _run(tmp_path, ops, user_folder_first)


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(OPS, min_size=1, max_size=10), user_folder_first=st.booleans())
def test_no_file_ingest_did_not_create_is_ever_removed_long(tmp_path, ops, user_folder_first):
    _run(tmp_path, ops, user_folder_first)
