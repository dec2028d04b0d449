"""One shape for data: the JSON record and the CSV columns are documented once, in the README,
and search, export and show give exactly that, through the real CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import REPO, Crawl, assert_one_line_error, ketadir, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
SHAPES = README.split("### The JSON record and the CSV columns", 1)[1].split("\n## ", 1)[0]
SHOW_ONLY = {"since", "stated", "registry"}


def _documented(after: str) -> list[str]:
    """The first column of the first table after the given words, in order."""
    table = SHAPES.split(after, 1)[1].split("\n\n", 2)[1]
    return re.findall(r"^\| `([a-z_]+)` \|", table, re.M)


RECORD = _documented("give each clinic as")
LOCATION = _documented("Each location:")
EVIDENCE = _documented("Each evidence item:")
COLUMNS = _documented("in these columns:")


def _json(crawl: Crawl, *args: str) -> object:
    result = run_cli(*args, "--format", "json", data_dir=crawl.data_dir)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _assert_documented(record: dict, show: bool = False) -> None:
    expected = RECORD if show else [f for f in RECORD if f not in SHOW_ONLY]
    assert list(record) == expected
    assert isinstance(record["status"], str) and record["status"] in ("active", "gone")
    assert isinstance(record["stale"], bool) and isinstance(record["telehealth"], bool)
    for location in record["locations"]:
        assert list(location) == LOCATION
    for evidence in record["evidence"]:
        assert list(evidence) == EVIDENCE


def test_search_export_and_show_json_give_the_documented_record(crawled: Crawl) -> None:
    assert len(RECORD) > 15 and "site" in COLUMNS and len(LOCATION) == 10
    found = _json(crawled, "search", "--include-non-providers", "--include-gone")
    for record in found:
        _assert_documented(record)
    for record in _json(crawled, "search", "--near", "98402", "--radius", "40"):
        _assert_documented(record)
    for record in _json(crawled, "export"):
        _assert_documented(record)
    shown = _json(crawled, "show", "pugetketamine.test")
    _assert_documented(shown, show=True)
    listed = next(r for r in found if r["site"] == "pugetketamine.test")
    assert {k: v for k, v in shown.items() if k not in SHOW_ONLY} == listed


def test_internal_fields_stay_out_of_the_json(crawled: Crawl) -> None:
    text = run_cli("search", "ptsd", "therapist", "--format", "json", data_dir=crawled.data_dir).stdout
    for internal in ("score", "partial_match", "matched_offices", "office_miles", "nearest_location"):
        assert f'"{internal}"' not in text


def test_csv_has_the_documented_columns_in_search_export_and_show(crawled: Crawl) -> None:
    for args in (["export"], ["search", "--format", "csv"], ["show", "pugetketamine.test", "--format", "csv"]):
        out = run_cli(*args, data_dir=crawled.data_dir).stdout
        assert out.splitlines()[0] == ",".join(COLUMNS), args
    rows = list(csv.DictReader(io.StringIO(run_cli("export", data_dir=crawled.data_dir).stdout)))
    assert {r["stale"] for r in rows} <= {"yes", ""} and {r["status"] for r in rows} == {"active"}
    shown = run_cli("show", rows[0]["site"], data_dir=crawled.data_dir)  # the site column is what show takes
    assert shown.exit_code == 0 and rows[0]["name"] in shown.stdout


def test_export_says_how_many_rows_and_clinics_it_wrote(crawled: Crawl, tmp_path: Path) -> None:
    target = tmp_path / "wa.csv"
    result = run_cli("export", "--state", "WA", "-o", str(target), data_dir=crawled.data_dir)
    assert result.stderr.strip() == f"Wrote 3 rows (1 clinic) to {target}"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 1 + 3
    as_json = tmp_path / "wa.json"  # the ending picks the format
    result = run_cli("export", "--state", "WA", "-o", str(as_json), data_dir=crawled.data_dir)
    assert result.stderr.strip() == f"Wrote 1 clinic to {as_json}"
    assert json.loads(as_json.read_text(encoding="utf-8"))[0]["site"] == "pugetketamine.test"


def test_export_bom_lets_excel_read_utf8(crawled: Crawl, tmp_path: Path) -> None:
    target = tmp_path / "excel.csv"
    assert run_cli("export", "--bom", "-o", str(target), data_dir=crawled.data_dir).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfname,modality,")
    assert "–" in raw.decode("utf-8-sig")  # the en dash that plain UTF-8 shows as mojibake there
    assert not run_cli("export", data_dir=crawled.data_dir).stdout.startswith("\ufeff")


@pytest.mark.parametrize("name", ["out.xlsx", "out.XLS", "out.ods"])
def test_export_refuses_spreadsheet_formats_it_cannot_write(crawled: Crawl, tmp_path: Path, name: str) -> None:
    result = ketadir("export", "-o", str(tmp_path / name), data_dir=crawled.data_dir)
    assert_one_line_error(result, "export writes CSV or JSON", "out.csv", "--bom")
    assert list(tmp_path.iterdir()) == []
