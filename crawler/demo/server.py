"""A local web of site folders, served both as origin server and as HTTP proxy.

ROOT/<host>/... is the site <host>. A crawler pointed at ``http_proxy=http://127.0.0.1:PORT``
reaches ``http://<host>/`` exactly as it would a real site, so `ketadir demo` runs the whole
pipeline with no network. Pages carry ETag and Last-Modified and conditional requests get
304, as on a real server. Folders named ``<host>@<version>`` hold other versions of a site
(the test suite's server switches to them) and files whose names start with ``_`` (such as
a test's ``_fault.json``) are never served.

The test suite serves its fault web with a subclass (tests/mockserver) that makes hosts
misbehave and switches versions; this one only serves.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import threading
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

from crawler.demo import SAMPLE_WEB

# Fixed table rather than the mimetypes module, whose answers depend on the machine's
# /etc/mime.types; a served web must look the same everywhere.
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


class SampleWebServer:
    """Serve every site folder under ``root`` on 127.0.0.1, by Host header or as a proxy.

    ``requests`` logs (host, path, status) for each request, host normalised as by
    ``normalize_host`` and path as requested (query string included).
    """

    def __init__(self, root: Path, port: int = 0) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"web root not found: {self.root}")
        self.requests: list[tuple[str, str, int]] = []
        self.connections = 0  # TCP connections accepted, to see whether clients reuse them
        self._requested_port = port
        self._lock = threading.Lock()
        # Site folders (versions included) read once: listing the root on every request made a
        # web of 1,000 sites the bottleneck of any crawl against it.
        self._by_name = {
            p.name.lower(): p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
        }
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    handler: type[BaseHTTPRequestHandler]  # set below the handler class

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> SampleWebServer:
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer(("127.0.0.1", self._requested_port), self.handler, self)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=f"web-server-{self.port}", daemon=True)
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

    def __enter__(self) -> SampleWebServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """The proxy (and origin) URL: use it as http_proxy."""
        return f"http://127.0.0.1:{self.port}"

    # -- sites -----------------------------------------------------------------------

    def hosts(self) -> list[str]:
        """Site hosts under root, sorted; version folders (``host@2``) are not sites of their own."""
        return sorted(name for name in self._by_name if "@" not in name)

    def site_dir(self, host: str) -> Path | None:
        """The folder answering for a normalised host, None if there is none."""
        return None if "@" in host or not host else self._folder_named(host)

    def modified_floor(self, host: str) -> int:
        """No page of the host is older than this (epoch seconds) in Last-Modified."""
        return 0

    def connected(self) -> None:
        with self._lock:
            self.connections += 1

    def log(self, host: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((host, path, status))

    def _folder_named(self, name: str) -> Path | None:
        """The folder called ``name`` (case-insensitive); a lookup keeps odd Host values out of paths."""
        return self._by_name.get(name)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], web: SampleWebServer):
        self.web = web
        super().__init__(address, handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client hanging up mid-response is normal for a crawler; anything else is a bug to show."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class SiteHandler(BaseHTTPRequestHandler):
    """One request: find the site by Host (or the proxy-style absolute URI), then the file."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: don't wait for ACKs
    server_version = "ketadir-sample-web/1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.server.web.connected()

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_CONNECT(self) -> None:
        """HTTPS tunnelling: the served web is plain http only."""
        self._log(normalize_host(self.path), "", 501)
        self._send(501, b"CONNECT is not supported by this proxy\n", send_body=True)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base-class name
        """Quiet: callers read ``requests`` instead of a stderr line per request."""

    def _serve(self, send_body: bool) -> None:
        host, path = self._target()
        site = self.server.web.site_dir(host)
        if site is None:
            self._finish(host, path, 502, f"unknown host {host or '(none)'}: cannot resolve\n".encode(), send_body)
            return
        self._serve_site(host, path, site, send_body)

    def _serve_site(self, host: str, path: str, site: Path, send_body: bool, kind: str | None = None) -> None:
        """The file for path in the site's folder (404 if none), as kind or by its extension."""
        file = resolve_file(site, path)
        if file is None or file.name.startswith("_"):
            self._finish(host, path, 404, b"not found\n", send_body)
            return
        body = file.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        modified = max(int(file.stat().st_mtime), self.server.web.modified_floor(host))
        headers = {"ETag": etag, "Last-Modified": formatdate(modified, usegmt=True), "Cache-Control": "no-cache"}
        if self._not_modified(etag, modified):
            self._log(host, path, 304)
            self.send_response(304)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        self._log(host, path, 200)
        self._send(200, body, send_body, kind or content_type(file, body), headers)

    def _target(self) -> tuple[str, str]:
        """(normalised host, path with query) from an absolute URI (proxy style) or the Host header."""
        target = self.path
        if not target.startswith("/"):
            parts = urlsplit(target)
            if parts.scheme and parts.netloc:
                query = f"?{parts.query}" if parts.query else ""
                return normalize_host(parts.netloc.rsplit("@", 1)[-1]), (parts.path or "/") + query
        return normalize_host(self.headers.get("Host", "")), target or "/"

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
        self.server.web.log(host, path, status)


SampleWebServer.handler = SiteHandler


def main(argv: list[str] | None = None, server_class: type[SampleWebServer] = SampleWebServer) -> int:
    """Serve a web of site folders (the bundled sample web by default) until Ctrl-C, and print
    the proxy URL to crawl it through."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("root", nargs="?", type=Path, default=SAMPLE_WEB, help="folder of site folders")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 = any free port)")
    args = parser.parse_args(argv)
    with server_class(args.root, args.port) as server:
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
