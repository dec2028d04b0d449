"""The README and the CLI agree (as sqlite-utils checks its docs): every command and option is
in the README's reference and has --help text, and every `ketadir` command line in the README
parses as the CLI would parse it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Iterator

import click
import pytest

from cli import cli

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(command: click.Command = cli, path: tuple[str, ...] = ("ketadir",)) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands())


def _reference() -> dict[str, str]:
    """The rows of the README's command table: command path -> the row."""
    section = README.split("### Every command and option", 1)[1].split("\n###", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `(ketadir(?: [a-z-]+)*)", line)
        if match:
            rows[match.group(1)] = line
    return rows


def _options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option)]


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_and_option_is_in_the_readme_reference(path: str) -> None:
    command = COMMANDS[path]
    if isinstance(command, click.Group) and path != "ketadir":
        assert f"`{path} " in README, path  # a group of commands: its commands have the rows
        return
    row = _reference().get(path)
    assert row is not None, f"{path} has no row in the README's reference"
    for option in _options(command):
        for name in option.opts:
            assert re.search(rf"`{re.escape(name)}[`/ ]", row), f"{path}: {name} is not in its README row"


def test_the_reference_lists_no_command_the_cli_lacks() -> None:
    assert set(_reference()) <= set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_and_option_has_help_text(path: str) -> None:
    command = COMMANDS[path]
    assert (command.help or "").strip(), f"{path} has no help"
    for option in _options(command):
        assert (option.help or "").strip(), f"{path} {option.opts[0]} has no help"


def _readme_command_lines() -> list[str]:
    lines = []
    for block in re.findall(r"```\n(.*?)```", README, re.S):
        lines += [line.strip() for line in block.splitlines() if line.strip().startswith("ketadir ")]
    return lines


def _parse(args: list[str]) -> click.Context:
    """Parse a command line as `ketadir` would, down to its command, without running anything."""
    command: click.Command = cli
    name, parent = "ketadir", None
    while True:
        ctx = command.context_class(command, info_name=name, parent=parent, **command.context_settings)
        with ctx.scope(cleanup=False):
            rest = click.Command.parse_args(command, ctx, list(args))  # leaves a group's subcommand
        if not isinstance(command, click.Group):
            return ctx
        found, sub, args = command.resolve_command(ctx, rest)
        assert found is not None and sub is not None
        name, command, parent = found, sub, ctx


def test_the_readme_shows_a_command_line_for_most_commands() -> None:
    shown = {" ".join(shlex.split(line, comments=True)[:2]) for line in _readme_command_lines()}
    assert len(shown) >= 12, shown


@pytest.mark.parametrize("line", _readme_command_lines())
def test_every_command_line_in_the_readme_parses(line: str) -> None:
    words = shlex.split(line, comments=True)
    ctx = _parse(words[1:])
    assert ctx.command.callback is not None, line
