"""Crashes and concurrency: kill -9 mid-crawl, two crawls at once, a damaged index, readers during a crawl.

Crawls here are real `ketadir crawl` processes (their own process group; the Scrapy child leads
a session of its own and stops when its parent dies) reaching the sample web through the fixture
server on 127.0.0.1. The
server's "slow" fault stretches each page to a fraction of a second so there is time to act
while pages are being stored; no test asserts anything about timing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

from conftest import FAST, REPO, proxied, run_cli, spawned_workers
from crawler.demo import SAMPLE_WEB
from mockserver import FixtureServer

SLOW = [{"kind": "slow", "seconds": 0.4}]
WAIT_LIMIT = 60.0  # seconds before a poll gives up: a hung crawl fails the test instead of hanging it


@pytest.fixture
def web() -> Iterator[FixtureServer]:
    with FixtureServer(SAMPLE_WEB) as server, proxied(server):
        yield server


def _seeds(server: FixtureServer, count: int | None = None) -> list[str]:
    return [f"http://{host}/" for host in server.hosts()[:count]]


def start_crawl(data_dir: Path, seeds: list[str]) -> subprocess.Popen[str]:
    """`ketadir crawl` as a user starts it, leading its own process group."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "--data-dir", str(data_dir), "crawl", *seeds, *FAST],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_group(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


def ketadir(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "--data-dir", str(data_dir), *args],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the crawl ended before the moment the test waits for: {process.communicate()}")
        if time.monotonic() > deadline:
            pytest.fail("waited too long")
        time.sleep(0.05)


def pages_stored(data_dir: Path, run_id: int) -> int:
    db = data_dir / "ketadir.db"
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT COUNT(*) FROM pages WHERE run_id=?", (run_id,)).fetchone()[0]
    except sqlite3.OperationalError:  # the schema is still being created
        return 0


def lock_holder(data_dir: Path) -> str:
    lock = data_dir / "crawl.lock"
    return lock.read_text().strip() if lock.exists() else ""


