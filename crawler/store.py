"""The SQLite store: everything fetched, every decision, every run and change.

The store is the system of record. The Whoosh index is derived from it and can always be
rebuilt (`ketadir reindex`), so pages are kept raw (compressed) and parsed (JSON), and clinics
keep their last decision for change history. WAL mode lets search/export read while a
crawl writes; each write is its own short transaction so a killed crawl loses at most
the page in flight.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from functools import cache
from operator import attrgetter
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

from crawler.datadir import DiskFull, is_no_room
from crawler.errors import KetadirError
from crawler.items import Clinic, FetchError, PackedPage, Page, Record, TextBlock

# Bump when parse.py changes what it extracts: stored pages are then parsed again from
# their raw HTML on the next refresh instead of being refetched.
PARSER_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sites (
    site TEXT PRIMARY KEY,          -- host without www.
    url TEXT NOT NULL,              -- the seed URL we start from
    source TEXT NOT NULL DEFAULT '',-- seed file, command line, discovery page
    first_seen TEXT NOT NULL,
    last_crawled TEXT,
    last_status TEXT,               -- ok | error: reason | gone
    fail_streak INTEGER NOT NULL DEFAULT 0,
    gone INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    status INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    body BLOB NOT NULL,             -- raw bytes, Zstandard-compressed (zlib in older stores)
    encoding TEXT NOT NULL DEFAULT 'utf-8',
    parsed TEXT NOT NULL,           -- Page as JSON
    parser_version INTEGER NOT NULL,
    run_id INTEGER,
    current INTEGER NOT NULL DEFAULT 1  -- 0: answered 404/410, or not reached by the site's latest crawl
);
CREATE INDEX IF NOT EXISTS pages_site ON pages(site);
CREATE TABLE IF NOT EXISTS clinics (
    site TEXT PRIMARY KEY,
    record TEXT NOT NULL,           -- Clinic as JSON
    decided_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    state TEXT NOT NULL DEFAULT 'running',  -- running | finished | interrupted
    sites INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    changes INTEGER NOT NULL DEFAULT 0,
    stats TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS fetch_errors (
    run_id INTEGER NOT NULL,
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    reason TEXT NOT NULL,
    answered INTEGER NOT NULL DEFAULT 0  -- 1: the site answered, with something that is not a page (a PDF)
);
CREATE INDEX IF NOT EXISTS fetch_errors_run ON fetch_errors(run_id);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER,
    site TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,             -- new | modality | services | conditions | address | phone | gone | back
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS changes_at ON changes(at);
CREATE TABLE IF NOT EXISTS site_crawls (  -- sites whose crawl in a run went to its end
    run_id INTEGER NOT NULL,
    site TEXT NOT NULL,
    PRIMARY KEY (run_id, site)
);
"""
# Columns added since the first stores were made: (table, column, its definition).
_ADDED_COLUMNS = (
    ("pages", "current", "INTEGER NOT NULL DEFAULT 1"),
    ("fetch_errors", "answered", "INTEGER NOT NULL DEFAULT 0"),
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """Bring an older store's tables up to the schema above (SQLite adds a column in place)."""
    for table, column, definition in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            with conn:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


def pack_page(body: bytes, page: Page) -> PackedPage:
    """A fetched page in the form save_page keeps it; pure, so a parse worker can make it."""
    return PackedPage(compress_body(body), page_json(page), page.problems)


def compress_body(body: bytes) -> bytes:
    return _compressor().compress(body)


@cache
def _compressor() -> Any:
    """Zstandard level 1: on HTML pages 30% faster than level 3 for 1% less compression
    (bench/RESULTS.md, **Zstandard level 1**). One compressor per process; the store's
    writers are single-threaded."""
    import zstandard  # only where pages are stored or read raw: search never needs it

    return zstandard.ZstdCompressor(level=1)


def decompress_body(blob: bytes) -> bytes:
    """A stored body; stores written before Zstandard hold zlib streams, told apart by their first bytes."""
    if blob.startswith(_ZSTD_MAGIC):
        import zstandard

        return zstandard.ZstdDecompressor().decompress(blob)
    return zlib.decompress(blob)


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


# A stored page keeps its blocks as rows in TextBlock's field order, not as objects with
# named fields: reading pages back is most of a refresh, and rows decode in half the time.
_BLOCK_ROW = attrgetter(*(f.name for f in fields(TextBlock)))
_PAGE_FIELDS = tuple(f.name for f in fields(Page) if f.name != "blocks")


def page_json(page: Page) -> str:
    data = {name: getattr(page, name) for name in _PAGE_FIELDS}
    data["blocks"] = [_BLOCK_ROW(block) for block in page.blocks]
    return json.dumps(data, ensure_ascii=False)


def page_from_json(parsed: str) -> Page:
    data = json.loads(parsed)
    rows = data.pop("blocks", [])
    page = Page.from_dict(data)
    page.blocks = [TextBlock(*row) for row in rows]
    return page


class StoreError(KetadirError):
    """The data directory cannot hold a store (not writable, not a database...)."""


class NotRegistered(StoreError):
    """Sites asked for by name that the registry does not hold."""


def utcnow(precise: bool = False) -> str:
    """ISO 8601 UTC. Precise stamps order events within one second (page fetch vs decision)."""
    now = datetime.now(timezone.utc)
    return (now if precise else now.replace(microsecond=0)).isoformat()


@dataclass
class StoredPage:
    """What a crawl needs to know of a page it fetched before: is it the same, read by this parser?"""

    url: str
    site: str
    status: int
    fetched_at: str
    content_hash: str
    etag: str
    last_modified: str
    parser_version: int


@dataclass
class SiteRecord(Record):
    """A registered site and how its last crawls went."""

    site: str  # host without www.
    url: str  # the seed URL a crawl starts from
    source: str  # seed file, command line, discovery page
    first_seen: str
    last_crawled: str | None
    last_status: str | None  # "ok", "ok, N page errors", "error: reason"
    fail_streak: int  # runs in a row in which no page answered
    gone: bool


@dataclass
class RunRecord(Record):
    """One crawl run and its counts; stats are the Scrapy crawl's own."""

    id: int
    started_at: str
    finished_at: str | None
    state: str  # running | finished | failed | interrupted
    sites: int
    pages: int
    errors: int
    changes: int
    stats: dict[str, Any]


@dataclass
class ChangeRecord(Record):
    """Something a decision changed about a site (see refresh.diff_clinics)."""

    id: int
    run_id: int | None
    site: str
    at: str
    kind: str  # new | modality | services | conditions | address | phone | name | gone | back
    detail: dict[str, Any]


def _site_record(row: sqlite3.Row) -> SiteRecord:
    return SiteRecord(
        row["site"], row["url"], row["source"], row["first_seen"], row["last_crawled"], row["last_status"],
        row["fail_streak"], bool(row["gone"]),
    )


def _run_record(row: sqlite3.Row) -> RunRecord:
    return RunRecord(
        row["id"], row["started_at"], row["finished_at"], row["state"], row["sites"], row["pages"],
        row["errors"], row["changes"], json.loads(row["stats"] or "{}"),
    )


def _open_for_reading(path: Path) -> sqlite3.Connection:
    """A read-only connection. Reading a WAL database writes its -shm file beside it, which a
    directory the user can only read (a shared drive) refuses; the store is then read as
    immutable, which nobody can be writing there anyway."""
    uri = f"file:{quote(str(path))}"
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30)
    try:
        conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)
    conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone()
    return conn


