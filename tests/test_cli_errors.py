"""Bad input to any command: one line on stderr saying what to do, a non-zero exit, no traceback."""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from conftest import assert_one_line_error, ketadir


@pytest.mark.parametrize(
    ("args", "phrases"),
    [
        (["search", "--modality", "ketamine-spa"], ["--modality", "kap"]),
        (["crawl", "--seeds", "no-such-seeds.txt"], ["no-such-seeds.txt", "not found"]),
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
    assert_one_line_error(ketadir("crawl", "--seeds", str(seeds), data_dir=tmp_path / "d"), "seeds.txt, line 4")


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
