"""Lint rules beyond the golden examples: configuration-driven rules, unreadable files, scale."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backlogctl import backlog as backlog_module
from backlogctl.config import ScoringModel, builtin_models
from backlogctl.lint import RULES, Problem, check, inputs_of
from tests.helpers import examples

TODAY = dt.date(2026, 11, 20)
PROPOSAL = """\
id: {id}
title: Item {id}
kind: new
status: {status}
owner: Anna Schmidt
created: 2026-11-10
decision: Which invoices accounts payable books without manual keying.
description: A layout-aware OCR model.
depends_on: {deps}
"""


def add(backlog: Path, item_id: str, status: str = "proposed", deps: str = "[]", extra: str = "") -> Path:
    path = backlog / "items" / f"{item_id}-item.yaml"
    path.write_text(PROPOSAL.format(id=item_id, status=status, deps=deps) + extra, encoding="utf-8")
    return path


def lint(backlog: Path) -> list[Problem]:
    return check(backlog_module.load(backlog), today=TODAY)


def rules(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.item or p.path, p.rule) for p in problems]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("weighted", {"business_value", "feasibility", "effort"}),
        ("wsjf", {"business_value", "time_criticality", "risk_reduction", "effort"}),
        ("rice", {"reach", "impact", "confidence", "effort"}),
        ("ice", {"impact", "confidence", "feasibility"}),
    ],
)
def test_inputs_of_builtin_models(name: str, expected: set[str]) -> None:
    assert inputs_of(builtin_models()[name]) == expected


def test_inputs_of_a_formula_are_its_variables() -> None:
    model = ScoringModel(type="formula", formula="business_value * confidence / effort")
    assert inputs_of(model) == {"business_value", "confidence", "effort"}


def test_required_scores_follow_the_default_model(backlog: Path) -> None:
    config = backlog / "backlog.yaml"
    config.write_text(config.read_text().replace("default: weighted", "default: wsjf"))
    ready = "expected_benefit: {metric: m, target: t}\nresources: {effort_weeks: 3}\n"
    add(backlog, "AI-1", "ready", extra=ready + "last_reviewed: 2026-11-18\nscores: {business_value: 8}\n")
    missing = sorted(p.message.split()[0] for p in lint(backlog) if p.rule == "incomplete")
    assert missing == ["scores.effort", "scores.risk_reduction", "scores.time_criticality"]


def test_custom_statuses_and_prefix(backlog: Path) -> None:
    (backlog / "backlog.yaml").write_text(
        "id_prefix: ML\nstatuses:\n  names: [idea, doing, done]\n  rankable: [idea]\n"
        "  started: [doing]\n  closed: [done]\nrequired:\n  idea: [id, title, owner]\n"
    )
    add(backlog, "ML-1", "idea", extra="last_reviewed: 2026-11-18\n")
    add(backlog, "ML-2", "doing", deps="[ML-1]", extra="last_reviewed: 2026-11-18\n")
    add(backlog, "AI-3", "proposed", extra="last_reviewed: 2026-11-18\n")
    assert rules(lint(backlog)) == [
        ("item.schema.json", "schema-file"),  # init wrote it for the default statuses
        ("AI-3", "id-format"),
        ("AI-3", "unknown-status"),
        ("ML-2", "dependency-not-started"),
    ]


def test_each_cycle_is_reported_once_on_its_lowest_id(backlog: Path) -> None:
    add(backlog, "AI-1", deps="[AI-2]")
    add(backlog, "AI-2", deps="[AI-1, AI-3]")
    add(backlog, "AI-3", deps="[AI-3]")
    add(backlog, "AI-4", deps="[AI-1]")  # depends on a cycle, is not in one
    cycles = [(p.item, p.message) for p in lint(backlog) if p.rule == "dependency-cycle"]
    assert sorted(cycles) == [
        ("AI-1", "dependency cycle: AI-1 → AI-2 → AI-1"),
        ("AI-3", "dependency cycle: AI-3 → AI-3"),
    ]


def test_a_long_dependency_chain_does_not_hit_the_recursion_limit() -> None:
    from backlogctl.graph import components
    from backlogctl.lint.links import _cycle_through

    count = 5000
    graph = {f"AI-{n}": [f"AI-{n % count + 1}"] for n in range(1, count + 1)}
    (component,) = components(graph)
    assert len(component) == count
    cycle = _cycle_through("AI-1", graph, set(component))
    assert (len(cycle), cycle[0], cycle[-1]) == (count + 1, "AI-1", "AI-1")


def test_symlink_out_of_the_backlog_is_unreadable(backlog: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("id: AI-9\n")
    os.symlink(outside, backlog / "items" / "AI-9-link.yaml")
    assert rules(lint(backlog)) == [("items/AI-9-link.yaml", "unreadable")]


def test_huge_file_is_unreadable_and_others_are_still_checked(backlog: Path) -> None:
    (backlog / "items" / "AI-9-huge.yaml").write_text("id: AI-9\nnotes: " + "x" * 2_000_000 + "\n")
    add(backlog, "AI-1", extra="last_reviewed: 2026-11-18\nteem: x\n")
    assert rules(lint(backlog)) == [("AI-1", "unknown-field"), ("items/AI-9-huge.yaml", "unreadable")]


def test_alias_bomb_is_a_yaml_problem(backlog: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(6)
    )
    (backlog / "items" / "AI-9-bomb.yaml").write_text(bomb)
    (problem,) = lint(backlog)
    assert (problem.rule, problem.path) == ("yaml-syntax", "items/AI-9-bomb.yaml")
    assert "aliases" in problem.message


def test_rules_are_documented() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "lint.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert rule.doc
        assert rule.rationale
        assert rule.severity in ("error", "warning")
        assert f"`{rule.id}`" in docs, f"docs/lint.md does not describe {rule.id}"


def test_clean_files_stay_on_the_fast_path(backlog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Key lines are looked up only for files with problems: clean items never reach the composer."""
    from backlogctl import store

    for number in range(1, 501):
        add(backlog, f"AI-{number}", extra="last_reviewed: 2026-11-18\n")
    add(backlog, "AI-501", status="no-such-status", extra="last_reviewed: 2026-11-18\n")
    loaded = backlog_module.load(backlog)
    looked_up: list[str] = []
    real = store.key_lines

    def counting(text: str) -> dict[str, tuple[int, int]]:
        looked_up.append(text)
        return real(text)

    monkeypatch.setattr(store, "key_lines", counting)
    problems = check(loaded, today=TODAY)
    assert problems and {p.path for p in problems} == {"items/AI-501-item.yaml"}, problems
    assert problems[0].line == 4  # the status line, found by the one lookup
    assert len(looked_up) == 1


YAMLISH = st.text(
    alphabet=st.sampled_from(list("id: AI-1\ntitle[]{}&*!|>-'\"#\t  scores:effort 5\u00e4")), max_size=120
)


@settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.one_of(YAMLISH.map(str.encode), st.binary(max_size=80)))
def test_any_file_content_becomes_problems_never_an_exception(backlog: Path, content: bytes) -> None:
    (backlog / "items" / "AI-1-fuzz.yaml").write_bytes(content)
    add(backlog, "AI-2", extra="last_reviewed: 2026-11-18\n")
    problems = lint(backlog)
    assert all(p.rule in RULES and p.line is not None and p.line >= 1 for p in problems)
    assert all(p.path == "items/AI-1-fuzz.yaml" for p in problems if p.item != "AI-2")
    assert not [p for p in problems if p.path == "items/AI-2-item.yaml" and p.rule != "duplicate-id"]
