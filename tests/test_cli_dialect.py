"""One dialect on every command: help in words, no escape sequences under NO_COLOR, -o, versioned JSON.

The command list is walked from the typer app, so commands added later are
checked without touching this file.
"""

from __future__ import annotations

import contextlib
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from backlogctl.cli import app
from tests.helpers import EXAMPLE, init_repo

PYTHON_TYPES = re.compile(r"<[A-Za-z_.|\[\], ]+>|\blist\[|\b(?:NoneType|Optional\[|typing\.)")
ESCAPE = re.compile(r"\x1b|\x9b")


def command_paths(command: object | None = None, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and sub-command of the app, as the words that invoke it."""
    command = command if command is not None else typer.main.get_command(app)
    subs = getattr(command, "commands", {})
    if prefix:
        yield prefix
    for name, sub in sorted(subs.items()):
        if not getattr(sub, "hidden", False):
            yield from command_paths(sub, (*prefix, name))


def leaf_commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    leaves = []
    for path in command_paths():
        node = root
        for word in path:
            node = node.commands[word]  # type: ignore[attr-defined]
        if not getattr(node, "commands", None):
            leaves.append(path)
    return leaves


def test_the_walk_finds_the_commands_of_the_contract() -> None:
    found = {" ".join(path) for path in command_paths()}
    assert {"init", "new", "list", "show", "set", "lint", "rank", "history", "changes", "report"} <= found
    assert {"review due", "review mark", "review close", "schema"} <= found


@pytest.mark.parametrize("path", [(), *command_paths()], ids=lambda p: " ".join(p) or "backlogctl")
def test_help_has_no_python_type_names(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    found = PYTHON_TYPES.findall(result.output)
    assert not found, f"{' '.join(path)} --help shows {found}:\n{result.output}"


def _in_pty(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 20.0
) -> tuple[int | None, bytes]:
    """Run ``backlogctl ARGS`` with stdin, stdout and stderr on a pseudo-terminal; (exit code, all output)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "backlogctl", *args],
        cwd=cwd,
        env=env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        close_fds=True,
    )
    os.close(follower)
    # End of input at once: a prompt, an editor or a server waiting on stdin (mcp) gets EOF and stops.
    with contextlib.suppress(OSError):
        os.write(leader, b"\x04\x04")
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    if process.poll() is None:  # a command that waits for input (an MCP server, a prompt)
        process.kill()
    process.wait()
    os.close(leader)
    return process.returncode, output


# Arguments that make a command do real work on the example backlog; a command
# added later without an entry here runs with its required arguments as "AI-1".
SAMPLE_ARGS: dict[str, list[str]] = {
    "init": ["fresh"],
    "new": ["A title with \x1b]52;c;Y2xpcA==\x07 in it"],
    "set": ["AI-1", "owner=mallory\x1b[2J"],
    "unset": ["AI-1", "tags"],
    "show": ["AI-1"],
    "history": ["AI-1"],
    "review mark": ["AI-1"],
    "renumber": ["AI-2"],
    "import": ["missing.csv"],
}


