"""Ranking and stability give today the answers recorded from the 0.1 implementation.

tests/data/stability-golden.json was written by scripts/record-stability-golden.py
with the per-run Python implementation (before the linear inheritance and the
vectorised Monte Carlo); the same seed must give the same places, ranges and
probabilities, on the example backlog and on a generated one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from backlogctl import backlog as backlog_module
from backlogctl import prioritise, scoring
from tests.golden_backlog import write
from tests.helpers import EXAMPLE

GOLDEN = json.loads((Path(__file__).parent / "data" / "stability-golden.json").read_text())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("golden") / "gen", 1500)


@pytest.mark.parametrize(
    "case", GOLDEN, ids=lambda c: f"{c['backlog']}-{c['model'] or c['formula']}-{c['all']}"
)
def test_same_seed_same_answer_as_recorded(case: dict[str, Any], generated: Path) -> None:
    root = EXAMPLE if case["backlog"] == "example" else generated
    loaded = backlog_module.load(root)
    ranking = prioritise.rank_backlog(
        loaded, model=case["model"], formula=case["formula"], include_all=case["all"]
    )
    assert [[e.item.id, e.effective_score, e.inherited_from] for e in ranking.entries] == case["ranking"]
    found = scoring.stability(ranking, loaded.config, runs=case["runs"], seed=case["seed"], top=case["top"])
    assert [[s.id, s.rank, s.low, s.high, s.top] for s in found] == case["stability"]
