"""A local web of fixture sites, served both as origin server and as HTTP proxy.

ROOT/<host>/... is the site <host>. A crawler pointed at ``http_proxy=http://127.0.0.1:PORT``
reaches ``http://<host>/`` exactly as it would a real site, so the whole pipeline is tested
end to end with no network. Sites can change over time: ROOT/<host>@<version>/ holds another
version of a site and ``set_version`` switches to it (or makes the site vanish), which is how
change-history tests simulate a clinic editing, dropping or restoring its pages.

Fault mode: a site folder may hold ``_fault.json`` (never served), one rule or a list of rules
that make the host misbehave the way real servers do, so crash and hostility tests (and a demo)
can use a whole web of bad sites. A rule is ``{"kind": ..., "paths": [...], ...options}``;
``paths`` lists exact paths or prefixes ending in ``*`` (default: every path, robots.txt
included). Rules are tried in order; ``slow`` waits and goes on to the next rule, the others
answer. Kinds and their options:

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

``FixtureServer(root, faults={host: [rules]})`` and ``set_faults`` add rules from code, before
a folder's own; host ``"*"`` means every host.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import json
import math
import random
import re
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

SAMPLE_WEB = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "web"

GONE = "gone"  # set_version(host, GONE): every request for the host answers 404
FAULT_FILE = "_fault.json"
FAULT_KINDS = (
    "slow", "status", "redirect", "redirect-loop", "huge", "random-bytes", "gzip-bomb", "reset", "content-type",
)

# Fixed table rather than the mimetypes module, whose answers depend on the machine's
# /etc/mime.types; fixtures must look the same everywhere.
_CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".css": "text/css",
    ".js": "text/javascript",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ico": "image/x-icon",
}
_TEXT_TYPES = ("text/", "application/xml", "application/json", "image/svg+xml")
# A page that declares its own charset (a site written to test encodings) is served with it.
_DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def normalize_host(host: str) -> str:
    """Lower-case, drop the port and a leading ``www.``: the key a site folder answers to."""
    host = host.strip().lower()
    if host.startswith("["):  # IPv6 literal: [::1]:8080
        host = host.split("]", 1)[0] + "]"
    else:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    return host[4:] if host.startswith("www.") else host


def content_type(path: Path, body: bytes) -> str:
    """The Content-Type header for a file: by extension, utf-8 unless an HTML page says otherwise."""
    kind = _CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    if not kind.startswith(_TEXT_TYPES):
        return kind
    charset = "utf-8"
    if kind == "text/html":
        declared = _DECLARED_CHARSET.search(body[:2048])
        if declared:
            charset = declared.group(1).decode("ascii").lower()
    return f"{kind}; charset={charset}"


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


class FixtureServer:
    """Serve every site folder under ``root`` on 127.0.0.1, by Host header or as a proxy.

    ``requests`` logs (host, path, status) for each request, host normalised as by
    ``normalize_host`` and path as requested (query string included).
    """

    def __init__(self, root: Path, port: int = 0, faults: dict[str, list[dict[str, Any]]] | None = None) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"fixture web root not found: {self.root}")
        self.requests: list[tuple[str, str, int]] = []
        self.connections = 0  # TCP connections accepted, to see whether clients reuse them
        self._requested_port = port
        self._lock = threading.Lock()
        self._versions: dict[str, str] = {}
        # When a host last switched version: its pages count as modified then, so a client
        # holding an older Last-Modified does not get a wrong 304 after a switch.
        self._switched_at: dict[str, int] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._hits: dict[tuple[str, str], int] = {}
        for host, rules in (faults or {}).items():
            self.set_faults(host, rules)
        # Site folders (versions included) read once: listing the root on every request made a
        # web of 1,000 sites the bottleneck of any crawl against it.
        self._by_name = {
            p.name.lower(): p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
        }
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> FixtureServer:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer(("127.0.0.1", self._requested_port), _Handler, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name=f"fixture-server-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self._httpd = None
        self._thread = None

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("FixtureServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The proxy (and origin) URL: use it as http_proxy."""
        return f"http://127.0.0.1:{self.port}"

    # -- sites -----------------------------------------------------------------------

    def hosts(self) -> list[str]:
        """Site hosts under root, sorted; version folders (``host@2``) are not sites of their own."""
        return sorted(self._folders())

    def set_version(self, host: str, version: str | None) -> None:
        """Switch which folder answers for ``host``: ``host@version``, the plain folder (None), or GONE."""
        key = normalize_host(host)
        if version is not None and version != GONE:
            folder = self._folder_named(f"{key}@{version}")
            if folder is None:
                raise ValueError(f"no version folder {key}@{version} under {self.root}")
        with self._lock:
            if version is None:
                self._versions.pop(key, None)
            else:
                self._versions[key] = version
            previous = self._switched_at.get(key, 0)
            self._switched_at[key] = max(math.ceil(time.time()), previous + 1)

    def site_dir(self, host: str) -> Path | str | None:
        """The folder answering for a normalised host now; GONE if it vanished, None if unknown."""
        if "@" in host or not host:
            return None
        with self._lock:
            version = self._versions.get(host)
        if version == GONE:
            return GONE
        name = host if version is None else f"{host}@{version}"
        return self._folder_named(name)

    def switched_at(self, host: str) -> int:
        """When the host last changed version (epoch seconds, 0 if never): a floor for Last-Modified."""
        with self._lock:
            return self._switched_at.get(host, 0)

    def connected(self) -> None:
        with self._lock:
            self.connections += 1

    def log(self, host: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((host, path, status))

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

    def _folders(self) -> dict[str, Path]:
        return {name: p for name, p in self._by_name.items() if "@" not in name}

    def _folder_named(self, name: str) -> Path | None:
        """The folder called ``name`` (case-insensitive); a lookup keeps odd Host values out of paths."""
        return self._by_name.get(name)


def resolve_file(site: Path, url_path: str) -> Path | None:
    """Map a URL path to a file inside ``site``: /, /x, /x.html, /x/ and /x/index.html forms.

    Anything that resolves outside the site folder (``..``, encoded or not, symlinks) is refused.
    """
    path = unquote(urlsplit(url_path).path or "/")
    if "\x00" in path:
        return None
    rel = path.lstrip("/")
    if rel == "" or path.endswith("/"):
        candidates = [rel + "index.html"]
    else:
        candidates = [rel, rel + ".html", rel + "/index.html"]
    base = site.resolve()
    for candidate in candidates:
        full = (base / candidate).resolve()
        if full.is_relative_to(base) and full.is_file():
            return full
    return None


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], fixture: FixtureServer):
        self.fixture = fixture
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-response is normal for a crawler; anything else is a bug to show."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: don't wait for ACKs
    server_version = "ketadir-fixture/1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.fixture.connected()

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_CONNECT(self) -> None:
        """HTTPS tunnelling: the fixture web is plain http only."""
        self._log(normalize_host(self.path), "", 501)
        self._send(501, b"CONNECT is not supported by the fixture proxy\n", send_body=True)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base-class name
        """Quiet: tests read ``FixtureServer.requests`` instead of a stderr line per request."""

    # -- steps of one request ---------------------------------------------------------

    def _serve(self, send_body: bool) -> None:
        host, path = self._target()
        site = self.server.fixture.site_dir(host)
        if site is None:
            self._finish(host, path, 502, f"unknown host {host or '(none)'}: cannot resolve\n".encode(), send_body)
            return
        if site == GONE:
            self._finish(host, path, 404, b"not found\n", send_body)
            return
        assert isinstance(site, Path)
        kind = None
        for fault in self.server.fixture.faults_for(host, site):
            if not fault.matches(path):
                continue
            if fault.kind == "slow":
                time.sleep(float(fault.options.get("seconds", 1)))
            elif fault.kind == "content-type":
                kind = str(fault.options["value"])
            elif self._misbehave(fault, host, path, site, send_body):
                return
        file = resolve_file(site, path)
        if file is None or file.name == FAULT_FILE:
            self._finish(host, path, 404, b"not found\n", send_body)
            return
        self._send_file(host, path, file, send_body, kind)

    # -- faults -----------------------------------------------------------------------

    def _misbehave(self, fault: Fault, host: str, path: str, site: Path, send_body: bool) -> bool:
        """Answer as the fault says; False when it lets the normal page through."""
        options = fault.options
        if fault.kind == "status":
            sequence = [int(code) for code in options.get("sequence", [500])]
            status = sequence[min(self.server.fixture.hit(host, path), len(sequence) - 1)]
            if status == 200:
                return False
            self._finish(host, path, status, f"fault: HTTP {status}\n".encode(), send_body)
        elif fault.kind == "redirect":
            location = str(options["location"]).replace("{port}", str(self.server.fixture.port))
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

    def _target(self) -> tuple[str, str]:
        """(normalised host, path with query) from an absolute URI (proxy style) or the Host header."""
        target = self.path
        if not target.startswith("/"):
            parts = urlsplit(target)
            if parts.scheme and parts.netloc:
                query = f"?{parts.query}" if parts.query else ""
                return normalize_host(parts.netloc.rsplit("@", 1)[-1]), (parts.path or "/") + query
        return normalize_host(self.headers.get("Host", "")), target or "/"

    def _send_file(self, host: str, path: str, file: Path, send_body: bool, kind: str | None = None) -> None:
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        modified = max(int(file.stat().st_mtime), self.server.fixture.switched_at(host))
        headers = {
            "ETag": etag,
            "Last-Modified": formatdate(modified, usegmt=True),
            "Cache-Control": "no-cache",
        }
        if self._not_modified(etag, modified):
            self._log(host, path, 304)
            self.send_response(304)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self._log(host, path, 200)
        self._send(200, body, send_body, kind or content_type(file, body), headers)

    def _not_modified(self, etag: str, modified: int) -> bool:
        """RFC 9110: If-None-Match wins; If-Modified-Since only counts without it."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return "*" in tags or etag in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
            return modified <= since
        return False

    def _finish(self, host: str, path: str, status: int, body: bytes, send_body: bool) -> None:
        self._log(host, path, status)
        self._send(status, body, send_body)

    def _send(
        self,
        status: int,
        body: bytes,
        send_body: bool,
        kind: str = "text/plain; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _log(self, host: str, path: str, status: int) -> None:
        self.server.fixture.log(host, path, status)


def main(argv: list[str] | None = None) -> int:
    """Serve a fixture web until Ctrl-C; print the proxy URL to use."""
    parser = argparse.ArgumentParser(prog="python -m crawler.fixture_server", description=main.__doc__)
    parser.add_argument("root", nargs="?", type=Path, default=SAMPLE_WEB, help="folder of site folders")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    args = parser.parse_args(argv)
    with FixtureServer(args.root, args.port) as server:
        hosts = server.hosts()
        print(f"Serving {len(hosts)} sites from {server.root}")
        print(f"http_proxy={server.url}")
        if hosts:
            print(f"e.g. curl -x {server.url} http://{hosts[0]}/")
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
