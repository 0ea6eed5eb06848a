"""The lab's own template: declared fields, scales and require_when, end to end.

``tests/examples/lab/backlog.yaml`` is PRODUCT.md's example configuration plus a
model that ranks on the custom score; its ``valid/`` items lint clean and each
``invalid/`` item produces exactly the problems its ``# expect:`` lines name
(one example per declared constraint).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from backlogctl import backlog as backlog_module
from backlogctl import config as config_module
from backlogctl import scales, schema, template
from backlogctl.errors import ConfigError
from backlogctl.lint import check
from backlogctl.model import Item
from tests.helpers import Result, install_example

LAB = Path(__file__).parent / "examples" / "lab"
TODAY = dt.date(2026, 11, 20)
INVALID = sorted((LAB / "invalid").glob("*.yaml"))


@pytest.fixture
def lab(backlog: Path) -> Path:
    """A backlog with the lab configuration and the valid lab items."""
    shutil.copy(LAB / "backlog.yaml", backlog / "backlog.yaml")
    for example in sorted((LAB / "valid").glob("*.yaml")):
        shutil.copy(example, backlog / "items" / example.name)
    schema.write(backlog / schema.SCHEMA_FILE, config_module.load(backlog).config)
    return backlog


def test_valid_lab_items_lint_clean(lab: Path) -> None:
    loaded = backlog_module.load(lab)
    assert all(entry.item is not None for entry in loaded.entries)
    assert check(loaded, today=TODAY) == []
    item = loaded.find("AI-1").item
    assert item is not None and item.score("strategic_fit") == 4


@pytest.mark.parametrize("example", INVALID, ids=[p.stem for p in INVALID])
def test_each_constraint_has_a_failing_example(lab: Path, example: Path) -> None:
    for valid in (lab / "items").iterdir():
        valid.unlink()
    expected = install_example(example, lab / "items")
    assert expected, f"{example.name} expects nothing"
    problems = check(backlog_module.load(lab), today=TODAY)
    unexpected = [p for p in problems if not any(want.matches(p) for want in expected)]
    missing = [want for want in expected if not any(want.matches(p) for p in problems)]
    assert (unexpected, missing) == ([], [])


def test_require_when_shows_its_why(lab: Path, run: Callable[..., Result]) -> None:
    shutil.copy(LAB / "invalid" / "require-when.yaml", lab / "items" / "AI-23-require-when.yaml")
    result = run("lint")
    assert result.exit_code == 1
    assert "fria_done is missing (risk_class: high requires it: EU AI Act Art. 26 and 27" in result.stdout


def test_rank_explain_and_report_use_the_custom_score(lab: Path, run: Callable[..., Result]) -> None:
    ranked = run("rank", "--format", "json")
    assert ranked.exit_code == 0
    data = json.loads(ranked.stdout)
    assert data["model"] == "fit"
    first = data["items"][0]
    # AI-1: value 13 on 1-20, fit 4 on 1-5, effort 5 (cost) on 1-20.
    expected = 100 * (0.4 * 12 / 19 + 0.4 * 3 / 4 + 0.2 * (1 - 4 / 19))
    assert first["id"] == "AI-1" and first["score"] == pytest.approx(expected)
    assert first["breakdown"]["strategic_fit"] == pytest.approx(100 * 0.4 * 3 / 4)
    explained = run("rank", "--explain")
    assert "strategic_fit" in explained.stdout
    formula = run("rank", "--formula", "strategic_fit * business_value", "--format", "json")
    assert [row["score"] for row in json.loads(formula.stdout)["items"]] == [52.0, 6.0]
    report = run("report")
    assert report.exit_code == 0 and "AI-1" in report.stdout


def test_stability_moves_a_custom_score_along_its_own_scale() -> None:
    config = config_module.Config.model_validate(
        {"scales": {"strategic_fit": {"min": 1, "max": 5, "integer": True}, "tiers": [0, 10, 100]}}
    )
    steps = scales.steps_for(config.score_scales())
    assert steps["strategic_fit"] == (1, 2, 3, 4, 5)
    assert steps["tiers"] == (0, 10, 100)
    assert steps["effort"] == scales.FIBONACCI


def test_the_model_is_built_once_per_declaration() -> None:
    assert template.item_model(config_module.Config()) is Item
    first = config_module.Config.model_validate({"fields": {"model_ref": {"type": "text"}}})
    second = config_module.Config.model_validate({"fields": {"model_ref": {"type": "text"}}})
    assert template.item_model(first) is template.item_model(second)
    assert issubclass(template.item_model(first), Item)


def test_a_scale_override_changes_validation() -> None:
    config = config_module.Config.model_validate({"scales": {"effort": [1, 2, 4, 8]}})
    model = template.item_model(config)
    model.model_validate({"id": "AI-1", "title": "t", "scores": {"effort": 4}})
    with pytest.raises(ValueError, match="must be one of 1, 2, 4, 8"):
        model.model_validate({"id": "AI-1", "title": "t", "scores": {"effort": 5}})


BAD_DECLARATIONS = [
    ("fields:\n  x: {type: colour}\n", 2, "fields.x.type"),
    ("fields:\n  x: {type: choice}\n", 2, "fields.x: a choice field needs values"),
    ("fields:\n  x: {type: text, min: 1}\n", 2, "fields.x: min and max are only for integer and number"),
    ("fields:\n  x: {type: integer, min: 5, max: 1}\n", 2, "fields.x: min must not be greater than max"),
    ("fields:\n  owner: {type: text}\n", 2, "fields.owner: is a built-in field"),
    ("fields:\n  scores.fit: {type: integer}\n", 2, "fields.scores.fit: scores are declared under scales"),
    ("fields:\n  owner.name: {type: text}\n", 2, "owner is a built-in field that holds a value"),
    ("fields:\n  a: {type: text}\n  a.b: {type: text}\n", 3, "a is declared as a text field"),
    ("fields:\n  bad-name: {type: text}\n", 2, "fields.bad-name: a field path is names"),
    ("fields:\n  x: {type: text, colour: red}\n", 2, "fields.x.colour: unknown setting"),
    ("scales:\n  fit: [3, 1]\n", 2, "scales.fit: values must be in increasing order"),
    ("scales:\n  fit: {min: 5, max: 1}\n", 2, "scales.fit: min must be less than max"),
    ("scales:\n  fit: {min: 1}\n", 2, "scales.fit: a scale needs values"),
    ("scales:\n  fit: {min: 1, max: 5, step: 2}\n", 2, "scales.fit: unknown setting 'step'"),
    ("scales:\n  fit: [1, 2.5]\n  x: 3\n", 4 - 1, "scales.x: a scale is a list"),
    (
        "require_when:\n  - when: {risk_class: severe}\n    fields: [owner]\n",
        3 - 1,
        "require_when.0.when.risk_class: 'severe' is not one of minimal",
    ),
    (
        "require_when:\n  - when: {status: done}\n    fields: [owner]\n",
        2,
        "require_when.0.when.status: 'done' is not one of proposed",
    ),
    (
        "require_when:\n  - when: {risk_class: high}\n    fields: [fria_don]\n",
        3,
        "require_when.0.fields: unknown field 'fria_don'",
    ),
    (
        "scoring:\n  models:\n    m:\n      criteria:\n        fit: {weight: 1}\n",
        5,
        "scoring.models.m.criteria.fit: 'fit' is not a known score",
    ),
    (
        "scoring:\n  models:\n    m:\n      formula: fit * effort\n",
        4,
        "scoring.models.m.formula: formula 'fit * effort': unknown name 'fit'",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "message"), BAD_DECLARATIONS, ids=[m for _, _, m in BAD_DECLARATIONS]
)
def test_a_bad_declaration_names_its_key_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    (tmp_path / "backlog.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config_module.load(tmp_path)
    assert message in str(caught.value)
    assert f"backlog.yaml:{line}:" in str(caught.value)


def test_a_bad_declaration_exits_2_in_one_line(lab: Path, run: Callable[..., Result]) -> None:
    (lab / "backlog.yaml").write_text("fields:\n  x: {type: choice}\n", encoding="utf-8")
    for command in (["lint"], ["rank"], ["schema"], ["list"]):
        result = run(*command)
        assert result.exit_code == 2
        assert result.stderr.strip().count("\n") == 0 and "backlog.yaml:2: fields.x" in result.stderr


def test_declared_scores_can_be_read_by_formulas_and_criteria() -> None:
    config = config_module.Config.model_validate(
        {
            "scales": {"fit": [1, 2, 3]},
            "scoring": {
                "models": {"m": {"formula": "fit / effort"}, "w": {"criteria": {"fit": {"weight": 1}}}}
            },
        }
    )
    from backlogctl.scoring import select

    assert select(config, "m").inputs == ("effort", "fit")
    weighted = select(config, "w")
    assert (weighted.criteria[0].low, weighted.criteria[0].high) == (1, 3)


def test_schema_carries_the_labs_model(lab: Path, run: Callable[..., Result]) -> None:
    result = run("schema")
    assert result.exit_code == 0
    emitted = json.loads(result.stdout)
    assert emitted["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    props = emitted["properties"]
    assert props["status"]["enum"] == [
        "proposed",
        "ready",
        "in_progress",
        "deployed",
        "parked",
        "rejected",
        "retired",
    ]
    scores = emitted["$defs"]["LabScores"]["properties"]
    assert {"enum": [1, 2, 3, 5, 8, 13, 20], "type": "integer"} in scores["effort"]["anyOf"]
    assert {"maximum": 5, "minimum": 1, "type": "integer"} in scores["strategic_fit"]["anyOf"]
    assert {"type": "boolean"} in props["fria_done"]["anyOf"]
    choice = next(s for s in props["annex_iii_area"]["anyOf"] if "enum" in s)
    assert choice["enum"] == ["none", "biometrics", "employment", "essential_services"]

    def objects(node: object) -> list[dict[str, object]]:
        if isinstance(node, dict):
            own = [node] if "properties" in node else []
            return own + [o for value in node.values() for o in objects(value)]
        if isinstance(node, list):
            return [o for value in node for o in objects(value)]
        return []

    found = objects(emitted)
    assert len(found) == 5 and all(o.get("additionalProperties") is False for o in found)


def test_schema_output_file_and_stale_warning(lab: Path, run: Callable[..., Result]) -> None:
    assert run("lint").exit_code == 0
    (lab / "backlog.yaml").write_text(
        (lab / "backlog.yaml")
        .read_text(encoding="utf-8")
        .replace("  datasets: {type: list}", "  datasets: {type: list}\n  owner_team: {type: text}"),
        encoding="utf-8",
    )
    result = run("lint")
    assert result.exit_code == 0
    assert "item.schema.json\n  1:1     warning  schema-file" in result.stdout
    written = run("schema", "-o", str(lab / "item.schema.json"))
    assert written.exit_code == 0 and "wrote" in written.stderr
    assert "schema-file" not in run("lint").stdout


def test_new_writes_declared_fields_the_template_lacks(lab: Path, run: Callable[..., Result]) -> None:
    result = run("new", "Credit limit model", "--owner", "anna", "--set", "annex_iii_area=employment")
    assert result.exit_code == 0
    text = (lab / result.stdout.split("\t")[1].strip()).read_text(encoding="utf-8")
    assert "# Model registry reference (text)\nmodel_ref: TODO\n" in text
    assert "annex_iii_area: employment" in text
    assert "  # A number from 0.\n  gpu_hours:\n" in text
    assert "  # Fit with the lab's strategy (1 to 5)\n  strategic_fit:\n" in text
    assert "monitoring:\n  # Text.\n  owner: TODO\n" in text


def test_lint_warns_when_the_labs_template_lacks_declared_fields(
    lab: Path, run: Callable[..., Result]
) -> None:
    from backlogctl import authoring

    (lab / "templates").mkdir()
    (lab / "templates" / "item.yaml").write_text(authoring.packaged_template(), encoding="utf-8")
    result = run("lint")
    assert result.exit_code == 0
    assert (
        "template-field  templates/item.yaml lacks the declared field(s) model_ref, annex_iii_area,"
        in result.stdout
    )


def test_stability_perturbs_a_custom_score_by_one_step(lab: Path) -> None:
    from backlogctl.scoring import rank
    from backlogctl.scoring.stability import draws_for

    loaded = backlog_module.load(lab)
    ranking = rank(loaded.items, loaded.config)
    steps = scales.steps_for(loaded.config.score_scales())
    moved = set()
    for drawn in draws_for(ranking, None, None, steps):
        for run in drawn.values["strategic_fit"].tolist():
            moved.update((key, value) for key, value in zip(drawn.ids, run, strict=True))
    assert moved == {("AI-1", 3.0), ("AI-1", 4.0), ("AI-1", 5.0), ("AI-2", 1.0), ("AI-2", 2.0), ("AI-2", 3.0)}