class Store:
    """One SQLite database file; open it with ``Store.open(path)``. Every statement ketadir
    runs is one of its methods: the rest of the code names what it wants, not how to find it."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self._conn = conn
        self.path = path

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction; a disk with no room left is DiskFull, naming the data dir
        (SQLite rolls the transaction back, so the store stays as it was)."""
        try:
            with self._conn:
                yield
        except sqlite3.OperationalError as exc:
            if is_no_room(exc):
                raise DiskFull.at(self.path.parent) from None
            raise

    @classmethod
    def open(cls, path: Path | str, readonly: bool = False) -> Store:
        path = Path(path)
        try:
            if readonly:
                if not path.exists():
                    raise StoreError(f"no store at {path}: run `ketadir crawl` first")
                conn = _open_for_reading(path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, timeout=30)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
                _add_missing_columns(conn)
        except (sqlite3.Error, OSError) as exc:
            if is_no_room(exc):
                raise DiskFull.at(path.parent) from None
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        return cls(conn, path)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- sites -------------------------------------------------------------------------

    def add_site(self, site: str, url: str, source: str = "") -> bool:
        """Register a site; returns True when it is new."""
        with self._writing():
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO sites(site, url, source, first_seen) VALUES (?,?,?,?)",
                (site, url, source, utcnow()),
            )
        return cur.rowcount == 1

    def sites(self) -> list[SiteRecord]:
        return [_site_record(r) for r in self._conn.execute("SELECT * FROM sites ORDER BY site")]

    def site(self, site: str) -> SiteRecord | None:
        row = self._conn.execute("SELECT * FROM sites WHERE site=?", (site,)).fetchone()
        return _site_record(row) if row else None

    def mark_site_answered(self, site: str, status: str, at: str | None) -> None:
        """A crawl got pages from the site: it is not gone (any more), and crawled as of `at`
        (None: its crawl was cut short, and its last crawl time stays)."""
        with self._writing():
            self._conn.execute(
                "UPDATE sites SET last_crawled=COALESCE(?, last_crawled), last_status=?, fail_streak=0, gone=0 "
                "WHERE site=?",
                (at, status, site),
            )

    def mark_site_failed(self, site: str, status: str, fail_streak: int, gone: bool) -> None:
        """A crawl got no page from the site; its last crawl time stays that of its last answer."""
        with self._writing():
            self._conn.execute(
                "UPDATE sites SET last_status=?, fail_streak=?, gone=? WHERE site=?",
                (status, fail_streak, int(gone), site),
            )

    def remove_sites(self, sites: list[str]) -> None:
        """Forget sites, their pages and their clinics; their change history and errors stay.
        Raises NotRegistered, changing nothing, if any of them is not registered."""
        unknown = [site for site in sites if self.site(site) is None]
        if unknown:
            raise NotRegistered(f"not registered: {', '.join(unknown)} (see `ketadir sites list`)")
        with self._writing():
            for table in ("sites", "clinics", "pages"):
                self._conn.executemany(f"DELETE FROM {table} WHERE site=?", [(site,) for site in sites])

    # --- pages -------------------------------------------------------------------------

    def validators(self) -> dict[str, tuple[str, str]]:
        """(ETag, Last-Modified) of every page that answered, for conditional re-fetches."""
        rows = self._conn.execute("SELECT url, etag, last_modified FROM pages WHERE status < 400")
        return {r["url"]: (r["etag"], r["last_modified"]) for r in rows}

    def page_meta(self, url: str) -> StoredPage | None:
        row = self._conn.execute(
            "SELECT url, site, status, fetched_at, content_hash, etag, last_modified, parser_version "
            "FROM pages WHERE url=?",
            (url,),
        ).fetchone()
        return StoredPage(**dict(row)) if row else None

    def save_page(
        self,
        *,
        url: str,
        site: str,
        status: int,
        encoding: str,
        content_hash: str,
        packed: PackedPage,
        etag: str = "",
        last_modified: str = "",
        run_id: int | None = None,
    ) -> None:
        with self._writing():
            self._conn.execute(
                "INSERT OR REPLACE INTO pages(url, site, status, fetched_at, content_hash, etag, "
                "last_modified, body, encoding, parsed, parser_version, run_id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    url,
                    site,
                    status,
                    utcnow(precise=True),
                    content_hash,
                    etag,
                    last_modified,
                    packed.body_z,
                    encoding,
                    packed.parsed,
                    PARSER_VERSION,
                    run_id,
                ),
            )

    def touch_page(self, url: str, run_id: int | None = None) -> None:
        """Confirm an unchanged page (304, or same content hash) without rewriting it: it
        answered, so it counts again if it had stopped counting."""
        with self._writing():
            self._conn.execute(
                "UPDATE pages SET fetched_at=?, run_id=?, current=1 WHERE url=?", (utcnow(precise=True), run_id, url)
            )

    def retire_page(self, url: str) -> None:
        """A page that now answers 404 or 410 stops counting; its last good copy is kept."""
        with self._writing():
            self._conn.execute("UPDATE pages SET current=0 WHERE url=?", (url,))

    def finish_site_crawl(self, site: str, run_id: int) -> int:
        """The site's crawl in this run went to its end: note it, and if the site answered,
        retire its pages the run did not reach (no longer linked, beyond the page budget...);
        a site that is down keeps what it had. Returns how many pages were retired."""
        with self._writing():
            self._conn.execute("INSERT OR IGNORE INTO site_crawls(run_id, site) VALUES (?,?)", (run_id, site))
            cur = self._conn.execute(
                "UPDATE pages SET current=0 WHERE site=? AND current=1 AND run_id IS NOT ? "
                "AND EXISTS (SELECT 1 FROM pages WHERE site=? AND run_id=? AND current=1)",
                (site, run_id, site, run_id),
            )
        return cur.rowcount

    def sites_crawled_to_the_end(self, run_id: int) -> set[str]:
        """The sites whose crawl in the run went to its end (see finish_site_crawl)."""
        return {r[0] for r in self._conn.execute("SELECT site FROM site_crawls WHERE run_id=?", (run_id,))}

    def parsed_pages_of(self, site: str) -> list[str]:
        """The site's parsed pages that count (see retire_page), as stored (JSON)."""
        rows = self._conn.execute(
            "SELECT parsed FROM pages WHERE site=? AND status < 400 AND current=1 ORDER BY url", (site,)
        )
        return [r["parsed"] for r in rows]

    def stale_pages_of(self, site: str) -> Iterator[tuple[str, bytes, str]]:
        """(url, raw body, encoding) of pages an older parser read, for re-parsing without refetching."""
        for r in self._conn.execute(
            "SELECT url, body, encoding FROM pages WHERE site=? AND status < 400 AND current=1 AND parser_version != ?",
            (site, PARSER_VERSION),
        ):
            yield r["url"], decompress_body(r["body"]), r["encoding"]

    def stored_body(self, url: str) -> tuple[bytes, str] | None:
        """The raw body and encoding kept for url, e.g. to follow links of a 304 page."""
        row = self._conn.execute("SELECT body, encoding FROM pages WHERE url=?", (url,)).fetchone()
        return (decompress_body(row["body"]), row["encoding"] or "utf-8") if row else None

    def replace_parsed(self, url: str, page: Page) -> None:
        with self._writing():
            self._conn.execute(
                "UPDATE pages SET parsed=?, parser_version=? WHERE url=?",
                (page_json(page), PARSER_VERSION, url),
            )

    def sites_needing_decision(self) -> list[str]:
        """Sites whose pages changed after their last decision (or that have none yet).

        This is how a crawl killed between fetching and indexing is finished by the next run.
        """
        rows = self._conn.execute(
            "SELECT p.site FROM pages p LEFT JOIN clinics c ON c.site = p.site "
            "GROUP BY p.site HAVING c.decided_at IS NULL OR MAX(p.fetched_at) > c.decided_at"
        )
        return [r[0] for r in rows]

    # --- clinics -----------------------------------------------------------------------

    def sites_decided_since_last_finished_run(self) -> list[str]:
        """Sites decided after the last crawl that finished (and indexed its decisions): the
        running crawl's, and those of a crawl stopped between deciding and indexing."""
        row = self._conn.execute("SELECT MAX(finished_at) FROM runs WHERE state = 'finished'").fetchone()
        rows = self._conn.execute("SELECT site FROM clinics WHERE decided_at > ? ORDER BY site", (row[0] or "",))
        return [r[0] for r in rows]

    def clinic(self, site: str) -> Clinic | None:
        row = self._conn.execute("SELECT record FROM clinics WHERE site=?", (site,)).fetchone()
        return Clinic.from_dict(json.loads(row["record"])) if row else None

    def clinic_names(self) -> dict[str, str]:
        """Site -> name of every clinic, without decoding their records (show by name)."""
        rows = self._conn.execute("SELECT site, json_extract(record, '$.name') FROM clinics ORDER BY site")
        return {r[0]: r[1] or "" for r in rows}

    def clinics(self) -> list[Clinic]:
        rows = self._conn.execute("SELECT record FROM clinics ORDER BY site")
        return [Clinic.from_dict(json.loads(r["record"])) for r in rows]

    def save_clinic(self, clinic: Clinic, decided_at: str | None = None) -> None:
        """Keep a decision, dated now unless told when the pages it read were read."""
        with self._writing():
            self._conn.execute(
                "INSERT OR REPLACE INTO clinics(site, record, decided_at) VALUES (?,?,?)",
                (clinic.site, json.dumps(clinic.to_dict(), ensure_ascii=False), decided_at or utcnow(precise=True)),
            )

    # --- runs, errors, changes ---------------------------------------------------------

    def start_run(self) -> int:
        with self._writing():
            cur = self._conn.execute("INSERT INTO runs(started_at) VALUES (?)", (utcnow(),))
        return int(cur.lastrowid or 0)

    def finish_run(
        self, run_id: int, state: str, *, sites: int = 0, pages: int = 0, errors: int = 0, changes: int = 0
    ) -> None:
        with self._writing():
            self._conn.execute(
                "UPDATE runs SET finished_at=?, state=?, sites=?, pages=?, errors=?, changes=? WHERE id=?",
                (utcnow(), state, sites, pages, errors, changes, run_id),
            )

    def set_run_stats(self, run_id: int, stats: dict[str, Any]) -> None:
        """The crawl process's Scrapy stats, kept with its run."""
        with self._writing():
            self._conn.execute("UPDATE runs SET stats=? WHERE id=?", (json.dumps(stats, default=str), run_id))

    def mark_interrupted_runs(self) -> int:
        """Runs left 'running' by a process that was killed; only call while holding the crawl lock."""
        with self._writing():
            cur = self._conn.execute(
                "UPDATE runs SET state='interrupted', finished_at=? WHERE state='running'", (utcnow(),)
            )
        return cur.rowcount

    def runs(self, limit: int = 50) -> list[RunRecord]:
        """The latest runs, newest first."""
        rows = self._conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [_run_record(r) for r in rows]

    def run(self, run_id: int) -> RunRecord | None:
        row = self._conn.execute("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        return _run_record(row) if row else None

    def add_fetch_error(self, run_id: int | None, site: str, url: str, reason: str, answered: bool = False) -> None:
        with self._writing():
            self._conn.execute(
                "INSERT INTO fetch_errors(run_id, site, url, reason, answered) VALUES (?,?,?,?,?)",
                (run_id or 0, site, url, reason, int(answered)),
            )

    def fetch_errors(self, run_id: int) -> list[FetchError]:
        rows = self._conn.execute(
            "SELECT site, url, reason, answered FROM fetch_errors WHERE run_id=? ORDER BY site, url", (run_id,)
        )
        return [
            FetchError(url=r["url"], site=r["site"], reason=r["reason"], answered=bool(r["answered"])) for r in rows
        ]

    def pages_in_run(self, run_id: int) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT site, COUNT(*) FROM pages WHERE run_id=? GROUP BY site", (run_id,)
        )
        return {r[0]: r[1] for r in rows}

    def add_change(self, run_id: int | None, site: str, kind: str, detail: dict[str, Any]) -> None:
        with self._writing():
            self._conn.execute(
                "INSERT INTO changes(run_id, site, at, kind, detail) VALUES (?,?,?,?,?)",
                (run_id, site, utcnow(), kind, json.dumps(detail, ensure_ascii=False)),
            )

    def change_count(self, run_id: int) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM changes WHERE run_id=?", (run_id,)).fetchone()[0])

    def changes(self, since: str = "", site: str = "") -> list[ChangeRecord]:
        """Changes recorded at or after `since` (ISO 8601), of one site or all, oldest first."""
        sql = "SELECT * FROM changes WHERE at >= ?"
        args: list[Any] = [since]
        if site:
            sql += " AND site = ?"
            args.append(site)
        rows = self._conn.execute(sql + " ORDER BY id", args)
        return [
            ChangeRecord(r["id"], r["run_id"], r["site"], r["at"], r["kind"], json.loads(r["detail"])) for r in rows
        ]

    def last_crawl_time(self) -> str | None:
        row = self._conn.execute("SELECT MAX(finished_at) FROM runs WHERE state='finished'").fetchone()
        return row[0] if row else None
