"""Every command has help text with an example, and the README shows it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from backlogctl.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, Any]]:
    root: Any = typer.main.get_command(app)
    found = []
    for name, command in root.commands.items():
        if hasattr(command, "commands"):
            found.extend((f"{name} {sub}", cmd) for sub, cmd in command.commands.items())
        else:
            found.append((name, command))
    return sorted(found)


def test_the_contract_commands_exist() -> None:
    names = {name for name, _ in _commands()}
    contract = {
        "init", "new", "list", "show", "set", "lint", "rank", "history", "changes",
        "review due", "review mark", "review close", "report", "schema",
    }  # fmt: skip
    assert contract <= names


@pytest.mark.parametrize(("name", "command"), _commands(), ids=[n for n, _ in _commands()])
def test_command_has_help_and_example(name: str, command: Any) -> None:
    assert command.help
    assert len(command.help.split()) >= 4
    assert "Example: backlogctl " + name in command.help


@pytest.mark.parametrize("name", [n for n, _ in _commands()])
def test_readme_shows_command(name: str) -> None:
    assert f"backlogctl {name}" in README or f"backlogctl -C examples/ai-lab {name}" in README
