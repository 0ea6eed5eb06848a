"""Output is safe for where it goes: terminals, Markdown renderers, spreadsheets, files (issue 11).

docs/bad-input.md ("Output") lists the same cases with what the user sees.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.helpers import Result, git

HOSTILE_TITLE = "Churn <img src=x onerror=alert(1)> \x1b]52;c;cHduZWQ=\x07 \x1b[2J \x1b[8mhidden\x1b[0m"
FORMULA_OWNER = '=HYPERLINK("http://evil.example","click")'


def _hostile(run: object, backlog: Path) -> None:
    """One item whose title, owner and tags carry terminal, HTML and spreadsheet payloads."""
    item = backlog / "items" / "AI-1-churn.yaml"
    item.write_text(
        "id: AI-1\n"
        f'title: "{HOSTILE_TITLE.encode("unicode_escape").decode().replace(chr(34), chr(92) + chr(34))}"\n'
        "kind: new\nstatus: proposed\n"
        f"owner: '{FORMULA_OWNER}'\n"
        "created: 2026-11-01\ndecision: Which customers to call\ndescription: A model\n"
        "tags: ['@SUM(1+1)', '-2+3', '+cmd']\n"
        "scores: {business_value: 8, feasibility: 4, effort: 3}\n",
        encoding="utf-8",
    )


def test_the_hostile_title_is_read_as_written(run, backlog: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    _hostile(run, backlog)
    shown = json.loads(run("show", "AI-1", "--format", "json").stdout)
    assert shown["item"]["title"] == HOSTILE_TITLE  # JSON keeps the data exact (escaped by JSON itself)


@pytest.mark.parametrize(
    "args", [["list"], ["show", "AI-1"], ["rank"], ["rank", "--explain"], ["lint"]], ids=" ".join
)
def test_human_output_carries_no_control_sequences_from_data(run, backlog: Path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    _hostile(run, backlog)
    result: Result = run(*args)
    assert "\x1b" not in result.output
    assert "\x07" not in result.output
    if args[0] in ("list", "show", "rank"):
        assert "\\x1b]52" in result.stdout  # shown, visibly, not obeyed


def test_commit_messages_and_authors_reach_the_terminal_escaped(run, git_backlog: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.helpers import new

    new(run, "Churn")
    git(git_backlog, "add", "-A")
    git(
        git_backlog,
        "commit",
        "-q",
        "-m",
        "add \x1b]52;c;eA==\x07 churn \x1b[2J",
        author="Eve \x1b[8m <eve@x.org>",
    )
    for args in (["history", "AI-1"], ["changes"], ["changes", "--format", "markdown"]):
        result: Result = run(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output
        assert "\x07" not in result.output


def _html(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


@pytest.mark.parametrize(
    "args",
    [["rank", "--format", "markdown"], ["rank", "--format", "markdown", "--explain"], ["report"]],
    ids=" ".join,
)
def test_markdown_shows_html_from_data_as_text(run, backlog: Path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    _hostile(run, backlog)
    result: Result = run(*args)
    assert result.exit_code == 0, result.output
    html = _html(result.stdout)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the reader sees the text
    assert "\x1b" not in result.stdout


def test_changes_markdown_shows_html_from_data_as_text(run, git_backlog: Path) -> None:  # type: ignore[no-untyped-def]
    git(git_backlog, "tag", "start")
    _hostile(run, git_backlog)
    git(git_backlog, "add", "-A")
    git(git_backlog, "commit", "-q", "-m", "hostile")
    result: Result = run("changes", "--since", "start", "--format", "markdown")
    assert result.exit_code == 0, result.output
    html = _html(result.stdout)
    assert "<img" not in html


def test_markdown_keeps_ordinary_text_readable() -> None:
    from backlogctl.render.text import markdown

    assert markdown("business_value +31.6, effort_weeks") == "business_value +31.6, effort_weeks"
    assert markdown("a | b") == "a \\| b"
    assert _html(markdown("_x_ *y* [l](javascript:alert(1)) <b>&amp;")).count("<em>") == 0
    assert "<a" not in _html(markdown("[l](javascript:alert(1)) <http://x>"))


@pytest.mark.parametrize("args", [["list", "--format", "csv"], ["rank", "--format", "csv"]], ids=" ".join)
def test_csv_cells_cannot_start_a_formula(run, backlog: Path, args: list[str]) -> None:  # type: ignore[no-untyped-def]
    _hostile(run, backlog)
    result: Result = run(*args)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    for row in rows[1:]:
        for cell in row:
            if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _number(cell)):
                pytest.fail(f"formula-like cell {cell!r} in {row}")
    if args[0] == "list":
        assert "'" + FORMULA_OWNER in rows[1]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_csv_keeps_negative_numbers_numbers() -> None:
    from backlogctl.render.text import csv_cell

    assert csv_cell("-3.5") == "-3.5"
    assert csv_cell(-3) == -3
    assert csv_cell("-2+3") == "'-2+3"
    assert csv_cell("@SUM(1)") == "'@SUM(1)"


# Output files ---------------------------------------------------------------


def test_minus_o_dev_null_writes_into_the_device_and_keeps_it(run, backlog: Path) -> None:  # type: ignore[no-untyped-def]
    before = os.stat("/dev/null")
    result: Result = run("list", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_rdev, after.st_ino) == (before.st_rdev, before.st_ino)


def test_minus_o_report_dev_null_keeps_the_device(run, backlog: Path) -> None:  # type: ignore[no-untyped-def]
    result: Result = run("report", "-o", "/dev/null")
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_minus_o_follows_a_symlink_and_keeps_it(run, backlog: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "real.md"
    target.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    result: Result = run("report", "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert target.read_text().startswith("# Test lab")


def test_minus_o_keeps_an_existing_files_mode(run, backlog: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "pack.html"
    target.write_text("old")
    target.chmod(0o600)
    result: Result = run("report", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("where", ["DIR", ".", "", "missing/pack.md"])
def test_minus_o_a_folder_or_nothing_is_one_line(run, backlog: Path, tmp_path: Path, where: str) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path) if where == "DIR" else where
    for args in (["report", "-o", path], ["list", "-o", path]):
        result: Result = run(*args)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("error: -o ")
        assert "Traceback" not in result.output


def test_minus_o_on_a_full_device_is_one_line(run, backlog: Path) -> None:  # type: ignore[no-untyped-def]
    result: Result = run("report", "-o", "/dev/full")
    assert result.exit_code == 2, result.output
    assert (
        result.stderr == "error: -o /dev/full: cannot write: No space left on device; nothing was written\n"
    )


def _file_size_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))


def test_a_disk_that_fills_during_the_write_leaves_the_old_file(backlog: Path, tmp_path: Path) -> None:
    target = tmp_path / "pack.md"
    target.write_text("the old pack\n")
    done = subprocess.run(
        [sys.executable, "-m", "backlogctl", "-C", str(backlog), "report", "-o", str(target)],
        capture_output=True,
        text=True,
        preexec_fn=_file_size_limit,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: -o {target}: cannot write: File too large")
    assert done.stderr.count("\n") == 1
    assert target.read_text() == "the old pack\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".pack")) == []


@pytest.mark.parametrize("args", [["lint"], ["rank"], ["list"], ["show", "AI-5"], ["report"]], ids=" ".join)
def test_a_terminal_that_cannot_show_unicode_gets_stand_ins(args: list[str], example: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "backlogctl", "-C", str(example), *args],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    if args != ["report"]:  # a document (Markdown) is UTF-8 by definition; click writes it so
        done.stdout.decode("ascii")  # every byte is ASCII
    if args == ["lint"]:
        assert done.stdout.decode().startswith("ok ")
    if args == ["rank"]:
        assert b"<- AI-5" in done.stdout
