"""Shared fixtures: temporary backlogs, a CLI runner, real git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from backlogctl.cli import app
from backlogctl.render import console

# Property tests: derandomized and without an example database in CI (CI=true),
# so a green run is repeatable; a deep run with many examples on demand
# (HYPOTHESIS_PROFILE=deep); hypothesis' own defaults otherwise.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("deep", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default"))

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "ai-lab"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.org",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.org",
    "GIT_AUTHOR_DATE": "2026-11-01T10:00:00+00:00",
    "GIT_COMMITTER_DATE": "2026-11-01T10:00:00+00:00",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


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


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


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


def new(run: Callable[..., Result], title: str, *extra: str) -> tuple[str, Path]:
    """Create an item through `backlogctl new`; its id and backlog-relative path."""
    result = run("new", title, "--kind", "new", "--owner", "anna", *extra)
    assert result.exit_code == 0, result.output
    item_id, path = result.stdout.strip().split("\t")
    return item_id, Path(path)


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


def git(cwd: Path, *args: str, date: str | None = None, author: str | None = None) -> str:
    """Run git in ``cwd`` with the fixed test identity (or ``author`` "Name <mail>")."""
    env = {**os.environ, **GIT_ENV}
    if date is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    if author is not None:
        name, _, mail = author.partition(" <")
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = name
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = mail.rstrip(">")
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def git_backlog(backlog: Path) -> Iterator[Path]:
    """The empty backlog as a git repository with one initial commit."""
    git(backlog, "init", "-q", "-b", "main")
    git(backlog, "add", "-A")
    git(backlog, "commit", "-q", "-m", "init backlog")
    yield backlog
