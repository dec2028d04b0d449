"""The crawler against a web of broken and hostile sites, end to end.

tests/fixtures/faults/ holds one tiny site per fault (each folder's _fault.json says how the
fixture server misbehaves for it) and two good clinics. One real crawl through the CLI
(Scrapy in its own process, reaching the fixture server on 127.0.0.1 through http_proxy)
covers them all; each test then checks what one fault must lead to.

The crawl runs with DOWNLOAD_TIMEOUT=2: the site answering in 3 s per page then times out
and is reported, which is the behaviour we want from an unattended crawl (a site that slow is
not waited on; with the default 20 s it would simply be crawled slowly).

Every target is on 127.0.0.1: private and metadata addresses appear only as redirect targets
the crawler must refuse. Because http_proxy points at the fixture server, a request the guard
failed to stop would still land there, where the request log shows it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, ProxyHandler, build_opener

import pytest
from click.testing import Result

from conftest import FAST, FIXTURES, REPO, proxied, run_cli
from mockserver import FixtureServer, gzip_bomb
from crawler.items import MODALITIES
from crawler.store import decompress_body, page_from_json

FAULT_WEB = FIXTURES / "faults"
GOOD = {"steady-infusions.test": "infusion-only", "harbor-kap.test": "kap"}
UNKNOWN_HOST = "no-such-clinic.test"  # no folder: the proxy answers 502, as a real one does
# Sites that misbehave but must still be read and indexed.
RECOVERED = (
    "flaky-503.test", "cp1252-clinic.test", "broken-markup.test", "noise.test", "hostile-text.test",
    "hostile-markup.test", "sitemap-bomb.test", "utf16-claim.test", "png-page.test", "xn--bcher-kva.test",
    "bidi-text.test",
)  # fmt: skip
# Answers with a PDF at its home page URL: alive, but nothing to read.
NOT_HTML = "pdf-home.test"
# Seeded by its Unicode name; requests and links spell it in IDNA.
IDN_SEEDS = {"xn--bcher-kva.test": "bücher.test"}
# A good page whose other pages redirect (3xx and meta refresh) to private addresses written
# as a resolver reads them: 2852039166, 0251.0376.0251.0376, 0xa9fea9fe, 169.254.43518, 127.1, 0.
NUMERIC_REDIRECTS = "numeric-redirect.test"
# Seeds that are private addresses in inet_aton shorthand; they have no folder.
NUMERIC_SEEDS = {"127.1": "refused 127.1: the address 127.0.0.1", "0x7f.1": "refused 0x7f.1: the address 127.0.0.1"}
# Sites that must be reported as failed, with a phrase their reason must contain.
FAILED = {
    "slow-clinic.test": "timed out",
    "always-500.test": "HTTP 500",
    "redirect-loop.test": "redirect loop",
    "huge-page.test": "size limit",
    "endless-page.test": "size limit",
    "gzip-bomb.test": "size limit",
    "reset-midbody.test": "connection lost mid-response",
    "robots-block.test": "blocked by robots.txt",
    "metadata-redirect.test": "refused 169.254.169.254",
    "loopback-redirect.test": "refused 127.0.0.1",
    "file-redirect.test": "refused file:",
    "ftp-redirect.test": "refused ftp:",
    "robots-huge.test": "blocked by robots.txt",  # Disallow: / and then 10 MB of comments
    "escape-redirect.test": "refused 10.0.0.1",  # a Location full of terminal escapes
    UNKNOWN_HOST: "HTTP 502",
    **NUMERIC_SEEDS,
}
FOLDERLESS = {UNKNOWN_HOST, *NUMERIC_SEEDS}
MB = 1024 * 1024


@dataclass
class FaultCrawl:
    data_dir: Path
    result: Result
    report: dict[str, Any]
    server: FixtureServer

    def requests_to(self, host: str) -> list[tuple[str, int]]:
        return [(path, status) for h, path, status in self.server.requests if h == host]

    def store(self) -> sqlite3.Connection:
        conn = sqlite3.connect(f"file:{self.data_dir / 'ketadir.db'}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        return conn

    def records(self) -> dict[str, dict[str, Any]]:
        found = run_cli("search", "--include-non-providers", "--limit", "100", "--format", "json", data_dir=self.data_dir)
        assert found.exit_code == 0, found.output
        return {r["site"]: r for r in json.loads(found.stdout)}


@pytest.fixture(scope="module")
def fault_server() -> Iterator[FixtureServer]:
    with FixtureServer(FAULT_WEB) as server, proxied(server):
        yield server


@pytest.fixture(scope="module")
def fault_crawl(fault_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> FaultCrawl:
    data_dir = tmp_path_factory.mktemp("fault-crawl")
    seeds = data_dir.parent / "fault-seeds.txt"
    hosts = [IDN_SEEDS.get(host, host) for host in fault_server.hosts()] + sorted(FOLDERLESS)
    seeds.write_text("".join(f"http://{host}/\n" for host in hosts), encoding="utf-8")
    result = run_cli("crawl", "--seeds", str(seeds), *FAST, "--set", "DOWNLOAD_TIMEOUT=2", data_dir=data_dir)
    reports = sorted((data_dir / "reports").glob("run-*.json"))
    report = json.loads(reports[-1].read_text()) if reports else {}
    return FaultCrawl(data_dir, result, report, fault_server)


def test_fault_web_has_a_folder_for_every_fault_and_good_site(fault_server: FixtureServer) -> None:
    assert set(fault_server.hosts()) == (
        set(GOOD) | set(RECOVERED) | {NUMERIC_REDIRECTS, NOT_HTML} | (set(FAILED) - FOLDERLESS)
    )


def test_crawl_of_the_fault_web_finishes_and_indexes_the_good_sites(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.result.exit_code == 0, fault_crawl.result.output
    assert "Traceback" not in fault_crawl.result.output
    records = fault_crawl.records()
    for host, modality in GOOD.items():
        assert records[host]["modality"] == modality, host
    assert set(RECOVERED) <= set(records)
    assert not set(FAILED) & set(records)


def test_every_bad_site_is_reported_by_name_and_reason(fault_crawl: FaultCrawl) -> None:
    failed_lines = {
        line.split(": ", 2)[1]: line.split(": ", 2)[2]
        for line in fault_crawl.result.stdout.splitlines()
        if line.strip().startswith("failed: ")
    }
    assert set(failed_lines) == set(FAILED)
    assert fault_crawl.report["failed_sites"] == failed_lines
    errors = {e["site"]: e["reason"] for e in fault_crawl.report["fetch_errors"]}
    for host, phrase in FAILED.items():
        assert phrase in failed_lines[host], (host, failed_lines[host])
        assert phrase in errors[host], (host, errors[host])
    run = fault_crawl.store().execute("SELECT state, errors FROM runs").fetchone()
    assert run["state"] == "finished" and run["errors"] == len(fault_crawl.report["fetch_errors"])


def test_503_then_200_is_retried_then_indexed(fault_crawl: FaultCrawl) -> None:
    home = [status for path, status in fault_crawl.requests_to("flaky-503.test") if path == "/"]
    assert home == [503, 200]
    record = fault_crawl.records()["flaky-503.test"]
    assert record["phones"] == ["(918) 555-0163"]
    assert "iv-infusion" in record["services"]


def test_thirty_megabyte_pages_are_skipped_with_a_warning_and_memory_stays_bounded(fault_crawl: FaultCrawl) -> None:
    # One page announces its 30 MB; the other streams them with no Content-Length.
    for host in ("huge-page.test", "endless-page.test"):
        assert fault_crawl.store().execute("SELECT COUNT(*) FROM pages WHERE site=?", (host,)).fetchone()[0] == 0
    assert "larger than download max size" in fault_crawl.result.stderr
    stats = fault_crawl.report["stats"]
    growth = stats["ketadir/peak_rss_kib"] * 1024 - stats["memusage/startup"]
    # Unbounded, these pages and the gzip bomb cost the crawl process well over 1 GB.
    assert growth < 64 * MB, f"crawl grew by {growth / MB:.0f} MB"


def test_random_bytes_served_as_html_are_stored_without_a_crash(fault_crawl: FaultCrawl) -> None:
    row = fault_crawl.store().execute("SELECT body, parsed FROM pages WHERE site='noise.test'").fetchone()
    assert len(decompress_body(row["body"])) == 65536
    assert page_from_json(row["parsed"]).blocks
    assert fault_crawl.records()["noise.test"]["modality"] in MODALITIES
    assert not [e for e in fault_crawl.report["fetch_errors"] if e["site"] == "noise.test"]


def test_cp1252_page_without_charset_is_decoded_right(fault_crawl: FaultCrawl) -> None:
    row = fault_crawl.store().execute("SELECT encoding, parsed FROM pages WHERE site='cp1252-clinic.test'").fetchone()
    text = " ".join(block.text for block in page_from_json(row["parsed"]).blocks)
    assert "Renée’s team offers IV ketamine infusions" in text
    assert "\ufffd" not in text
    assert fault_crawl.records()["cp1252-clinic.test"]["name"] == "Renée’s Ketamine Café"


def test_gzip_bomb_is_stopped_by_the_decompression_limit(fault_crawl: FaultCrawl) -> None:
    assert len(gzip_bomb(1)) < 2 * MB  # what was sent: about 1 MB that inflates to 1 GB
    assert ("/", 200) in fault_crawl.requests_to("gzip-bomb.test")
    assert "decompressed so far" in fault_crawl.result.stderr
    assert fault_crawl.store().execute("SELECT COUNT(*) FROM pages WHERE site='gzip-bomb.test'").fetchone()[0] == 0


def test_connection_reset_mid_body_is_retried_then_reported(fault_crawl: FaultCrawl) -> None:
    attempts = [path for path, _ in fault_crawl.requests_to("reset-midbody.test") if path == "/"]
    assert len(attempts) == 3  # the first try and RETRY_TIMES=2 retries
    assert fault_crawl.report["failed_sites"]["reset-midbody.test"] == "connection lost mid-response"


def test_robots_disallow_all_means_nothing_but_robots_txt_is_fetched(fault_crawl: FaultCrawl) -> None:
    assert {path for path, _ in fault_crawl.requests_to("robots-block.test")} == {"/robots.txt"}
    assert fault_crawl.report["failed_sites"]["robots-block.test"] == "blocked by robots.txt"


def test_redirects_to_private_metadata_and_file_targets_are_refused_never_followed(fault_crawl: FaultCrawl) -> None:
    for host in ("metadata-redirect.test", "loopback-redirect.test", "file-redirect.test", "ftp-redirect.test"):
        assert ("/", 302) in fault_crawl.requests_to(host)
        assert fault_crawl.report["failed_sites"][host].startswith("refused ")
    hosts_asked = {host for host, _, _ in fault_crawl.server.requests}
    assert not hosts_asked & {"169.254.169.254", "127.0.0.1", "localhost"}
    assert not [path for _, path, _ in fault_crawl.server.requests if "meta-data" in path or "passwd" in path]


def test_links_to_private_addresses_on_a_page_are_not_followed(fault_crawl: FaultCrawl) -> None:
    page = (FAULT_WEB / "broken-markup.test" / "index.html").read_text()
    assert "http://169.254.169.254/latest/meta-data/" in page and "http://127.0.0.1:22/" in page
    assert not {host for host, _, _ in fault_crawl.server.requests} - set(fault_crawl.server.hosts()) - {UNKNOWN_HOST}


def test_private_addresses_in_inet_aton_forms_are_refused_by_redirect_meta_refresh_and_seed(
    fault_crawl: FaultCrawl,
) -> None:
    """getaddrinfo reads 2852039166, 0xa9fea9fe, 0251.0376.0251.0376, 169.254.43518, 127.1 and 0
    as 169.254.169.254, 127.0.0.1 and 0.0.0.0: a proxy that resolves what it is sent would
    fetch the metadata service. The guard reads them the same way."""
    refused = {e["url"]: e["reason"] for e in fault_crawl.report["fetch_errors"] if e["site"] == NUMERIC_REDIRECTS}
    metadata = [url for url in refused if "/go/" in url and "short" not in url and "zero" not in url]
    assert len(metadata) == 4
    for url in metadata:
        assert "the address 169.254.169.254" in refused[url], (url, refused[url])
    assert "the address 127.0.0.1" in refused[f"http://{NUMERIC_REDIRECTS}/go/short"]
    assert "the address 0.0.0.0" in refused[f"http://{NUMERIC_REDIRECTS}/go/zero"]
    by_refresh = [reason for url, reason in refused.items() if "/go/" not in url]
    assert len(by_refresh) == 2 and all(reason.startswith("refused ") for reason in by_refresh), refused
    assert NUMERIC_REDIRECTS in fault_crawl.records()  # the site itself is read as usual
    for host, phrase in NUMERIC_SEEDS.items():
        assert fault_crawl.report["failed_sites"][host].startswith(phrase)
    asked = {host for host, _, _ in fault_crawl.server.requests}
    assert asked <= set(fault_crawl.server.hosts()) | {UNKNOWN_HOST}, asked - set(fault_crawl.server.hosts())


def test_a_link_carrying_a_user_name_and_password_is_followed_without_them(fault_crawl: FaultCrawl) -> None:
    page = (FAULT_WEB / NUMERIC_REDIRECTS / "index.html").read_text()
    assert "staff:Secret-Passw0rd@" in page
    urls = [row[0] for row in fault_crawl.store().execute("SELECT url FROM pages WHERE site=?", (NUMERIC_REDIRECTS,))]
    assert f"http://{NUMERIC_REDIRECTS}/team" in urls
    stored = (fault_crawl.data_dir / "ketadir.db").read_bytes()
    assert b"Secret-Passw0rd" not in stored
    assert "Secret-Passw0rd" not in json.dumps(fault_crawl.report) + fault_crawl.result.output


def test_redirect_loop_is_stopped_and_reported(fault_crawl: FaultCrawl) -> None:
    home = [path for path, _ in fault_crawl.requests_to("redirect-loop.test") if path in ("/", "/?again")]
    assert home == ["/", "/?again"]
    assert "redirect loop" in fault_crawl.report["failed_sites"]["redirect-loop.test"]


def test_malformed_html_and_broken_json_ld_are_still_read(fault_crawl: FaultCrawl) -> None:
    record = fault_crawl.records()["broken-markup.test"]
    assert record["name"] == "Mesa Verde Ketamine Clinic"
    assert "(970) 555-0191" in record["phones"]
    assert "iv-infusion" in record["services"]
    assert fault_crawl.report["stats"]["ketadir/problems/broken-json-ld"] == 1
    stored = json.loads(fault_crawl.store().execute("SELECT stats FROM runs").fetchone()["stats"])
    assert stored["ketadir/problems/broken-json-ld"] == 1


def test_unknown_host_through_the_proxy_is_reported_as_the_proxys_bad_gateway(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.report["failed_sites"][UNKNOWN_HOST] == "HTTP 502 Bad Gateway"


def test_unresolvable_host_without_a_proxy_is_reported_as_host_not_found() -> None:
    """A lookup that fails becomes "host not found" in the report.

    No name is really looked up: the system's resolver is not on loopback here, and tests
    send nothing beyond 127.0.0.1. Through the proxy the same case is the 502 test above.
    """
    from twisted.internet.error import DNSLookupError
    from twisted.python.failure import Failure

    from crawler.crawl.spiders.clinic import describe_failure

    assert describe_failure(Failure(DNSLookupError("clinic.invalid"))) == "host not found"


def test_names_that_resolve_to_private_addresses_are_refused_by_the_resolver() -> None:
    """Without a proxy the crawler resolves names itself; localhost stands for any such name."""
    probe = (
        "from twisted.internet.task import react\n"
        "from crawler.crawl.middlewares.guard import PublicOnlyResolver\n"
        "from crawler.crawl.spiders.clinic import describe_failure\n"
        "def main(reactor):\n"
        "    found = PublicOnlyResolver(reactor, 10, 5.0).getHostByName('localhost')\n"
        "    return found.addCallbacks(lambda a: print('resolved', a), lambda f: print(describe_failure(f)))\n"
        "react(main)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "refused localhost: resolves to the non-public address 127.0.0.1", result.stderr


def test_a_direct_crawl_of_a_loopback_address_needs_the_allow_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(key, raising=False)
    web = tmp_path / "web"
    (web / "127.0.0.1").mkdir(parents=True)
    (web / "127.0.0.1" / "index.html").write_text("<p>We offer IV ketamine infusions.</p>")
    with FixtureServer(web) as server:
        seed = f"{server.url}/"
        refused = run_cli("crawl", seed, *FAST, data_dir=tmp_path / "refused")
        assert "failed: 127.0.0.1: refused 127.0.0.1" in refused.stdout
        assert server.requests == []
        allowed = run_cli(
            "crawl", seed, *FAST, "--set", "KETADIR_ALLOW_PRIVATE_ADDRESSES=True", data_dir=tmp_path / "allowed"
        )
        assert allowed.exit_code == 0 and "failed:" not in allowed.stdout, allowed.output
        assert ("127.0.0.1", "/", 200) in server.requests


# --- the fault mode of the fixture server itself ---------------------------------------------


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _get(server: FixtureServer, url: str) -> tuple[int, dict[str, str]]:
    """Status and headers of url fetched through the fixture server as a proxy, redirects not followed."""
    opener = build_opener(ProxyHandler({"http": server.url}), _NoRedirects)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, dict(response.headers)
    except HTTPError as error:
        return error.code, dict(error.headers)


def test_fault_file_is_never_served(tmp_path: Path) -> None:
    site = tmp_path / "plain.test"
    site.mkdir()
    (site / "index.html").write_text("<p>fine</p>")
    (site / "_fault.json").write_text('{"kind": "content-type", "value": "text/html"}')
    with FixtureServer(tmp_path) as server:
        status, headers = _get(server, "http://plain.test/")
        assert status == 200 and headers["Content-Type"] == "text/html"
        assert _get(server, "http://plain.test/_fault.json")[0] == 404


def test_faults_set_from_code_apply_before_the_folders_own(tmp_path: Path) -> None:
    site = tmp_path / "plain.test"
    site.mkdir()
    (site / "index.html").write_text("<p>fine</p>")
    with FixtureServer(tmp_path, faults={"*": [{"kind": "status", "sequence": [503, 503, 200]}]}) as server:
        assert [_get(server, "http://plain.test/")[0] for _ in range(4)] == [503, 503, 200, 200]
        server.set_faults("plain.test", [{"kind": "redirect", "location": "http://127.0.0.1:{port}/x", "paths": ["/"]}])
        assert _get(server, "http://plain.test/")[1]["Location"] == f"http://127.0.0.1:{server.port}/x"


def test_unknown_fault_kind_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        FixtureServer(tmp_path, faults={"*": [{"kind": "explode"}]})


# --- hostile pages: none may stall the crawl --------------------------------------------------


def test_pages_built_to_be_quadratic_are_read_and_the_crawl_goes_on(fault_crawl: FaultCrawl) -> None:
    """240 KB of "<!--" and of bare "<a ", 30,000 empty tel: links, 1 MB of "Visit Moab, UT - "
    on one line: each took the old scans minutes. And a 3 MB page, over the parse budget."""
    stored = dict(fault_crawl.store().execute("SELECT url, status FROM pages WHERE site='hostile-markup.test'").fetchall())
    paths = ["/", "/services/comments.html", "/services/anchors.html", "/contact/tel-links.html",
             "/locations/one-line.html", "/about/over-budget.html"]  # fmt: skip
    assert {f"http://hostile-markup.test{path}": 200 for path in paths} == stored
    assert fault_crawl.report["stats"]["ketadir/problems/cut-to-size-budget"] == 1
    record = fault_crawl.records()["hostile-markup.test"]
    assert record["modality"] == "infusion-only" and "(435) 555-0128" in record["phones"]


def test_a_sitemap_index_of_ever_new_indexes_is_read_within_the_sites_sitemap_budget(fault_crawl: FaultCrawl) -> None:
    asked = [path for path, _ in fault_crawl.requests_to("sitemap-bomb.test") if path.startswith("/sitemap")]
    assert 1 < len(asked) <= 8  # KETADIR_SITEMAPS_PER_SITE; it drew 781 fetches (3.1 GB) before
    assert fault_crawl.report["stats"]["ketadir/problems/sitemap-budget-spent"] == 1
    assert fault_crawl.records()["sitemap-bomb.test"]["modality"] == "infusion-only"


def test_an_oversized_robots_txt_is_read_up_to_its_first_512_kib_and_obeyed(fault_crawl: FaultCrawl) -> None:
    assert {path for path, _ in fault_crawl.requests_to("robots-huge.test")} == {"/robots.txt"}
    assert fault_crawl.report["failed_sites"]["robots-huge.test"] == "blocked by robots.txt"


def test_a_utf8_page_that_calls_itself_utf16_is_read_as_utf8(fault_crawl: FaultCrawl) -> None:
    page = (FAULT_WEB / "utf16-claim.test" / "index.html").read_bytes()
    assert b'<meta charset="utf-16">' in page and "Renée’s".encode() in page
    record = fault_crawl.records()["utf16-claim.test"]
    assert record["name"] == "Renée’s Ketamine Café"
    assert record["modality"] == "infusion-only"
    assert any("Renée’s team offers IV ketamine infusions" in e["text"] for e in record["evidence"])


def test_a_site_seeded_by_its_unicode_name_is_crawled_whole_and_shown_by_that_name(fault_crawl: FaultCrawl) -> None:
    urls = {row[0] for row in fault_crawl.store().execute("SELECT url FROM pages WHERE site='xn--bcher-kva.test'")}
    assert urls == {f"http://xn--bcher-kva.test/{page}" for page in ("", "services.html", "contact.html")}
    shown = run_cli("show", "bücher.test", data_dir=fault_crawl.data_dir)
    assert shown.exit_code == 0, shown.output
    assert "<http://bücher.test/>" in shown.output and "(830) 555-0162" in shown.output
    listed = run_cli("sites", "list", data_dir=fault_crawl.data_dir).output
    assert "bücher.test" in listed and "xn--bcher-kva" not in listed


def test_a_pdf_or_an_image_where_a_page_should_be_is_no_failure_of_the_site(fault_crawl: FaultCrawl) -> None:
    errors = {e["url"]: e for e in fault_crawl.report["fetch_errors"]}
    pdf = errors[f"http://{NOT_HTML}/"]
    assert pdf["reason"] == "not an HTML page (application/pdf)" and pdf["answered"]
    png = errors["http://png-page.test/gallery.html"]
    assert png["reason"] == "not an HTML page (a PNG image, served as text/html)"
    assert NOT_HTML not in fault_crawl.report["failed_sites"]
    sites = {r["site"]: r for r in json.loads(run_cli("sites", "list", "--format", "json", data_dir=fault_crawl.data_dir).output)}
    assert sites[NOT_HTML]["fail_streak"] == 0 and sites[NOT_HTML]["last_status"] == "ok, 1 page error"
    assert "png-page.test" in fault_crawl.records()
