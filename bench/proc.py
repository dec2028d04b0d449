"""Running commands under measurement, and the fixture server in a process of its own.

A crawl is two processes (the CLI and its Scrapy child), so peak memory is read per process
from /proc (VmHWM, the kernel's own high-water mark) while the command runs; CPU time comes
from getrusage(RUSAGE_CHILDREN) before and after, which covers the whole finished tree.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Bytecode is cached as in a normal install, but outside the source tree.
PYCACHE = REPO / "bench" / "out" / "pycache"
PYTHON = sys.executable
KETADIR = str(Path(sys.executable).with_name("ketadir"))
POLL_SECONDS = 0.05


@dataclass
class Measured:
    """One finished command: wall and CPU seconds, and peak RSS (MB) per process of its tree."""

    wall: float
    cpu: float
    returncode: int
    stdout: str
    stderr: str
    peak_mb: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid -> (cmdline, MB)

    def peak_of(self, marker: str) -> float:
        """Largest peak RSS among processes whose command line contains marker."""
        return max((mb for cmd, mb in self.peak_mb.values() if marker in cmd), default=0.0)

    def check(self) -> Measured:
        if self.returncode != 0:
            raise RuntimeError(f"command failed ({self.returncode}): {self.stderr.strip()[-800:]}")
        return self


def _children(pid: int) -> list[int]:
    """Children started by any thread of pid (a process pool starts its workers from one)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(_children(current))
    return found


def _hwm_mb(pid: int) -> tuple[str, float] | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return cmdline.strip(), int(line.split()[1]) / 1024
    return None


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = REPO) -> Measured:
    """Run cmd to completion, polling its process tree's peak RSS every POLL_SECONDS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = env if env is not None else env_with()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            for pid in _tree(proc.pid):
                seen = _hwm_mb(pid)
                if seen and seen[1] >= peaks.get(pid, ("", 0.0))[1]:
                    peaks[pid] = seen
            done.wait(POLL_SECONDS)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    poller.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, proc.returncode, stdout, stderr, peaks)


def env_with(**extra: str) -> dict[str, str]:
    """The environment for a measured process: no proxy unless given, bytecode cached.

    PYTHONDONTWRITEBYTECODE (set in some sandboxes and CI) would make every process compile
    ketadir's modules from source on each start while site-packages keep their .pyc files,
    billing ketadir for something no installed copy pays.
    """
    dropped = ("http_proxy", "https_proxy", "no_proxy", "pythondontwritebytecode")
    env = {k: v for k, v in os.environ.items() if k.lower() not in dropped}
    env["PYTHONPATH"] = str(REPO)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    env.update(extra)
    return env


class ServerProcess:
    """crawler.demo.server in its own process, so it never shares a GIL with what it serves."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> ServerProcess:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "crawler.demo.server", str(self.root)],
            cwd=REPO, env=env_with(), stdout=subprocess.PIPE, text=True,
        )
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("http_proxy="):
                self.url = line.split("=", 1)[1].strip()
                break
        if not self.url:
            raise RuntimeError(f"fixture server for {self.root} did not start")
        return self

    def cpu_seconds(self) -> float:
        """CPU the server has used so far (user + system), to tell whether it was saturated."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
