"""Shared fixtures: temporary backlogs, a CLI runner, real git repositories.

Hypothesis profiles (registered here, loaded by name):

- ``ci``: loaded when ``CI=true``; derandomized (the same examples on every
  run) and without the example database, so CI is deterministic.
- ``deep``: many more examples, for a long local run:
  ``pytest --hypothesis-profile=deep -m "not browser"`` (see README).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from backlogctl.cli import app
from backlogctl.render import console
from tests.helpers import DEEP_EXAMPLES, EXAMPLE, GIT_ENV, Result, init_repo

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("deep", max_examples=DEEP_EXAMPLES)
if os.environ.get("CI", "").lower() == "true":
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Fixed terminal, no colour, git identity and dates, a private cache."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ".cache"))
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    console.reset()


@pytest.fixture
def run(backlog: Path) -> Callable[..., Result]:
    """Run ``backlogctl -C <backlog> ARGS`` in-process; print the output when a test fails."""

    def invoke(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
        console.reset()
        runner = CliRunner()
        where = str(cwd if cwd is not None else backlog)
        outcome = runner.invoke(app, ["-C", where, *args], input=input, catch_exceptions=True)
        stderr = outcome.stderr if outcome.stderr_bytes is not None else ""
        result = Result(outcome.exit_code, outcome.stdout, stderr)
        print(f"$ backlogctl {' '.join(args)}  (exit {result.exit_code})\n{result.output}")
        if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
            raise outcome.exception
        return result

    return invoke


@pytest.fixture
def backlog(tmp_path: Path) -> Path:
    """An empty backlog made by the code under test's own `init`."""
    from backlogctl import authoring

    folder = tmp_path / "backlog"
    authoring.init(folder, name="Test lab")
    return folder


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of examples/ai-lab."""
    target = tmp_path / "ai-lab"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture
def git_backlog(backlog: Path) -> Iterator[Path]:
    """The empty backlog as a git repository with one initial commit."""
    yield init_repo(backlog, "init backlog")
