"""Keeping the directory current: a web that changes between runs, and what ketadir records.

The fixture server switches a site's version between crawls (tests/fixtures/changing):
a new clinic appears, one drops KAP, one changes phone, one disappears for three runs and
comes back. After each run the `changes` and `runs` commands must say so.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from conftest import FAST, FIXTURES, proxied, run_cli
from crawler.store import SiteRecord, Store
from crawler.upkeep.schedule import due_sites
from mockserver import GONE, FixtureServer

CHANGING = FIXTURES / "changing"
FIRST = ["cedar-grove-kap.test", "prairie-infusions.test", "lakeshore-ketamine.test"]


@pytest.fixture(scope="module")
def web() -> Iterator[FixtureServer]:
    with FixtureServer(CHANGING) as server, proxied(server):
        yield server


def changes_json(data_dir: Path, *args: str) -> list[dict]:
    result = run_cli("changes", "--format", "json", *args, data_dir=data_dir)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def runs_json(data_dir: Path) -> list[dict]:
    return json.loads(run_cli("runs", "--format", "json", data_dir=data_dir).output)


def kinds(changes: list[dict], run_id: int) -> set[tuple[str, str]]:
    return {(c["site"], c["kind"]) for c in changes if c["run_id"] == run_id}


def search_sites(data_dir: Path, *args: str) -> set[str]:
    result = run_cli("search", "--include-non-providers", "--format", "json", *args, data_dir=data_dir)
    return {r["site"] for r in json.loads(result.output)}


def test_history_follows_a_changing_web_run_by_run(web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("sites", "add", *[f"http://{h}/" for h in FIRST], data_dir=data).exit_code == 0

    # Run 1: three clinics, all new.
    assert run_cli("crawl", *FAST, data_dir=data).exit_code == 0
    history = changes_json(data)
    assert kinds(history, 1) == {(h, "new") for h in FIRST}
    assert search_sites(data) == set(FIRST)

    # Run 2: a new clinic registered, one drops KAP, one changes phone, one disappears.
    run_cli("sites", "add", "http://newcomer-clinic.test/", data_dir=data)
    web.set_version("cedar-grove-kap.test", "2")
    web.set_version("prairie-infusions.test", "2")
    web.set_version("lakeshore-ketamine.test", GONE)
    result = run_cli("crawl", "--force", *FAST, data_dir=data)
    assert result.exit_code == 0
    assert "failed: lakeshore-ketamine.test" in result.output
    run2 = [c for c in changes_json(data) if c["run_id"] == 2]
    by_kind = {(c["site"], c["kind"]): c["detail"] for c in run2}
    assert ("newcomer-clinic.test", "new") in by_kind
    assert by_kind[("cedar-grove-kap.test", "modality")] == {"old": "kap", "new": "infusion-only"}
    assert by_kind[("prairie-infusions.test", "phone")]["new"][0] == "(402) 555-0199"
    assert ("lakeshore-ketamine.test", "gone") not in by_kind  # one failed run is not gone yet

    # Runs 3 and 4: still unreachable; after the third failed run it is gone and hidden.
    run_cli("crawl", "--force", *FAST, data_dir=data)
    assert "lakeshore-ketamine.test" in search_sites(data)
    run_cli("crawl", "--force", *FAST, data_dir=data)
    assert ("lakeshore-ketamine.test", "gone") in kinds(changes_json(data), 4)
    assert "lakeshore-ketamine.test" not in search_sites(data)
    assert "lakeshore-ketamine.test" in search_sites(data, "--include-gone")

    # Run 5: it answers again and is back in search.
    web.set_version("lakeshore-ketamine.test", None)
    run_cli("crawl", "--force", *FAST, data_dir=data)
    assert ("lakeshore-ketamine.test", "back") in kinds(changes_json(data), 5)
    assert "lakeshore-ketamine.test" in search_sites(data)

    runs = runs_json(data)
    assert [r["id"] for r in runs] == [5, 4, 3, 2, 1]
    assert all(r["state"] == "finished" for r in runs)
    assert runs[-1]["sites"] == 3 and runs[-2]["sites"] == 4
    assert runs[-2]["errors"] >= 1
    assert (data / "reports" / "run-00005.json").is_file()

    only_cedar = changes_json(data, "--site", "cedar-grove-kap.test")
    assert {c["kind"] for c in only_cedar} >= {"new", "modality"}
    assert {c["site"] for c in only_cedar} == {"cedar-grove-kap.test"}
    text = run_cli("changes", "--since", "1d", data_dir=data).output
    assert "modality: kap -> infusion-only" in text


def test_crawl_without_seeds_takes_only_sites_that_are_due(web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_cli("sites", "add", "http://prairie-infusions.test/", data_dir=data)
    assert "Run 1" in run_cli("crawl", *FAST, data_dir=data).output
    again = run_cli("crawl", *FAST, data_dir=data)
    assert again.exit_code == 0 and "nothing is due" in again.output
    time.sleep(1.5)  # let the one crawl age past --max-age 1s
    assert "Run 2" in run_cli("crawl", "--max-age", "1s", *FAST, data_dir=data).output


def test_unchanged_pages_are_answered_304_and_not_parsed_again(web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_cli("crawl", "http://newcomer-clinic.test/", *FAST, data_dir=data)
    run_cli("crawl", "http://newcomer-clinic.test/", *FAST, data_dir=data)
    report = json.loads((data / "reports" / "run-00002.json").read_text())
    assert report["stats"].get("downloader/response_status_count/304", 0) >= 2
    assert report["changes"] == 0
    assert report["pages"] >= 2


def test_sites_list_shows_source_first_seen_last_crawled_and_status(web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("http://newcomer-clinic.test/\n")
    run_cli("sites", "add", "--from", str(seeds), data_dir=data)
    run_cli("crawl", *FAST, data_dir=data)
    rows = json.loads(run_cli("sites", "list", "--format", "json", data_dir=data).output)
    assert len(rows) == 1
    row = rows[0]
    assert row["site"] == "newcomer-clinic.test" and row["source"] == "seeds:seeds.txt"
    assert row["first_seen"] and row["last_crawled"] and row["last_status"] == "ok"
    assert run_cli("sites", "remove", "newcomer-clinic.test", data_dir=data).exit_code == 0
    assert search_sites(data) == set()
    assert json.loads(run_cli("sites", "list", "--format", "json", data_dir=data).output or "[]") == []


def show_json(data_dir: Path, site: str) -> dict:
    result = run_cli("show", site, "--format", "json", data_dir=data_dir)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_deleted_page_and_an_unlinked_one_stop_deciding_the_site(web: FixtureServer, tmp_path: Path) -> None:
    """closing-kap.test drops its KAP program: the program page now answers 404, the team page
    is no longer linked, and the home page says KAP is no longer offered."""
    data, site = tmp_path / "data", "closing-kap.test"
    try:
        assert run_cli("crawl", f"http://{site}/", *FAST, data_dir=data).exit_code == 0
        assert show_json(data, site)["modality"] == "kap"
        web.set_version(site, "2")
        result = run_cli("crawl", "--force", *FAST, data_dir=data)
        assert result.exit_code == 0, result.output
    finally:
        web.set_version(site, None)
    record = show_json(data, site)
    assert record["modality"] == "infusion-only"
    assert {e["url"] for e in record["evidence"]} == {f"http://{site}/"}
    assert record["pages"] == 1
    assert ("/kap-program.html", 404) in [(p, s) for h, p, s in web.requests if h == site]
    by_kind = {c["kind"]: c["detail"] for c in changes_json(data, "--site", site) if c["run_id"] == 2}
    assert by_kind["modality"] == {"old": "kap", "new": "infusion-only"}
    why = run_cli("show", site, "--why", data_dir=data).output
    assert "kap-program" not in why and "team" not in why


def test_a_crawl_stopped_early_leaves_the_sites_it_never_started_as_they_were(
    web: FixtureServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    hosts = ["cedar-grove-kap.test", "newcomer-clinic.test", "prairie-infusions.test"]
    run_cli("sites", "add", *[f"http://{h}/" for h in hosts], data_dir=data)
    for run in (1, 2, 3):  # three runs cut short after the first page of the first site
        result = run_cli("crawl", "--force", *FAST, "--set", "CLOSESPIDER_PAGECOUNT=1", data_dir=data)
        assert result.exit_code == 0, result.output
        assert "not reached: 3 sites" in result.output and "failed:" not in result.output
    rows = {r["site"]: r for r in json.loads(run_cli("sites", "list", "--format", "json", data_dir=data).output)}
    assert not any(row["gone"] or row["fail_streak"] for row in rows.values())
    assert [h for h in hosts if rows[h]["last_crawled"]] == []  # none counts as crawled: all still due
    assert "Run 4" in run_cli("crawl", *FAST, data_dir=data).output
    assert search_sites(data) == set(hosts)


def test_one_registered_site_with_a_bad_port_does_not_stop_the_others(web: FixtureServer, tmp_path: Path) -> None:
    """A registry entry from before seeds were checked: Scrapy raised on it while reading the
    start requests, and every later seed was silently never requested."""
    data = tmp_path / "data"
    with Store.open(data / "ketadir.db") as store:
        store.add_site("aaa-bad-port.test", "http://aaa-bad-port.test:99999/", "old registry")
        for host in ("newcomer-clinic.test", "prairie-infusions.test"):
            store.add_site(host, f"http://{host}/", "old registry")
    before = len(web.requests)
    result = run_cli("crawl", *FAST, data_dir=data)
    assert result.exit_code == 0, result.output
    assert "failed: aaa-bad-port.test: not a URL that can be fetched (its port must be a number" in result.output
    asked = {host for host, _, _ in web.requests[before:]}
    assert asked == {"newcomer-clinic.test", "prairie-infusions.test"}
    assert search_sites(data) == {"newcomer-clinic.test", "prairie-infusions.test"}


def test_a_crawl_in_which_every_site_failed_exits_3(web: FixtureServer, tmp_path: Path) -> None:
    result = run_cli("crawl", "http://no-such-clinic.test/", "http://nor-this-one.test/", *FAST, data_dir=tmp_path)
    assert result.exit_code == 3, result.output
    assert "failed: no-such-clinic.test: HTTP 502" in result.stdout
    assert result.stderr.strip().splitlines()[-1] == "Error: no site answered: every one failed (see the failed: lines)"
    one_good = run_cli("crawl", "http://no-such-clinic.test/", "http://newcomer-clinic.test/", *FAST, data_dir=tmp_path)
    assert one_good.exit_code == 0, one_good.output


def test_a_crawl_without_seeds_a_little_under_max_age_later_takes_the_sites_again(
    web: FixtureServer, tmp_path: Path
) -> None:
    """A weekly cron with --max-age 7d, in seconds: the next run comes a little short of
    max-age after the last one recorded its sites, and must still take them."""
    data = tmp_path / "data"
    run_cli("sites", "add", "http://prairie-infusions.test/", data_dir=data)
    assert "Run 1" in run_cli("crawl", *FAST, data_dir=data).output
    time.sleep(3.7)  # of --max-age 4s: within its last tenth
    again = run_cli("crawl", "--max-age", "4s", *FAST, data_dir=data)
    assert "Run 2" in again.output, again.output


def test_a_site_crawled_a_little_under_max_age_ago_is_due() -> None:
    """A weekly cron with --max-age 7d: the next crawl starts a little under 7 days after the
    last one recorded its sites (at its end), and must take them."""
    now = datetime.now(timezone.utc)

    def crawled(ago: timedelta) -> SiteRecord:
        return SiteRecord("a.test", "http://a.test/", "", "", (now - ago).isoformat(), "ok", 0, False)

    week = timedelta(days=7).total_seconds()
    assert due_sites([crawled(timedelta(days=6, hours=23, minutes=20))], week)
    assert due_sites([crawled(timedelta(days=7, minutes=1))], week)
    assert not due_sites([crawled(timedelta(days=1))], week)
    assert not due_sites([crawled(timedelta(days=6))], week)
