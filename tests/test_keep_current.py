"""Keeping the directory current: a web that changes between runs, and what ketadir records.

The fixture server switches a site's version between crawls (tests/fixtures/changing):
a new clinic appears, one drops KAP, one changes phone, one disappears for three runs and
comes back. After each run the `changes` and `runs` commands must say so.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterator

import pytest

from conftest import FAST, FIXTURES, proxied, run_cli
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
