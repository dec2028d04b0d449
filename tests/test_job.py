"""The crawl job as a library: a real crawl of the sample web without click, its summary,
its progress channel, and the lock it holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FAST
from crawler.crawl.run import Progress
from crawler.datadir import CrawlRunning, Paths, crawl_lock
from mockserver import FixtureServer
from crawler.store import Store
from crawler.upkeep.job import CrawlSummary, run_crawl

OVERRIDES = dict(pair.split("=") for pair in FAST[1::2])


def test_a_crawl_run_returns_its_summary_and_reports_progress_on_its_own_channel(
    sample_server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hosts = sample_server.hosts()[:3]
    started: list[tuple[int, int]] = []
    progress: list[Progress] = []
    summary = run_crawl(
        Paths(tmp_path), [(f"http://{host}/", "test") for host in hosts], 3, OVERRIDES,
        on_start=lambda run, sites: started.append((run, sites)), on_progress=progress.append,
    )
    assert isinstance(summary, CrawlSummary) and started == [(summary.run, 3)]
    assert summary.sites == 3 and summary.pages >= 3 and sum(summary.modalities.values()) == 3
    assert progress and progress[-1] == Progress(pages=summary.pages, sites=3, errors=summary.errors)
    assert "pages from" not in capsys.readouterr().err  # progress never travels on the child's log
    report = json.loads(summary.report.read_text()) if summary.report else {}
    assert report["run"] == summary.run and report["stats"] == summary.stats and report["fetch_errors"] == []
    store = Store.open(tmp_path / "ketadir.db", readonly=True)
    assert store.runs()[0].state == "finished" and len(store.clinics()) == 3


def test_a_crawl_run_refuses_to_start_while_another_holds_the_lock(tmp_path: Path) -> None:
    paths = Paths(tmp_path)
    with crawl_lock(paths), pytest.raises(CrawlRunning, match="is running on"):
        run_crawl(paths, [("http://bartonketamine.test/", "test")])
    assert not (tmp_path / "ketadir.db").exists()
