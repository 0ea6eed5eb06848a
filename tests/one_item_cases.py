"""Commands on one item and the backlogs they run on, for the before/after comparison.

scripts/record-one-item-golden.py ran them with the code that loaded the whole
backlog for every one-item command (tests/data/one-item-golden.json);
tests/test_one_item.py runs them with today's code, which reads only the item's
file, and expects the same output, exit code and files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

from tests.golden_backlog import write

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "ai-lab"

CASES: list[tuple[str, list[str]]] = [
    ("example", ["show", "AI-3"]),
    ("example", ["show", "ai-3", "--format", "json"]),
    ("example", ["show", "AI-3", "--format", "yaml"]),
    ("example", ["show", "AI-17"]),
    ("example", ["show", "AI-99"]),
    ("example", ["show", "x"]),
    ("example", ["show", "items/AI-3-churn-prediction-for-b2b-contract-custom.yaml"]),
    ("example", ["set", "AI-3", "scores.effort=5"]),
    ("example", ["set", "AI-3", "scores.effort=8", "status=ready"]),
    ("example", ["set", "AI-1", "depends_on=[AI-7]"]),
    ("example", ["set", "AI-30", "depends_on=[AI-5]"]),
    ("example", ["set", "AI-1", "depends_on=[AI-32]"]),
    ("example", ["set", "AI-3", "depends_on=[AI-1, AI-99]"]),
    ("example", ["set", "AI-1", "depends_on=[ai-3]"]),
    ("example", ["set", "AI-3", "status=bogus"]),
    ("example", ["set", "AI-99", "scores.effort=5"]),
    ("example", ["set", "AI-3", "id=AI-4"]),
    ("example", ["unset", "AI-3", "scores.effort"]),
    ("example", ["unset", "AI-3", "depends_on"]),
    ("example", ["unset", "AI-3", "title"]),
    ("example", ["review", "mark", "AI-3", "AI-1"]),
    ("example", ["review", "mark", "AI-3", "ai-3"]),
    ("example", ["review", "mark", "AI-3", "AI-99"]),
    ("example", ["review", "mark", "foo", "AI-3"]),
    ("example", ["review", "mark"]),
    ("odd", ["show", "AI-3"]),
    ("odd", ["set", "AI-3", "scores.effort=3"]),
    ("odd", ["show", "AI-40"]),
    ("odd", ["set", "AI-40", "scores.effort=3"]),
    ("odd", ["show", "AI-4"]),
    ("odd", ["show", "AI-8"]),
    ("odd", ["show", "AI-12"]),
    ("odd", ["show", "AI-13"]),
    ("odd", ["show", "AI-17"]),
    ("odd", ["set", "AI-7", "scores.effort=5"]),
    ("odd", ["set", "AI-13", "scores.effort=3"]),
    ("odd", ["set", "AI-6", "depends_on=[AI-40]"]),
    ("odd", ["set", "AI-6", "depends_on=[AI-12]"]),
    ("odd", ["set", "AI-10", "scores.effort=3"]),
    ("odd", ["review", "mark", "AI-40", "AI-6"]),
    ("generated", ["show", "AI-150"]),
    ("generated", ["show", "AI-150", "--format", "json"]),
    ("generated", ["set", "AI-150", "scores.effort=8"]),
    ("generated", ["set", "AI-5", "depends_on=[AI-250]"]),
    ("generated", ["set", "AI-2", "depends_on=[AI-299]"]),
    ("generated", ["set", "AI-3", "depends_on=[AI-38]"]),
    ("generated", ["set", "AI-16", "depends_on=[AI-38]"]),
    ("generated", ["unset", "AI-200", "depends_on"]),
    ("generated", ["review", "mark", "AI-10", "AI-20"]),
    ("example", ["new", "Churn model v2", "--kind", "revise", "--owner", "anna", "--set", "scores.effort=5"]),
    ("example", ["new", "Bad effort", "--set", "scores.effort=4"]),
    ("odd", ["new", "After the hand-named AI-40"]),
    ("generated", ["new", "Generated next"]),
    ("lab", ["new", "Lab item", "--set", "model_ref=registry/churn:3"]),
    ("lab", ["new", "Lab item two"]),
]
"""(backlog, arguments); each case runs on a fresh copy of its backlog."""


def backlogs(folder: Path) -> dict[str, Path]:
    """The backlogs of the cases under ``folder``.

    ``odd`` is the example with what the names alone do not settle: two files
    named for AI-3, a hand-named file holding AI-40 (AI-4's file is gone), AI-8
    in a ``.YAML`` file, AI-12 with broken YAML, AI-13 in a file named for AI-17.
    ``lab`` has its own template (no ``id:`` line) and a declared field.
    """
    made = {name: folder / name for name in ("example", "odd", "generated", "lab")}
    shutil.copytree(EXAMPLE, made["example"])
    shutil.copytree(EXAMPLE, made["odd"])
    items = made["odd"] / "items"
    shutil.copy(next(items.glob("AI-3-*.yaml")), items / "AI-3-copy.yaml")
    four = next(items.glob("AI-4-*.yaml"))
    (items / "hand-named.yaml").write_text(four.read_text().replace("\nid: AI-4\n", "\nid: AI-40\n"))
    four.unlink()
    eight = next(items.glob("AI-8-*.yaml"))
    eight.rename(eight.with_suffix(".YAML"))
    next(items.glob("AI-12-*.yaml")).write_text("id: AI-12\ntitle: [broken\n")
    thirteen = next(items.glob("AI-13-*.yaml"))
    thirteen.rename(items / "AI-17-renamed.yaml")
    write(made["generated"], 300)
    lab = made["lab"]
    (lab / "items").mkdir(parents=True)
    (lab / "templates").mkdir()
    (lab / "backlog.yaml").write_text(
        "name: Lab\nid_prefix: ML\nfields:\n  model_ref: {type: text, description: Registry reference}\n"
    )
    (lab / "templates" / "item.yaml").write_text(
        "# The lab's template, without an id line.\ntitle: <title>\n"
    )
    (lab / "items" / "ML-2-first.yaml").write_text("id: ML-2\ntitle: First\n")
    return made


def run_case(root: Path, args: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run ``backlogctl ARGS`` in a copy of ``root``: output, exit code, and the files it changed."""
    copy = root.with_name(root.name + "-run")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy)
    before = _files(copy)
    done = subprocess.run(
        [env.get("BACKLOGCTL_PYTHON", "python"), "-m", "backlogctl", *args],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    after = _files(copy)
    changed = {name: text for name, text in after.items() if before.get(name) != text}
    shutil.rmtree(copy)
    return {
        "stdout": _today(done.stdout),
        "stderr": _today(done.stderr),
        "exit": done.returncode,
        "changed": {name: _today(text) for name, text in sorted(changed.items())},
        "removed": sorted(set(before) - set(after)),
    }


def environment(python: str, pythonpath: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKLOGCTL_")}
    env.update({"NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb", "BACKLOGCTL_PYTHON": python})
    env.pop("PYTHONPATH", None)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    return env


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _today(text: str) -> str:
    return text.replace(dt.date.today().isoformat(), "<today>")
