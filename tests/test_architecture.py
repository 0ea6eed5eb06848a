"""The architecture of PRODUCT.md, checked: who may import what, and a fast start."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "backlogctl"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _owner(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


@pytest.mark.parametrize(
    ("library", "owners"),
    [
        ("ruamel", {"store"}),
        ("git", {"history"}),
        ("typer", {"cli"}),
        ("rich", {"render", "cli"}),
        ("jinja2", {"render"}),
    ],
)
def test_only_the_owner_imports(library: str, owners: set[str]) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _modules()
        if library in _imports(path) and _owner(path) not in owners
    ]
    assert offenders == []


def _starts_git(node: ast.AST) -> bool:
    """A call whose command is git: ``run(["git", ...])``, ``Popen(("git", ...))``, ``which("git")``."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    first = node.args[0]
    if isinstance(first, ast.List | ast.Tuple) and first.elts:
        first = first.elts[0]
    return isinstance(first, ast.Constant) and first.value == "git"


def test_only_history_runs_git() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in _modules()
        if _owner(path) != "history"
        and any(_starts_git(node) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    ]
    assert offenders == []


def test_the_git_check_sees_a_git_call() -> None:
    assert _starts_git(ast.parse('subprocess.run(["git", "log"])').body[0].value)  # type: ignore[attr-defined]
    assert not _starts_git(ast.parse('f(["gitx"])').body[0].value)  # type: ignore[attr-defined]


HEAVY = ("pydantic", "ruamel", "git", "jinja2", "mcp", "python_calamine", "openpyxl", "highspy", "numpy")


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_start_up_imports_nothing_heavy(args: list[str]) -> None:
    # typer itself renders --help with rich; everything of ours waits for a command.
    code = (
        "import sys\n"
        "from backlogctl.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


@pytest.mark.parametrize("args", [["plan", "--help"], ["calibrate", "--help"]])
def test_plan_help_does_not_import_the_solver(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from backlogctl.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('SOLVER', [m for m in ('highspy', 'numpy') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "SOLVER []" in out
