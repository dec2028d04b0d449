"""What every benchmark hands back, and bench/RESULTS.md written from it.

Each benchmark returns a Section: a markdown table of its side-by-side figures, notes, and
the Targets (ratio vs goal) that go into the summary at the top of the results.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Target:
    """A ratio and its goal (None: reported, no goal); `at_most` for ratios that must stay low."""

    name: str
    ratio: float
    goal: float | None
    at_most: bool = False

    @property
    def met(self) -> bool:
        if self.goal is None:
            return True
        return self.ratio <= self.goal if self.at_most else self.ratio >= self.goal

    def line(self) -> str:
        if self.goal is None:
            return f"| {self.name} | {self.ratio:.3g}x | (reported) | |"
        sign = "<=" if self.at_most else ">="
        return f"| {self.name} | {self.ratio:.3g}x | {sign} {self.goal:g}x | {'met' if self.met else 'MISSED'} |"


@dataclass
class Section:
    title: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    extra: str = ""  # preformatted text, e.g. a profile

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        if self.rows:
            lines.append("| " + " | ".join(self.header) + " |")
            lines.append("|" + "---|" * len(self.header))
            lines += ["| " + " | ".join(row) + " |" for row in self.rows]
            lines.append("")
        lines += [f"- {note}" for note in self.notes]
        if self.extra:
            lines += ["", self.extra.rstrip()]
        return "\n".join(lines) + "\n"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: plain, and honest for small samples."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def median(values: list[float]) -> float:
    return statistics.median(values)


VERSIONED = ("python", "scrapy", "beautifulsoup4", "lxml", "whoosh", "sqlite")


def _proc_field(file: str, name: str) -> str:
    for line in Path(file).read_text().splitlines():
        if line.startswith(name):
            return line.split(":", 1)[1].strip()
    return "unknown"


def machine() -> dict[str, str]:
    mem_kb = int(_proc_field("/proc/meminfo", "MemTotal").split()[0])
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "cpu model": _proc_field("/proc/cpuinfo", "model name"),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "scrapy": version("scrapy"),
        "beautifulsoup4": version("beautifulsoup4"),
        "lxml": version("lxml"),
        "whoosh": version("whoosh-reloaded"),
        "sqlite": sqlite3.sqlite_version,
    }


def code_version() -> str:
    """The commit measured, and any measured files that differed from it when the run started."""
    repo = RESULTS.parents[1]

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)
        return result.stdout.rstrip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "cli.py", "settings.py", "crawler", "index").splitlines()
    changed = ", ".join(line[3:] for line in dirty)
    return f"commit {commit}" + (f" with uncommitted changes to {changed}" if changed else "")


# The hand-kept part of RESULTS.md: the measurements that made the code what it is, which
# its comments point to. A run rewrites everything above it and keeps it as it is.
KEPT = "## Measurements behind the code"


def write_results(command: str, sections: list[Section], seconds: float, code: str, path: Path = RESULTS) -> str:
    """Rewrite RESULTS.md, keeping its KEPT section; returns the summary table for the terminal."""
    previous = path.read_text() if path.exists() else ""
    kept = previous[previous.index(KEPT):] if KEPT in previous else ""
    targets = [t for s in sections for t in s.targets]
    summary = ["| target | ratio | goal | |", "|---|---|---|---|", *(t.line() for t in targets)]
    info = machine()
    parts = [
        "# ketadir benchmarks",
        "",
        "Every figure is a ratio against a baseline run side by side in the same invocation, on the",
        "same machine. Timings are never asserted in tests; this file is written by the command below.",
        "",
        f"Command: `{command}` (took {seconds / 60:.1f} min)",
        "",
        f"Code: {code} when the run started.",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in info.items() if k not in VERSIONED),
        "",
        "Versions: " + ", ".join(f"{k} {info[k]}" for k in VERSIONED),
        "",
        "## Summary",
        "",
        *summary,
        "",
        *(s.markdown() for s in sections),
    ]
    path.write_text("\n".join(parts) + ("\n" + kept if kept else ""))
    return "\n".join(summary)
