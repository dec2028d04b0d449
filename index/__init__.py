"""The search index stage: Clinic records in, plain dicts out.

Only modules in this package import Whoosh. The exceptions live here so the CLI can catch
them without importing Whoosh (or paying for it) on commands that never touch the index.
"""

from __future__ import annotations

from crawler.errors import KetadirError

REINDEX_HINT = "run `ketadir reindex` to rebuild it from the crawl store"


class IndexUnavailable(KetadirError):
    """The index directory is missing, unreadable or from an older schema; reindexing fixes it."""


class IndexBusy(KetadirError):
    """Another process holds the index's single writer lock (a crawl or reindex is running)."""
