"""`ketadir demo`: a bundled sample web of fictional clinics (web/, installed with the
package), a server that plays it on 127.0.0.1 (server.py), and what the demo crawls, shows
and suggests next."""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from crawler.terminal import plural

if TYPE_CHECKING:
    from crawler.demo.server import SampleWebServer

SAMPLE_WEB = Path(__file__).resolve().parent / "web"
# Where `ketadir demo` keeps its directory unless told: beside you, never your real one.
DEMO_DIR = Path("demo-data")

# A web on 127.0.0.1 needs no politeness delays; everything else stays as in settings.py.
FAST_LOCAL_CRAWL = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS_PER_DOMAIN": "8"}


# What the demo shows once its crawl is done: each search's command line and its filters.
DEMO_SEARCHES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("ketadir search --modality kap --city Nashville", {"modality": ("kap",), "city": "Nashville"}),
    ("ketadir search --modality infusion-only --state TX", {"modality": ("infusion-only",), "state": "TX"}),
)


def demo_data_dir(demo_dir: Path | None, given: Path | None) -> Path:
    """Where the demo keeps its directory: the --data-dir given after `demo` or before it (the
    same one, if both), else DEMO_DIR. ValueError for two different ones."""
    if demo_dir and given and demo_dir.resolve() != Path(given).resolve():
        raise ValueError(f"two data dirs given ({given} and {demo_dir}): give --data-dir once")
    return Path(demo_dir or given or DEMO_DIR).expanduser().resolve()


def demo_seeds(server: SampleWebServer) -> list[tuple[str, str]]:
    """(url, source) of every site of the sample web."""
    return [(f"http://{host}/", "demo") for host in server.hosts()]


def serving_text(server: SampleWebServer) -> str:
    """What the demo says before it crawls: where the sample web is, and that it crawls fast
    only because that web is local."""
    return (f"Sample web of {plural(len(server.hosts()), 'site')} served at {server.url} (as an HTTP proxy)\n"
            "Politeness delays are off for this local web (DOWNLOAD_DELAY=0, no AutoThrottle); "
            "`ketadir crawl` keeps them for real sites (see the README on what a crawl costs).")


def closing_text(data_dir: Path, export: Path, results: list[dict[str, Any]]) -> str:
    """What the demo ends with: where its CSV export of every provider is, and commands to
    paste next, whose `show` names the Santa Fe clinic the README talks about."""
    site = next((r["site"] for r in results if r["site"].startswith("santa-fe")), results[0]["site"] if results else "a-site")
    return "\n".join([f"\nCSV export of all {plural(len(results), 'provider')}: {pasteable(export)}",
                      *next_steps(data_dir, site)])


@contextmanager
def sample_web() -> Iterator[SampleWebServer]:
    """The sample web served on 127.0.0.1, as this process's (and its children's) HTTP proxy."""
    from crawler.demo.server import SampleWebServer

    saved = {key: os.environ.get(key) for key in ("http_proxy", "no_proxy")}
    with SampleWebServer(SAMPLE_WEB) as server:
        os.environ["http_proxy"] = server.url
        os.environ.pop("no_proxy", None)
        try:
            yield server
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def pasteable(path: Path) -> str:
    """A path as typed from here: relative when it is below the working directory."""
    full, here = Path(os.path.abspath(path)), Path(os.path.abspath(os.getcwd()))
    return str(full.relative_to(here)) if full.is_relative_to(here) else str(full)


def invocation() -> str:
    """How this shell runs ketadir again: `ketadir` when that name on PATH is this program,
    else the path of the script that is running (`.venv/bin/ketadir` after `make demo`)."""
    script = Path(sys.argv[0])
    if script.name != "ketadir":
        return "ketadir"
    on_path = shutil.which("ketadir")
    if on_path and Path(on_path).resolve() == script.resolve():
        return "ketadir"
    return pasteable(script)


def next_steps(data_dir: Path, site: str) -> list[str]:
    """The demo's closing hint: commands that work as pasted in the shell that ran it."""
    program, where = invocation(), pasteable(data_dir)
    prefix = f"{program} --data-dir {where}"
    lines = [
        "Next, paste any of these:",
        f"  {prefix} search --near 87501",
        f"  {prefix} search --modality kap --state TN",
        f"  {prefix} show {site}",
        f"  {prefix} export --state TX --output tx.csv",
    ]
    activate = Path(sys.argv[0]).parent / "activate"
    if program != "ketadir" and activate.is_file():
        lines.append(f"Or once per shell: source {pasteable(activate)} && export KETADIR_HOME={where}")
        lines.append("  then plain `ketadir search --near 87501` (unset KETADIR_HOME for your own directory).")
    elif program == "ketadir":
        lines.append(f"Or once per shell: export KETADIR_HOME={where}, then plain `ketadir search ...`.")
    return lines


def demo_dir_hint(data_dir: Path) -> str:
    """What to add when a command finds no directory but the demo left one here."""
    if (DEMO_DIR / "index").is_dir() and DEMO_DIR.resolve() != data_dir.resolve():
        return f"; the demo's directory is ./{DEMO_DIR}: add `--data-dir {DEMO_DIR}` (or export KETADIR_HOME={DEMO_DIR})"
    return ""
