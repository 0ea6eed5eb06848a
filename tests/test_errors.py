"""Errors: structured fields, one line per expected error, exit 3 for a bug."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backlogctl import store
from backlogctl.errors import EXIT_BUG, InputError

# Runs the real console entry point with one core function broken on purpose.
_FORCED_BUG = """
import sys
from backlogctl import query
def broken(*args, **kwargs):
    raise ZeroDivisionError("forced for the test")
query.select = broken
from backlogctl.cli import main
sys.argv = ["backlogctl", "-C", sys.argv[1], "list"]
main()
"""


def _forced(backlog: Path, debug: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "BACKLOGCTL_DEBUG"}
    if debug is not None:
        env["BACKLOGCTL_DEBUG"] = debug
    return subprocess.run(
        [sys.executable, "-c", _FORCED_BUG, str(backlog)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_an_unexpected_exception_exits_3_with_one_line(backlog: Path) -> None:
    done = _forced(backlog, None)
    assert done.returncode == EXIT_BUG
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "ZeroDivisionError: forced for the test" in lines[0]
    assert "please report it" in lines[0]
    assert "Traceback" not in done.stderr


def test_backlogctl_debug_shows_the_traceback(backlog: Path) -> None:
    done = _forced(backlog, "1")
    assert done.returncode == EXIT_BUG
    assert "Traceback (most recent call last)" in done.stderr
    assert done.stderr.rstrip().splitlines()[-1].startswith("error: internal error (ZeroDivisionError")


@pytest.mark.parametrize(
    ("text", "kind", "line", "column"),
    [
        ("id: AI-1\ntitle: [unclosed\n", "yaml-syntax", 3, 1),
        ("- a\n- b\n", "not-a-mapping", 1, 1),
        ("id: AI-1\ncreated: 2026-13-40\n", "bad-value", 2, 1),
        ("id: AI-1\n<<<<<<< HEAD\n", "merge-conflict", 2, 1),
    ],
)
def test_read_errors_carry_kind_line_and_column(
    tmp_path: Path, text: str, kind: str, line: int, column: int
) -> None:
    path = tmp_path / "AI-1-x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        store.load_mapping(path)
    assert caught.value.kind == kind
    assert caught.value.line == line
    assert caught.value.column == column
    assert caught.value.path == path


def test_an_encoding_error_is_its_own_kind(tmp_path: Path) -> None:
    path = tmp_path / "AI-1-x.yaml"
    path.write_bytes(b"id: AI-1\ntitle: M\xfcller\n")
    with pytest.raises(InputError) as caught:
        store.load_mapping(path)
    assert caught.value.kind == "encoding"
    assert caught.value.line == 2


def test_the_location_is_shown_as_path_line_column() -> None:
    error = InputError("invalid YAML: boom", path="items/a.yaml", line=3, column=7)
    assert str(error) == "items/a.yaml:3:7: invalid YAML: boom"


def test_a_hint_given_apart_is_a_field_and_part_of_the_message() -> None:
    from backlogctl.errors import GitError

    error = GitError("a; b is not a repository", hint="run git init", path="items")
    assert (error.problem, error.hint) == ("a; b is not a repository", "run git init")
    assert error.message == "a; b is not a repository; run git init"
    assert str(error) == "items: a; b is not a repository; run git init"
    whole = GitError("no hint; one text")
    assert (whole.problem, whole.hint, whole.message) == ("no hint; one text", None, "no hint; one text")
