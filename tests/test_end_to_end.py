"""The whole pipeline through the real CLI: crawl the sample web, then search, export, show.

The crawl is real Scrapy over HTTP to the fixture server on 127.0.0.1 (reached through
http_proxy); the store is real SQLite and the index real Whoosh. The truth is the sample
web's own LABELS.csv and LOCATIONS.csv.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

from conftest import FAST, Crawl, run_cli, spawned_workers
from crawler.demo import SAMPLE_WEB

from crawler.upkeep import refresh
from mockserver import FixtureServer
from crawler.crawl.run import crawl_in_subprocess
from crawler.sites import site_of
from crawler.datadir import STORE_FILE
from crawler.store import Store

LABELS = {row["host"]: row for row in csv.DictReader(open(SAMPLE_WEB / "LABELS.csv", encoding="utf-8"))}
LOCATIONS = list(csv.DictReader(open(SAMPLE_WEB / "LOCATIONS.csv", encoding="utf-8")))
EXPORT_HEADER = (
    "name,modality,services,conditions,street,city,state,zip,phone,email,website,"
    "confidence,evidence,evidence_url,last_crawled"
)


def _formatted(digits: str) -> str:
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def test_crawl_reports_sites_pages_and_modalities(crawled: Crawl) -> None:
    result = crawled.result
    assert result.exit_code == 0, result.output
    assert f"{len(LABELS)} sites" in result.output
    assert "Clinics by modality:" in result.output
    assert "kap" in result.output and "infusion-only" in result.output


def test_every_sample_site_gets_its_labelled_modality(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    result = run_cli("search", "--include-non-providers", "--format", "json", data_dir=data_dir)
    got = {r["site"]: r["modality"] for r in json.loads(result.output)}
    expected = {host: row["modality"] for host, row in LABELS.items()}
    wrong = {h: (expected[h], got.get(h)) for h in expected if got.get(h) != expected[h]}
    assert not wrong, wrong


def test_search_kap_in_nashville_finds_the_nashville_kap_practices(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    result = run_cli("search", "--modality", "kap", "--city", "nashville", "--format", "json", data_dir=data_dir)
    assert result.exit_code == 0
    found = {r["site"] for r in json.loads(result.output)}
    expected = {h for h, row in LABELS.items() if row["modality"] == "kap" and row["city"] == "Nashville"}
    assert expected and found == expected


def test_search_infusion_only_in_texas_returns_only_texan_infusion_clinics(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    result = run_cli("search", "--modality", "infusion-only", "--state", "TX", "--format", "json", data_dir=data_dir)
    records = json.loads(result.output)
    expected = {h for h, row in LABELS.items() if row["modality"] == "infusion-only" and row["state"] == "TX"}
    assert expected and {r["site"] for r in records} == expected
    for record in records:
        assert record["modality"] == "infusion-only"
        assert "TX" in {loc["state"] for loc in record["locations"]} | set(record["serves_states"])


def test_table_output_lists_name_city_and_phone(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    result = run_cli("search", "--modality", "kap", "--city", "Nashville", data_dir=data_dir)
    header = result.output.splitlines()[0].split()
    assert header[:5] == ["name", "modality", "city", "state", "phone"]
    assert "Nashville" in result.output


def test_export_csv_has_the_contract_columns_and_formatted_phones(crawled: Crawl, tmp_path: Path) -> None:
    data_dir = crawled.data_dir
    target = tmp_path / "all.csv"
    result = run_cli("export", "--output", str(target), data_dir=data_dir)
    assert result.exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(EXPORT_HEADER.encode())
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    providers = {h for h, row in LABELS.items() if row["modality"] != "not-a-provider"}
    assert {r["website"].split("//")[1].strip("/").removeprefix("www.") for r in rows} == providers
    for row in rows:
        assert row["website"].startswith("http://") and row["website"].endswith("/")
        assert row["modality"] != "not-a-provider"
        if row["phone"]:
            assert len(row["phone"]) == 14 and row["phone"][0] == "(" and row["phone"][9] == "-"
    labelled_phones = {h: _formatted(row["phone"]) for h, row in LABELS.items() if row["phone"] and h in providers}
    for host, phone in labelled_phones.items():
        site_rows = [r for r in rows if host in r["website"]]
        assert phone in {r["phone"] for r in site_rows}, host


def test_export_has_one_row_per_labelled_location(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    result = run_cli("export", "--include-non-providers", data_dir=data_dir)
    rows = list(csv.DictReader(io.StringIO(result.output)))
    for host in {loc["host"] for loc in LOCATIONS}:
        expected = {(loc["city"], loc["state"]) for loc in LOCATIONS if loc["host"] == host}
        got = {(r["city"], r["state"]) for r in rows if host in r["website"]}
        assert expected <= got, host


def test_export_leaves_out_non_providers_unless_asked(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    without = list(csv.DictReader(io.StringIO(run_cli("export", data_dir=data_dir).output)))
    with_all = list(
        csv.DictReader(io.StringIO(run_cli("export", "--include-non-providers", data_dir=data_dir).output))
    )
    assert all(r["modality"] != "not-a-provider" for r in without)
    assert {r["modality"] for r in with_all} >= {"not-a-provider"}


def test_show_prints_the_clinic_with_its_evidence_and_pages(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    host = next(h for h, row in LABELS.items() if row["modality"] == "kap" and row["city"])
    result = run_cli("show", f"http://www.{host}/some/page", data_dir=data_dir)
    assert result.exit_code == 0
    assert "modality: kap" in result.output
    assert "evidence for kap:" in result.output
    assert f"http://{host}/" in result.output
    assert LABELS[host]["city"] in result.output


def test_show_groups_evidence_for_and_against_the_decision_in_words(crawled: Crawl) -> None:
    # Trinity Trails gives IM shots and no longer offers Spravato: the denial argues against
    # a service and is shown as such, with what it is in words and its page.
    result = run_cli("show", "trinitytrailsketamine.test", data_dir=crawled.data_dir)
    assert result.exit_code == 0, result.output
    assert "decided by: medical-route: " in result.output
    for_part, _, rest = result.output.partition("evidence for infusion-only:")[2].partition("evidence against it:")
    assert for_part.strip() and "no longer" in rest.split("context:")[0].lower()
    assert "denied or discontinued: " in rest


def test_show_why_lists_every_cue_with_its_weight_page_and_the_rule_that_decided(crawled: Crawl) -> None:
    host = "saguaroinfusion.test"
    text = run_cli("show", host, "--why", data_dir=crawled.data_dir)
    assert text.exit_code == 0, text.output
    assert "decided by: outside-therapy: " in text.output
    assert "outside-therapy." in text.output and f"http://{host}/" in text.output
    record = json.loads(run_cli("show", host, "--why", "--format", "json", data_dir=crawled.data_dir).output)
    assert record["modality"] == "adjunctive-referral" and record["rule"] == "outside-therapy"
    assert record["scores"]["adjunctive-referral"] >= 0.6
    # Every cue that fired, not just the few kept as evidence.
    assert len(record["cues"]) > len(record["evidence"])
    assert all(c["rule"] and c["role"] and c["url"].startswith(f"http://{host}/") for c in record["cues"])


def test_stats_count_by_modality_and_state(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    stats = json.loads(run_cli("stats", "--format", "json", data_dir=data_dir).output)
    expected_kap = sum(1 for row in LABELS.values() if row["modality"] == "kap")
    assert stats["modality"]["kap"] == expected_kap
    assert stats["state"]["TN"] >= 2
    assert stats["last_crawl"]


def test_reindex_rebuilds_the_same_directory_from_the_store(crawled: Crawl) -> None:
    data_dir = crawled.data_dir
    before = json.loads(run_cli("search", "--include-non-providers", "--format", "json", data_dir=data_dir).output)
    result = run_cli("reindex", data_dir=data_dir)
    assert result.exit_code == 0
    after = json.loads(run_cli("search", "--include-non-providers", "--format", "json", data_dir=data_dir).output)
    assert {(r["site"], r["modality"]) for r in after} == {(r["site"], r["modality"]) for r in before}


def test_robots_disallowed_pages_are_never_fetched(crawled: Crawl) -> None:
    fetched = {(host, path) for host, path, _ in crawled.requests}
    assert any(path == "/robots.txt" for _, path in fetched)
    assert not any(path.startswith("/private") for _, path in fetched)


def test_no_site_gets_more_than_the_page_budget(crawled: Crawl) -> None:
    per_site: dict[str, set[str]] = {}
    for host, path, _ in crawled.requests:
        if path not in ("/robots.txt", "/sitemap.xml"):
            per_site.setdefault(host, set()).add(path)
    assert max(len(paths) for paths in per_site.values()) == 25


def test_pages_listed_only_in_a_sitemap_are_crawled(crawled: Crawl) -> None:
    fetched = {(host, path) for host, path, status in crawled.requests if status == 200}
    assert ("pugetketamine.test", "/sitemap.xml") in fetched
    assert any(host == "pugetketamine.test" and path.startswith("/conditions/ptsd") for host, path in fetched)


def test_www_and_apex_spellings_of_a_page_are_fetched_once(crawled: Crawl) -> None:
    paths = [path for host, path, _ in crawled.requests if host == "santa-fe-ketamine.test"]
    assert paths.count("/") == 1
    assert paths.count("/robots.txt") <= 2  # Scrapy asks robots.txt once per host spelling


def test_crawl_stays_on_each_site_and_skips_non_html(crawled: Crawl) -> None:
    hosts = {host.removeprefix("www.") for host, _, _ in crawled.requests}
    assert hosts <= set(LABELS)
    assert not any(path.lower().endswith(".pdf") for _, path, _ in crawled.requests)


def test_refresh_in_worker_processes_decides_exactly_as_in_process(crawled: Crawl, monkeypatch) -> None:
    sites = [row.site for row in Store.open(crawled.data_dir / STORE_FILE, readonly=True).sites()]
    decided = {}
    for workers in (1, 2):
        copy = crawled.data_dir.parent / f"refresh-{workers}.sqlite3"
        shutil.copy(crawled.data_dir / STORE_FILE, copy)
        monkeypatch.setattr(refresh, "POOL_MIN_SITES", 1)
        decided[workers] = []
        refresh.refresh_sites(Store.open(copy), sites, decided[workers].append, workers=workers)
    assert len(decided[1]) == len(sites) >= 19
    assert [c.to_dict() for c in decided[2]] == [c.to_dict() for c in decided[1]]


def test_a_refresh_whose_worker_is_killed_decides_every_site_in_process(crawled: Crawl, monkeypatch) -> None:
    sites = [row.site for row in Store.open(crawled.data_dir / STORE_FILE, readonly=True).sites()]
    copy = crawled.data_dir.parent / "refresh-killed.sqlite3"
    shutil.copy(crawled.data_dir / STORE_FILE, copy)
    monkeypatch.setattr(refresh, "POOL_MIN_SITES", 1)
    killed: list[int] = []

    def kill_the_first_worker() -> None:
        deadline = time.monotonic() + 60
        while not killed and time.monotonic() < deadline:
            for pid in spawned_workers(os.getpid()):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                break
            time.sleep(0.01)

    killer = threading.Thread(target=kill_the_first_worker)
    killer.start()
    decided: list = []
    refresh.refresh_sites(Store.open(copy), sites, decided.append, workers=2)
    killer.join()
    assert killed
    in_process: list = []
    refresh.refresh_sites(Store.open(copy), sites, in_process.append, workers=1)
    assert [c.to_dict() for c in decided] == [c.to_dict() for c in in_process]
    assert len(decided) == len(sites) >= 19


def test_a_crawl_one_request_at_a_time_still_starts_every_site(sample_server: FixtureServer, tmp_path: Path) -> None:
    # With one request allowed, the downloader is always full: each new site waits for the
    # queue to run dry (lazy start) and must still be crawled, not left waiting forever.
    hosts = sample_server.hosts()[:6]
    result = run_cli(
        "crawl", *[f"http://{host}/" for host in hosts], "--max-pages-per-site", "3",
        *FAST, "--set", "CONCURRENT_REQUESTS=1", data_dir=tmp_path,
    )
    assert result.exit_code == 0, result.output
    store = Store.open(tmp_path / STORE_FILE, readonly=True)
    assert all(store.parsed_pages_of(site_of(f"http://{host}/")) for host in hosts)


def test_a_crawl_opens_no_console_into_itself(sample_server: FixtureServer, tmp_path: Path) -> None:
    # Scrapy 2.19 starts a RemoteControl HTTP server in every crawl unless told not to: a
    # scheduled crawl must not run a server that executes code sent to it.
    host = sample_server.hosts()[0]
    result = run_cli(
        "crawl", f"http://{host}/", "--max-pages-per-site", "1", *FAST, "--set", "LOG_LEVEL=INFO", data_dir=tmp_path
    )
    assert result.exit_code == 0, result.output
    assert "scrapy.extensions.corestats.CoreStats" in result.stderr  # the extension list was logged
    assert "RemoteControl" not in result.stderr and "TelnetConsole" not in result.stderr
    assert "listening on port" not in result.stderr


def test_a_crawl_through_a_proxy_reuses_its_connections(crawled: Crawl) -> None:
    # Through a proxy every site is one host to Scrapy's connection pool; it must keep a
    # connection per concurrent request (32) rather than one per site's limit (2).
    assert len(crawled.requests) > 120
    assert crawled.connections <= 40, f"{crawled.connections} connections for {len(crawled.requests)} requests"


def test_sites_decided_during_the_crawl_match_a_refresh_from_the_stored_pages(crawled: Crawl) -> None:
    # Each site is decided as soon as the spider reports it finished; deciding it before its
    # last page was stored would differ from deciding it afterwards from everything stored.
    store = Store.open(crawled.data_dir / STORE_FILE, readonly=True)
    run = store.runs()[0]
    decided_in_crawl = run.stats.get("ketadir/sites_decided_in_crawl", 0)
    with_pages = set(store.pages_in_run(run.id))
    assert decided_in_crawl == len(with_pages) >= 19
    during = {clinic.site: clinic.to_dict() for clinic in store.clinics()}
    copy = crawled.data_dir.parent / "redecided.sqlite3"
    shutil.copy(crawled.data_dir / STORE_FILE, copy)
    after: dict[str, dict] = {}
    refresh.refresh_sites(Store.open(copy), sorted(during), lambda c: after.__setitem__(c.site, c.to_dict()))
    for record in (*during.values(), *after.values()):
        record.pop("last_crawled")
    assert after == during


def test_a_crawl_without_workers_decides_every_site_after_the_crawl_the_same_way(
    crawled: Crawl, sample_server: FixtureServer, tmp_path: Path
) -> None:
    # KETADIR_PARSE_WORKERS=0 parses in the crawl process and leaves every decision to the
    # refresh after the crawl: the directory must come out the same.
    seeds = [f"http://{host}/" for host in sample_server.hosts()]
    result = run_cli("crawl", *seeds, *FAST, "--set", "KETADIR_PARSE_WORKERS=0", data_dir=tmp_path)
    assert result.exit_code == 0, result.output
    store = Store.open(tmp_path / STORE_FILE, readonly=True)
    assert "ketadir/sites_decided_in_crawl" not in store.runs()[0].stats
    with_workers = Store.open(crawled.data_dir / STORE_FILE, readonly=True)
    assert {c.site: c.modality for c in store.clinics()} == {c.site: c.modality for c in with_workers.clinics()}
    assert len(store.clinics()) >= 19


def test_sites_decided_by_a_crawl_stopped_before_indexing_are_indexed_by_the_next(
    sample_server: FixtureServer, tmp_path: Path
) -> None:
    # A crawl process decides sites as they finish; the CLI indexes them after it. If the CLI
    # dies in between, the next crawl must index those decisions even if it crawls other sites.
    first, stopped = [f"http://{host}/" for host in sample_server.hosts()[:2]]
    assert run_cli("crawl", first, *FAST, data_dir=tmp_path).exit_code == 0
    store = Store.open(tmp_path / STORE_FILE)
    run_id = store.start_run()  # what `ketadir crawl` does before its crawl process...
    overrides = dict(pair.split("=") for pair in FAST[1::2])
    crawl_in_subprocess(tmp_path / STORE_FILE, run_id, [stopped], overrides=overrides)  # ...which decides
    assert site_of(stopped) in {c.site for c in store.clinics()}
    assert run_cli("crawl", first, *FAST, data_dir=tmp_path).exit_code == 0  # run 2 is marked interrupted
    listed = json.loads(run_cli("search", "--include-non-providers", "--format", "json", data_dir=tmp_path).output)
    assert {r["site"] for r in listed} == {site_of(first), site_of(stopped)}
