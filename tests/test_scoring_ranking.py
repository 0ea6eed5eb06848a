"""Ranking rules: gates, inherited scores through dependencies, every tie-break."""

from __future__ import annotations

from typing import Any

import pytest

from backlogctl import scoring
from backlogctl.config import Config
from backlogctl.model import Item
from backlogctl.scoring.explain import lines

CONFIG = Config()


def make(item_id: str, value: int = 8, status: str = "ready", effort: int = 5, **fields: Any) -> Item:
    scores = {"business_value": value, "feasibility": 3, "effort": effort}
    return Item(id=item_id, title=item_id, status=status, scores=scores, **fields)


def ids(ranking: scoring.Ranking) -> list[str]:
    return [entry.item.id for entry in ranking.entries]


def test_higher_score_ranks_first_and_ranks_count_from_one() -> None:
    ranking = scoring.rank([make("AI-1", 3), make("AI-2", 13), make("AI-3", 8)], CONFIG)
    assert ids(ranking) == ["AI-2", "AI-3", "AI-1"]
    assert [e.rank for e in ranking.entries] == [1, 2, 3]
    assert ranking.model == "weighted"


def test_only_rankable_statuses_unless_all() -> None:
    items = [make("AI-1"), make("AI-2", status="deployed"), make("AI-3", status="proposed")]
    ranking = scoring.rank(items, CONFIG)
    assert ids(ranking) == ["AI-1", "AI-3"]
    assert [(o.id, o.reason, o.status, o.hint) for o in ranking.left_out] == [
        ("AI-2", "status deployed is not rankable", "deployed", "--all ranks it")
    ]
    assert ids(scoring.rank(items, CONFIG, include_all=True)) == ["AI-1", "AI-2", "AI-3"]


def test_unacceptable_risk_is_never_ranked_even_with_all() -> None:
    items = [make("AI-1", 20, risk_class="unacceptable"), make("AI-2")]
    ranking = scoring.rank(items, CONFIG, include_all=True)
    assert ids(ranking) == ["AI-2"]
    assert [(o.id, o.reason, o.hint) for o in ranking.left_out] == [
        ("AI-1", "risk class unacceptable: never ranked", None)
    ]


def test_excluded_items_are_left_out_with_the_given_reason() -> None:
    ranking = scoring.rank([make("AI-1"), make("AI-2")], CONFIG, excluded={"AI-1": "lint errors: no owner"})
    assert ids(ranking) == ["AI-2"]
    assert [(o.id, o.reason) for o in ranking.left_out] == [("AI-1", "lint errors: no owner")]


def test_missing_inputs_are_left_out_not_a_crash() -> None:
    bare = Item(id="AI-1", title="bare", status="ready", scores={"business_value": 8})
    ranking = scoring.rank([bare, make("AI-2")], CONFIG)
    assert ids(ranking) == ["AI-2"]
    assert [(o.id, o.reason) for o in ranking.left_out] == [
        ("AI-1", "missing scores.effort, scores.feasibility")
    ]


def test_division_by_zero_leaves_one_item_out() -> None:
    odd = Item(id="AI-2", title="x", status="ready", scores={"business_value": 8, "feasibility": 1})
    items = [make("AI-1"), odd]
    ranking = scoring.rank(items, CONFIG, formula="business_value / (feasibility - 1)")
    assert ids(ranking) == ["AI-1"]
    assert ranking.left_out[0].id == "AI-2"
    assert ranking.left_out[0].reason.startswith("division by zero")


def test_unknown_model_is_an_input_error() -> None:
    from backlogctl.errors import InputError

    with pytest.raises(InputError, match="no scoring model named 'nope'"):
        scoring.rank([make("AI-1")], CONFIG, model="nope")


def test_formula_ranking_is_named_after_the_formula() -> None:
    ranking = scoring.rank([make("AI-1", 3), make("AI-2", 5)], CONFIG, formula="business_value")
    assert ranking.model == "formula: business_value"
    assert [e.score for e in ranking.entries] == [5, 3]


