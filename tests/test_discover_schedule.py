"""Discovery of clinic sites from directory pages and sitemaps; scheduling crawls."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import FIXTURES, REPO, assert_one_line_error, ketadir, proxied, run_cli
from crawler.sites import site_of
from crawler.extract.links import clinic_links, robots_sitemaps, sitemap_entries
from mockserver import FixtureServer
from crawler.upkeep.schedule import cron_to_calendar, run_every

DIRECTORY = FIXTURES / "directory"
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False"]


@pytest.fixture(scope="module")
def directory_web() -> Iterator[FixtureServer]:
    with FixtureServer(DIRECTORY) as server, proxied(server):
        yield server


def test_clinic_links_keep_external_sites_and_drop_social_media_and_self() -> None:
    html = (DIRECTORY / "ketamine-finder.test" / "index.html").read_text()
    links = clinic_links(html, "http://ketamine-finder.test/")
    assert links == ["http://cedar-grove-kap.test/", "http://www.prairie-infusions.test/", "http://prairie-infusions.test/"]


def test_sitemap_index_robots_lines_and_urlsets_are_read() -> None:
    site = DIRECTORY / "ketamine-finder.test"
    assert robots_sitemaps((site / "robots.txt").read_text(), "http://ketamine-finder.test/robots.txt") == [
        "http://ketamine-finder.test/sitemap-index.xml"
    ]
    assert sitemap_entries((site / "sitemap-index.xml").read_bytes()) == ([], ["http://ketamine-finder.test/sitemap-pages.xml"])
    pages, children = sitemap_entries((site / "sitemap-pages.xml").read_bytes())
    assert children == [] and "http://newcomer-clinic.test/" in pages
    assert sitemap_entries(b"<not xml") == ([], [])


def test_discover_dry_run_lists_sites_and_registers_nothing(directory_web: FixtureServer, tmp_path: Path) -> None:
    result = run_cli("discover", "--dry-run", "http://ketamine-finder.test/", *FAST, data_dir=tmp_path)
    assert result.exit_code == 0, result.output
    assert "would add  http://cedar-grove-kap.test/" in result.output
    assert "facebook" not in result.output and "ketamine-finder.test/ " not in result.output
    assert json.loads(run_cli("sites", "list", "--format", "json", data_dir=tmp_path).output or "[]") == []


def test_discover_through_robots_sitemaps_registers_each_site_once(directory_web: FixtureServer, tmp_path: Path) -> None:
    result = run_cli("discover", "http://ketamine-finder.test/robots.txt", "http://ketamine-finder.test/", *FAST, data_dir=tmp_path)
    assert result.exit_code == 0, result.output
    rows = json.loads(run_cli("sites", "list", "--format", "json", data_dir=tmp_path).output)
    sites = sorted(r["site"] for r in rows)
    assert sites == ["cedar-grove-kap.test", "lakeshore-ketamine.test", "newcomer-clinic.test", "prairie-infusions.test"]
    assert all(r["source"].startswith("discovered:http://ketamine-finder.test/") for r in rows)
    again = run_cli("discover", "http://ketamine-finder.test/", *FAST, data_dir=tmp_path)
    assert "registered 0 new" in again.output


def test_cron_expressions_become_systemd_calendars() -> None:
    assert cron_to_calendar("0 3 * * *") == "*-*-* 03:00:00"
    assert cron_to_calendar("*/15 * * * 1-5") == "Mon..Fri *-*-* *:0/15:00"
    with pytest.raises(ValueError, match="5 fields"):
        cron_to_calendar("0 3 * *")


def test_schedule_print_gives_crontab_and_systemd_units(tmp_path: Path) -> None:
    result = run_cli("schedule", "--cron", "0 3 * * *", "--print", data_dir=tmp_path)
    assert result.exit_code == 0
    assert "0 3 * * * " in result.output and "crawl --max-age 7d" in result.output
    assert "[Timer]" in result.output and "OnCalendar=*-*-* 03:00:00" in result.output
    every = run_cli("schedule", "--every", "6h", "--print", data_dir=tmp_path)
    assert "0 */6 * * *" in every.output and "OnUnitActiveSec=21600s" in every.output


def test_run_every_runs_rounds_in_fresh_processes(tmp_path: Path) -> None:
    marker = tmp_path / "rounds.txt"
    command = [sys.executable, "-c", f"import os; open({str(marker)!r}, 'a').write(str(os.getpid()) + '\\n')"]
    assert run_every(command, 0.01, rounds=3) == 3
    pids = marker.read_text().split()
    assert len(pids) == 3 and len(set(pids)) == 3


def test_sigterm_stops_the_scheduler_after_the_current_run(directory_web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_cli("sites", "add", "http://ketamine-finder.test/", data_dir=data)
    env = {**os.environ, "http_proxy": directory_web.url}
    scheduler = subprocess.Popen(
        [sys.executable, "-c", "import cli; cli.main()", "--data-dir", str(data), "schedule", "--every", "1h"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        runs = json.loads(run_cli("runs", "--format", "json", data_dir=data).output or "[]")
        if runs and runs[0]["state"] == "finished":
            break
        time.sleep(0.2)
    scheduler.send_signal(signal.SIGTERM)
    _, err = scheduler.communicate(timeout=60)
    assert scheduler.returncode == 0
    assert "Scheduler stopped." in err
    # The loop says when each round ran and when the next one will.
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+"
    assert re.search(rf"^{stamp}  crawl of due sites started$", err, re.M), err
    assert re.search(rf"^{stamp}  crawl finished; next run at {stamp}$", err, re.M), err
    runs = json.loads(run_cli("runs", "--format", "json", data_dir=data).output)
    assert [r["state"] for r in runs] == ["finished"]


def _found(output: str) -> list[str]:
    return sorted(line.split()[2] for line in output.splitlines() if line.startswith(("would add  ", "added  ", "known  ")))


def test_discover_reads_the_sitemaps_its_sites_robots_txt_names(directory_web: FixtureServer, tmp_path: Path) -> None:
    # Only the directory's home page is given: robots.txt names the sitemaps that list the rest.
    result = run_cli("discover", "--dry-run", "http://ketamine-finder.test/", *FAST, data_dir=tmp_path)
    assert result.exit_code == 0, result.output
    assert [site_of(url) for url in _found(result.stdout)] == [
        "cedar-grove-kap.test", "lakeshore-ketamine.test", "newcomer-clinic.test", "prairie-infusions.test"]


def test_discover_follows_the_directorys_listing_pages_within_the_budget(directory_web: FixtureServer,
                                                                          tmp_path: Path) -> None:
    before = len(directory_web.requests)
    result = run_cli("discover", "--dry-run", "http://state-listings.test/find/", *FAST, data_dir=tmp_path)
    assert result.exit_code == 0, result.output
    # Per-state pages and their next pages, under /find/; not the sponsor on /about.html.
    assert _found(result.stdout) == ["http://gulf-coast-kap.test/", "http://lone-star-ketamine.test/",
                                     "https://buckeye-infusions.test/"]
    fetched = [r for r in directory_web.requests[before:] if r[0] == "state-listings.test"]
    assert ("state-listings.test", "/about.html", 200) not in fetched
    progress = [line for line in result.stderr.splitlines() if line.startswith("  fetched ")]
    assert progress[-1] == f"  fetched {len(fetched)} pages (0 failed), found 3 clinic sites"
    before = len(directory_web.requests)
    budget = run_cli("discover", "--dry-run", "--max-pages", "1", "http://state-listings.test/find/", *FAST,
                     data_dir=tmp_path)
    assert budget.exit_code == 0 and len(_found(budget.stdout)) == 1  # the one listing page it could read
    pages = [r[1] for r in directory_web.requests[before:] if r[0] == "state-listings.test"]
    assert sorted(set(pages)) == ["/find/", "/find/texas/", "/robots.txt"]  # the budget's one page: Texas
    assert budget.stderr.splitlines()[-2] == f"  fetched {len(pages)} pages (0 failed), found 1 clinic site"


@pytest.mark.parametrize(
    ("cron", "says"),
    [
        ("61 3 * * *", "minutes go from 0 to 59"),
        ("0 24 * * *", "hours go from 0 to 23"),
        ("0 3 32 * *", "days go from 1 to 31"),
        ("0 3 * 13 *", "months go from 1 to 12"),
        ("0 3 * * 8", "weekdays go from 0 to 7"),
        ("*/0 * * * *", "a step of 0"),
        ("30-10 * * * *", "runs backwards"),
        ("0 3 * *", "5 fields"),
    ],
)
def test_schedule_refuses_a_cron_expression_cron_would_refuse(tmp_path: Path, cron: str, says: str) -> None:
    result = ketadir("schedule", "--cron", cron, "--print", data_dir=tmp_path)
    assert_one_line_error(result, "--cron", says)
    assert "OnCalendar" not in result.stdout
