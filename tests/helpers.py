"""Helpers shared by the tests: a fixed git identity, scripted histories, item writers.

Test modules import from here, never from conftest.py or from each other;
conftest.py holds only fixtures.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backlogctl.lint import Problem

REPO = Path(__file__).resolve().parents[1]

DEEP_EXAMPLES = 5000
"""max_examples of the ``deep`` hypothesis profile (tests/conftest.py)."""


def examples(count: int) -> int:
    """A property test's example count: ``count``, or 20 times it under ``--hypothesis-profile=deep``."""
    from hypothesis import settings

    return count * 20 if settings.default.max_examples == DEEP_EXAMPLES else count


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


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def new(run: Callable[..., Result], title: str, *extra: str) -> tuple[str, Path]:
    """Create an item through `backlogctl new`; its id and backlog-relative path."""
    result = run("new", title, "--kind", "new", "--owner", "anna", *extra)
    assert result.exit_code == 0, result.output
    item_id, path = result.stdout.strip().split("\t")
    return item_id, Path(path)


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


def init_repo(folder: Path, message: str) -> Path:
    """Make ``folder`` a git repository on ``main`` with everything in it committed as ``message``."""
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message)
    return folder


ANNA = "Anna Berg <anna@lab.example>"


BEN = "Ben Osei <ben@lab.example>"


CARA = "Cara Lind <cara@lab.example>"


ITEM = """\
# churn item
id: {id}
title: {title}
kind: new
status: proposed
owner: anna
scores:
  business_value: 5
  effort: 3
tags: [retention]
"""


def day(n: int) -> str:
    return f"2026-11-{n:02d}T10:00:00+00:00"


def commit(folder: Path, message: str, date: str, author: str) -> str:
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", message, date=date, author=author)
    return git(folder, "rev-parse", "HEAD").strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def script_history(git_backlog: Path) -> dict[str, str]:
    """Created items, rescoring by two people, a status walk, a move, a merge and a deletion."""
    items = git_backlog / "items"
    churn, ocr = items / "AI-1-churn.yaml", items / "AI-2-ocr.yaml"
    churn.write_text(ITEM.format(id="AI-1", title="Churn"), encoding="utf-8")
    ocr.write_text(ITEM.format(id="AI-2", title="OCR"), encoding="utf-8")
    shas = {"create": commit(git_backlog, "Add churn and OCR", day(2), ANNA)}
    edit(churn, "business_value: 5", "business_value: 8")
    shas["rescore"] = commit(git_backlog, "AI-1: scores.business_value 5 → 8", day(3), BEN)
    edit(churn, "status: proposed", "status: ready")
    edit(churn, "tags: [retention]", "tags: [retention, b2b]")
    shas["ready"] = commit(git_backlog, "AI-1 is ready", day(4), ANNA)
    (items / "vision").mkdir()
    shutil.move(ocr, items / "vision" / "AI-2-ocr.yaml")
    edit(items / "vision" / "AI-2-ocr.yaml", "title: OCR", "title: Invoice OCR")
    shas["move"] = commit(git_backlog, "Move OCR to vision/", day(5), BEN)
    git(git_backlog, "checkout", "-q", "-b", "feature")
    (items / "AI-3-forecast.yaml").write_text(ITEM.format(id="AI-3", title="Forecast"), encoding="utf-8")
    shas["feature"] = commit(git_backlog, "Add forecast", day(6), CARA)
    git(git_backlog, "checkout", "-q", "main")
    edit(churn, "status: ready", "status: in_progress")
    shas["start"] = commit(git_backlog, "Start AI-1", day(6), ANNA)
    git(
        git_backlog,
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge branch 'feature'",
        "feature",
        date=day(7),
        author=ANNA,
    )
    shas["merge"] = git(git_backlog, "rev-parse", "HEAD").strip()
    (items / "vision" / "AI-2-ocr.yaml").unlink()
    shas["delete"] = commit(git_backlog, "Drop OCR", day(8), BEN)
    return shas


SECTIONS = ["header", "ranking", "matrix", "stability", "changes", "due", "incomplete", "blocked", "owner"]


SCRIPT = "<script>alert(1)</script>"


