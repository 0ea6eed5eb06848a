"""`history ID` starts git's walk before typer is imported, and never changes an answer by it.

`backlogctl.__main__` reads ``[-C DIR] history ID [OPTIONS]`` from the
command line itself and starts the walk; the command takes it only for the
same folder and id. These tests check the guess against typer's own parsing
of the same words, run the console script as a real process (the answers
are the in-process ones, the walk was started before the command line was
parsed), and check that a walk nobody takes leaves no git running.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from backlogctl import __main__ as entry
from backlogctl.cli import app
from backlogctl.history import early
from tests.helpers import script_history

Guess = tuple[str | None, str] | None
"""The folder (None: the current one) and id the guess should find, or None."""
WORDS = ["history", "AI-1", "AI-2", "ai-3", "--format", "json", "-f", "text", "-o", "out.txt"]
WORDS += ["--output=o.txt", "--format=json", "-C", "elsewhere", "--help", "--", "-x", "show", "-", "x y"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["history", "AI-1"], (None, "AI-1")),
        (["history", "--format", "json", "AI-7"], (None, "AI-7")),
        (["history", "AI-7", "-f", "json", "-o", "out.json"], (None, "AI-7")),
        (["history", "--format=json", "ai-2"], (None, "ai-2")),
        (["-C", "some/dir", "history", "AI-3"], ("some/dir", "AI-3")),
        (["history"], None),
        (["history", "AI-1", "AI-2"], None),
        (["history", "AI-1", "--help"], None),
        (["history", "--", "AI-1"], None),
        (["show", "AI-1"], None),
        (["-C", "history", "AI-1"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_guess_reads_only_the_plain_forms(argv: list[str], expected: Guess) -> None:
    found = entry.history_asked(argv)
    if expected is None:
        assert found is None
        return
    folder, item_id = expected
    assert found == (Path(folder) if folder else Path.cwd(), item_id)


@settings(deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=7))
def test_the_guess_is_what_typer_parses(argv: list[str]) -> None:
    """Whenever the guess names a folder and id, the command asks for exactly those."""
    guess = entry.history_asked(argv)
    asked: list[tuple[Path, str]] = []

    def recorded(start: Path, item_id: str) -> None:
        asked.append((start, item_id))
        raise SystemExit(0)

    from backlogctl.usecases import audit

    original = audit.item_history
    audit.item_history = recorded  # type: ignore[assignment]
    try:
        CliRunner().invoke(app, argv, catch_exceptions=True)
    finally:
        audit.item_history = original  # type: ignore[assignment]
    if guess is not None and asked:
        assert asked == [guess]
    if argv[:2] == ["history", "AI-1"] and len(argv) == 2:
        assert guess is not None  # the common form is read (so the property above is not empty)


def _processes_in(folder: Path) -> list[int]:
    """Processes running with ``folder`` as their working folder."""
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if Path(os.readlink(proc / "cwd")) == folder:
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _python(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in ``folder``, with ``env`` over this environment."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def _console(folder: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return _python(folder, "-m", "backlogctl", *args, env=env)


@pytest.fixture
def history_backlog(git_backlog: Path) -> Path:
    script_history(git_backlog)
    return git_backlog


@pytest.fixture
def slow_git(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``git`` is real git, except that a ``log`` first waits a minute."""
    folder = tmp_path / "slow-git"
    folder.mkdir()
    real = shutil.which("git")
    wrapper = folder / "git"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, sys, time\n"
        "if 'log' in sys.argv[1:]:\n"
        "    time.sleep(60)\n"
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n",
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}", "BACKLOGCTL_NO_CACHE": "1"}


def test_the_console_script_answers_as_the_command_does(history_backlog: Path, run: Any) -> None:
    for item_id in ("AI-1", "ai-2", "AI-99"):
        inside = run("history", item_id, "--format", "json")
        for args in (["history", item_id, "--format", "json"], ["-C", ".", "history", "-f", "json", item_id]):
            outside = _console(history_backlog, *args, env={"BACKLOGCTL_NO_CACHE": "1"})
            assert (outside.returncode, outside.stdout) == (inside.exit_code, inside.stdout)
            assert outside.stderr == inside.stderr