def search_json(data_dir: Path) -> list[dict]:
    result = run_cli("search", "--include-non-providers", "--limit", "100", "--format", "json", data_dir=data_dir)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_kill_9_mid_crawl_loses_nothing_and_the_next_crawl_finishes_the_work(web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    first, *rest = _seeds(web)
    assert run_cli("crawl", first, *FAST, data_dir=data).exit_code == 0  # run 1: an index to keep safe

    web.set_faults("*", SLOW)
    crawl = start_crawl(data, [first, *rest])  # run 2, killed while storing pages
    wait_for(lambda: pages_stored(data, 2) >= 8, crawl)
    kill_group(crawl)
    assert lock_holder(data) == f"pid {crawl.pid}"  # the lock file outlives its dead holder

    store = sqlite3.connect(data / "ketadir.db")
    assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()
    assert [r["site"] for r in search_json(data)] == [first.split("/")[2]]  # the index still reads
    runs = json.loads(ketadir("runs", "--format", "json", data_dir=data).stdout)
    assert {r["id"]: r["state"] for r in runs} == {1: "finished", 2: "running"}

    web.set_faults("*", [])
    again = run_cli("crawl", first, *rest, *FAST, data_dir=data)  # run 3 takes the lock over
    assert again.exit_code == 0, again.output
    runs = json.loads(ketadir("runs", "--format", "json", data_dir=data).stdout)
    assert {r["id"]: r["state"] for r in runs} == {1: "finished", 2: "interrupted", 3: "finished"}
    sites = [r["site"] for r in search_json(data)]
    assert sorted(sites) == sorted(web.hosts())  # every site, each once
    with sqlite3.connect(data / "ketadir.db") as conn:
        clinics = [row[0] for row in conn.execute("SELECT site FROM clinics")]
        sites_in_pages = {row[0] for row in conn.execute("SELECT DISTINCT site FROM pages")}
    assert sorted(clinics) == sorted(web.hosts())
    assert sites_in_pages == set(web.hosts())


def test_second_crawl_on_the_same_data_dir_refuses_in_one_line(web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    web.set_faults("*", SLOW)
    crawl = start_crawl(data, _seeds(web, 3))
    try:
        wait_for(lambda: lock_holder(data) == f"pid {crawl.pid}", crawl)
        second = ketadir("crawl", *_seeds(web, 1), *FAST, data_dir=data)
        assert second.returncode == 1
        assert second.stderr.strip() == f"Error: a crawl (pid {crawl.pid}) is running on {data}: wait for it to finish"
        assert crawl.poll() is None
    finally:
        kill_group(crawl)


def test_reindex_and_site_removal_refuse_while_a_crawl_runs_and_change_nothing(
    web: FixtureServer, tmp_path: Path
) -> None:
    # A crawl holds the index's writer from start to end; waiting for it would time out.
    data = tmp_path / "data"
    seeds = _seeds(web, 3)
    web.set_faults("*", SLOW)
    crawl = start_crawl(data, seeds)
    try:
        wait_for(lambda: lock_holder(data) == f"pid {crawl.pid}", crawl)
        host = seeds[0].split("/")[2]
        for command in (["reindex"], ["sites", "remove", host]):
            refused = ketadir(*command, data_dir=data)
            assert refused.returncode == 1, command
            assert refused.stderr.strip() == f"Error: a crawl (pid {crawl.pid}) is running on {data}: wait for it to finish"
        assert crawl.poll() is None
    finally:
        kill_group(crawl)
    with sqlite3.connect(data / "ketadir.db") as conn:
        assert host in {row[0] for row in conn.execute("SELECT site FROM sites")}


def test_a_parse_worker_killed_mid_crawl_loses_no_site(web: FixtureServer, tmp_path: Path) -> None:
    # The crawl parses in its own process from then on, and decides after the crawl what the
    # workers could not.
    data = tmp_path / "data"
    seeds = _seeds(web)
    web.set_faults("*", SLOW)
    crawl = start_crawl(data, seeds)
    try:
        wait_for(lambda: pages_stored(data, 1) >= 2 and len(spawned_workers(crawl.pid)) >= 1, crawl)
        os.kill(spawned_workers(crawl.pid)[0], signal.SIGKILL)
        web.set_faults("*", [])
        out, err = crawl.communicate(timeout=240)
    finally:
        if crawl.poll() is None:
            kill_group(crawl)
    assert crawl.returncode == 0, err
    assert sorted(r["site"] for r in search_json(data)) == sorted(web.hosts())
    report = json.loads(sorted((data / "reports").glob("run-*.json"))[-1].read_text())
    assert report["stats"].get("ketadir/parse_workers_lost") == 1


def test_lock_of_a_killed_crawl_is_released_by_the_os(web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    web.set_faults("*", SLOW)
    crawl = start_crawl(data, _seeds(web, 3))
    wait_for(lambda: lock_holder(data) == f"pid {crawl.pid}", crawl)
    with open(data / "crawl.lock") as handle:
        with pytest.raises(BlockingIOError):
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        kill_group(crawl)
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no one has to delete the file
        fcntl.flock(handle, fcntl.LOCK_UN)
    web.set_faults("*", [])
    assert run_cli("crawl", *_seeds(web, 1), *FAST, data_dir=data).exit_code == 0


@pytest.fixture
def crawled_dir(web: FixtureServer, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    result = run_cli("crawl", *_seeds(web, 3), *FAST, data_dir=data)
    assert result.exit_code == 0, result.output
    return data


# Whoosh keeps a table of contents (_MAIN_<generation>.toc) and segments (MAIN_<id>.seg).
def _garble(index: Path) -> None:
    for file in [*index.glob("*.toc"), *index.glob("*.seg")]:
        file.write_bytes(b"\x00not a whoosh file\xff" * 8)


def _truncate_segments(index: Path) -> None:
    for file in index.glob("*.seg"):
        file.write_bytes(file.read_bytes()[:100])


def _delete_segments(index: Path) -> None:
    for file in index.glob("*.seg"):
        file.unlink()


@pytest.mark.parametrize("damage", [_garble, _truncate_segments, _delete_segments], ids=["garbled", "truncated", "segments-gone"])
def test_damaged_index_says_run_reindex_which_rebuilds_it(crawled_dir: Path, damage: Callable[[Path], None]) -> None:
    before = sorted(r["site"] for r in search_json(crawled_dir))
    damage(crawled_dir / "index")
    for command in (["search", "ketamine"], ["export"], ["stats"]):
        result = ketadir(*command, data_dir=crawled_dir)
        assert result.returncode == 1, (command, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: ") and "ketadir reindex" in lines[0], (command, result.stderr)
    assert ketadir("reindex", data_dir=crawled_dir).returncode == 0
    assert sorted(r["site"] for r in search_json(crawled_dir)) == before


def test_missing_index_says_run_reindex_which_rebuilds_it(crawled_dir: Path) -> None:
    before = sorted(r["site"] for r in search_json(crawled_dir))
    for file in (crawled_dir / "index").iterdir():
        file.unlink()
    (crawled_dir / "index").rmdir()
    result = ketadir("search", data_dir=crawled_dir)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "ketadir reindex" in result.stderr
    assert ketadir("reindex", data_dir=crawled_dir).returncode == 0
    assert sorted(r["site"] for r in search_json(crawled_dir)) == before


def test_search_and_export_during_a_crawl_see_the_last_committed_state(web: FixtureServer, tmp_path: Path) -> None:
    data = tmp_path / "data"
    seeds = _seeds(web)
    assert run_cli("crawl", *seeds[:2], *FAST, data_dir=data).exit_code == 0
    committed = {r["site"] for r in search_json(data)}
    web.set_faults("*", SLOW)
    crawl = start_crawl(data, seeds)
    seen: list[set[str]] = []
    try:
        while crawl.poll() is None:
            seen.append({r["site"] for r in search_json(data)})
            exported = run_cli("export", "--include-non-providers", "--format", "json", data_dir=data)
            assert exported.exit_code == 0, exported.output
            assert {r["site"] for r in json.loads(exported.stdout)} >= committed
    finally:
        out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, err
    final = {r["site"] for r in search_json(data)}
    assert final == set(web.hosts())
    assert len(seen) >= 3
    assert all(committed <= state <= final for state in seen)


def test_leftovers_of_a_commit_killed_midway_do_not_disturb_readers_or_writers(crawled_dir: Path) -> None:
    """A commit killed midway leaves a half-written segment the table of contents never names."""
    before = sorted(r["site"] for r in search_json(crawled_dir))
    (crawled_dir / "index" / "MAIN_killedmidwrite0.seg").write_bytes(b"half a segment")
    assert sorted(r["site"] for r in search_json(crawled_dir)) == before
    assert ketadir("reindex", data_dir=crawled_dir).returncode == 0
    assert sorted(r["site"] for r in search_json(crawled_dir)) == before


# --- stops and signals, as `timeout`, `docker stop`, systemd and a terminal send them --------


def crawl_children(pid: int) -> list[int]:
    """The crawl processes (python -m crawler.crawl.run) among the descendants of pid."""
    found, stack = [], [pid]
    while stack:
        for task in Path(f"/proc/{stack.pop()}/task").glob("*"):
            try:
                children = [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
            stack += children
            for child in children:
                try:
                    if b"crawler.crawl.run" in Path(f"/proc/{child}/cmdline").read_bytes():
                        found.append(child)
                except OSError:
                    continue
    return found


def alive(pid: int) -> bool:
    """Running (a zombie has exited: its files, the lock among them, are closed)."""
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def decided(data_dir: Path) -> set[str]:
    db = data_dir / "ketadir.db"
    if not db.exists():
        return set()
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return {row[0] for row in conn.execute("SELECT site FROM clinics")}
    except sqlite3.OperationalError:
        return set()


def runs_of(data_dir: Path) -> dict[int, dict]:
    return {r["id"]: r for r in json.loads(ketadir("runs", "--format", "json", data_dir=data_dir).stdout)}


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_to_the_parent_alone_stops_the_crawl_and_commits_what_was_decided(
    web: FixtureServer, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    data = tmp_path / "data"
    web.set_faults("*", SLOW)
    crawl = start_crawl(data, _seeds(web))
    wait_for(lambda: len(decided(data)) >= 2 and bool(crawl_children(crawl.pid)), crawl)
    children = crawl_children(crawl.pid) + spawned_workers(crawl.pid)
    os.kill(crawl.pid, sig)
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == code, err
    assert "Traceback" not in err and f"Stopped by {sig.name}: " in err
    assert not [pid for pid in children if alive(pid)]  # no orphan crawls on
    run = runs_of(data)[1]
    assert run["state"] == "interrupted"
    assert run["pages"] == pages_stored(data, 1) > 0  # its true counts
    assert {r["site"] for r in search_json(data)} == decided(data)  # every decided clinic is searchable
    listed = json.loads(ketadir("sites", "list", "--format", "json", data_dir=data).stdout)
    assert not [row for row in listed if row["fail_streak"]]  # sites never started are not failures
    web.set_faults("*", [])
    again = ketadir("crawl", *FAST, data_dir=data)  # the registered sites not crawled to their end are due
    assert again.returncode == 0, again.stderr
    assert {r["site"] for r in search_json(data)} == set(web.hosts())


def test_sigterm_to_the_crawl_process_itself_ends_the_run_interrupted_and_fails_no_site_not_started(
    web: FixtureServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    web.set_faults("*", [{"kind": "slow", "seconds": 1.0}])
    crawl = start_crawl(data, _seeds(web))
    wait_for(lambda: pages_stored(data, 1) >= 3 and bool(crawl_children(crawl.pid)), crawl)
    os.kill(crawl_children(crawl.pid)[0], signal.SIGTERM)
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 143, err
    assert "not reached: " in out and "failed:" not in out
    assert runs_of(data)[1]["state"] == "interrupted"
    listed = json.loads(ketadir("sites", "list", "--format", "json", data_dir=data).stdout)
    assert not [row for row in listed if row["fail_streak"]]
    assert [row for row in listed if not row["last_crawled"]]  # those it never finished are due


def test_ctrl_c_in_a_terminal_stops_the_crawl_without_a_traceback(web: FixtureServer, tmp_path: Path) -> None:
    # A terminal sends SIGINT to its whole foreground process group.
    data = tmp_path / "data"
    web.set_faults("*", SLOW)
    crawl = start_crawl(data, _seeds(web))
    wait_for(lambda: pages_stored(data, 1) >= 4 and len(spawned_workers(crawl.pid)) >= 1, crawl)
    os.killpg(crawl.pid, signal.SIGINT)
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert runs_of(data)[1]["state"] == "interrupted"


def sample_web_pages(web: FixtureServer) -> int:
    """How many pages the sample web has: a crawl to its end asks for each of them."""
    return sum(len(list((SAMPLE_WEB / host).rglob("*.html"))) for host in web.hosts())


def test_the_lock_holds_until_every_process_of_a_killed_crawl_is_gone(web: FixtureServer, tmp_path: Path) -> None:
    """kill -9 of `ketadir crawl` alone: its crawl process stops too, and no second crawl can
    start while it does."""
    data = tmp_path / "data"
    web.set_faults("*", [{"kind": "slow", "seconds": 1.0}])
    crawl = start_crawl(data, _seeds(web))
    wait_for(lambda: pages_stored(data, 1) >= 4 and bool(crawl_children(crawl.pid)), crawl)
    (child,) = crawl_children(crawl.pid)
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.communicate(timeout=120)
    with open(data / "crawl.lock") as handle:
        deadline = time.monotonic() + WAIT_LIMIT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                assert time.monotonic() < deadline, "the crawl process never stopped"
                time.sleep(0.05)
                continue
            assert not alive(child), "the lock was free while the crawl process still ran"
            fcntl.flock(handle, fcntl.LOCK_UN)
            break
    assert len(web.requests) < sample_web_pages(web)  # it stopped early
    web.set_faults("*", [])
    again = ketadir("crawl", *FAST, data_dir=data)
    assert again.returncode == 0, again.stderr
    assert {r["site"] for r in search_json(data)} == set(web.hosts())


def test_kill_9_of_the_crawl_process_says_what_was_stored_and_that_the_next_crawl_resumes(
    web: FixtureServer, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    web.set_faults("*", SLOW)
    crawl = start_crawl(data, _seeds(web))
    wait_for(lambda: pages_stored(data, 1) >= 6 and bool(crawl_children(crawl.pid)), crawl)
    os.kill(crawl_children(crawl.pid)[0], signal.SIGKILL)
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 4, err
    last = err.strip().splitlines()[-1]
    stored = pages_stored(data, 1)
    assert last.startswith(f"Error: the crawl process was killed by SIGKILL; {stored} pages from "), last
    assert last.endswith("were stored and are kept, and the next crawl resumes the rest")
    assert "Traceback" not in err and runs_of(data)[1]["state"] == "interrupted"
    web.set_faults("*", [])
    again = ketadir("crawl", *FAST, data_dir=data)
    assert again.returncode == 0, again.stderr
    assert {r["site"] for r in search_json(data)} == set(web.hosts())


@contextmanager
def small_disk(mountpoint: Path, megabytes: int) -> Iterator[Path]:
    """A tmpfs of this size at mountpoint: a disk that really fills up (needs root)."""
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(mountpoint)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=True)


def test_a_full_disk_stops_the_crawl_at_the_first_failed_write_in_one_line(web: FixtureServer, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", megabytes=4) as disk:
        data = disk / "data"
        first, *rest = _seeds(web)
        assert ketadir("crawl", first, *FAST, data_dir=data).returncode == 0
        ballast = disk / "ballast"
        ballast.write_bytes(bytes(shutil.disk_usage(disk).free - 200 * 1024))  # 200 KB left
        before = len(web.requests)
        result = ketadir("crawl", first, *rest, *FAST, data_dir=data)
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert [line for line in lines if line.startswith("Error")] == [lines[-1]], result.stderr
        assert lines[-1].startswith(f"Error: the disk holding the data dir {data} is full (")
        assert "free at least 64.0 MB there" in lines[-1]
        assert "Traceback" not in result.stderr and len(result.stderr) < 2_000  # no page bodies in a log
        # It stopped, it did not go on fetching: what was in flight when the write failed may
        # still answer, robots.txt and sitemaps included, but far from the whole web.
        fetched = len(web.requests) - before
        assert fetched < sample_web_pages(web) * 2 // 3, fetched
        with sqlite3.connect(data / "ketadir.db") as store:
            assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ballast.unlink()
        again = ketadir("crawl", first, *rest, *FAST, data_dir=data)
        assert again.returncode == 0, again.stderr
        assert {r["site"] for r in search_json(data)} == set(web.hosts())
        assert runs_of(data)[2]["state"] == "interrupted"
