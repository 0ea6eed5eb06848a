"""An editor sees what lint sees: yaml-language-server with `backlogctl schema`, over stdio.

`.ci/run` installs yaml-language-server from npm (pinned); this test drives it
with the small LSP client in tests/lsp.py. Each case is an item file of the
lab backlog in tests/examples/lab; the editor must flag it exactly when lint
reports a problem from a rule the editor can see (RULES_AN_EDITOR_SEES), and
on the same line. Locally the test is skipped, loudly, when the server is not
installed; under CI=true a missing server fails it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl import backlog as backlog_module
from backlogctl.lint import check
from tests.helpers import Result
from tests.lsp import LanguageServer

REPO = Path(__file__).resolve().parents[1]
LAB = Path(__file__).parent / "examples" / "lab"
SERVER_VERSION = "1.25.0"
"""The yaml-language-server version .ci/run installs (keep both in step)."""
TODAY = dt.date(2026, 11, 20)

RULES_AN_EDITOR_SEES = {
    "schema": True,  # types, scales (enum or bounds), choices, bounds, patterns
    "unknown-status": True,  # status is an enum of backlog.yaml's statuses
    "unknown-field": True,  # additionalProperties: false at every level
    "incomplete": False,  # required fields per status and require_when: lint only
    "unknown-dependency": False,  # needs the other items
    "duplicate-id": False,
    "dependency-cycle": False,
    "dependency-not-started": False,
    "file-name": False,  # needs the file's name
    "id-format": False,  # the prefix is in backlog.yaml; the schema's id is any string
    "review-overdue": False,  # needs today's date
    "yaml-syntax": True,  # the editor's own parser
    "merge-conflict": True,  # conflict markers are a syntax error to the editor's parser
    "not-a-mapping": True,  # the schema's type: object
    "encoding": False,  # the editor decodes the file its own way
    "bad-value": False,  # 2026-13-40 is a plain string to a YAML 1.2 editor
}
"""Which lint rules an editor can see through the JSON Schema, and which are lint only."""

HEAD = """\
# yaml-language-server: $schema=../item.schema.json
id: {id}
title: {title}
kind: new
status: proposed
owner: Anna Schmidt
created: 2026-11-02
last_reviewed: 2026-11-16
decision: Which SME loan applications go to manual underwriting.
description: A model that scores loan applications.
"""

CASES = {
    "good": "scores:\n  business_value: 13\n  strategic_fit: 4\n  effort: 5\n",
    "good-custom-fields": (
        "risk_class: high\nannex_iii_area: employment\nmonitoring:\n  owner: Jonas Weber\nfria_done: true\n"
        "go_live: 2027-01-15\nmodel_card: https://models.example.org/credit\nreplaces: [AI-1]\n"
    ),
    "effort-off-scale": "scores:\n  effort: 4\n",
    "impact-off-scale": "scores:\n  impact: 7\n",
    "custom-score-off-scale": "scores:\n  strategic_fit: 7\n",
    "status-unknown": None,  # status: done, below
    "typo-in-scores": "scores:\n  bussiness_value: 8\n",
    "typo-top-level": "model_rf: registry://credit/v1\n",
    "typo-nested": "monitoring:\n  ownr: Jonas Weber\n",
    "wrong-choice": "annex_iii_area: healthcare\n",
    "wrong-boolean": "fria_done: maybe\n",
    "wrong-integer": "eval_runs: 500\n",
    "wrong-type": "tags: urgent\n",
    "lint-only-require-when": "risk_class: high\n",
    "lint-only-unknown-reference": "replaces: [AI-99]\n",
}


def _server() -> list[str] | None:
    """The command that starts yaml-language-server over stdio, or None."""
    candidates = [
        os.environ.get("YAML_LANGUAGE_SERVER"),
        str(REPO / ".ci-node" / "node_modules" / ".bin" / "yaml-language-server"),
        shutil.which("yaml-language-server"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and shutil.which("node"):
            return [candidate, "--stdio"]
    return None


@pytest.fixture(scope="module")
def server_command() -> list[str]:
    command = _server()
    if command is None:
        message = (
            f"yaml-language-server {SERVER_VERSION} is NOT INSTALLED: the editor test did not run. "
            f"Install it with: npm install --prefix .ci-node yaml-language-server@{SERVER_VERSION}"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return command


def _item(name: str, number: int) -> str:
    text = HEAD.format(id=f"AI-{number}", title=name.replace("-", " "))
    if name == "status-unknown":
        return text.replace("status: proposed", "status: done")
    return text + (CASES[name] or "")


def test_rule_table_covers_every_rule() -> None:
    from backlogctl.lint import RULES

    lint_only_by_nature = {"unreadable", "schema-file", "template-field"}  # files, not item contents
    assert set(RULES) - lint_only_by_nature == set(RULES_AN_EDITOR_SEES)


def test_the_editor_flags_what_lint_flags(
    server_command: list[str], backlog: Path, run: Callable[..., Result]
) -> None:
    shutil.copy(LAB / "backlog.yaml", backlog / "backlog.yaml")
    assert run("schema", "-o", str(backlog / "item.schema.json")).exit_code == 0
    (backlog / "items" / "AI-1-base.yaml").write_text(_item("good", 1), encoding="utf-8")
    paths = {}
    for number, name in enumerate(CASES, start=2):
        paths[name] = backlog / "items" / f"AI-{number}-{name}.yaml"
        paths[name].write_text(_item(name, number), encoding="utf-8")

    problems = check(backlog_module.load(backlog), today=TODAY)
    settings = {
        "yaml": {
            "validate": True,
            "hover": False,
            "completion": False,
            "format": {"enable": False},
            "schemaStore": {"enable": False},
            "schemas": {},
        }
    }
    table = []
    with LanguageServer(server_command, backlog, settings) as server:
        for name, path in paths.items():
            diagnostics = server.check(path)
            relative = f"items/{path.name}"
            mine = [p for p in problems if p.path == relative]
            visible = [p for p in mine if RULES_AN_EDITOR_SEES[p.rule]]
            editor_lines = sorted({d["range"]["start"]["line"] + 1 for d in diagnostics})
            lint_lines = sorted({p.line for p in visible if p.line is not None})
            table.append(
                (name, editor_lines, lint_lines, [p.rule for p in mine], [d["message"] for d in diagnostics])
            )

    for name, editor_lines, lint_lines, rules, messages in table:
        print(f"{name:28} editor {editor_lines!s:8} lint {lint_lines!s:8} {rules} {messages}")
    disagreements = [row[:4] for row in table if row[1] != row[2]]
    assert disagreements == []
    flagged = {name for name, editor_lines, *_ in table if editor_lines}
    assert {
        "effort-off-scale",
        "status-unknown",
        "typo-in-scores",
        "typo-top-level",
        "wrong-choice",
        "custom-score-off-scale",
    } <= flagged
    assert not flagged & {
        "good",
        "good-custom-fields",
        "lint-only-require-when",
        "lint-only-unknown-reference",
    }