def test_the_walk_starts_before_the_command_line_is_parsed(history_backlog: Path) -> None:
    """The walk is the one started ahead: git's log runs before typer is imported, and only once."""
    code = (
        "import sys, subprocess\n"
        "from backlogctl.history import git\n"
        "seen = []\n"
        "start = git.Repo.start\n"
        "def recorded(self, *args, **kwargs):\n"
        "    seen.append((args[0], 'typer' in sys.modules))\n"
        "    return start(self, *args, **kwargs)\n"
        "git.Repo.start = recorded\n"
        "sys.argv = ['backlogctl', 'history', 'AI-1']\n"
        "from backlogctl.__main__ import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    sys.stderr.write(repr(seen))\n"
    )
    done = _python(history_backlog, "-c", code, env={"BACKLOGCTL_NO_CACHE": "1"})
    assert done.returncode == 0, done.stderr
    seen = eval(done.stderr.splitlines()[-1])  # our own repr of (str, bool) pairs
    logs = [typer_loaded for command, typer_loaded in seen if command == "log"]
    assert logs == [False]  # one walk, started before typer was imported, and taken
    assert "AI-1" in done.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["history", "AI-1", "--format", "bogus"],  # typer refuses the option after the walk started
        ["history", "AI-1", "-f"],  # an option without its value
    ],
)
def test_a_walk_nobody_takes_leaves_no_git_running(
    history_backlog: Path, slow_git: dict[str, str], args: list[str]
) -> None:
    done = _console(history_backlog, *args, env=slow_git)
    assert done.returncode == 2, done.stderr
    assert _processes_in(history_backlog) == []  # the waiting "git log" was stopped, not left behind


def test_the_slow_git_is_seen_when_left_running(history_backlog: Path, slow_git: dict[str, str]) -> None:
    """What the test above looks for is there while a walk runs (so its check can fail)."""
    process = subprocess.Popen(["git", "log"], cwd=history_backlog, env={**os.environ, **slow_git})
    try:
        time.sleep(0.2)
        assert _processes_in(history_backlog) == [process.pid]
    finally:
        process.kill()
        process.wait()


def test_a_walk_for_another_id_is_stopped(history_backlog: Path) -> None:
    early.start_ahead(history_backlog, "AI-1")
    ahead = early._ahead
    assert ahead is not None
    started = ahead[2]
    assert started is not None
    assert early.start_item_walk(history_backlog, "AI-2") is None  # deleted at HEAD: nothing to walk
    assert not started.stream.running()
    assert early._ahead is None


NAME_PARTS = ["AI-1", "ai-1", "Ai-1", "AI-10", "AI-1x", "xAI-1", "AI-1.", "AI-1-", "a", "sub", "AI-2", "é"]
NAME_PARTS.append("AI-1-é")
Part = tuple[str, str]
ENDS = ["-x.yaml", ".yaml", "", "-a.yml", "/AI-1-z.yaml", "-AI-1-q.yaml"]


@given(
    st.lists(
        st.lists(st.tuples(st.sampled_from(NAME_PARTS), st.sampled_from(ENDS)), min_size=1, max_size=3),
        max_size=8,
    ),
    st.sampled_from(["ai-1", "ai-2", "ai-10"]),
)
def test_the_files_named_for_an_id_are_found_in_one_scan(parts: list[list[Part]], lead: str) -> None:
    """`early._named_in` finds what reading the listing name by name finds."""
    names = ["items/" + "/".join(part + end for part, end in name) for name in parts]
    listing = "\0".join(names).encode()
    starts = (f"{lead}-", f"{lead}.")
    expected = [name for name in names if name.rsplit("/", 1)[-1].lower().startswith(starts)]
    assert list(early._named_in(listing, lead.encode())) == expected


def test_an_interrupt_leaves_no_git_reading(history_backlog: Path, slow_git: dict[str, str]) -> None:
    """An interrupt between starting git and closing it (a SIGINT to backlogctl alone) stops that git too."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "import backlogctl.cli\n"
        "def run():\n"
        "    from backlogctl.history.git import Output, locate\n"
        "    Output(locate(Path('.')), 'log')  # started, never closed: the interrupt comes first\n"
        "    raise KeyboardInterrupt\n"
        "backlogctl.cli.main = run\n"
        "from backlogctl.__main__ import main\n"
        "main()\n"
    )
    done = _python(history_backlog, "-c", code, env=slow_git)
    assert (done.returncode, done.stderr) == (130, "error: interrupted\n")
    assert _processes_in(history_backlog) == []
