"""Scoring and ranking: pure functions, no I/O.

`score` an item under a model, `explain` it term by term, `rank` a backlog
(gates, inherited scores through dependencies, deterministic ties), measure
how settled the ranking is with `stability`, and compare two rankings with
`movement`.
"""

from __future__ import annotations

from backlogctl.scoring.explain import explain, explain_item
from backlogctl.scoring.formula import EvaluationError, Formula, FormulaError, parse
from backlogctl.scoring.models import Compiled, Score, Term, compile_model, inputs, score, select
from backlogctl.scoring.movement import movement
from backlogctl.scoring.ranking import Ranked, Ranking, rank, rank_with
from backlogctl.scoring.stability import Stability, stability

__all__ = [
    "Compiled",
    "EvaluationError",
    "Formula",
    "FormulaError",
    "Ranked",
    "Ranking",
    "Score",
    "Stability",
    "Term",
    "compile_model",
    "explain",
    "explain_item",
    "inputs",
    "movement",
    "parse",
    "rank",
    "rank_with",
    "score",
    "select",
    "stability",
]
