"""The data directory: where ketadir keeps its store, index and run reports, and the lock that
lets one crawl at a time write there.

Light on purpose: every command builds a Paths, `ketadir search` included.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

from crawler.errors import KetadirError

STORE_FILE = "ketadir.db"


class DataDirError(KetadirError):
    """The data directory cannot be used as asked (a file, not writable, busy)."""


class CrawlRunning(DataDirError):
    """Another process holds the crawl lock of this data directory."""


class DiskFull(DataDirError):
    """The disk holding the data dir has no room left: a write failed for want of space."""

    @classmethod
    def at(cls, data_dir: Path, stored: str = "") -> DiskFull:
        """The error for data_dir, saying how much is free and how much to make free."""
        free = free_bytes(data_dir)
        need = max(MIN_FREE_FOR_A_CRAWL, 2 * _size_of(data_dir) - free)
        kept = f"; {stored} were stored and are kept" if stored else "; what was stored is kept"
        return cls(
            f"the disk holding the data dir {data_dir} is full ({_megabytes(free)} free): free at least "
            f"{_megabytes(need)} there, or choose a data dir on another disk with --data-dir{kept}"
        )


# What a crawl asks to have free at least: its store, index and reports grow by about this
# much for a few thousand pages.
MIN_FREE_FOR_A_CRAWL = 64 * 1024 * 1024
# errno values that mean "no room": ENOSPC, and EDQUOT (a quota) on Linux.
_NO_ROOM = (28, 122)


def is_no_room(exc: BaseException) -> bool:
    """Whether an OSError (or SQLite's error) says the disk or a quota is full."""
    if isinstance(exc, OSError):
        return exc.errno in _NO_ROOM
    return "database or disk is full" in str(exc)


def free_bytes(path: Path) -> int:
    """Free bytes on the disk holding path (or its nearest existing parent)."""
    import shutil

    for candidate in (path, *path.parents):
        if candidate.exists():
            return shutil.disk_usage(candidate).free
    return 0


def _size_of(data_dir: Path) -> int:
    total = 0
    for file in data_dir.rglob("*") if data_dir.is_dir() else ():
        try:
            total += file.stat().st_size
        except OSError:
            continue
    return total


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count // 1024} KB"


def default_data_dir() -> Path:
    """The user's data directory for ketadir (~/.local/share/ketadir on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("ketadir", appauthor=False))


@dataclass(frozen=True)
class Paths:
    """Where each part of one data directory lives."""

    data_dir: Path

    @property
    def store(self) -> Path:
        return self.data_dir / STORE_FILE

    @property
    def index(self) -> Path:
        return self.data_dir / "index"

    @property
    def reports(self) -> Path:
        return self.data_dir / "reports"

    @property
    def lock(self) -> Path:
        return self.data_dir / "crawl.lock"

    def writable(self) -> Paths:
        """Create the data dir, or say in one line why it cannot be used."""
        self.readable()
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise DataDirError(
                f"cannot write to data dir {self.data_dir} ({exc.strerror}): choose another with --data-dir"
            ) from None
        return self

    def readable(self) -> Paths:
        """Refuse a data dir that is a file; a missing one is fine for reading (nothing yet)."""
        if self.data_dir.exists() and not self.data_dir.is_dir():
            raise DataDirError(f"data dir {self.data_dir} is a file: give --data-dir a directory")
        return self


@contextmanager
def crawl_lock(paths: Paths) -> Iterator[IO[str]]:
    """One crawl per data dir, and no reindex or site removal while it runs: a crawl holds
    the index's writer for its whole run. The OS drops the lock when its holder dies, so a
    lock left by a killed crawl is taken over without anyone having to delete a file.

    Yields the locked file: a process handed its descriptor (the crawl process) holds the
    lock as long as it lives, whatever becomes of the one that took it."""
    import fcntl

    handle = open(paths.lock, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise CrawlRunning(f"a crawl ({holder}) is running on {paths.data_dir}: wait for it to finish") from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield handle
    finally:
        handle.close()