def _sample(path: tuple[str, ...]) -> list[str]:
    key = " ".join(path)
    if key in SAMPLE_ARGS:
        return SAMPLE_ARGS[key]
    root = typer.main.get_command(app)
    node = root
    for word in path:
        node = node.commands[word]  # type: ignore[attr-defined]
    required = [p for p in node.params if getattr(p, "param_type_name", "") == "argument" and p.required]
    return ["AI-1" for _ in required]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example backlog in git, with one hostile title committed."""
    folder = tmp_path_factory.mktemp("dialect") / "ai-lab"
    shutil.copytree(EXAMPLE, folder)
    item = next((folder / "items").glob("AI-1-*.yaml"))
    text = item.read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    item.write_text(
        text.replace(title_line, 'title: "Feature store \\e[8mhidden\\e[0m \\e]52;c;eA==\\a"'), "utf-8"
    )
    return init_repo(folder, "start \x1b[2J the backlog")


@pytest.mark.slow
@pytest.mark.parametrize("path", leaf_commands(), ids=" ".join)
def test_no_escape_sequences_under_no_color_on_a_terminal(path: tuple[str, ...], lab: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color", "COLUMNS": "100"}
    env.update({"EDITOR": "true", "VISUAL": "true", "PYTHONIOENCODING": "utf-8"})
    env.pop("FORCE_COLOR", None)
    for args in ([*path, "--help"], ["-C", str(lab), *path, *_sample(path)]):
        code, output = _in_pty(args, lab.parent, env)
        assert b"Traceback" not in output, output.decode("utf-8", "replace")
        found = ESCAPE.findall(output.decode("utf-8", "replace"))
        assert not found, f"backlogctl {' '.join(args)} (exit {code}) wrote escapes:\n{output!r}"


@pytest.mark.slow
def test_a_terminal_without_no_color_gets_colour_but_never_data_escapes(lab: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    code, output = _in_pty(["-C", str(lab), "list"], lab.parent, env)
    assert code == 0, output
    text = output.decode("utf-8", "replace")
    assert "\x1b[" in text  # styled: the terminal wants colour
    assert "\x1b]52" not in text
    assert "\x1b[8m" not in text
    assert "\\x1b]52" in text  # the title's escape is shown, not obeyed


def test_human_output_answers_to_both_table_and_text(run: object, example: Path) -> None:
    runner = CliRunner()
    for args in (["rank", "--format", "text"], ["show", "AI-1", "--format", "table"], ["list", "-f", "TEXT"]):
        result = runner.invoke(app, ["-C", str(example), *args])
        assert result.exit_code == 0, result.output
    wrong = runner.invoke(app, ["-C", str(example), "list", "--format", "yaml"])
    assert wrong.exit_code == 2
    assert "'yaml' is not one of table, json, csv" in wrong.output


@pytest.mark.parametrize(
    "args",
    [["list"], ["rank"], ["show", "AI-1"], ["lint"], ["review", "due"]],
    ids=" ".join,
)
def test_every_json_output_carries_version_1(args: list[str], example: Path) -> None:
    import json

    result = CliRunner().invoke(app, ["-C", str(example), *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["version"] == 1


@pytest.mark.parametrize(
    "args", [["list"], ["rank", "--format", "csv"], ["show", "AI-1"], ["schema"]], ids=" ".join
)
def test_minus_o_writes_the_document_instead_of_stdout(
    args: list[str], example: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.txt"
    runner = CliRunner()
    printed = runner.invoke(app, ["-C", str(example), *args])
    written = runner.invoke(app, ["-C", str(example), *args, "-o", str(target)])
    assert written.exit_code == 0, written.output
    assert written.stdout == ""
    assert target.read_text(encoding="utf-8") == printed.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [["rank"], ["list"]], ids=" ".join)
def test_a_60_column_terminal_cuts_titles_never_ids(args: list[str], example: Path) -> None:
    import fcntl
    import struct
    import termios

    from backlogctl import backlog as backlog_module

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 60, 0, 0))
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "60", "TERM": "xterm-256color"}
    process = subprocess.Popen(
        [sys.executable, "-m", "backlogctl", "-C", str(example), *args],
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(leader)
    lines = output.decode("utf-8").replace("\r\n", "\n").splitlines()
    table = [line for line in lines if re.match(r"^\s*(\d+\s+)?AI-\d+\s", line)]
    assert table, lines
    assert all(len(line) <= 60 for line in table), [line for line in table if len(line) > 60]
    shown = {re.search(r"AI-\d+", line).group() for line in table}  # type: ignore[union-attr]
    items = backlog_module.load(example).items
    expected = (
        {i.id for i in items}
        if args == ["list"]
        else {i.id for i in items if i.status in ("proposed", "ready")}
    )
    assert expected - shown <= {"AI-15"}, expected - shown  # AI-15 is never ranked (unacceptable risk)
    assert any(line.rstrip().endswith("…") or "…" in line for line in table)  # titles were cut
