"""The sample-web server of `ketadir demo`: routing by Host and as a proxy, files, caching
headers, the log; the test suite's versions on top of it; the bundled sample web's labels
matching its folders; and the demo run from an installed package."""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.request
from email.utils import formatdate
from pathlib import Path

import pytest

from conftest import corpus_dir

from crawler.demo import SAMPLE_WEB
from crawler.demo.server import SampleWebServer, content_type, normalize_host, resolve_file
from crawler.items import CONDITIONS, MODALITIES, SERVICES
from mockserver import FixtureServer

REPO = Path(__file__).resolve().parents[1]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def web(tmp_path: Path) -> Path:
    """A tiny web: two sites, a version of one, a file outside every site."""
    root = tmp_path / "web"
    _write(root / "alpha.test" / "index.html", "<title>Alpha home</title>")
    _write(root / "alpha.test" / "about.html", "<title>Alpha about</title>")
    _write(root / "alpha.test" / "team" / "index.html", "<title>Alpha team</title>")
    _write(root / "alpha.test" / "robots.txt", "User-agent: *\nDisallow: /private/\n")
    _write(root / "alpha.test" / "sitemap.xml", "<urlset></urlset>")
    (root / "alpha.test" / "brochure.pdf").write_bytes(b"%PDF-1.4 fake")
    _write(root / "alpha.test@2" / "index.html", "<title>Alpha home, new phone</title>")
    _write(root / "beta.test" / "index.html", "<title>Beta home</title>")
    _write(root / "secret.txt", "outside every site")
    return root


