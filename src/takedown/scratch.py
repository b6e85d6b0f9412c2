"""Scratch folders that belong to one process, and the sweep that removes those of dead ones.

Every run works in folders of its own. The owner holds an exclusive flock on `.owner` (which
also records its pid) for the folder's whole life; the kernel drops that lock when the process
dies, even by kill -9. A later run that can take the lock knows the owner is gone and removes
the folder. Liveness by lock, not by pid, so a recycled pid can never keep garbage alive.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

OWNER = ".owner"
# A folder without an owner file is younger than this only while its creator is between
# mkdtemp and taking the lock (or it came from an older takedown that wrote none).
UNOWNED_GRACE_S = 120.0


@contextmanager
def owned_dir(parent: Path, prefix: str) -> Iterator[Path]:
    """A new folder parent/<prefix><random> owned by this process; removed on exit."""
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    fd = os.open(path / OWNER, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield path
    finally:
        remove_tree(path)
        os.close(fd)


def remove_tree(path: Path) -> None:
    """rmtree that a Ctrl-C or TERM cannot leave half done: the signal that cut it short
    (raised once, see takedown.interrupts) is re-raised after the removal is finished."""
    try:
        shutil.rmtree(path, ignore_errors=True)
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def owner_alive(path: Path, *, unowned_are_dead: bool = False) -> bool:
    """True while the process that created `path` (an owned_dir) still runs."""
    try:
        fd = os.open(path / OWNER, os.O_RDONLY)
    except FileNotFoundError:
        if unowned_are_dead:
            return False
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return False
        return age < UNOWNED_GRACE_S
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return True
        raise
    finally:
        os.close(fd)
    return False


def sweep(parent: Path, pattern: str, *, unowned_are_dead: bool = False) -> list[Path]:
    """Remove the folders matching pattern under parent whose owner is dead; returns them.

    unowned_are_dead: the caller holds a lock that every creator of such folders takes, so a
    folder without an owner file cannot be in use.
    """
    removed = []
    for path in sorted(parent.glob(pattern)) if parent.is_dir() else []:
        alive = owner_alive(path, unowned_are_dead=unowned_are_dead)
        if path.is_dir() and not path.is_symlink() and not alive:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@contextmanager
def exclusive(lock_file: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold an exclusive flock on lock_file; call on_wait(holder pid) first if another holds it.

    The file is removed on release, so nothing is left behind. A waiter that then wakes up on
    the removed file sees that its inode is no longer the one at the path, and tries again.
    """
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    told = False
    while True:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip()
            if on_wait is not None and not told:
                on_wait(holder)
                told = True
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            same = os.stat(lock_file).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        lock_file.unlink(missing_ok=True)
        # Released explicitly, not by the close: a process forked meanwhile (a render's notebook
        # workers, forked while its text keys are computed under this lock) shares the open
        # file, and with it the lock, which close() would leave held for the fork's lifetime.
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
