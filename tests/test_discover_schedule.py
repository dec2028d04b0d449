"""Discovery of clinic sites from directory pages and sitemaps; scheduling crawls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import FIXTURES, REPO, proxied, run_cli
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
    run_cli("sites", "add", "http://newcomer-clinic.test/", data_dir=data)
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
    runs = json.loads(run_cli("runs", "--format", "json", data_dir=data).output)
    assert [r["state"] for r in runs] == ["finished"]
