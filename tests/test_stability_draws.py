"""The vectorised draws read Python's random stream exactly as 0.1's per-run loop did."""

from __future__ import annotations

import importlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backlogctl.config import Config
from backlogctl.model import Item
from backlogctl.scoring import draws, ranking

# the package exports the function `stability`, which hides the module of the same name
STABILITY = importlib.import_module("backlogctl.scoring.stability")


def reference(kinds: list[bool], runs: int, seed: int, options: int) -> list[list[float]]:
    """What random.Random(seed) gives draw by draw: choice(range(options)) or random()."""
    rng = random.Random(seed)
    values = list(range(options))
    return [[float(rng.choice(values)) if kind else rng.random() for kind in kinds] for _ in range(runs)]


@settings(deadline=None, max_examples=60)
@given(
    kinds=st.lists(st.booleans(), min_size=1, max_size=60),
    runs=st.integers(1, 7),
    seed=st.integers(0, 2**32),
    options=st.sampled_from([1, 3, 5, 7]),
)
def test_stream_reads_the_words_random_reads(kinds: list[bool], runs: int, seed: int, options: int) -> None:
    stream = draws._Stream(seed, options, kinds)
    stream.per_run = 0.5  # refill in the middle of every batch: the hardest path
    got: list[list[float]] = []
    for first in range(0, runs, 3):
        count = min(3, runs - first)
        positions = stream.positions(count)
        choices, uniforms = stream.choices(positions), stream.uniforms(positions)
        for run in range(count):
            got.append(
                [float(choices[run][j]) if k else float(uniforms[run][j]) for j, k in enumerate(kinds)]
            )
    assert got == reference(kinds, runs, seed, options)


def test_many_short_segments_take_the_draw_by_draw_path() -> None:
    kinds = [bool(i % 3) for i in range(200)]  # 130 segments
    stream = draws._Stream(5, 3, kinds)
    positions = stream.positions(4)
    choices, uniforms = stream.choices(positions), stream.uniforms(positions)
    got = [
        [float(choices[r][j]) if k else float(uniforms[r][j]) for j, k in enumerate(kinds)] for r in range(4)
    ]
    assert got == reference(kinds, 4, 5, 3)


def chain(length: int, status: str = "proposed") -> list[Item]:
    """AI-n depends on AI-(n-1); scores rise along the chain, so each prerequisite inherits."""
    return [
        Item(
            id=f"AI-{n}",
            title=f"item {n}",
            status=status,
            depends_on=[f"AI-{n - 1}"] if n > 1 else [],
            scores={"business_value": [1, 2, 3, 5, 8, 13, 20][n % 7], "feasibility": 3, "effort": 5},
        )
        for n in range(1, length + 1)
    ]


def test_a_long_chain_ranks_prerequisites_first_with_the_best_score_of_the_rest() -> None:
    ranked = ranking.rank(chain(3000), Config())
    assert [e.item.id for e in ranked.entries[:3]] == ["AI-1", "AI-2", "AI-3"]
    top = max(e.score for e in ranked.entries)
    assert ranked.entries[0].effective_score == top
    last = {e.item.id: e for e in ranked.entries}["AI-3000"]
    assert last.effective_score == last.score and last.inherited_from is None


def test_a_cycle_shares_its_best_score() -> None:
    items = chain(4)
    items[0] = items[0].model_copy(update={"depends_on": ["AI-4"]})
    ranked = ranking.rank(items, Config())
    best = max(e.score for e in ranked.entries)
    assert {e.effective_score for e in ranked.entries} == {best}
    assert sorted(e.item.id for e in ranked.entries) == ["AI-1", "AI-2", "AI-3", "AI-4"]


def test_components_come_after_those_they_reach() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["b", "d"], "d": [], "e": ["a"]}
    found = ranking.components(graph)
    position = {key: number for number, members in enumerate(found) for key in members}
    assert sorted(map(sorted, found)) == [["a"], ["b", "c"], ["d"], ["e"]]
    assert position["d"] < position["b"] < position["a"] < position["e"]


@pytest.mark.parametrize("runs", [0, 1, 37])
def test_stability_on_a_chain_orders_every_run_like_the_ranking(runs: int) -> None:
    items = chain(60)
    ranked = ranking.rank(items, Config())
    found = STABILITY.stability(ranked, Config(), runs=runs, seed=3)
    assert [s.id for s in found] == [e.item.id for e in ranked.entries]
    for entry in found:
        assert 1 <= entry.low <= entry.high <= 60
    if runs == 0:
        assert all(s.low == s.high == s.rank for s in found)


def test_each_run_places_items_as_rank_would_with_those_scores() -> None:
    """One run of the arrays equals ranking that run's scores through Order one by one."""
    items = chain(40)
    ranked = ranking.rank(items, Config())
    settings = draws.Perturbation(runs=12, seed=9)
    order = ranking.Order({e.item.id: e.item for e in ranked.entries}, Config().statuses.closed)
    keys = [e.item.id for e in ranked.entries]
    for drawn in STABILITY.draws_for(ranked, settings):
        own = STABILITY.scores(ranked.compiled, drawn)
        places = STABILITY.places(order, keys, own)
        for run in range(drawn.runs):
            expected = order({key: float(own[run, j]) for j, key in enumerate(keys)})
            assert [keys[j] for j in places[run].argsort()] == [key for key, _, _ in expected]


@pytest.mark.parametrize("seed", range(6))
def test_forest_runs_place_items_as_the_walk_does(seed: int) -> None:
    """Prerequisites forming a forest take the array path; each run must equal Order's walk."""
    import random

    rng = random.Random(seed)
    items = [
        Item(
            id=f"AI-{n}",
            title=f"item {n}",
            status="proposed",
            depends_on=[f"AI-{rng.randrange(1, n)}"] if n > 1 and rng.random() < 0.7 else [],
            scores={
                "business_value": rng.choice([1, 2, 3]),
                "feasibility": 3,
                "effort": rng.choice([1, 2, 3]),
            },
        )
        for n in range(1, 80)
    ]
    ranked = ranking.rank(items, Config())
    order = ranking.Order({e.item.id: e.item for e in ranked.entries}, Config().statuses.closed)
    keys = [e.item.id for e in ranked.entries]
    assert STABILITY._forest(order, keys, {k: j for j, k in enumerate(keys)}) is not None
    for drawn in STABILITY.draws_for(ranked, draws.Perturbation(runs=20, seed=seed)):
        own = STABILITY.scores(ranked.compiled, drawn)
        places = STABILITY.places(order, keys, own)
        for run in range(drawn.runs):
            expected = order({key: float(own[run, j]) for j, key in enumerate(keys)})
            assert [keys[j] for j in places[run].argsort()] == [key for key, _, _ in expected]
