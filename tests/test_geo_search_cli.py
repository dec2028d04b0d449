"""Where providers are: city, state and distance searches through the real CLI."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from conftest import REPO, Crawl, run_cli


def sites(crawl: Crawl, *args: str) -> list[str]:
    result = run_cli("search", "--format", "json", *args, data_dir=crawl.data_dir)
    assert result.exit_code == 0, result.output
    return [r["site"] for r in json.loads(result.output)]


@pytest.mark.parametrize("spelling", ["St. Louis", "saint louis", "ST  LOUIS", "St Louis, MO"])
def test_city_search_forgives_saint_and_case(crawled: Crawl, spelling: str) -> None:
    assert sites(crawled, "--city", spelling) == ["gatewayketamine.test"]


@pytest.mark.parametrize("spelling", ["Fort Worth", "Ft. Worth", "ft worth"])
def test_city_search_forgives_fort(crawled: Crawl, spelling: str) -> None:
    assert sites(crawled, "--city", spelling) == ["trinitytrailsketamine.test"]


def test_state_search_includes_telehealth_providers_serving_the_state(crawled: Crawl) -> None:
    in_new_mexico = sites(crawled, "--state", "NM")
    assert set(in_new_mexico) == {"santa-fe-ketamine.test", "openmesatelehealth.test"}
    assert "openmesatelehealth.test" in sites(crawled, "--state", "Utah")


def test_near_a_zip_sorts_by_distance_and_keeps_the_radius(crawled: Crawl) -> None:
    result = run_cli("search", "--near", "75201", "--radius", "250", "--format", "json", data_dir=crawled.data_dir)
    records = json.loads(result.output)
    assert [r["site"] for r in records][:1] == ["trinitytrailsketamine.test"]  # Fort Worth is ~30 miles from Dallas
    assert {r["site"] for r in records} == {"trinitytrailsketamine.test", "bartonketamine.test", "bayouinfusion.test"}
    distances = [r["distance_miles"] for r in records]
    assert distances == sorted(distances) and distances[-1] <= 250


def test_near_a_city_name_finds_the_clinic_there(crawled: Crawl) -> None:
    result = run_cli("search", "--near", "Santa Fe, NM", "--radius", "10", data_dir=crawled.data_dir)
    assert result.exit_code == 0
    assert "Santa Fe" in result.output and "miles" in result.output.splitlines()[0]


def test_near_uses_each_office_of_a_multi_office_clinic(crawled: Crawl) -> None:
    records = json.loads(
        run_cli("search", "--near", "98402", "--radius", "5", "--format", "json", data_dir=crawled.data_dir).output
    )
    assert [r["site"] for r in records] == ["pugetketamine.test"]
    matched = [loc for loc in records[0]["locations"] if loc["matched"]]
    assert [loc["city"] for loc in matched] == ["Tacoma"] and matched[0]["distance_miles"] < 5


def test_export_near_lists_the_offices_within_the_radius_nearest_first(crawled: Crawl) -> None:
    out = run_cli("export", "--near", "98004", "--radius", "20", data_dir=crawled.data_dir).output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["city"] for r in rows] == ["Bellevue", "Seattle"]  # Tacoma is 30 miles off
    assert float(rows[0]["distance_miles"]) < float(rows[1]["distance_miles"]) <= 20


def test_unknown_place_for_near_is_a_one_line_error(crawled: Crawl) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import cli; cli.main()", "--data-dir", str(crawled.data_dir), "search", "--near", "Atlantis, ZZ"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "--near" in proc.stderr


def test_plain_scrapy_crawl_runs_from_the_repo_root(sample_server, tmp_path) -> None:  # noqa: ANN001
    store = tmp_path / "scrapy.db"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "clinic", "-a", "seeds=http://bartonketamine.test/",
         "-s", f"KETADIR_STORE={store}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=REPO, env={**os.environ, "http_proxy": sample_server.url}, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    from crawler.store import Store

    assert len(Store.open(store, readonly=True).parsed_pages_of("bartonketamine.test")) >= 3


def test_search_command_never_imports_the_crawl_stack(crawled: Crawl) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('MODULES', sorted({m.split('.')[0] for m in sys.modules}), file=sys.stderr))\n"
        "import cli; cli.main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, "--data-dir", str(crawled.data_dir), "search", "ptsd", "--modality", "kap",
         "--city", "Nashville"],
        capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert proc.returncode == 0 and "Riverbend" in proc.stdout
    modules = proc.stderr.split("MODULES", 1)[1]
    for heavy in ("scrapy", "twisted", "bs4", "usaddress", "phonenumbers", "lxml"):
        assert f"'{heavy}'" not in modules, heavy
