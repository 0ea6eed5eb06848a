"""The second bad-input catalogue: each class fixed at its root, tried as a hostile
repository or a careless team would (docs/bad-input.md, "The second catalogue").

- nothing is read outside the backlog (template, configuration, items folder);
- one bad file never takes the backlog down (wrong shapes, huge numbers, tags,
  infinities, link loops);
- a green lint means the backlog was checked (no items folder, unreadable or
  misnamed files are errors, never "0 files checked");
- init writes what it validated, or nothing;
- Ctrl-C, even during start-up, is one line and exit 130.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import Result, without_privileges

ITEM = "items/AI-3-churn-prediction-for-b2b-contract-custom.yaml"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and ".git" not in p.parts
    }


def _replace_line(path: Path, key: str, value: str) -> None:
    """Set a top-level key to ``value`` (YAML text), dropping a block value it had; append if absent."""
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    for number, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            end = number + 1
            while end < len(lines) and lines[end].startswith((" ", "-")):
                end += 1
            lines[number:end] = [f"{key}: {value}"]
            break
    else:
        lines.append(f"{key}: {value}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "hosts.yml"
    path.parent.mkdir()
    path.write_text("oauth_token: gho_SECRET\n", encoding="utf-8")
    return path


# --- nothing is read or written outside the backlog ---------------------------------------


def test_a_template_linked_out_of_the_backlog_is_refused(
    run: Callable[..., Result], backlog: Path, secret: Path
) -> None:
    (backlog / "templates").mkdir()
    (backlog / "templates" / "item.yaml").symlink_to(secret)
    before = _files(backlog)
    result = run("new", "Churn model", "--kind", "new", "--owner", "anna")
    assert result.exit_code == 2
    assert "templates/item.yaml: is a link to" in result.stderr
    assert "outside the backlog" in result.stderr
    assert "gho_SECRET" not in result.output
    assert _files(backlog) == before


def test_an_items_folder_linked_out_of_the_backlog_is_refused(
    run: Callable[..., Result], backlog: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (backlog / "items").rmdir() if not any((backlog / "items").iterdir()) else None
    for child in list((backlog / "items").iterdir()):
        child.unlink()
    (backlog / "items").rmdir()
    (backlog / "items").symlink_to(elsewhere)
    for args in (["list"], ["lint"], ["new", "X", "--kind", "new", "--owner", "anna"]):
        result = run(*args)
        assert result.exit_code == 2, args
        assert "backlog.yaml" in result.stderr
        assert "outside the backlog" in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_a_configuration_linked_out_of_the_backlog_is_refused(
    run: Callable[..., Result], backlog: Path, secret: Path
) -> None:
    (backlog / "backlog.yaml").unlink()
    (backlog / "backlog.yaml").symlink_to(secret)
    result = run("list")
    assert result.exit_code == 2
    assert "outside the backlog" in result.stderr
    assert "gho_SECRET" not in result.output


# --- one bad file never takes down the backlog ---------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("status", "[ready]", "status"),
        ("notes", "9" * 5000, "more than 18 digits"),
        ("notes", "-" + "9" * 30, "more than 18 digits"),
        ("notes", "!!binary aGk=", "binary data (!!binary)"),
        ("notes", "!!set {a, b}", "a set (!!set)"),
        ("notes", ".inf", "infinite or not-a-number"),
        ("notes", "1e400", "infinite or not-a-number"),
        ("notes", ".nan", "infinite or not-a-number"),
    ],
)
def test_one_file_with_a_value_no_item_can_hold_is_reported_and_the_rest_works(
    run: Callable[..., Result], example: Path, key: str, value: str, says: str
) -> None:
    _replace_line(example / ITEM, key, value)
    before = _files(example)
    lint = run("-C", str(example), "lint", "--format", "json")
    assert lint.exit_code == 1
    assert says in lint.stdout
    assert ITEM in lint.stdout
    for args in (["list"], ["rank"], ["rank", "--format", "json"], ["report", "--format", "markdown"]):
        result = run("-C", str(example), *args)
        assert result.exit_code in (0, 1), args
        assert "internal error" not in result.output
    assert run("-C", str(example), "lint", "items/AI-4-spare-parts-demand-forecast.yaml").exit_code == 0
    assert _files(example) == before


def test_an_infinite_weight_is_a_configuration_error(run: Callable[..., Result], example: Path) -> None:
    config = example / "backlog.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("weight: 0.35", "weight: .inf"), encoding="utf-8"
    )
    result = run("-C", str(example), "rank", "--model", "urgency")
    assert result.exit_code == 2
    assert "backlog.yaml:" in result.stderr.split()[1]
    assert "infinite or not-a-number" in result.stderr


@pytest.mark.parametrize("link", ["loop-to-itself", "loop-between", "dangling"])
def test_a_link_loop_in_the_items_folder_ends(run: Callable[..., Result], example: Path, link: str) -> None:
    items = example / "items"
    if link == "loop-to-itself":
        (items / "loop").symlink_to(".")
    elif link == "loop-between":
        (items / "sub").mkdir()
        (items / "sub" / "back").symlink_to("../sub")
        (items / "a").symlink_to("b")
        (items / "b").symlink_to("a")
    else:
        (items / "gone.yaml").symlink_to("nowhere.yaml")
    listed = run("-C", str(example), "list", "--format", "json")
    assert listed.exit_code == 0
    assert listed.stdout.count('"id": "AI-3"') == 1  # each real folder is listed once
    lint = run("-C", str(example), "lint")
    assert lint.exit_code in (0, 1)
    if link != "loop-to-itself":
        assert "loops or points nowhere" in lint.stdout


# --- a green lint means the backlog was checked --------------------------------------------


def test_a_mistyped_items_dir_is_an_error_not_a_green_lint(run: Callable[..., Result], example: Path) -> None:
    _replace_line(example / "backlog.yaml", "items_dir", "itmes")
    result = run("-C", str(example), "lint")
    assert result.exit_code == 2
    assert "'itmes' (items_dir) does not exist" in result.stderr


def test_items_dir_naming_a_file_is_an_error(run: Callable[..., Result], example: Path) -> None:
    _replace_line(example / "backlog.yaml", "items_dir", "backlog.yaml")
    result = run("-C", str(example), "list")
    assert result.exit_code == 2
    assert "is a file, not a folder" in result.stderr
    assert "backlog.yaml:" in result.stderr.split()[1]


def test_an_item_file_with_an_upper_case_extension_is_reported(
    run: Callable[..., Result], example: Path
) -> None:
    (example / ITEM).rename(example / ITEM.replace(".yaml", ".YAML"))
    result = run("-C", str(example), "lint")
    assert result.exit_code == 1
    assert "rename this .YAML file" in result.stdout


def test_a_sub_folder_that_cannot_be_listed_is_an_error_even_as_root(example: Path) -> None:
    # As root the check ran as a process without capabilities (helpers.without_privileges):
    # root with CAP_DAC_READ_SEARCH lists every folder, so the case was never really tried.
    sub = example / "items" / "archive"
    sub.mkdir()
    (example / ITEM).rename(sub / Path(ITEM).name)
    sub.chmod(0o000)
    try:
        done = without_privileges(example, "lint", "--format", "json")
        listed = without_privileges(example, "list", "--format", "json")
    finally:
        sub.chmod(0o755)
    assert done.returncode == 1, done.stdout + done.stderr
    problems = [p for p in json.loads(done.stdout)["problems"] if p["path"] == "items/archive"]
    assert [(p["rule"], p["severity"]) for p in problems] == [("unreadable", "error")], done.stdout
    assert problems[0]["message"] == "cannot list this folder (Permission denied); its items are not checked"
    assert listed.returncode == 0, listed.stderr
    assert "AI-3" not in [item["id"] for item in json.loads(listed.stdout)["items"]]
    assert "not valid and not listed" in listed.stderr


# --- init validates before it writes --------------------------------------------------------


@pytest.mark.parametrize("name", ["Lab: AI", "#1 lab", 'it\'s "quoted" {x}', "- dash", "yes"])
def test_init_writes_any_one_line_name_so_that_it_loads(
    run: Callable[..., Result], tmp_path: Path, name: str
) -> None:
    folder = tmp_path / "new-lab"
    assert run("init", str(folder), "--name", name, cwd=tmp_path).exit_code == 0
    from backlogctl import config

    assert config.load(folder).config.name == name
    assert (folder / "items" / ".gitkeep").exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--name", "two\nlines"], "--name must be one line"),
        (["--prefix", "ai"], "--prefix 'ai'"),
        (["--prefix", "A-I"], "--prefix 'A-I'"),
    ],
)
def test_init_refuses_values_that_would_not_load_and_writes_nothing(
    run: Callable[..., Result], tmp_path: Path, args: list[str], says: str
) -> None:
    folder = tmp_path / "new-lab"
    result = run("init", str(folder), *args, cwd=tmp_path)
    assert result.exit_code == 2
    assert says in result.stderr
    assert not folder.exists()


def test_init_on_a_file_or_where_it_cannot_write_is_one_line(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    on_file = run("init", str(afile), cwd=tmp_path)
    assert on_file.exit_code == 2
    assert "is a file, not a folder" in on_file.stderr
    in_proc = run("init", "/proc/backlogctl-test", cwd=tmp_path)
    assert in_proc.exit_code == 2
    assert "cannot create the folder" in in_proc.stderr


# --- Ctrl-C -----------------------------------------------------------------------------------

INTERRUPT_DURING_IMPORT = """
import builtins, os, signal
real = builtins.__import__
def hook(name, *args, **kwargs):
    if name == "typer":
        builtins.__import__ = real
        os.kill(os.getpid(), signal.SIGINT)
    return real(name, *args, **kwargs)
builtins.__import__ = hook
from backlogctl.__main__ import main
main()
"""


def test_ctrl_c_during_start_up_is_one_line_and_exit_130(tmp_path: Path) -> None:
    """A real SIGINT, delivered while the CLI's modules are being imported."""
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPT_DURING_IMPORT, "--version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=60,
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr == "error: interrupted\n"
    assert signal.SIGINT == 2  # the number behind 128 + 2
