"""Evidence a person can read, through the real CLI: the sentence that decided in the CSV,
evidence for, against and as context in words with its page, and since when."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterator

import pytest

from conftest import FAST, FIXTURES, Crawl, proxied, run_cli
from mockserver import FixtureServer


def _show(crawl: Crawl, site: str, *args: str) -> str:
    result = run_cli("show", site, *args, data_dir=crawl.data_dir)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_csv_evidence_is_the_sentence_that_decided_the_modality(crawled: Crawl) -> None:
    records = {r["site"]: r for r in json.loads(run_cli("search", "--format", "json", data_dir=crawled.data_dir).stdout)}
    rows = list(csv.DictReader(io.StringIO(run_cli("export", data_dir=crawled.data_dir).stdout)))
    for row in rows:
        deciding = [e for e in records[row["site"]]["evidence"] if e["supports"] == row["modality"]]
        assert row["evidence"] in {e["text"] for e in deciding}, row["site"]
        assert row["evidence_url"] == next(e["url"] for e in deciding if e["text"] == row["evidence"])
    gateway = next(r for r in rows if r["site"] == "gatewayketamine.test")
    assert gateway["evidence"] != "Back to your provider" and gateway["evidence"].endswith(".")


def test_show_puts_what_argues_against_the_decision_under_against(crawled: Crawl) -> None:
    # An infusion-only clinic that explains KAP and says it does not offer it.
    text = _show(crawled, "bartonketamine.test")
    against = text.split("evidence against it:", 1)[1].split("context:", 1)[0]
    assert "We do not offer KAP, lozenges or injections." in against
    assert "We do not offer KAP" not in text.split("evidence against it:", 1)[0]


def test_show_explains_every_piece_of_evidence_in_words_with_its_page(crawled: Crawl) -> None:
    text = _show(crawled, "trinitytrailsketamine.test")
    evidence = text.split("decided by: ", 1)[1]
    assert "[medical-ketamine]" not in text and "against:" not in text and "kap-team" not in text
    lines = evidence.splitlines()[1:]
    sentences = [i for i, line in enumerate(lines) if line.startswith("  - ")]
    assert sentences
    for i in sentences:  # each sentence, then what it is in words and its page
        what, _, page = lines[i + 1].strip().partition(" · ")
        assert ": " in what and page.startswith("http://trinitytrailsketamine.test/")


def test_show_says_when_the_crawl_first_saw_each_offer_and_the_years_the_pages_state(crawled: Crawl) -> None:
    text = _show(crawled, "harpeth-infusion.test")
    assert "first seen by the crawl: kap, iv-infusion" in text
    dated = text.split("dated on its pages:", 1)[1]
    assert "2023 started [kap]: In 2023 we added a KAP program" in dated
    assert "2019 started: Harpeth Ketamine Center opened in 2019." in dated
    record = json.loads(_show(crawled, "harpeth-infusion.test", "--format", "json"))
    new = next(c for c in json.loads(run_cli("changes", "--site", "harpeth-infusion.test", "--format", "json",
                                             data_dir=crawled.data_dir).stdout) if c["kind"] == "new")
    assert record["since"]["modality"] == {"kap": new["at"]}
    assert set(record["since"]["services"]) == set(record["services"])
    kap = next(f for f in record["stated"] if f["year"] == 2023)
    assert kap["labels"] == ["kap"] and kap["url"].endswith("/ketamine-assisted-psychotherapy")
    # A stop is a dated fact too; a newsroom's founding year and a study's are not the clinic's.
    stopped = json.loads(_show(crawled, "trinitytrailsketamine.test", "--format", "json"))["stated"]
    assert [(f["year"], f["event"]) for f in stopped] == [(2024, "stopped")]
    assert json.loads(_show(crawled, "prairiegazette.test", "--format", "json"))["stated"] == []


@pytest.fixture(scope="module")
def changing_web() -> Iterator[FixtureServer]:
    with FixtureServer(FIXTURES / "changing") as server, proxied(server):
        yield server


def test_since_follows_the_change_history(changing_web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli("crawl", "http://cedar-grove-kap.test/", *FAST, data_dir=data).exit_code == 0
    changing_web.set_version("cedar-grove-kap.test", "2")  # drops KAP for IV infusions
    assert run_cli("crawl", "http://cedar-grove-kap.test/", *FAST, data_dir=data).exit_code == 0
    history = json.loads(run_cli("changes", "--format", "json", data_dir=data).stdout)
    at = {c["kind"]: c["at"] for c in history}
    record = json.loads(run_cli("show", "cedar-grove-kap.test", "--format", "json", data_dir=data).stdout)
    assert record["modality"] == "infusion-only"
    assert record["since"]["modality"] == {"infusion-only": at["modality"]}
    assert record["since"]["services"]["iv-infusion"] == at["services"]
    assert at["new"] < at["modality"]
    assert all(when == at["new"] for when in record["since"]["conditions"].values())
