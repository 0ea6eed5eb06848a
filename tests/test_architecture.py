"""The architecture of PRODUCT.md, checked: who may import what, and a fast start."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import EXAMPLE

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "backlogctl"


def _imported(tree: ast.AST) -> set[str]:
    """Dotted modules a tree imports (``from backlogctl import x`` counts as ``backlogctl.x``)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "backlogctl":
                found.update(f"backlogctl.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
    return found


def _imports(path: Path) -> set[str]:
    """Top-level packages ``path`` imports."""
    return {name.split(".")[0] for name in _imported(ast.parse(path.read_text(encoding="utf-8")))}


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


def _loaded_after(args: list[str], modules: tuple[str, ...], env: dict[str, str] | None = None) -> list[str]:
    """Which of ``modules`` a fresh interpreter has imported after running ``backlogctl ARGS``."""
    code = (
        "import sys\n"
        "from backlogctl.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', [m for m in {modules!r} if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("LOADED "))
    return ast.literal_eval(line.removeprefix("LOADED "))  # type: ignore[no-any-return]


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_start_up_imports_nothing_heavy(args: list[str]) -> None:
    # typer itself renders --help with rich; everything of ours waits for a command.
    assert _loaded_after(args, HEAVY) == []


@pytest.mark.parametrize("args", [["plan", "--help"], ["calibrate", "--help"]])
def test_plan_help_does_not_import_the_solver(args: list[str]) -> None:
    assert _loaded_after(args, ("highspy", "numpy")) == []


def test_rank_imports_neither_the_report_nor_numpy() -> None:
    # The meeting pack's modules and NumPy (stability only) are a sixth of a 1,000-item rank.
    example = str(PACKAGE.parents[1] / "examples" / "ai-lab")
    assert _loaded_after(["-C", example, "rank"], ("backlogctl.report", "numpy", "git")) == []


ONE_ITEM_ENV = {
    **{name: value for name, value in os.environ.items() if name != "BACKLOGCTL_FAST_YAML"},
    "NO_COLOR": "1",
    "COLUMNS": "1000",
    "BACKLOGCTL_NO_CACHE": "1",
}
"""Output to a pipe, wide enough that the example's long descriptions need no wrapping; the fast
YAML reader on whatever the suite runs under (CI's second run sets BACKLOGCTL_FAST_YAML=0)."""


@pytest.mark.parametrize("fast_reader", ["on", "off"])
def test_show_imports_only_what_one_item_needs(fast_reader: str) -> None:
    # Issue 19: one-item commands do one item's work, start-up included. `show` reads one
    # file and prints it: no YAML editor (ruamel), no git, no stability draws or movement,
    # no lint, and no rich for a page that rich would print unchanged (plain ASCII to a pipe).
    # With the fast reader off (BACKLOGCTL_FAST_YAML=0) ruamel's safe loader is the only YAML
    # reader, so then, and only then, ruamel is read in (but still not the editor). Both states
    # are set here: inherited, the test failed only in CI's second run, which sets the variable.
    reader: tuple[str, ...] = () if fast_reader == "on" else ("ruamel",)
    env = {**ONE_ITEM_ENV, "BACKLOGCTL_FAST_YAML": "1" if fast_reader == "on" else "0"}
    unwanted = (
        "rich",
        *(() if reader else ("ruamel",)),
        "git",
        "backlogctl.store.edit",
        "backlogctl.scoring.stability",
        "backlogctl.scoring.draws",
        "backlogctl.scoring.movement",
        "backlogctl.scoring.ranking",
        "backlogctl.lint",
        "backlogctl.history",
    )
    shown = ("backlogctl.render.detail", "backlogctl.scoring.explain")  # it did show the item
    args = ["-C", str(EXAMPLE), "show", "AI-3"]
    assert _loaded_after(args, unwanted + reader + shown, env) == list(reader + shown)


def test_set_imports_only_what_one_item_needs(tmp_path: Path) -> None:
    # `set` edits with ruamel's parser events and checks the edit with lint; it prints one
    # line with typer: no rich, no git (without --commit), no stability, no renderers of pages.
    backlog = tmp_path / "lab"
    shutil.copytree(EXAMPLE, backlog)
    unwanted = (
        "rich",
        "git",
        "backlogctl.scoring.stability",
        "backlogctl.scoring.draws",
        "backlogctl.render.detail",
        "backlogctl.usecases.ranking",
    )
    args = ["-C", str(backlog), "set", "AI-3", "scores.effort=3"]
    assert _loaded_after(args, unwanted, ONE_ITEM_ENV) == []
    assert "effort: 3" in next((backlog / "items").glob("AI-3-*.yaml")).read_text(encoding="utf-8")


# --- The layers: a thin CLI over a core that knows nothing of the terminal ---

CORE_EXEMPT = {"cli", "agent", "render", "errors", "__init__", "__main__"}
"""Top-level parts of the package that are not the core: the adapters (cli, and agent for
MCP), the renderers, and errors (shared by every layer)."""


def _core_modules() -> list[Path]:
    return [path for path in _modules() if _owner(path) not in CORE_EXEMPT]


def _backlogctl_imports(tree: ast.AST) -> set[str]:
    """Dotted backlogctl modules a tree imports."""
    return {name for name in _imported(tree) if name.startswith("backlogctl.")}


def test_no_core_module_imports_the_terminal_layers() -> None:
    offenders = []
    for path in _core_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad = {m for m in _backlogctl_imports(tree) if m.split(".")[1] in ("cli", "render")}
        bad |= _imports(path) & {"typer", "rich", "click"}
        if bad:
            offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(bad)}")
    assert offenders == []


def _core_names(function: ast.FunctionDef) -> dict[str, str]:
    """Names bound inside ``function`` (and its module) to core modules or core functions."""
    names: dict[str, str] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "backlogctl":
                for alias in node.names:
                    if alias.name not in CORE_EXEMPT:
                        names[alias.asname or alias.name] = f"backlogctl.{alias.name}"
            elif node.module.startswith("backlogctl.") and node.module.split(".")[1] not in CORE_EXEMPT:
                for alias in node.names:
                    names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "backlogctl" and len(parts) > 1 and parts[1] not in CORE_EXEMPT:
                    names[alias.asname or alias.name] = alias.name
    return names


def _core_calls(function: ast.FunctionDef, module_names: dict[str, str]) -> list[str]:
    """Calls in ``function`` of a core function: ``history.resolve(...)``, ``rank(...)``."""
    names = {**module_names, **_core_names(function)}
    calls = []
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        chain = []
        while isinstance(target, ast.Attribute):
            chain.append(target.attr)
            target = target.value
        if isinstance(target, ast.Name) and target.id in names:
            calls.append(".".join([names[target.id], *reversed(chain)]))
    return calls


def _commands(tree: ast.Module) -> list[ast.FunctionDef]:
    """Functions registered as commands: decorated with a call (``@command("rank")``)."""
    return [
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any(isinstance(d, ast.Call) for d in node.decorator_list)
    ]


def _tools(tree: ast.Module) -> list[ast.FunctionDef]:
    """MCP tools in agent/tools.py: its public functions (``_name`` is a helper)."""
    return [node for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")]


def thin_violations(
    source: str, entry_points: Callable[[ast.Module], list[ast.FunctionDef]] = _commands
) -> list[str]:
    """Commands (or tools) in ``source`` that call more than one core function (their helpers included)."""
    tree = ast.parse(source)
    module_names = _core_names(tree)  # type: ignore[arg-type]
    commands = entry_points(tree)
    helpers = {
        n.name: n
        for n in tree.body
        if isinstance(n, ast.FunctionDef) and not n.decorator_list and n not in commands
    }
    found = []
    for command in commands:
        calls = _core_calls(command, module_names)
        called = {
            n.func.id for n in ast.walk(command) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        for name in sorted(called & helpers.keys()):
            calls += _core_calls(helpers[name], module_names)
        if len(calls) > 1:
            found.append(f"{command.name}: {calls}")
    return found


def test_every_command_is_parse_one_core_call_render() -> None:
    offenders = []
    for path in sorted((PACKAGE / "cli").glob("*.py")):
        offenders += [f"cli/{path.name}: {v}" for v in thin_violations(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_mcp_tool_is_one_core_call() -> None:
    source = (PACKAGE / "agent" / "tools.py").read_text(encoding="utf-8")
    assert len(_tools(ast.parse(source))) >= 10
    assert thin_violations(source, _tools) == []


def test_the_thin_cli_check_sees_two_core_calls() -> None:
    fat = (
        "@command('x')\n"
        "def x_command(ctx):\n"
        "    from backlogctl import history\n"
        "    from backlogctl.render import audit\n"
        "    sha = history.resolve(ctx, 'HEAD')\n"
        "    audit.show(_helper(sha))\n"
        "def _helper(sha):\n"
        "    from backlogctl.scoring import rank\n"
        "    return rank(sha)\n"
    )
    assert thin_violations(fat) == ["x_command: ['backlogctl.history.resolve', 'backlogctl.scoring.rank']"]
    thin = fat.replace("    sha = history.resolve(ctx, 'HEAD')\n", "    sha = ctx\n")
    assert thin_violations(thin) == []


def test_tests_share_helpers_through_tests_helpers_only() -> None:
    """Test modules import shared code from tests/helpers.py, never from conftest or each other."""
    offenders = []
    for path in sorted(PACKAGE.parents[1].joinpath("tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            shared = ("tests.conftest", "tests.test_", "conftest", "test_")
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(shared):
                offenders.append(f"{path.name}: from {node.module}")
    assert offenders == []
