"""CLI start-up: cold `ketadir search` vs a minimal Whoosh script vs `python -c pass`.

Each is a fresh process (the OS file cache is warm for all three alike), timed as wall time
around the whole process; the three commands take turns so drift hits them equally, and
the median of several runs is reported. The import list of the search process is checked
for Scrapy, Twisted and BeautifulSoup, and its heaviest imports are listed.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from pathlib import Path

from bench import proc
from bench.index import whoosh_build
from bench.records import clinics
from bench.report import Section, Target, median
from index.search import SearchQuery, search

GOAL = 1.25
SIZE = 2000
FORBIDDEN = ("scrapy", "twisted", "bs4")
# The floor: import Whoosh, open the index, run the same query (same clauses, limit and
# order as ketadir builds for --modality kap --city Nashville), print each clinic's name.
MINIMAL = """
import json, sys
from whoosh import index
from whoosh.query import And, Or, Term
ix = index.open_dir(sys.argv[1])
with ix.searcher() as searcher:
    query = And([Term("status", "active"), Or([Term("modality", "kap")]), Term("city", "nashville")])
    for hit in searcher.search(query, limit=50, sortedby="name_sort"):
        print(json.loads(hit["record"])["name"])
"""


def uncached_env() -> dict[str, str]:
    """Bytecode never written: each start compiles ketadir's modules (site-packages keep theirs)."""
    env = proc.env_with()
    env.pop("PYTHONPYCACHEPREFIX")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def wall(cmd: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=proc.REPO, env=env or proc.env_with(), capture_output=True, check=True)
    return time.perf_counter() - start


def output(cmd: list[str]) -> str:
    return subprocess.run(cmd, cwd=proc.REPO, env=proc.env_with(), capture_output=True, text=True, check=True).stdout


def imports(args: list[str]) -> tuple[set[str], list[tuple[float, str]]]:
    """(every module imported, top-level imports by cumulative ms) from `python -X importtime ARGS`."""
    result = subprocess.run([proc.PYTHON, "-X", "importtime", *args], cwd=proc.REPO, env=proc.env_with(),
                            capture_output=True, text=True, check=True)
    modules, top = set(), []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if not match:
            continue
        modules.add(match.group(4))
        if len(match.group(3)) == 1:
            top.append((int(match.group(2)) / 1000, match.group(4)))
    return modules, sorted(top, reverse=True)


def bench_cli(runs: int) -> Section:
    with tempfile.TemporaryDirectory(prefix="ketadir-bench-cli-") as tmp:
        data = Path(tmp)
        whoosh_build(data / "index", clinics(SIZE))
        expected = search(data / "index", SearchQuery(modalities=["kap"], city="Nashville"))
        commands = {
            "ketadir": [proc.KETADIR, "--data-dir", str(data), "search", "--modality", "kap", "--city", "Nashville"],
            "minimal": [proc.PYTHON, "-c", MINIMAL, str(data / "index")],
            "pass": [proc.PYTHON, "-c", "pass"],
        }
        printed, shown = output(commands["minimal"]), output(commands["ketadir"])
        if len(printed.splitlines()) != len(expected) or not all(r["name"][:20] in shown for r in expected):
            raise RuntimeError("ketadir search and the minimal script disagree on the results")
        for cmd in commands.values():  # warm the OS cache and .pyc files
            wall(cmd)
        times: dict[str, list[float]] = {name: [] for name in [*commands, "uncached"]}
        for _ in range(runs):
            for name, cmd in commands.items():
                times[name].append(wall(cmd))
            times["uncached"].append(wall(commands["ketadir"], uncached_env()))
        modules, top = imports(commands["ketadir"])
        _, minimal_top = imports(commands["minimal"][1:])
    k, m, p, u = (median(times[n]) * 1000 for n in ("ketadir", "minimal", "pass", "uncached"))
    ratio = k / m
    leaked = sorted(mod for mod in modules if mod.split(".")[0] in FORBIDDEN)
    section = Section(
        f"CLI: cold `ketadir search --modality kap --city Nashville`, {SIZE:,}-clinic index, {len(expected)} results",
        ["process", "median wall ms", f"min..max ms ({runs} runs)", "vs minimal script"],
    )
    labels = {
        "ketadir": "`ketadir search ...`",
        "minimal": "minimal Whoosh script (floor)",
        "pass": "`python -c pass`",
        "uncached": "`ketadir search ...` with PYTHONDONTWRITEBYTECODE=1",
    }
    for name, value in (("ketadir", k), ("minimal", m), ("pass", p), ("uncached", u)):
        spread = f"{min(times[name]) * 1000:.0f}..{max(times[name]) * 1000:.0f}"
        section.rows.append([labels[name], f"{value:.0f}", spread, f"{value / m:.2f}x"])
    section.notes = [
        f"ketadir / minimal script: **{ratio:.2f}x** (goal <= {GOAL}). Above bare Python start-up, ketadir costs "
        f"{k - p:.0f} ms and the floor {m - p:.0f} ms ({(k - p) / (m - p):.1f}x).",
        "Bytecode is cached (PYTHONPYCACHEPREFIX under bench/out) as in any installed copy. With "
        f"PYTHONDONTWRITEBYTECODE=1, as some sandboxes and CI set it, ketadir's own modules compile on every start: "
        f"{u:.0f} ms ({u / m:.2f}x the floor, whose Whoosh keeps its installed .pyc files).",
        ("The search process imports none of scrapy, twisted, bs4." if not leaked
         else f"The search process imports {', '.join(leaked[:8])}: the search path must not."),
        "Heaviest top-level imports of `ketadir search` (python -X importtime, cumulative ms): "
        + ", ".join(f"{name} {ms:.0f}" for ms, name in top[:8]) + ".",
        "Same for the minimal script: " + ", ".join(f"{name} {ms:.0f}" for ms, name in minimal_top[:4]) + ".",
    ]
    section.targets = [Target("CLI: cold search / minimal Whoosh script", ratio, GOAL, at_most=True)]
    if leaked:
        section.targets.append(Target("CLI: scrapy/twisted/bs4 modules imported", float(len(leaked)), 0, at_most=True))
    return section
