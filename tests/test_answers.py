"""Answers that match the question, through the real CLI over a real crawl of the sample web:
the office that matched, limits that say so, offers rather than mentions, telehealth near a
place, and input as people type it."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import Crawl, assert_one_line_error, ketadir, run_cli


def _json(crawl: Crawl, *args: str) -> list[dict]:
    result = run_cli(*args, "--format", "json", data_dir=crawl.data_dir)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_city_search_shows_and_exports_the_office_that_matched(crawled: Crawl) -> None:
    table = run_cli("search", "--city", "Tacoma", data_dir=crawled.data_dir).stdout.splitlines()
    assert len(table) == 3 and "Tacoma" in table[2] and "(253) 555-0163" in table[2]
    assert "Seattle" not in "\n".join(table)
    rows = _rows(run_cli("export", "--city", "Tacoma", data_dir=crawled.data_dir).stdout)
    assert [(r["city"], r["phone"]) for r in rows] == [("Tacoma", "(253) 555-0163")]


def test_every_office_that_matched_is_its_own_row(crawled: Crawl) -> None:
    table = run_cli("search", "--state", "WA", data_dir=crawled.data_dir).stdout
    assert all(city in table for city in ("Seattle", "Tacoma", "Bellevue"))
    rows = _rows(run_cli("export", "--state", "WA", data_dir=crawled.data_dir).stdout)
    assert sorted(r["city"] for r in rows) == ["Bellevue", "Seattle", "Tacoma"]
    record = _json(crawled, "search", "--city", "Tacoma")[0]
    assert [loc["matched"] for loc in record["locations"]] == [loc["city"] == "Tacoma" for loc in record["locations"]]


def test_a_table_says_when_the_limit_left_clinics_out(crawled: Crawl) -> None:
    result = run_cli("search", "--limit", "3", data_dir=crawled.data_dir)
    assert len(result.stdout.splitlines()) == 2 + 3
    providers = len(_json(crawled, "search"))
    assert result.stderr.strip() == f"showing 3 of {providers} clinics (use --limit)"
    assert run_cli("search", data_dir=crawled.data_dir).stderr == ""  # 50 leave nothing out


def test_json_and_csv_give_every_match_unless_a_limit_is_given(crawled: Crawl) -> None:
    everything = _json(crawled, "search")
    limited = run_cli("search", "--limit", "2", "--format", "json", data_dir=crawled.data_dir)
    assert len(json.loads(limited.stdout)) == 2
    assert limited.stderr.strip() == f"showing 2 of {len(everything)} clinics (use --limit)"
    rows = run_cli("search", "--format", "csv", data_dir=crawled.data_dir)
    assert {r["site"] for r in _rows(rows.stdout)} == {r["site"] for r in everything} and rows.stderr == ""


def test_free_text_finds_what_a_clinic_offers_and_mentions_only_when_asked(crawled: Crawl) -> None:
    # Trinity Trails "no longer offers Spravato" and names it in a heading: a mention.
    offering = {r["site"] for r in _json(crawled, "search", "spravato")}
    assert offering == {"olentangymood.test", "pugetketamine.test"}
    mentioning = {r["site"] for r in _json(crawled, "search", "spravato", "--include-mentions")}
    assert mentioning == offering | {"trinitytrailsketamine.test"}


def test_near_a_zip_lists_telehealth_serving_the_state_after_the_offices(crawled: Crawl) -> None:
    records = _json(crawled, "search", "--near", "87501")
    assert [r["site"] for r in records] == ["santa-fe-ketamine.test", "openmesatelehealth.test"]
    assert [r["telehealth"] for r in records] == [False, True]
    assert records[0]["distance_miles"] == 0.0 and records[1]["distance_miles"] is None
    table = run_cli("search", "--near", "87501", data_dir=crawled.data_dir).stdout.splitlines()
    assert "Open Mesa Telehealth" in table[-1] and "telehealth" in table[-1]
    assert "openmesatelehealth.test" not in {r["site"] for r in _json(crawled, "search", "--near", "98402")}


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        (["-m", "KAP"], ["-m", "kap"]),
        (["-m", "kap,infusion-only"], ["-m", "kap", "-m", "infusion-only"]),
        (["-m", "Infusion-Only", "-s", "IV"], ["-m", "infusion-only", "-s", "iv-infusion"]),
        (["-s", "spravato"], ["-s", "esketamine-nasal"]),
        (["-s", "Esketamine"], ["-s", "esketamine-nasal"]),
        (["-c", "chronic pain"], ["-c", "chronic-pain"]),
        (["-c", "PTSD", "--format", "JSON"], ["-c", "ptsd"]),
    ],
)
def test_choices_ignore_case_and_take_aliases_and_commas(crawled: Crawl, typed: list[str], meant: list[str]) -> None:
    got = run_cli("search", *typed, *([] if "--format" in typed else ["--format", "json"]), data_dir=crawled.data_dir)
    assert got.exit_code == 0, got.output
    expected = _json(crawled, "search", *meant)
    assert expected and [r["site"] for r in json.loads(got.stdout)] == [r["site"] for r in expected]


def test_a_city_the_directory_lacks_gets_did_you_mean(crawled: Crawl) -> None:
    assert_one_line_error(ketadir("search", "--city", "Nashvile", data_dir=crawled.data_dir),
                          "--city", "did you mean 'Nashville'?")
    assert_one_line_error(ketadir("export", "--city", "Tacomma", data_dir=crawled.data_dir), "did you mean 'Tacoma'?")
    valid_but_empty = run_cli("search", "--city", "Nashville", "-m", "unclear", data_dir=crawled.data_dir)
    assert valid_but_empty.exit_code == 0 and "No clinics match." in valid_but_empty.stderr


def test_a_near_place_that_matches_nothing_gets_did_you_mean(crawled: Crawl) -> None:
    assert_one_line_error(ketadir("search", "--near", "Santa Fee, NM", data_dir=crawled.data_dir),
                          "--near", "did you mean 'Santa Fe, NM'?")


def test_show_takes_a_clinic_name_and_suggests_the_closest(crawled: Crawl) -> None:
    by_name = run_cli("show", "santa fe ketamine & PSYCHOTHERAPY", data_dir=crawled.data_dir)
    assert by_name.exit_code == 0 and by_name.stdout == run_cli("show", "santa-fe-ketamine.test", data_dir=crawled.data_dir).stdout
    by_words = run_cli("show", "Santa Fe Ketamine", data_dir=crawled.data_dir)
    assert by_words.exit_code == 0 and by_words.stdout == by_name.stdout
    assert_one_line_error(ketadir("show", "ketamine", data_dir=crawled.data_dir), "clinics have 'ketamine' in their names")
    assert_one_line_error(ketadir("show", "Harpeth Ketamin", data_dir=crawled.data_dir),
                          "did you mean Harpeth Ketamine Center (harpeth-infusion.test)?")
    assert_one_line_error(ketadir("show", "bartonketamine.tset", data_dir=crawled.data_dir),
                          "did you mean bartonketamine.test?")


def test_changes_of_a_site_that_is_not_registered_says_so(crawled: Crawl) -> None:
    assert_one_line_error(ketadir("changes", "--site", "unknown.test", data_dir=crawled.data_dir),
                          "unknown.test is not registered", "ketadir sites list")
    assert run_cli("changes", "--site", "bartonketamine.test", data_dir=crawled.data_dir).exit_code == 0
