"""Start-up: a command run registers only itself with typer, and answers as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from backlogctl.cli.app import app, only_the_command
from tests.helpers import EXAMPLE

SCRIPT = str(Path(sys.executable).with_name("backlogctl"))


def names_after(args: list[str], environ: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    registered = app.registered_commands, app.registered_groups
    try:
        only_the_command(args, environ or {})
        return [str(c.name) for c in app.registered_commands], [str(g.name) for g in app.registered_groups]
    finally:
        app.registered_commands, app.registered_groups = registered


def test_a_command_run_registers_only_that_command() -> None:
    assert names_after(["-C", "/tmp", "rank", "--top", "3"]) == (["rank"], [])
    assert names_after(["-C/tmp", "lint"]) == (["lint"], [])
    assert names_after(["review", "due"]) == ([], ["review"])


@pytest.mark.parametrize(
    "args",
    [[], ["--help"], ["-h"], ["--version"], ["-C", "/tmp"], ["renk"], ["-C", "/tmp", "--help", "rank"]],
)
def test_help_version_and_unknown_names_see_every_command(args: list[str]) -> None:
    everything = names_after([])
    assert len(everything[0]) > 10
    assert names_after(args) == everything


def test_completion_sees_every_command() -> None:
    assert names_after(["rank"], {"_BACKLOGCTL_COMPLETE": "complete_bash"}) == names_after([])


@pytest.mark.parametrize(
    "args",
    [
        ["-C", str(EXAMPLE), "rank", "--top", "3", "--format", "json"],
        ["rank", "--help"],
        ["-C", str(EXAMPLE), "rank", "--bogus"],
        ["review", "--help"],
        ["renk"],
    ],
)
def test_the_console_script_answers_as_the_whole_app(args: list[str]) -> None:
    """The console script (one command registered) prints what the app with every command prints."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "BACKLOGCTL_NO_CACHE": "1"}
    script = subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env)
    whole = CliRunner().invoke(app, args, env={"NO_COLOR": "1", "COLUMNS": "100", "BACKLOGCTL_NO_CACHE": "1"})
    assert script.returncode == whole.exit_code
    assert script.stdout == whole.stdout
    assert script.stderr == whole.stderr