def test_score_is_inherited_through_a_chain_of_dependencies() -> None:
    # AI-3 (high) needs AI-2, which needs AI-1; AI-4 scores between.
    items = [
        make("AI-1", 1),
        make("AI-2", 2, depends_on=["AI-1"]),
        make("AI-3", 20, depends_on=["AI-2"]),
        make("AI-4", 13),
    ]
    ranking = scoring.rank(items, CONFIG)
    assert ids(ranking) == ["AI-1", "AI-2", "AI-3", "AI-4"]
    top = ranking.entries[2].effective_score
    first, second, third = ranking.entries[:3]
    assert first.effective_score == second.effective_score == third.score == top
    assert first.inherited_from == second.inherited_from == "AI-3"
    assert third.inherited_from is None
    assert first.score < first.effective_score
    assert lines(first)[-1].endswith("inherited from AI-3")


def test_prerequisite_ranks_directly_before_its_dependent() -> None:
    # AI-5 has the same score as AI-3 and would sort between AI-1 and AI-3 on ties alone.
    items = [
        make("AI-1", 1, effort=8),
        make("AI-3", 20, effort=8, depends_on=["AI-1"]),
        make("AI-5", 20, effort=8),
    ]
    ranking = scoring.rank(items, CONFIG, formula="business_value")
    assert ids(ranking) == ["AI-1", "AI-3", "AI-5"]


def test_higher_own_score_is_not_lowered_by_dependents() -> None:
    ranking = scoring.rank([make("AI-1", 20), make("AI-2", 2, depends_on=["AI-1"])], CONFIG)
    assert ranking.entries[0].inherited_from is None
    assert ranking.entries[1].effective_score == ranking.entries[1].score


def test_closed_dependents_do_not_lift_their_prerequisites() -> None:
    items = [make("AI-1", 1), make("AI-2", 20, status="deployed", depends_on=["AI-1"])]
    ranking = scoring.rank(items, CONFIG, include_all=True)
    first_item = next(e for e in ranking.entries if e.item.id == "AI-1")
    assert first_item.inherited_from is None


def test_dependency_cycles_terminate_and_share_the_highest_score() -> None:
    items = [make("AI-1", 1, depends_on=["AI-2"]), make("AI-2", 20, depends_on=["AI-1"])]
    ranking = scoring.rank(items, CONFIG)
    assert len(ranking.entries) == 2
    assert ranking.entries[0].effective_score == ranking.entries[1].effective_score


def test_tie_lower_effort_first() -> None:
    items = [make("AI-1", effort=8), make("AI-2", effort=3)]
    assert ids(scoring.rank(items, CONFIG, formula="business_value")) == ["AI-2", "AI-1"]


def test_tie_older_created_first() -> None:
    items = [make("AI-1", created="2026-05-01"), make("AI-2", created="2026-01-01"), make("AI-3")]
    assert ids(scoring.rank(items, CONFIG)) == ["AI-2", "AI-1", "AI-3"]


def test_tie_id_in_natural_order() -> None:
    items = [make("AI-10"), make("AI-9"), make("AI-100")]
    assert ids(scoring.rank(items, CONFIG)) == ["AI-9", "AI-10", "AI-100"]


def test_duplicate_ids_are_left_out_not_lost() -> None:
    ranking = scoring.rank([make("AI-1"), make("AI-1", 13)], CONFIG)
    assert len(ranking.entries) == 1
    assert ranking.left_out[0].id == "AI-1"
    assert "duplicate id" in ranking.left_out[0].reason


def test_movement_counts_places_up() -> None:
    then = scoring.rank([make("AI-1", 13), make("AI-2", 8), make("AI-3", 3)], CONFIG)
    now = scoring.rank([make("AI-1", 3), make("AI-2", 8), make("AI-3", 13), make("AI-4", 20)], CONFIG)
    assert scoring.movement(now, then) == {"AI-4": None, "AI-3": 1, "AI-2": -1, "AI-1": -3}
