"""A newcomer's first five minutes: `make demo`, then the README's next commands and the demo's
closing hint pasted into a shell as they are, from a folder laid out like a checkout."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
VENV = Path(sys.prefix)


@dataclass
class Checkout:
    root: Path  # a folder with .venv beside it, as after `make demo`
    demo: subprocess.CompletedProcess[str]


def _shell(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """bash running script as a user pastes it (each line stops the rest on failure)."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "no_proxy", "ketadir_home", "pythonpath")}
    env["PATH"] = "/usr/bin:/bin"  # ketadir only where the pasted lines put it
    return subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Checkout:
    if not (VENV / "bin" / "ketadir").is_file():
        pytest.skip("the ketadir script is not installed in this environment")
    root = tmp_path_factory.mktemp("checkout")
    (root / ".venv").symlink_to(VENV)
    demo = _shell(".venv/bin/ketadir demo", root)  # what `make demo` runs
    assert demo.returncode == 0, demo.stderr[-3000:]
    return Checkout(root, demo)


def _readme_block(heading: str) -> list[str]:
    section = README.split(heading, 1)[1]
    return re.search(r"```\n(.*?)```", section, re.S).group(1).strip().splitlines()


def test_the_readme_commands_after_make_demo_work_as_pasted(checkout: Checkout) -> None:
    lines = _readme_block("### After `make demo`")
    assert lines[0].startswith("source .venv/bin/activate") and any("KETADIR_HOME=demo-data" in l for l in lines)
    pasted = _shell("\n".join(lines), checkout.root)
    assert pasted.returncode == 0, pasted.stderr
    assert "Santa Fe Ketamine & Psychotherapy" in pasted.stdout  # --near 87501 and show
    assert "Riverbend Psychedelic Therapy" in pasted.stdout  # ptsd, kap, Nashville
    assert (checkout.root / "tx.csv").read_text(encoding="utf-8").count("infusion-only") >= 3


def test_the_demo_closing_hint_works_as_pasted(checkout: Checkout) -> None:
    hint = checkout.demo.stdout.split("Next, paste any of these:\n", 1)[1].splitlines()
    commands = [line.strip() for line in hint if line.startswith("  .venv/bin/ketadir --data-dir demo-data ")]
    assert len(commands) >= 3, hint
    for command in commands:
        pasted = _shell(command, checkout.root)
        assert pasted.returncode == 0 and (pasted.stdout + pasted.stderr).strip(), (command, pasted.stderr)
    once = next(line for line in hint if line.startswith("Or once per shell: "))
    assert once == "Or once per shell: source .venv/bin/activate && export KETADIR_HOME=demo-data"
    pasted = _shell(once.removeprefix("Or once per shell: ") + "\nketadir search --near 87501", checkout.root)
    assert pasted.returncode == 0 and "Santa Fe" in pasted.stdout, pasted.stderr


def test_the_demo_says_its_politeness_delays_are_off(checkout: Checkout) -> None:
    assert "Politeness delays are off for this local web" in checkout.demo.stdout
    assert "DOWNLOAD_DELAY=0 --set AUTOTHROTTLE_ENABLED=False" in README


def test_no_index_error_points_at_the_demo_directory(checkout: Checkout, tmp_path: Path) -> None:
    pasted = _shell(f".venv/bin/ketadir --data-dir {tmp_path / 'mine'} search kap", checkout.root)
    assert pasted.returncode == 1
    assert pasted.stderr.strip().splitlines() == [
        f"Error: no index in {tmp_path / 'mine'} yet: run `ketadir crawl` (or `ketadir reindex`) first; the demo's "
        "directory is ./demo-data: add `--data-dir demo-data` (or export KETADIR_HOME=demo-data)"
    ]


def test_demo_uses_the_data_dir_given_before_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("--data-dir", "elsewhere", "demo")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "directory.csv").is_file() and not (tmp_path / "demo-data").exists()
    assert "ketadir --data-dir elsewhere show santa-fe-ketamine.test" in result.output
    both = run_cli("--data-dir", "one", "demo", "--data-dir", "two")
    assert both.exit_code == 2 and "give --data-dir once" in both.output


def test_the_readme_shows_the_way_from_zero_to_a_real_directory() -> None:
    section = README.split("### From zero to a real directory", 1)[1].split("\n## ", 1)[0]
    for step in ("ketadir discover", "ketadir sites add --from", "ketadir crawl", "ketadir schedule", "1,000 sites"):
        assert step in section, step
