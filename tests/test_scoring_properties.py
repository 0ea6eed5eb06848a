"""Properties of scoring and ranking (hypothesis), and the seeded stability report."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlogctl import scoring
from backlogctl.config import Config, builtin_models
from backlogctl.model import FIBONACCI, IMPACT_STEPS, Item
from tests.helpers import examples

CONFIG = Config()
SETTINGS = settings(max_examples=examples(60), deadline=None)

scores = st.fixed_dictionaries(
    {
        "business_value": st.sampled_from(FIBONACCI),
        "time_criticality": st.sampled_from(FIBONACCI),
        "risk_reduction": st.sampled_from(FIBONACCI),
        "feasibility": st.integers(1, 5),
        "effort": st.sampled_from(FIBONACCI),
        "confidence": st.sampled_from([0.0, 0.3, 0.5, 0.8, 1.0]),
        "reach": st.integers(0, 5000),
        "impact": st.sampled_from(IMPACT_STEPS),
    }
)


@st.composite
def backlogs(draw: st.DrawFn, min_size: int = 1) -> list[Item]:
    count = draw(st.integers(min_size, 12))
    items = []
    for number in range(1, count + 1):
        depends = draw(st.lists(st.integers(1, count), max_size=2))
        items.append(
            Item(
                id=f"AI-{number}",
                title=f"item {number}",
                status=draw(st.sampled_from(["proposed", "ready", "in_progress"])),
                scores=draw(scores),
                created=draw(st.sampled_from([None, "2026-01-01", "2026-02-01"])),
                depends_on=[f"AI-{d}" for d in depends if d != number],
            )
        )
    return items


def scores_by_id(ranking: scoring.Ranking) -> dict[str, float]:
    return {entry.item.id: entry.score for entry in ranking.entries}


@SETTINGS
@given(backlogs(), scores)
def test_adding_an_item_never_changes_another_items_weighted_score(items: list[Item], extra: dict) -> None:
    before = scores_by_id(scoring.rank(items, CONFIG))
    newcomer = Item(id="AI-999", title="new", status="ready", scores=extra, depends_on=[items[0].id])
    after = scores_by_id(scoring.rank([*items, newcomer], CONFIG))
    assert {key: after[key] for key in before} == before


@SETTINGS
@given(backlogs(), st.randoms(use_true_random=False), st.sampled_from(["weighted", "wsjf", "rice", "ice"]))
def test_ranking_is_a_total_deterministic_order(items: list[Item], rnd: random.Random, model: str) -> None:
    first = scoring.rank(items, CONFIG, model=model)
    shuffled = list(items)
    rnd.shuffle(shuffled)
    second = scoring.rank(shuffled, CONFIG, model=model)
    assert [(e.rank, e.item.id, e.effective_score) for e in first.entries] == [
        (e.rank, e.item.id, e.effective_score) for e in second.entries
    ]
    assert [e.rank for e in first.entries] == list(range(1, len(first.entries) + 1))
    assert len({e.item.id for e in first.entries}) == len(first.entries)
    effective = [e.effective_score for e in first.entries]
    assert effective == sorted(effective, reverse=True)


@SETTINGS
@given(scores, st.sampled_from(["weighted", "wsjf", "rice", "ice"]), st.booleans())
def test_explain_terms_sum_to_the_score(values: dict, name: str, discount: bool) -> None:
    model = builtin_models()[name].model_copy(update={"confidence_discount": discount})
    result = scoring.score(Item(id="AI-1", title="x", scores=values), model)
    assert result.value is not None
    assert sum(term.contribution for term in result.terms) == pytest.approx(result.value, abs=1e-9)


@SETTINGS
@given(backlogs())
def test_effective_score_is_never_below_the_own_score(items: list[Item]) -> None:
    for entry in scoring.rank(items, CONFIG).entries:
        assert entry.effective_score >= entry.score
        if entry.inherited_from is None:
            assert entry.effective_score == entry.score


def stable_backlog() -> list[Item]:
    """A clear winner, a clear loser, and items between them that differ by one step only."""
    rows = [
        ("AI-1", 20, 5, 1),
        ("AI-2", 5, 3, 2),
        ("AI-3", 3, 4, 8),
        ("AI-4", 3, 4, 8),
        ("AI-5", 2, 4, 8),
        ("AI-6", 1, 1, 20),
    ]
    return [
        Item(
            id=key,
            title=key,
            status="ready",
            scores={"business_value": value, "feasibility": feasibility, "effort": effort},
        )
        for key, value, feasibility, effort in rows
    ]


def test_stability_is_seeded_and_reproducible() -> None:
    ranking = scoring.rank(stable_backlog(), CONFIG)
    first = scoring.stability(ranking, CONFIG, runs=200, seed=7, top=3)
    again = scoring.stability(scoring.rank(stable_backlog(), CONFIG), CONFIG, runs=200, seed=7, top=3)
    assert first == again


def test_stability_tells_settled_places_from_coin_tosses() -> None:
    report = {
        s.id: s for s in scoring.stability(scoring.rank(stable_backlog(), CONFIG), CONFIG, runs=300, top=2)
    }
    assert (report["AI-1"].low, report["AI-1"].high, report["AI-1"].top) == (1, 1, 1.0)
    assert report["AI-6"].top == 0.0
    assert report["AI-6"].low == report["AI-6"].high == 6
    assert report["AI-3"].low < report["AI-3"].high  # a coin toss with AI-4 and AI-5
    for entry in report.values():
        assert entry.low <= entry.high
        assert 0.0 <= entry.top <= 1.0
