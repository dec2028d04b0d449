"""The data directory: where ketadir keeps its store, index and run reports, and the lock that
lets one crawl at a time write there.

Light on purpose: every command builds a Paths, `ketadir search` included.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from crawler.errors import KetadirError

STORE_FILE = "ketadir.db"


class DataDirError(KetadirError):
    """The data directory cannot be used as asked (a file, not writable, busy)."""


class CrawlRunning(DataDirError):
    """Another process holds the crawl lock of this data directory."""


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
def crawl_lock(paths: Paths) -> Iterator[None]:
    """One crawl per data dir, and no reindex or site removal while it runs: a crawl holds
    the index's writer for its whole run. The OS drops the lock when its holder dies, so a
    lock left by a killed crawl is taken over without anyone having to delete a file."""
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
        yield
    finally:
        handle.close()
