"""The reference corpus through the whole pipeline: crawl it, then `ketadir evaluate`.

../shared/corpus/dev holds 28 sites re-written from real clinics with hand labels. They are
served by the test suite's server and crawled exactly as real sites would be; the figures
asserted are the project's targets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FAST, proxied, run_cli
from mockserver import FixtureServer


@pytest.fixture(scope="module")
def report(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("dev-crawl")
    with FixtureServer(corpus / "dev" / "sites") as server, proxied(server):
        seeds = [f"http://{host}/" for host in server.hosts()]
        crawl = run_cli("crawl", *seeds, *FAST, data_dir=data)
    assert crawl.exit_code == 0, crawl.output
    result = run_cli("evaluate", str(corpus / "dev" / "labels.csv"), "--format", "json", data_dir=data)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_every_labelled_site_was_crawled_and_classified(report: dict) -> None:
    assert report["sites"] == 28 and report["missing"] == []


def test_modalities_reach_macro_f1_095(report: dict) -> None:
    assert report["macro_f1"] >= 0.95, report["misses"]


def test_services_and_conditions_reach_micro_f1_090(report: dict) -> None:
    assert report["services"]["f1"] >= 0.90
    assert report["conditions"]["f1"] >= 0.90


def test_confident_decisions_are_right_nine_times_in_ten(report: dict) -> None:
    assert report["calibration"]["count"] >= 10
    assert report["calibration"]["accuracy"] >= 0.90


def test_locations_and_phones_reach_their_targets_without_inventing_any(report: dict) -> None:
    assert report["city_state"]["accuracy"] >= 0.95
    assert report["zip"]["accuracy"] >= 0.90
    assert report["phone"]["accuracy"] >= 0.95
    assert report["invented_locations"] == 0


def test_no_kap_for_sites_whose_kap_text_is_only_educational_or_negated(report: dict) -> None:
    confusion = report["confusion"]
    for expected in ("not-a-provider", "infusion-only", "adjunctive-referral"):
        assert confusion[expected].get("kap", 0) == 0, (expected, report["misses"])
