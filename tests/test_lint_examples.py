"""Golden examples: valid items lint clean; each invalid one produces exactly its problems.

An invalid example is a file or a folder under ``examples/invalid`` named
after the rule it shows. Its comment lines say what lint must report::

    # expect: <rule> <line>[:<column>] ["<text in the message>"]
    # as: <file name in the backlog>     (default: <id>-<example name>.yaml)
    # encode: latin-1                    (written in that encoding)
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from backlogctl import backlog as backlog_module
from backlogctl.lint import RULES, Problem, check
from tests.helpers import install_example

EXAMPLES = Path(__file__).parent / "examples"
TODAY = dt.date(2026, 11, 20)
"""The date the examples' review dates are written against."""

INVALID = sorted((EXAMPLES / "invalid").iterdir())
TESTED_ELSEWHERE = {"unreadable", "schema-file", "template-field"}  # test_lint_rules.py, test_template.py


def lint(root: Path) -> list[Problem]:
    return check(backlog_module.load(root), today=TODAY)


def test_valid_examples_lint_clean(backlog: Path) -> None:
    for example in sorted((EXAMPLES / "valid").glob("*.yaml")):
        shutil.copy(example, backlog / "items" / example.name)
    loaded = backlog_module.load(backlog)
    assert len(loaded.entries) >= 4
    assert all(entry.item is not None for entry in loaded.entries)
    assert check(loaded, today=TODAY) == []


@pytest.mark.parametrize("example", INVALID, ids=[p.name for p in INVALID])
def test_invalid_example_produces_exactly_its_problems(backlog: Path, example: Path) -> None:
    files = sorted(example.glob("*.yaml")) if example.is_dir() else [example]
    expected = [want for file in files for want in install_example(file, backlog / "items")]
    rule = next(r for r in sorted(RULES, key=len, reverse=True) if example.name.startswith(r))
    assert rule in {want.rule for want in expected}, f"{example.name} expects no {rule} problem"

    problems = lint(backlog)

    unexpected = [p for p in problems if not any(want.matches(p) for want in expected)]
    missing = [want for want in expected if not any(want.matches(p) for p in problems)]
    assert (unexpected, missing) == ([], [])
    assert len(problems) == len(expected)


def test_every_rule_has_an_invalid_example() -> None:
    shown = {r for r in RULES for example in INVALID if example.name.startswith(r)}
    assert set(RULES) - TESTED_ELSEWHERE <= shown
