"""Text written by strangers must not attack the people who open ketadir's output.

Two sites of the fault web are crawled end to end: hostile-text.test, whose name and sentences
start with spreadsheet formulas (=HYPERLINK, @, +, -) and carry terminal escape sequences
(ESC [31m, the one-byte CSI U+009B, OSC title changes, BEL, backspaces), and
escape-redirect.test, which redirects to a Location full of escapes. CSV cells must be
neutralised (OWASP CSV injection: a leading = + - @ tab or CR gets a ' prefix) and nothing
printed for a terminal may carry a control character.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import Result

from conftest import FAST, FIXTURES, proxied, run_cli
from mockserver import FixtureServer
from crawler.terminal import terminal_safe
from index.export import csv_safe

HOSTILE = "hostile-text.test"
PAGE = FIXTURES / "faults" / HOSTILE / "index.html"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Anything a terminal could act on: C0 controls except newline, DEL and the C1 range.
TERMINAL_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Result]]:
    data_dir = tmp_path_factory.mktemp("hostile")
    with FixtureServer(FIXTURES / "faults") as server, proxied(server):
        result = run_cli("crawl", f"http://{HOSTILE}/", "http://escape-redirect.test/", *FAST, data_dir=data_dir)
    assert result.exit_code == 0, result.output
    yield data_dir, result


def _record(data_dir: Path) -> dict:
    shown = run_cli("show", HOSTILE, "--format", "json", data_dir=data_dir)
    assert shown.exit_code == 0, shown.output
    return json.loads(shown.stdout)


def test_the_hostile_text_really_reaches_the_directory(hostile_dir: tuple[Path, Result]) -> None:
    """Without this, the tests below could pass because nothing hostile got through."""
    record = _record(hostile_dir[0])
    assert record["name"].startswith("@Ease\x1b[31m")
    assert "\x9b" in record["name"]
    assert record["evidence"][0]["text"].startswith('=HYPERLINK("http://attacker.test/"')
    assert any("\x1b[" in e["text"] for e in record["evidence"])
    assert any(loc["street"].startswith("+") for loc in record["locations"])


def test_csv_export_prefixes_every_formula_cell(hostile_dir: tuple[Path, Result], tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    assert run_cli("export", "--output", str(target), data_dir=hostile_dir[0]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_START), (column, cell)
    assert {row["name"][:6] for row in rows} == {"'@Ease"}
    assert rows[0]["evidence"].startswith("'=HYPERLINK(")
    assert "'+1 E Camelback Rd" in {row["street"] for row in rows}


@pytest.mark.parametrize("start", FORMULA_START)
def test_csv_safe_prefixes_each_formula_start(start: str) -> None:
    assert csv_safe(f"{start}SUM(A1:A9)") == f"'{start}SUM(A1:A9)"


def test_csv_safe_leaves_ordinary_values_alone() -> None:
    assert csv_safe("Santa Fe Ketamine") == "Santa Fe Ketamine"
    assert csv_safe("(505) 555-0134") == "(505) 555-0134"
    assert csv_safe(0.85) == 0.85


def test_terminal_safe_removes_csi_osc_c1_and_control_characters() -> None:
    text = "a\x1b[31mb\x1b[0m c\x1b]0;title\x07d e\x9b2Jf g\x08\x07\x00h"
    assert terminal_safe(text) == "ab cd e2Jf gh"


def _assert_terminal_clean(text: str) -> None:
    assert not TERMINAL_CONTROL.search(text), repr(TERMINAL_CONTROL.search(text))


def test_search_table_carries_no_escape_sequences(hostile_dir: tuple[Path, Result]) -> None:
    result = run_cli("search", "ketamine", data_dir=hostile_dir[0])
    assert result.exit_code == 0
    assert "@Ease" in result.stdout
    _assert_terminal_clean(result.stdout)


def test_show_carries_no_escape_sequences_but_keeps_the_words(hostile_dir: tuple[Path, Result]) -> None:
    result = run_cli("show", HOSTILE, data_dir=hostile_dir[0])
    assert result.exit_code == 0
    assert '=HYPERLINK("http://attacker.test/","x") We offer IV ketamine infusions' in result.stdout
    assert "Our nurse monitors every ketamine infusion from start to finish." in result.stdout
    _assert_terminal_clean(result.stdout)


def test_changes_carry_no_escape_sequences(hostile_dir: tuple[Path, Result]) -> None:
    result = run_cli("changes", data_dir=hostile_dir[0])
    assert result.exit_code == 0
    assert "new clinic: @Ease" in result.stdout
    _assert_terminal_clean(result.stdout)


def test_crawl_summary_and_run_report_carry_no_escape_sequences(hostile_dir: tuple[Path, Result]) -> None:
    data_dir, result = hostile_dir
    assert "failed: escape-redirect.test: refused 10.0.0.1" in result.stdout
    _assert_terminal_clean(result.stdout)
    report = next((data_dir / "reports").glob("run-*.json")).read_text(encoding="utf-8")
    assert not TERMINAL_CONTROL.search("".join(json.loads(report)["failed_sites"].values()))
    _assert_terminal_clean(run_cli("sites", "list", data_dir=data_dir).stdout)


def test_classify_of_the_hostile_page_carries_no_escape_sequences() -> None:
    result = run_cli("classify", str(PAGE))
    assert result.exit_code == 0
    assert "=HYPERLINK" in result.stdout
    _assert_terminal_clean(result.stdout)


def test_csv_export_to_the_terminal_carries_no_escape_sequences(hostile_dir: tuple[Path, Result]) -> None:
    result = run_cli("export", data_dir=hostile_dir[0])
    assert result.exit_code == 0 and "'@Ease" in result.stdout
    _assert_terminal_clean(result.stdout.replace("\r\n", "\n"))


def test_json_output_to_the_terminal_carries_no_raw_control_characters(hostile_dir: tuple[Path, Result]) -> None:
    result = run_cli("search", "--format", "json", data_dir=hostile_dir[0])
    assert result.exit_code == 0 and "@Ease" in result.stdout
    _assert_terminal_clean(result.stdout)
