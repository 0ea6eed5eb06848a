"""Start-up: a command run registers only itself with typer, and answers as before."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def help_only(infos: list[Any]) -> list[bool]:
    """For each command (and each command of a group, in turn): whether it is a help-only copy."""
    found: list[bool] = []
    for info in infos:
        inner = getattr(info, "typer_instance", None)
        if inner is None:
            found.append(info.callback is not None and not inspect.signature(info.callback).parameters)
        else:
            found += help_only(inner.registered_commands) + help_only(inner.registered_groups)
    return found


def help_only_after(args: list[str]) -> list[bool]:
    registered = app.registered_commands, app.registered_groups
    try:
        only_the_command(args, {})
        return help_only(app.registered_commands) + help_only(app.registered_groups)
    finally:
        app.registered_commands, app.registered_groups = registered


@pytest.mark.parametrize(
    "args",
    [[], ["--help"], ["-h"], ["--version"], ["-C", "/tmp"], ["renk"], ["-C", "/tmp", "--help", "rank"]],
)
def test_help_version_and_unknown_names_see_every_command_as_a_help_only_copy(args: list[str]) -> None:
    everything = names_after([])
    assert len(everything[0]) > 10
    assert names_after(args) == everything
    assert not any(help_only(app.registered_commands) + help_only(app.registered_groups))
    assert not any(help_only_after(["-C", "/tmp", "--", "rank"]))
    shown = help_only_after(args)
    assert len(shown) > 20 and all(shown)


def test_a_group_without_a_command_lists_its_commands_as_help_only() -> None:
    assert help_only_after(["review", "--help"]) == [True, True, True]
    assert help_only_after(["review"]) == help_only_after(["review", "-h"]) == [True, True, True]
    assert help_only_after(["review", "nosuch"]) == [True, True, True]
    assert help_only_after(["review", "--bogus"]) == [False, False, False]
    assert help_only_after(["review", "due", "--help"]) == [False]
    assert all(help_only_after(["session", "-h"]))


def test_completion_sees_every_command() -> None:
    assert names_after(["rank"], {"_BACKLOGCTL_COMPLETE": "complete_bash"}) == names_after([])


HELP_PAGES = [
    ["--help"],
    ["-h"],
    [],
    ["-C", "/tmp", "--help", "rank"],
    ["review"],
    ["review", "-h"],
    ["session", "--help"],
]


@pytest.mark.parametrize(
    "args",
    [
        ["-C", str(EXAMPLE), "rank", "--top", "3", "--format", "json"],
        ["-C", str(EXAMPLE), "--", "rank", "--top", "1", "--format", "json"],
        ["rank", "--help"],
        ["-C", str(EXAMPLE), "rank", "--bogus"],
        ["review", "--help"],
        ["review", "due", "--help"],
        ["review", "nosuch"],
        ["review", "--bogus"],
        ["renk"],
        ["--version"],
        ["-C", str(EXAMPLE)],
        *HELP_PAGES,
    ],
)
def test_the_console_script_answers_as_the_whole_app(args: list[str]) -> None:
    """The console script (one command registered) prints what the app with every command prints."""
    answers_alike(args, {"NO_COLOR": "1", "COLUMNS": "100", "BACKLOGCTL_NO_CACHE": "1"})


WHOLE_APP = (
    "import sys\n"
    "import backlogctl.cli\n"
    "sys.modules['backlogctl.cli.app'].only_the_command = lambda args, environ: None\n"
    "from backlogctl.__main__ import main\n"
    f"sys.argv[0] = {SCRIPT!r}\n"
    "main()\n"
)
"""The console script's own entry point with every command registered as it is (no help-only copies)."""


@pytest.mark.parametrize("args", HELP_PAGES)
@pytest.mark.parametrize(
    "environ", [{"COLUMNS": "60"}, {"COLUMNS": "200"}, {"NO_COLOR": "1", "COLUMNS": "47"}]
)
def test_help_pages_are_the_whole_apps_at_any_width(args: list[str], environ: dict[str, str]) -> None:
    """Through the same entry point (NO_COLOR and streams alike), help-only copies draw the same page."""
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "COLUMNS")}
    env.update(environ)
    script = subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env)
    whole = subprocess.run([sys.executable, "-c", WHOLE_APP, *args], capture_output=True, text=True, env=env)
    assert (script.returncode, script.stdout, script.stderr) == (whole.returncode, whole.stdout, whole.stderr)
    assert "Commands" in script.stdout + script.stderr


def answers_alike(args: list[str], environ: dict[str, str]) -> None:
    script = subprocess.run([SCRIPT, *args], capture_output=True, text=True, env={**os.environ, **environ})
    whole = CliRunner().invoke(app, args, env=environ)
    assert script.returncode == whole.exit_code
    assert script.stdout == whole.stdout
    assert script.stderr == whole.stderr
