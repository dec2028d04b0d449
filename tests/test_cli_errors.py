"""Bad input to any command: one line on stderr saying what to do, a non-zero exit, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from conftest import Crawl, assert_one_line_error, ketadir


@pytest.mark.parametrize(
    ("args", "phrases"),
    [
        (["search", "--modality", "ketamine-spa"], ["--modality", "kap"]),
        (["crawl", "--seeds", "no-such-seeds.txt"], ["no-such-seeds.txt", "not found"]),
        (["crawl", "http://[::1/"], ["between [ and ]"]),
        (["crawl", "http://clinic.test:99999/"], ["port", "1 to 65535"]),
        (["sites", "add", "http://clinic.test:abc/"], ["port", "1 to 65535"]),
        (["crawl", "santafeketamine.com"], ["http://", "did you mean http://santafeketamine.com"]),
        (["crawl"], ["nothing to crawl"]),
        (["crawl", "http://a.test/", "--set", "NOEQUALS"], ["NAME=VALUE"]),
        (["search", "--near", "8750"], ["--near"]),
        (["search", "--near", "87501", "--radius", "0"], ["--radius", "positive"]),
        (["search", "--near", "87501", "--radius", "nan"], ["--radius", "positive"]),
        (["export", "--near", "87501", "--radius", "inf"], ["--radius", "positive"]),
        (["search", "--radius", "5"], ["--near"]),
        (["search", "--state", "Atlantis"], ["--state", "two-letter"]),
        (["search", "kap"], ["ketadir crawl"]),
        (["show", "nowhere.test"], []),
        (["classify", "no-such-page.html"], ["no such file"]),
        (["classify", "ftp://x.test/a.html"], ["http"]),
        (["evaluate", "missing-labels.csv"], ["not found"]),
        (["export", "--limit", "3"], ["--limit"]),
    ],
)
def test_bad_input_gets_one_line_error(tmp_path: Path, args: list[str], phrases: list[str]) -> None:
    assert_one_line_error(ketadir(*args, data_dir=tmp_path / "data"), *phrases)


@pytest.mark.parametrize("command", [["crawl"], ["sites", "add"], ["classify"]])
def test_a_seed_with_a_password_is_refused_and_the_password_never_printed_or_kept(
    tmp_path: Path, command: list[str]
) -> None:
    data = tmp_path / "data"
    result = ketadir(*command, "http://user:Secret-Passw0rd@clinic.test/", data_dir=data)
    assert_one_line_error(result, "user name or password", "***@clinic.test")
    assert "Secret" not in result.stdout + result.stderr
    assert not (data / "ketadir.db").exists() or b"Secret" not in (data / "ketadir.db").read_bytes()


def test_a_setting_scrapy_rejects_fails_the_run_in_one_line(tmp_path: Path) -> None:
    result = ketadir("crawl", "http://a.test/", "--set", "DOWNLOAD_TIMEOUT=soon", data_dir=tmp_path / "d")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line for line in lines if line.startswith("Error:")] == [lines[-1]]
    assert "could not run" in lines[-1] and "'soon'" in lines[-1] and "--set" in lines[-1]
    runs = ketadir("runs", "--format", "json", data_dir=tmp_path / "d")
    assert '"state": "failed"' in runs.stdout


def test_bad_line_in_seed_file_names_file_and_line(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# clinics\nhttp://good.test/\n\nnot a url\n")
    assert_one_line_error(ketadir("crawl", "--seeds", str(seeds), data_dir=tmp_path / "d"), "seeds.txt: 1 bad line: line 4")


def test_a_100000_line_seed_file_reports_every_bad_line_by_number_in_one_message(tmp_path: Path) -> None:
    lines = [f"http://clinic-{n}.test/" for n in range(100_000)]
    bad = {7: "not a url", 99_998: "http://clinic.test:99999/", 12: "clinic.test"} | {n: "x" for n in range(500, 520)}
    for index, text in bad.items():
        lines[index] = text
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("\n".join(lines) + "\n")
    result = ketadir("sites", "add", "--from", str(seeds), data_dir=tmp_path / "d")
    assert_one_line_error(result, "23 bad lines", "line 8: ", "line 13: ", "did you mean http://clinic.test", "nothing was read")
    # Past the first few, each bad line is named by its number (runs of them as ranges).
    assert result.stderr.strip().endswith("and lines 504-520, 99999; nothing was read from it"), result.stderr[-200:]
    assert not (tmp_path / "d" / "ketadir.db").exists()


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "data"
    file.write_text("not a directory")
    assert_one_line_error(ketadir("crawl", "http://a.test/", data_dir=file), "is a file")
    assert file.read_text() == "not a directory"


def test_read_only_data_dir_is_refused_without_losing_anything(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "keep.txt").write_text("precious")
    with read_only(data):
        result = ketadir("crawl", "http://a.test/", data_dir=data)
    assert_one_line_error(result, "cannot write")
    assert sorted(p.name for p in data.iterdir()) == ["keep.txt"]
    assert (data / "keep.txt").read_text() == "precious"


@pytest.mark.parametrize("words", ["record:x", "points:x", "status:gone", "zip:"])
def test_search_words_naming_fields_without_words_are_searched_as_words(crawled: Crawl, words: str) -> None:
    result = ketadir("search", words, data_dir=crawled.data_dir)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


@pytest.mark.parametrize("words", ["x" * 100_000, "ketamine " * 12_000])
def test_a_pasted_document_as_search_words_is_refused_in_one_line(crawled: Crawl, words: str) -> None:
    assert_one_line_error(ketadir("search", words, data_dir=crawled.data_dir), "at most 64 words")


@pytest.mark.parametrize("command", [["show"], ["changes", "--site"], ["sites", "remove"]])
def test_a_site_name_that_is_not_utf8_is_refused_in_one_line(crawled: Crawl, command: list[str]) -> None:
    not_utf8 = os.fsdecode(b"\xffx")  # what a shell passes for $'\xffx'
    assert_one_line_error(ketadir(*command, not_utf8, data_dir=crawled.data_dir), "not UTF-8", "\\xffx")


def test_evaluate_reads_excels_csv_utf8_with_its_byte_order_mark(crawled: Crawl, tmp_path: Path) -> None:
    site = json.loads(ketadir("search", "--format", "json", data_dir=crawled.data_dir).stdout)[0]
    labels = tmp_path / "labels.csv"
    labels.write_text(f"host,modality\r\n{site['site']},{site['modality']}\r\n", encoding="utf-8-sig")
    assert labels.read_bytes().startswith(b"\xef\xbb\xbfhost")
    result = ketadir("evaluate", str(labels), "--format", "json", data_dir=crawled.data_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sites"] == 1


def test_evaluate_with_a_cell_over_the_csv_field_limit_is_refused_in_one_line(crawled: Crawl, tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("host,modality,notes\nalpha.test,kap,\"" + "x" * 200_000 + "\"\n", encoding="utf-8")
    assert_one_line_error(ketadir("evaluate", str(labels), data_dir=crawled.data_dir), "line 2", "longer than")


def test_a_data_dir_the_user_can_only_read_is_read_by_every_reading_command(crawled: Crawl, tmp_path: Path) -> None:
    """As on a shared drive: the store's WAL index (-shm) cannot be made beside it."""
    data = tmp_path / "shared"
    shutil.copytree(crawled.data_dir, data)
    site = json.loads(ketadir("search", "--format", "json", data_dir=data).stdout)[0]["site"]
    before = sorted(p.name for p in data.iterdir())
    with read_only(data):
        for command in (["show", site], ["stats"], ["changes"], ["runs"], ["sites", "list"], ["search", "ketamine"]):
            result = ketadir(*command, data_dir=data)
            assert result.returncode == 0 and "Traceback" not in result.stderr, (command, result.stderr)
            assert result.stdout.strip(), command
    assert sorted(p.name for p in data.iterdir()) == before


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make a directory unwritable even for root (who ignores mode bits): chattr +i."""
    path.chmod(0o555)
    immutable = os.geteuid() == 0 and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    try:
        if os.geteuid() == 0 and not immutable:
            pytest.skip("running as root without chattr: cannot make a read-only directory")
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o755)


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = ketadir("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("crawl", "search", "export", "show", "classify", "stats", "reindex", "evaluate", "demo"):
        assert command in result.stdout