HOSTILE_TITLES = {
    "AI-1": "<script>alert(1)</script> churn model",
    "AI-2": "\"Quotes\" & 'apostrophes' </td></tr><img src=x onerror=alert(2)> | pipes | *stars*",
    "AI-3": "A very long title " + "that keeps going and going " * 12 + "END",
    "AI-4": "نموذج التنبؤ بانسحاب العملاء من العقود طويلة الأمد",
    "AI-5": "חיזוי נטישת לקוחות בחוזים ארוכי טווח",
    "AI-6": "客户流失预测模型用于长期合同客户的续约决策与风险控制",
    "AI-7": "Mixed עברית and English with العربية inside",
    "AI-8": "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW",
}


def write_item(folder: Path, item_id: str, title: str, *, value: int, effort: int, **extra: str) -> None:
    """An item file that passes lint as a proposed item and can be scored by the weighted model."""
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    lines = [
        f"id: {item_id}",
        f'title: "{quoted}"',
        f"kind: {extra.get('kind', 'new')}",
        f"status: {extra.get('status', 'proposed')}",
        "owner: Dana Example",
        "created: 2026-10-01",
        "last_reviewed: 2026-10-30",
        "decision: Which customers get a call from sales this week.",
        "description: A gradient-boosted model on contract and usage data.",
        f"scores: {{business_value: {value}, feasibility: 3, effort: {effort}}}",
    ]
    if "depends_on" in extra:
        lines.append(f"depends_on: [{extra['depends_on']}]")
    number = item_id.split("-")[1]
    (folder / "items" / f"{item_id}-item-{number}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (nan equals nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


# -- golden examples: `# expect:` lines (test_lint_examples.py, test_template.py) --

EXPECT = re.compile(
    r'^# expect: (?P<rule>[a-z-]+) (?P<line>\d+)(?::(?P<column>\d+))?(?: "(?P<text>.*)")?$', re.M
)
_AS = re.compile(r"^# as: (\S+)$", re.M)
_ENCODE = re.compile(r"^# encode: (\S+)$", re.M)
_ID = re.compile(r"^id: *(\S+)", re.M)


@dataclass(frozen=True)
class Expected:
    """One `# expect: RULE LINE[:COLUMN] "TEXT"` line of a golden example."""

    path: str
    rule: str
    line: int
    column: int | None
    text: str | None

    def matches(self, problem: Problem) -> bool:
        return (
            (problem.path, problem.rule, problem.line) == (self.path, self.rule, self.line)
            and (self.column is None or problem.column == self.column)
            and (self.text is None or self.text in problem.message)
        )


def install_example(example: Path, items: Path) -> list[Expected]:
    """Copy one golden example into ``items`` as lint would find it; return what it expects.

    The file is named by its `# as: NAME` line, else (under an ``invalid`` folder,
    with an id) ``<id>-<example name>``, else the example's own name; `# encode: X`
    writes it in that encoding.
    """
    text = example.read_text(encoding="utf-8")
    named = _AS.search(text)
    found_id = _ID.search(text)
    if named:
        name = named.group(1)
    elif example.parent.name != "invalid" or found_id is None:
        name = example.name
    else:
        name = f"{found_id.group(1)}-{example.name}"
    encoding = _ENCODE.search(text)
    (items / name).write_bytes(text.encode(encoding.group(1) if encoding else "utf-8"))
    return [
        Expected(
            f"items/{name}", m["rule"], int(m["line"]), int(m["column"]) if m["column"] else None, m["text"]
        )
        for m in EXPECT.finditer(text)
    ]


def without_privileges(backlog: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``backlogctl -C backlog ARGS`` as a real process that obeys file modes, even as root.

    As root, setpriv (util-linux) empties the bounding and inheritable sets, so the
    process keeps uid 0 (it can still reach the test's private folders) but has no
    capability: without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH a mode of 000 or
    555 holds for it. Skips only when setpriv is missing; as another user it just runs.
    """
    import sys

    import pytest

    command = [sys.executable, "-m", "backlogctl", "-C", str(backlog), *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) is needed to drop root's capabilities")
        command = [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, check=False)
