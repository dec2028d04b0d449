"""Tables and small things, through the real CLI: tables that fit a real terminal, no Python
values in print, plurals, classify of a folder, every bad seed line, one set of formats,
help for a bare `ketadir`, shell completion."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import random
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from conftest import FAST, REPO, Crawl, assert_one_line_error, ketadir, run_cli
from crawler.demo import SAMPLE_WEB
from test_docs import COMMANDS

KETADIR_SCRIPT = Path(sys.prefix) / "bin" / "ketadir"


def _in_terminal(args: list[str], columns: int) -> str:
    """What the command prints on a real terminal (a pty) this many columns wide."""
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    child = subprocess.Popen([sys.executable, "-c", "import cli; cli.main()", *args], stdout=secondary,
                             stderr=subprocess.DEVNULL, cwd=REPO, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    child.wait(timeout=60)
    os.close(main)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def test_tables_fit_the_terminal_and_stay_plain_when_piped(crawled: Crawl) -> None:
    args = ["--data-dir", str(crawled.data_dir), "search", "--include-non-providers"]
    narrow = _in_terminal(args, 80).splitlines()
    assert len(narrow) > 10 and max(map(len, narrow)) <= 80
    assert narrow[0].split() == ["name", "modality", "city", "state", "phone", "website", "checked"]
    assert any("…" in line for line in narrow[2:])
    wide = _in_terminal(args, 250).splitlines()
    piped = run_cli("search", "--include-non-providers", data_dir=crawled.data_dir).stdout.splitlines()
    assert wide == piped and max(map(len, piped)) > 80  # a wide terminal needs no cutting; a pipe gets it whole


def test_sites_list_prints_no_python_values(crawled: Crawl) -> None:
    text = run_cli("sites", "list", data_dir=crawled.data_dir).stdout
    assert "santa-fe-ketamine.test" in text
    assert not re.search(r"\b(None|False|True)\b", text)
    rows = list(csv.DictReader(io.StringIO(run_cli("sites", "list", "--format", "csv", data_dir=crawled.data_dir).stdout)))
    assert {r["gone"] for r in rows} == {""} and all(r["last_crawled"] for r in rows)


def test_counts_of_one_are_singular(sample_server: object, tmp_path: Path) -> None:
    added = run_cli("sites", "add", "http://bartonketamine.test/", data_dir=tmp_path)
    assert added.output.strip() == "Registered 1 new site (0 already known)."
    crawl = run_cli("crawl", "--max-pages-per-site", "1", *FAST, data_dir=tmp_path)
    assert crawl.exit_code == 0, crawl.output
    assert "Crawling 1 site (run 1)" in crawl.output and "1 site, 1 page, 0 fetch errors, 1 change" in crawl.output
    assert not re.search(r"\b1 (sites|pages|errors|fetch errors|page errors|changes|clinics)\b", crawl.output)
    assert run_cli("reindex", data_dir=tmp_path).output.strip() == "Reindexed 1 clinic (0 changes recorded)"
    assert run_cli("sites", "remove", "bartonketamine.test", data_dir=tmp_path).output.strip() == "Removed 1 site."


def test_classify_a_folder_classifies_each_file_in_it(tmp_path: Path) -> None:
    site = SAMPLE_WEB / "bartonketamine.test"
    files = sorted(p for p in site.rglob("*") if p.is_file())
    result = run_cli("classify", str(site), "--format", "json")
    assert result.exit_code == 0, result.output
    assert [r["source"] for r in json.loads(result.stdout)] == [str(p) for p in files]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert_one_line_error(ketadir("classify", str(empty), data_dir=tmp_path), "holds no files")


def test_classify_random_bytes_prints_no_decoder_warning(tmp_path: Path) -> None:
    noise = tmp_path / "noise.html"
    noise.write_bytes(random.Random(0).randbytes(5000))  # bytes no encoding decodes whole
    result = ketadir("classify", str(noise), data_dir=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert "not-a-provider" in result.stdout


def test_a_seed_file_reports_every_bad_line(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# clinics\nhttp://good.test/\nnot a url\nclinic.com\n\nftp://x.test/\n")
    result = ketadir("crawl", "--seeds", str(seeds), data_dir=tmp_path / "d")
    assert_one_line_error(result, "seeds.txt: 3 bad lines", "line 3: ", "line 4: ", "did you mean http://clinic.com",
                          "line 6: ")
    many = tmp_path / "many.txt"
    many.write_text("".join(f"row {i}\n" for i in range(40)))
    assert_one_line_error(ketadir("crawl", "--seeds", str(many), data_dir=tmp_path / "d"), "40 bad lines", "and lines 6-40")


def test_every_command_that_prints_takes_the_same_formats(crawled: Crawl) -> None:
    for path, command in COMMANDS.items():
        formats = [p for p in command.params if p.name == "fmt"]
        if not formats:
            continue
        choices = list(formats[0].type.choices)  # type: ignore[attr-defined]
        assert choices == (["csv", "json"] if path == "ketadir export" else ["text", "json", "csv"]), path
    for args in (["stats"], ["runs"], ["sites", "list"], ["changes"], ["show", "pugetketamine.test"]):
        text = run_cli(*args, data_dir=crawled.data_dir).stdout
        assert run_cli(*args, "--format", "TABLE", data_dir=crawled.data_dir).stdout == text, args
        assert run_cli(*args, "--format", "csv", data_dir=crawled.data_dir).stdout.count(",") > 3, args
    stats = list(csv.DictReader(io.StringIO(run_cli("stats", "--format", "csv", data_dir=crawled.data_dir).stdout)))
    assert {"field": "modality", "value": "kap", "count": "4"} in stats
    page = SAMPLE_WEB / "olentangymood.test" / "index.html"
    row = next(csv.DictReader(io.StringIO(run_cli("classify", str(page), "--format", "csv").stdout)))
    assert row["source"] == str(page) and row["modality"] and row["evidence"]


def test_bare_ketadir_prints_its_help_alone(tmp_path: Path) -> None:
    bare = subprocess.run([sys.executable, "-c", "import cli; cli.main()"], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, "KETADIR_HOME": str(tmp_path)}, timeout=60)
    for result in (bare, ketadir(data_dir=tmp_path), ketadir("sites", data_dir=tmp_path)):
        assert result.returncode == 0 and result.stderr == ""
        assert result.stdout.startswith("Usage: ") and "Error" not in result.stdout
        assert "Commands:" in result.stdout


@pytest.mark.skipif(not KETADIR_SCRIPT.is_file(), reason="the ketadir script is not installed here")
def test_shell_completion_works_as_the_readme_says(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_KETADIR_COMPLETE=bash_source ketadir)"' in readme
    env = {**os.environ, "_KETADIR_COMPLETE": "bash_source"}
    source = subprocess.run([str(KETADIR_SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert source.returncode == 0 and "_ketadir_completion" in source.stdout

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_KETADIR_COMPLETE": "bash_complete", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}
        done = subprocess.run([str(KETADIR_SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert "search" in complete("ketadir se")
    assert complete("ketadir search -m in") == ["infusion-only"]
    assert "esketamine-nasal" in complete("ketadir search --service ")

