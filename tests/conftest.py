"""Shared fixtures: the sample web served on 127.0.0.1, and one real crawl of it.

The crawl runs once per test session through the real CLI (Scrapy in its own process,
reaching the fixture server through http_proxy), so every search/export/show test reads
a store and an index that a real crawl produced.
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner, Result

from cli import cli
from crawler.demo import SAMPLE_WEB
from mockserver import FixtureServer

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# Local fixture webs need no politeness delays.
FAST = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False"]


def corpus_dir() -> Path:
    return Path(os.environ.get("KETADIR_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = corpus_dir()
    if not (path / "dev" / "labels.csv").is_file():
        pytest.skip(f"reference corpus not found at {path}")
    return path


@contextmanager
def proxied(server: FixtureServer) -> Iterator[FixtureServer]:
    """Route this process's (and its children's) HTTP through the fixture server."""
    saved = {k: os.environ.get(k) for k in ("http_proxy", "no_proxy", "NO_PROXY")}
    os.environ["http_proxy"] = server.url
    os.environ.pop("no_proxy", None)
    os.environ.pop("NO_PROXY", None)
    try:
        yield server
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def spawned_workers(pid: int) -> list[int]:
    """The worker processes (multiprocessing spawn) among the descendants of pid."""
    found, stack = [], [pid]
    while stack:
        for task in Path(f"/proc/{stack.pop()}/task").glob("*"):
            try:
                children = [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            stack += children
    workers = []
    for child in found:
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                workers.append(child)
        except OSError:
            continue
    return workers


def run_cli(*args: str, data_dir: Path | None = None) -> Result:
    prefix = ["--data-dir", str(data_dir)] if data_dir else []
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)


@pytest.fixture(scope="session")
def sample_server() -> Iterator[FixtureServer]:
    with FixtureServer(SAMPLE_WEB) as server, proxied(server):
        yield server


@dataclass
class Crawl:
    data_dir: Path
    result: Result
    requests: list[tuple[str, str, int]]  # the fixture server's log of this crawl alone
    connections: int  # TCP connections the crawl opened to the fixture server


@pytest.fixture(scope="session")
def crawled(sample_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """A data dir holding one real crawl of the whole sample web, its CLI result and requests."""
    data_dir = tmp_path_factory.mktemp("sample-crawl")
    seeds = data_dir.parent / "sample-seeds.txt"
    seeds.write_text(
        "# the sample web\n\n" + "".join(f"http://{host}/\n" for host in sample_server.hosts()), encoding="utf-8"
    )
    before, connections = len(sample_server.requests), sample_server.connections
    result = run_cli("crawl", "--seeds", str(seeds), *FAST, data_dir=data_dir)
    return Crawl(data_dir, result, list(sample_server.requests[before:]), sample_server.connections - connections)


def ketadir(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-c", "import cli; cli.main()", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *phrases: str) -> None:
    """Bad input: one line on stderr saying what to do, a non-zero exit, no traceback."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