@pytest.fixture
def direct(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the environment: the tests talk to the server themselves."""
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server(web: Path, direct: None):
    with SampleWebServer(web) as running:
        yield running


@pytest.fixture
def changing(web: Path, direct: None):
    """The same web served by the test suite's server, whose sites change version."""
    with FixtureServer(web) as running:
        yield running


def _get(url: str, headers: dict[str, str] | None = None, proxy: str | None = None) -> tuple[int, bytes, dict[str, str]]:
    handlers = [urllib.request.ProxyHandler({"http": proxy} if proxy else {})]
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _via_host(server: SampleWebServer, host: str, path: str, headers: dict[str, str] | None = None):
    return _get(server.url + path, {"Host": host, **(headers or {})})


def _via_proxy(server: SampleWebServer, url: str, headers: dict[str, str] | None = None):
    return _get(url, headers, proxy=server.url)


def _raw(server: SampleWebServer, request_line: str, host: str = "alpha.test") -> int:
    """Send a request line verbatim (clients normalise ``..`` away) and return the status code."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(f"{request_line}\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        status_line = sock.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_host_header_selects_the_site_folder(server: SampleWebServer) -> None:
    assert _via_host(server, "alpha.test", "/")[1] == b"<title>Alpha home</title>"
    assert _via_host(server, "beta.test", "/")[1] == b"<title>Beta home</title>"


def test_proxy_style_absolute_uri_reaches_the_site(server: SampleWebServer) -> None:
    status, body, headers = _via_proxy(server, "http://alpha.test/about")
    assert status == 200
    assert body == b"<title>Alpha about</title>"
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_www_prefix_case_and_port_map_to_the_same_site(server: SampleWebServer) -> None:
    assert _via_proxy(server, "http://www.alpha.test/about")[1] == b"<title>Alpha about</title>"
    assert _via_proxy(server, "http://ALPHA.Test:8080/about")[1] == b"<title>Alpha about</title>"
    assert _via_host(server, "WWW.Beta.test:80", "/")[1] == b"<title>Beta home</title>"


def test_paths_map_to_files_with_html_and_index_fallbacks(server: SampleWebServer) -> None:
    for path in ("/about", "/about.html", "/about?utm_source=x"):
        assert _via_proxy(server, "http://alpha.test" + path)[1] == b"<title>Alpha about</title>"
    for path in ("/team", "/team/", "/team/index.html"):
        assert _via_proxy(server, "http://alpha.test" + path)[1] == b"<title>Alpha team</title>"
    assert _via_proxy(server, "http://alpha.test/index.html")[1] == b"<title>Alpha home</title>"


def test_missing_page_and_missing_robots_are_404(server: SampleWebServer) -> None:
    assert _via_proxy(server, "http://alpha.test/nope")[0] == 404
    assert _via_proxy(server, "http://alpha.test/about/")[0] == 404
    assert _via_proxy(server, "http://beta.test/robots.txt")[0] == 404
    status, body, _ = _via_proxy(server, "http://alpha.test/robots.txt")
    assert (status, body) == (200, b"User-agent: *\nDisallow: /private/\n")


def test_unknown_host_is_502_and_version_folders_are_not_hosts(server: SampleWebServer) -> None:
    status, body, _ = _via_proxy(server, "http://nowhere.test/")
    assert status == 502
    assert b"nowhere.test" in body
    assert _via_proxy(server, "http://alpha.test@2/")[0] == 502
    assert _raw(server, "GET / HTTP/1.1", host="alpha.test@2") == 502


def test_connect_is_not_supported(server: SampleWebServer) -> None:
    assert _raw(server, "CONNECT alpha.test:443 HTTP/1.1", host="alpha.test:443") == 501


@pytest.mark.parametrize(
    "target",
    ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/../beta.test/index.html", "/team/../../secret.txt"],
)
def test_path_traversal_is_refused(server: SampleWebServer, target: str) -> None:
    assert _raw(server, f"GET {target} HTTP/1.1") == 404


def test_resolve_file_stays_inside_the_site(web: Path) -> None:
    site = web / "alpha.test"
    assert resolve_file(site, "/about") == (site / "about.html").resolve()
    assert resolve_file(site, "/../secret.txt") is None
    assert resolve_file(site, "/../alpha.test@2/index.html") is None


def test_content_types_follow_the_extension(server: SampleWebServer) -> None:
    assert _via_proxy(server, "http://alpha.test/sitemap.xml")[2]["Content-Type"] == "application/xml; charset=utf-8"
    assert _via_proxy(server, "http://alpha.test/robots.txt")[2]["Content-Type"] == "text/plain; charset=utf-8"
    assert _via_proxy(server, "http://alpha.test/brochure.pdf")[2]["Content-Type"] == "application/pdf"


def test_html_declaring_another_charset_is_served_with_it() -> None:
    page = b'<html><head><meta charset="windows-1252"></head><body>caf\xe9</body></html>'
    assert content_type(Path("x.html"), page) == "text/html; charset=windows-1252"
    assert content_type(Path("x.html"), b"<p>plain</p>") == "text/html; charset=utf-8"


def test_if_none_match_with_current_etag_gives_304(server: SampleWebServer) -> None:
    status, _, headers = _via_proxy(server, "http://alpha.test/about")
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    status, body, _ = _via_proxy(server, "http://alpha.test/about", {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert _via_proxy(server, "http://alpha.test/about", {"If-None-Match": '"stale"'})[0] == 200


def test_if_modified_since_gives_304_until_the_site_changes_version(changing: FixtureServer) -> None:
    server = changing
    _, _, headers = _via_proxy(server, "http://alpha.test/")
    since = {"If-Modified-Since": headers["Last-Modified"]}
    assert _via_proxy(server, "http://alpha.test/", since)[0] == 304
    assert _via_proxy(server, "http://alpha.test/", {"If-Modified-Since": formatdate(0, usegmt=True)})[0] == 200
    server.set_version("alpha.test", "2")
    assert _via_proxy(server, "http://alpha.test/", since)[0] == 200


def test_set_version_switches_folder_then_gone_then_back(changing: FixtureServer) -> None:
    server = changing
    _, _, first = _via_proxy(server, "http://alpha.test/")
    server.set_version("alpha.test", "2")
    status, body, second = _via_proxy(server, "http://alpha.test/")
    assert (status, body) == (200, b"<title>Alpha home, new phone</title>")
    assert second["ETag"] != first["ETag"]
    assert _via_proxy(server, "http://alpha.test/about")[0] == 404  # version 2 has no about page
    server.set_version("www.Alpha.test", "gone")
    assert _via_proxy(server, "http://alpha.test/")[0] == 404
    assert _via_proxy(server, "http://alpha.test/robots.txt")[0] == 404
    assert _via_proxy(server, "http://beta.test/")[0] == 200
    server.set_version("alpha.test", None)
    assert _via_proxy(server, "http://alpha.test/")[1] == b"<title>Alpha home</title>"


def test_set_version_to_a_missing_folder_is_an_error(changing: FixtureServer) -> None:
    with pytest.raises(ValueError):
        changing.set_version("alpha.test", "9")


def test_request_log_records_host_path_and_status(server: SampleWebServer) -> None:
    _via_proxy(server, "http://www.alpha.test/about?x=1")
    _via_proxy(server, "http://alpha.test/missing")
    _via_host(server, "beta.test", "/")
    _via_proxy(server, "http://nowhere.test/")
    assert server.requests == [
        ("alpha.test", "/about?x=1", 200),
        ("alpha.test", "/missing", 404),
        ("beta.test", "/", 200),
        ("nowhere.test", "/", 502),
    ]


def test_head_sends_headers_without_body(server: SampleWebServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"HEAD /about HTTP/1.1\r\nHost: alpha.test\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := sock.recv(4096):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert b"Content-Length: 26" in head
    assert body == b""


def test_hosts_lists_site_folders_without_versions_or_files(server: SampleWebServer) -> None:
    assert server.hosts() == ["alpha.test", "beta.test"]
    assert server.url == f"http://127.0.0.1:{server.port}"


def test_normalize_host_strips_www_port_and_case() -> None:
    assert normalize_host("WWW.Clinic.Test:8080") == "clinic.test"
    assert normalize_host("clinic.test.") == "clinic.test"


def test_module_command_serves_until_interrupted(web: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.demo.server", str(web), "--port", "0"],
        stdout=subprocess.PIPE, text=True, cwd=REPO,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline(), proc.stdout.readline()]
        proxy = next(line.split("=", 1)[1].strip() for line in lines if line.startswith("http_proxy="))
        assert _get("http://beta.test/", proxy=proxy)[1] == b"<title>Beta home</title>"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert proc.returncode == 0


# -- the bundled sample web -----------------------------------------------------------------

def _labels() -> list[dict[str, str]]:
    with open(SAMPLE_WEB / "LABELS.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _locations() -> list[dict[str, str]]:
    with open(SAMPLE_WEB / "LOCATIONS.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _site_text(host: str) -> str:
    return " ".join(p.read_text(encoding="utf-8", errors="replace") for p in (SAMPLE_WEB / host).rglob("*.html"))


def test_sample_web_ships_inside_the_package_and_has_sites() -> None:
    assert SAMPLE_WEB == REPO / "crawler" / "demo" / "web"
    assert len(SampleWebServer(SAMPLE_WEB).hosts()) >= 18


def test_every_labelled_site_exists_with_an_index_page() -> None:
    labels = _labels()
    hosts = SampleWebServer(SAMPLE_WEB).hosts()
    assert sorted(row["host"] for row in labels) == hosts
    for row in labels:
        assert row["host"].endswith(".test")
        assert (SAMPLE_WEB / row["host"] / "index.html").is_file(), row["host"]


def test_labels_use_the_shared_vocabulary_and_cover_every_modality() -> None:
    labels = _labels()
    corpus_labels = corpus_dir() / "dev" / "labels.csv"
    if corpus_labels.is_file():  # the reference corpus sits beside a checkout, not inside it
        with open(corpus_labels, newline="") as f:
            assert list(labels[0].keys()) == next(csv.reader(f))
    for row in labels:
        assert row["modality"] in MODALITIES, row
        assert set(filter(None, row["services"].split(";"))) <= set(SERVICES), row
        assert set(filter(None, row["conditions"].split(";"))) <= set(CONDITIONS), row
        assert re.fullmatch(r"(\d{10})?", row["phone"]), row
        assert re.fullmatch(r"(\d{5})?", row["zip"]), row
        if row["modality"] == "not-a-provider":
            assert not row["services"], row
    counts = {m: sum(row["modality"] == m for row in labels) for m in MODALITIES}
    assert all(n >= (2 if m == "unclear" else 3) for m, n in counts.items()), counts


def test_labelled_contact_details_appear_on_the_site() -> None:
    for row in _labels() + _locations():
        text = re.sub(r"\D", "", _site_text(row["host"]))
        if row["phone"]:
            assert row["phone"] in text, row
        if row["zip"]:
            assert row["zip"] in text, row


def test_locations_belong_to_labelled_sites_and_appear_on_them() -> None:
    hosts = {row["host"] for row in _labels()}
    locations = _locations()
    assert locations
    assert {row["host"] for row in locations} <= hosts
    for row in locations:
        assert row["city"] and re.fullmatch(r"[A-Z]{2}", row["state"]), row
        number, word = row["street"].split()[:2]
        assert re.search(rf"\b{number}\s+{re.escape(word)}", _site_text(row["host"])), row


def test_sample_versions_change_what_the_sample_sites_say(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with FixtureServer(SAMPLE_WEB) as sample:
        assert b"(505) 555-0134" in _via_proxy(sample, "http://santa-fe-ketamine.test/contact/")[1]
        sample.set_version("santa-fe-ketamine.test", "2")
        body = _via_proxy(sample, "http://santa-fe-ketamine.test/contact/")[1]
        assert b"(505) 555-0139" in body and b"(505) 555-0134" not in body
        assert _via_proxy(sample, "http://harpeth-infusion.test/ketamine-assisted-psychotherapy")[0] == 200
        sample.set_version("harpeth-infusion.test", "2")
        assert _via_proxy(sample, "http://harpeth-infusion.test/ketamine-assisted-psychotherapy")[0] == 404


# -- the demo from an installed package -----------------------------------------------------


def test_an_installed_package_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    # `pip install .` into a fresh venv, offline: the package is built from a copy of the
    # checkout with this environment's setuptools, and its dependencies are this
    # environment's (a .pth file), so nothing is downloaded. Then `ketadir demo` runs in an
    # empty folder, where only the installed copy can supply the sample web.
    source = tmp_path / "source"
    skipped = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", "out", ".pytest_cache",
                                     ".hypothesis", "demo-data")
    shutil.copytree(REPO, source, ignore=skipped)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "ketadir-test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--verbose", "--no-deps", "--no-index",
         "--no-build-isolation", str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    # --verbose shows the build's own output: setuptools warns there of a deprecated license form.
    assert "Running command" in install.stdout + install.stderr
    assert "SetuptoolsDeprecationWarning" not in install.stdout + install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "no_proxy", "pythonpath")}
    demo = subprocess.run([str(venv / "bin" / "ketadir"), "demo"], cwd=elsewhere, env=env, capture_output=True,
                          text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr[-3000:]
    assert f"Sample web of {len(SampleWebServer(SAMPLE_WEB).hosts())} sites" in demo.stdout
    assert "Riverbend Psychedelic Therapy" in demo.stdout and (elsewhere / "demo-data" / "directory.csv").is_file()
    where = subprocess.run([str(python), "-c", "import crawler.demo; print(crawler.demo.SAMPLE_WEB)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(purelib) and (Path(where) / "LABELS.csv").is_file()
