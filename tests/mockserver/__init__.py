"""The test suite's web server: the demo's sample-web server, plus sites that change and sites
that misbehave (as Scrapy keeps its tests/mockserver apart from the product).

Changing sites: ROOT/<host>@<version>/ holds another version of a site and ``set_version``
switches to it (or makes the site vanish), which is how change-history tests simulate a
clinic editing, dropping or restoring its pages.

Faults: a site folder may hold ``_fault.json`` (never served), one rule or a list of rules
that make the host misbehave the way real servers do, so crash and hostility tests can use a
whole web of bad sites. A rule is ``{"kind": ..., "paths": [...], ...options}``; ``paths``
lists exact paths or prefixes ending in ``*`` (default: every path, robots.txt included).
Rules are tried in order; ``slow`` waits and goes on to the next rule, the others answer.
Kinds and their options:

- ``slow`` ``seconds``: wait before answering.
- ``status`` ``sequence``: answer the n-th request for a path with sequence[n] (the last one
  repeats); 200 in the sequence serves the page normally. ``[500]`` fails forever,
  ``[503, 200]`` fails once.
- ``redirect`` ``location`` (``{port}`` is this server's port), ``status`` (default 302).
- ``redirect-loop``: /x redirects to /x?again, which redirects back to /x.
- ``huge`` ``megabytes``, ``announce`` (default true: send Content-Length; false: stream
  until the connection closes): a generated page, never stored.
- ``random-bytes`` ``bytes``, ``seed``: generated noise served as text/html (no charset).
- ``gzip-bomb`` ``gigabytes``: Content-Encoding gzip, a ~1 MB body per GB of zeros once inflated.
- ``reset`` ``after_bytes``: headers promise the whole page, the connection is reset (TCP RST)
  after this many body bytes.
- ``content-type`` ``value``: serve the stored page with this Content-Type (e.g. ``text/html``
  with no charset).
- ``repeat`` ``text``, ``kilobytes``, ``head``, ``tail``, ``type`` (default ``text/html;
  charset=utf-8``): a generated body, head + text repeated to about this size + tail; hostile
  pages (240 KB of ``<!--``) and oversized files (a robots.txt of 10 MB) are made this way.
- ``sitemap-bomb`` ``children`` (default 5), ``padding_kb`` (default 256): a sitemap index
  listing that many new sitemap indexes of the same host, each padded with an XML comment.

``FixtureServer(root, faults={host: [rules]})`` and ``set_faults`` add rules from code, before
a folder's own; host ``"*"`` means every host.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import random
import socket
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from crawler.demo.server import SampleWebServer, SiteHandler, normalize_host, resolve_file

GONE = "gone"  # set_version(host, GONE): every request for the host answers 404
FAULT_FILE = "_fault.json"
FAULT_KINDS = (
    "slow", "status", "redirect", "redirect-loop", "huge", "random-bytes", "gzip-bomb", "reset", "content-type",
    "repeat", "sitemap-bomb",
)  # fmt: skip


@dataclass(frozen=True)
class Fault:
    """One misbehaviour of a host (see the module docstring for kinds and options)."""

    kind: str
    paths: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @classmethod
    def from_dict(cls, rule: dict[str, Any]) -> Fault:
        kind = rule.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose from {', '.join(FAULT_KINDS)}")
        paths = tuple(rule.get("paths") or ())
        options = {k: v for k, v in rule.items() if k not in ("kind", "paths")}
        return cls(kind, paths, options)

    def matches(self, path: str) -> bool:
        if not self.paths:
            return True
        return any(path.startswith(p[:-1]) if p.endswith("*") else path == p for p in self.paths)


def load_faults(site: Path) -> list[Fault]:
    """The rules in a site folder's _fault.json (none when there is no such file)."""
    file = site / FAULT_FILE
    if not file.is_file():
        return []
    data = json.loads(file.read_text(encoding="utf-8"))
    return [Fault.from_dict(rule) for rule in (data if isinstance(data, list) else [data])]


