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
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import Result

from conftest import FAST, FIXTURES, REPO, Crawl, proxied, run_cli
from mockserver import FixtureServer
from crawler.terminal import terminal_safe
from index.export import csv_safe

HOSTILE = "hostile-text.test"
BIDI = "bidi-text.test"  # a name and sentences carrying U+202E, U+2066-U+2069 and zero-width characters
# Bidi controls and invisible characters: none may reach a person's screen or spreadsheet.
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
PAGE = FIXTURES / "faults" / HOSTILE / "index.html"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Anything a terminal could act on: C0 controls except newline, DEL and the C1 range.
TERMINAL_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Result]]:
    data_dir = tmp_path_factory.mktemp("hostile")
    with FixtureServer(FIXTURES / "faults") as server, proxied(server):
        result = run_cli("crawl", f"http://{HOSTILE}/", f"http://{BIDI}/", "http://escape-redirect.test/", *FAST, data_dir=data_dir)
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
    assert {row["name"][:6] for row in rows if HOSTILE in row["website"]} == {"'@Ease"}
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


# --- bidi controls and invisible characters -------------------------------------------------


def test_the_bidi_and_invisible_characters_really_reach_the_directory(hostile_dir: tuple[Path, Result]) -> None:
    shown = run_cli("show", BIDI, "--format", "json", data_dir=hostile_dir[0])
    record = json.loads(shown.stdout)
    assert record["name"] == "Desert\u200b Bloom \u202eenimateK\u202c Clinic"
    assert any("\u202e" in e["text"] for e in record["evidence"])
    assert "\\u202e" in shown.stdout and "\u202e" not in shown.stdout  # escaped in JSON, nothing lost


@pytest.mark.parametrize(
    "command",
    [["search", "ketamine"], ["show", BIDI], ["changes"], ["export"], ["sites", "list"]],
    ids=["search", "show", "changes", "csv", "sites"],
)
def test_no_bidi_control_or_invisible_character_reaches_a_human_facing_output(
    hostile_dir: tuple[Path, Result], command: list[str]
) -> None:
    result = run_cli(*command, data_dir=hostile_dir[0])
    assert result.exit_code == 0, result.output
    assert "Desert Bloom" in result.stdout or command == ["sites", "list"]
    assert not INVISIBLE.search(result.stdout), repr(INVISIBLE.search(result.stdout))
    _assert_terminal_clean(result.stdout.replace("\r\n", "\n"))


def test_json_keeps_bidi_and_invisible_characters_escaped(hostile_dir: tuple[Path, Result]) -> None:
    result = run_cli("search", "--format", "json", data_dir=hostile_dir[0])
    assert not INVISIBLE.search(result.stdout)
    names = {r["site"]: r["name"] for r in json.loads(result.stdout)}
    assert names[BIDI] == "Desert\u200b Bloom \u202eenimateK\u202c Clinic"


# --- exports to one file at once, and an export stopped midway -------------------------------


@pytest.fixture(scope="module")
def big_index(tmp_path_factory: pytest.TempPathFactory, crawled: Crawl) -> Path:
    """A data dir whose index holds 4,000 clinics: the sample crawl's, each under many names,
    so that writing an export takes long enough to be stopped midway."""
    from dataclasses import replace

    from crawler.store import Store
    from index.writer import index_writer

    data_dir = tmp_path_factory.mktemp("big-index")
    with Store.open(crawled.data_dir / "ketadir.db", readonly=True) as store:
        clinics = store.clinics()
    with index_writer(data_dir / "index") as writer:
        for n in range(4000 // len(clinics) + 1):
            for clinic in clinics:
                writer.upsert(replace(clinic, site=f"copy{n}.{clinic.site}"))
    return data_dir


def _export(data_dir: Path, target: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "--data-dir", str(data_dir), "export", "--include-non-providers", "--output", str(target)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_concurrent_exports_to_one_file_each_leave_it_whole(big_index: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.csv"
    for _ in range(3):
        exports = [_export(big_index, target) for _ in range(4)]
        for export in exports:
            out, err = export.communicate(timeout=120)
            assert export.returncode == 0, err
        data = target.read_bytes()
        assert b"\x00" not in data
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        assert len(rows) >= 4000 and all(row["name"] for row in rows)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["all.csv"]  # no temporary file left


def test_an_export_stopped_by_sigterm_or_ctrl_c_leaves_no_partial_file(big_index: Path, tmp_path: Path) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        target = tmp_path / f"{sig.name}.csv"
        target.write_text("the previous export\n")
        for _ in range(20):  # until the signal lands while the file is being written
            export = _export(big_index, target)
            while export.poll() is None and not list(tmp_path.glob(f".{target.name}.*.part")):
                time.sleep(0.001)
            if export.poll() is not None:
                continue  # it finished first: try again
            export.send_signal(sig)
            export.communicate(timeout=60)
            if export.returncode != 0:
                break
        assert export.returncode in (130, 143), export.returncode
        assert list(tmp_path.glob("*.part")) == list(tmp_path.glob(".*.part")) == []
        assert target.read_text() == "the previous export\n"
