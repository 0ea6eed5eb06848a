"""Scoring models pinned on hand-computed examples."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from backlogctl import scoring
from backlogctl.config import Config, Criterion, ScoringModel, builtin_models
from backlogctl.model import Item

FULL = {
    "business_value": 8,
    "time_criticality": 3,
    "risk_reduction": 1,
    "feasibility": 3,
    "effort": 5,
    "confidence": 0.8,
    "reach": 100,
    "impact": 2,
}


def make(item_id: str = "AI-1", status: str = "ready", **fields: Any) -> Item:
    scores = fields.pop("scores", FULL)
    return Item(id=item_id, title=f"item {item_id}", status=status, scores=scores, **fields)


def builtin(name: str) -> ScoringModel:
    return builtin_models()[name]


def test_weighted_default_scales_by_declared_bounds_and_inverts_cost() -> None:
    # business_value 8 on 1..20 -> 7/19; feasibility 3 on 1..5 -> 0.5; effort 5 (cost) -> 1 - 4/19
    expected = 100 * (0.5 * 7 / 19 + 0.25 * 0.5 + 0.25 * (1 - 4 / 19)) / 1.0
    result = scoring.score(make(), builtin("weighted"))
    assert result.value == pytest.approx(expected)
    assert result.value == pytest.approx(50.657894736)
    terms = {t.criterion: t for t in result.terms}
    assert terms["effort"].normalised == pytest.approx(15 / 19)
    assert terms["effort"].contribution == pytest.approx(100 * 0.25 * 15 / 19)


def test_cost_criterion_at_its_bounds() -> None:
    model = ScoringModel(criteria={"effort": Criterion(weight=1, direction="cost")})
    assert scoring.score(make(scores={"effort": 1}), model).value == pytest.approx(100.0)
    assert scoring.score(make(scores={"effort": 20}), model).value == pytest.approx(0.0)


def test_declared_scale_bounds_replace_the_fields_own_and_clamp() -> None:
    model = ScoringModel(
        criteria={
            "business_value": Criterion(weight=3, scale=(0, 10)),
            "feasibility": Criterion(weight=1, scale=(2, 4)),
        }
    )
    # 8 on 0..10 -> 0.8 (weight 3); feasibility 5 on 2..4 clamps to 1 (weight 1)
    item = make(scores={"business_value": 8, "feasibility": 5})
    assert scoring.score(item, model).value == pytest.approx(100 * (3 * 0.8 + 1 * 1.0) / 4)
    # feasibility 1 is below 2: clamps to 0
    item = make(scores={"business_value": 13, "feasibility": 1})
    assert scoring.score(item, model).value == pytest.approx(100 * 3 / 4)


def test_weights_are_relative() -> None:
    half = ScoringModel(criteria={"business_value": Criterion(weight=1), "effort": Criterion(weight=1)})
    tenfold = ScoringModel(criteria={"business_value": Criterion(weight=10), "effort": Criterion(weight=10)})
    assert scoring.score(make(), half).value == pytest.approx(scoring.score(make(), tenfold).value or -1)


def test_confidence_discount_multiplies_the_score_and_its_terms() -> None:
    plain = builtin("weighted")
    discounted = plain.model_copy(update={"confidence_discount": True})
    full = scoring.score(make(), plain)
    cut = scoring.score(make(), discounted)
    assert full.value is not None
    assert cut.value is not None
    assert cut.value == pytest.approx(full.value * 0.8)
    assert sum(t.contribution for t in cut.terms) == pytest.approx(cut.value)
    assert cut.discount == 0.8
    assert "confidence" in scoring.inputs(discounted)


def test_wsjf_is_cost_of_delay_over_job_size() -> None:
    assert scoring.score(make(), builtin("wsjf")).value == pytest.approx((8 + 3 + 1) / 5)


def test_rice_is_reach_impact_confidence_over_effort() -> None:
    assert scoring.score(make(), builtin("rice")).value == pytest.approx(100 * 2 * 0.8 / 5)


def test_ice_is_impact_confidence_feasibility() -> None:
    assert scoring.score(make(), builtin("ice")).value == pytest.approx(2 * 0.8 * 3)


def test_formula_model() -> None:
    model = ScoringModel(type="formula", formula="(business_value + risk_reduction) * confidence / effort")
    assert scoring.score(make(), model).value == pytest.approx((8 + 1) * 0.8 / 5)


@pytest.mark.parametrize("name", ["weighted", "wsjf", "rice", "ice"])
def test_terms_sum_to_the_score_for_every_builtin(name: str) -> None:
    result = scoring.score(make(), builtin(name))
    assert result.value is not None
    assert sum(t.contribution for t in result.terms) == pytest.approx(result.value)


def test_wsjf_terms_show_what_effort_costs() -> None:
    terms = {t.criterion: t.contribution for t in scoring.score(make(), builtin("wsjf")).terms}
    assert terms["effort"] < 0
    assert terms["business_value"] > terms["time_criticality"] > terms["risk_reduction"] == 0
    assert terms["baseline"] == pytest.approx(3.0)  # (1 + 1 + 1) / 1 at every scale's low end


def test_inputs_of_each_model() -> None:
    assert scoring.inputs(builtin("weighted")) == {"business_value", "feasibility", "effort"}
    wsjf = {"business_value", "time_criticality", "risk_reduction", "effort"}
    assert scoring.inputs(builtin("wsjf")) == wsjf
    assert scoring.inputs(builtin("rice")) == {"reach", "impact", "confidence", "effort"}
    assert scoring.inputs(builtin("ice")) == {"impact", "confidence", "feasibility"}
    assert scoring.inputs(ScoringModel(formula="sqrt(reach) / effort")) == {"reach", "effort"}


def test_missing_inputs_give_a_message_not_a_score() -> None:
    result = scoring.score(make(scores={"business_value": 8}), builtin("weighted"))
    assert result.value is None
    assert result.message == "missing scores.effort, scores.feasibility"


def test_division_by_zero_is_a_per_item_message() -> None:
    model = ScoringModel(formula="business_value / (feasibility - 1)")
    result = scoring.score(make(scores={"business_value": 8, "feasibility": 1}), model, name="odd")
    assert result.value is None
    assert result.message == "division by zero in odd"


def test_explain_item_uses_the_default_model() -> None:
    config = Config.model_validate({"scoring": {"default": "ice"}})
    explained = scoring.explain_item(config, make())
    assert explained["model"] == "ice"
    assert explained["score"] == pytest.approx(4.8)
    assert sum(t["contribution"] for t in explained["terms"]) == pytest.approx(4.8)
    assert set(explained["terms"][0]) == {"criterion", "raw", "normalised", "weight", "contribution"}


def test_explain_item_says_why_there_is_no_score() -> None:
    explained = scoring.explain_item(Config(), make(scores={}))
    assert explained["score"] is None
    assert "missing scores.business_value" in explained["message"]


def test_created_is_a_date() -> None:
    # guards the tie-break tests below against a silently ignored `created`
    assert make(created="2026-01-02").created == dt.date(2026, 1, 2)