@functools.lru_cache(maxsize=4)
def gzip_bomb(gigabytes: float) -> bytes:
    """Concatenated gzip members of 10 MB of zeros: ~1 MB per GB once inflated, built once."""
    member = gzip.compress(bytes(10 * 1024 * 1024), compresslevel=9, mtime=0)
    return member * max(1, round(gigabytes * 1024 / 10))


_FILLER = b"<p>Nothing here but the same sentence again and again, page after page.</p>\n"


def huge_chunks(megabytes: float, chunk_size: int = 64 * 1024) -> tuple[int, Iterator[bytes]]:
    """(length, chunk iterator) of a generated HTML page of about this size."""
    head = b"<!doctype html><html><head><title>A very long page</title></head><body>\n"
    filler = (_FILLER * (chunk_size // len(_FILLER) + 1))[:chunk_size]
    total = int(megabytes * 1024 * 1024)
    count = max(0, (total - len(head)) // len(filler))

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(count):
            yield filler

    return len(head) + count * len(filler), chunks()


def repeated(options: dict[str, Any]) -> bytes:
    """The body of a ``repeat`` fault: head, then text repeated to about ``kilobytes``, then tail."""
    text = str(options["text"]).encode()
    count = max(1, int(float(options.get("kilobytes", 64)) * 1024) // len(text))
    return str(options.get("head", "")).encode() + text * count + str(options.get("tail", "")).encode()


def sitemap_bomb(host: str, path: str, children: int, padding_kb: int) -> bytes:
    """A sitemap index listing ``children`` sitemap indexes never asked for before, padded."""
    stem = path.rsplit(".", 1)[0].strip("/").replace("/", "-") or "sitemap"
    entries = "".join(f"<sitemap><loc>http://{host}/{stem}-{n}.xml</loc></sitemap>" for n in range(children))
    padding = "<!--" + "x" * (padding_kb * 1024) + "-->"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}{padding}</sitemapindex>'
    ).encode()


class FixtureServer(SampleWebServer):
    """The sample-web server with versions (``set_version``) and faults (``set_faults``)."""

    def __init__(self, root: Path, port: int = 0, faults: dict[str, list[dict[str, Any]]] | None = None) -> None:
        super().__init__(root, port)
        self._versions: dict[str, str] = {}
        # When a host last switched version: its pages count as modified then, so a client
        # holding an older Last-Modified does not get a wrong 304 after a switch.
        self._switched_at: dict[str, int] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._hits: dict[tuple[str, str], int] = {}
        for host, rules in (faults or {}).items():
            self.set_faults(host, rules)

    def set_version(self, host: str, version: str | None) -> None:
        """Switch which folder answers for ``host``: ``host@version``, the plain folder (None), or GONE."""
        key = normalize_host(host)
        if version is not None and version != GONE:
            if self._folder_named(f"{key}@{version}") is None:
                raise ValueError(f"no version folder {key}@{version} under {self.root}")
        with self._lock:
            if version is None:
                self._versions.pop(key, None)
            else:
                self._versions[key] = version
            previous = self._switched_at.get(key, 0)
            self._switched_at[key] = max(math.ceil(time.time()), previous + 1)

    def site_dir(self, host: str) -> Path | None:
        """The folder answering for the host now (None if unknown); a GONE host has the root,
        which serves nothing (see _FaultHandler)."""
        if "@" in host or not host:
            return None
        with self._lock:
            version = self._versions.get(host)
        if version == GONE:
            return self._folder_named(host) and self.root
        return self._folder_named(host if version is None else f"{host}@{version}")

    def is_gone(self, host: str) -> bool:
        with self._lock:
            return self._versions.get(host) == GONE

    def modified_floor(self, host: str) -> int:
        """When the host last changed version (epoch seconds, 0 if never)."""
        with self._lock:
            return self._switched_at.get(host, 0)

    def set_faults(self, host: str, rules: list[dict[str, Any]]) -> None:
        """Make ``host`` (or every host, ``"*"``) misbehave by these rules, before its folder's own."""
        parsed = [Fault.from_dict(rule) for rule in rules]
        key = host if host == "*" else normalize_host(host)
        with self._lock:
            self._faults[key] = parsed

    def faults_for(self, host: str, site: Path) -> list[Fault]:
        with self._lock:
            from_code = self._faults.get(host, []) + self._faults.get("*", [])
        return from_code + load_faults(site)

    def hit(self, host: str, path: str) -> int:
        """Count a request for (host, path); return how many came before it."""
        with self._lock:
            count = self._hits.get((host, path), 0)
            self._hits[(host, path)] = count + 1
        return count


class _FaultHandler(SiteHandler):
    server_version = "ketadir-fixture/1"

    def _serve_site(self, host: str, path: str, site: Path, send_body: bool, kind: str | None = None) -> None:
        web = self.server.web
        assert isinstance(web, FixtureServer)
        if web.is_gone(host):
            self._finish(host, path, 404, b"not found\n", send_body)
            return
        for fault in web.faults_for(host, site):
            if not fault.matches(path):
                continue
            if fault.kind == "slow":
                time.sleep(float(fault.options.get("seconds", 1)))
            elif fault.kind == "content-type":
                kind = str(fault.options["value"])
            elif self._misbehave(fault, host, path, site, send_body):
                return
        super()._serve_site(host, path, site, send_body, kind)

    def _misbehave(self, fault: Fault, host: str, path: str, site: Path, send_body: bool) -> bool:
        """Answer as the fault says; False when it lets the normal page through."""
        web = self.server.web
        assert isinstance(web, FixtureServer)
        options = fault.options
        if fault.kind == "status":
            sequence = [int(code) for code in options.get("sequence", [500])]
            status = sequence[min(web.hit(host, path), len(sequence) - 1)]
            if status == 200:
                return False
            self._finish(host, path, status, f"fault: HTTP {status}\n".encode(), send_body)
        elif fault.kind == "redirect":
            location = str(options["location"]).replace("{port}", str(web.port))
            self._redirect(host, path, int(options.get("status", 302)), location)
        elif fault.kind == "redirect-loop":
            self._redirect(host, path, 302, path.removesuffix("?again") if path.endswith("?again") else f"{path}?again")
        elif fault.kind == "huge":
            self._send_huge(host, path, float(options.get("megabytes", 30)), bool(options.get("announce", True)), send_body)
        elif fault.kind == "random-bytes":
            noise = random.Random(options.get("seed", 0)).randbytes(int(options.get("bytes", 64 * 1024)))
            self._log(host, path, 200)
            self._send(200, noise, send_body, "text/html")
        elif fault.kind == "gzip-bomb":
            self._log(host, path, 200)
            bomb = gzip_bomb(float(options.get("gigabytes", 1)))
            self._send(200, bomb, send_body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
        elif fault.kind == "reset":
            self._reset(host, path, site, int(options.get("after_bytes", 1024)))
        elif fault.kind == "repeat":
            self._log(host, path, 200)
            self._send(200, repeated(options), send_body, str(options.get("type", "text/html; charset=utf-8")))
        elif fault.kind == "sitemap-bomb":
            self._log(host, path, 200)
            body = sitemap_bomb(host, path, int(options.get("children", 5)), int(options.get("padding_kb", 256)))
            self._send(200, body, send_body, "application/xml")
        return True

    def _redirect(self, host: str, path: str, status: int, location: str) -> None:
        self._log(host, path, status)
        self._send(status, b"moved\n", True, headers={"Location": location})

    def _send_huge(self, host: str, path: str, megabytes: float, announce: bool, send_body: bool) -> None:
        length, chunks = huge_chunks(megabytes)
        self._log(host, path, 200)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if announce:
            self.send_header("Content-Length", str(length))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if send_body:
            for chunk in chunks:
                self.wfile.write(chunk)

    def _reset(self, host: str, path: str, site: Path, after_bytes: int) -> None:
        """Promise the whole page, send the start of it, then reset the connection (RST, not FIN)."""
        file = resolve_file(site, path)
        body = file.read_bytes() if file is not None and file.name != FAULT_FILE else b""
        body = body or b"<html><body>" + _FILLER * 200
        self._log(host, path, 200)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: min(after_bytes, len(body) - 1)])
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


FixtureServer.handler = _FaultHandler
