"""Scoring and ranking: pure functions, no I/O.

`score` an item under a model, `explain` it term by term, `rank` a backlog
(gates, inherited scores through dependencies, deterministic ties), measure
how settled the ranking is with `stability`, and compare two rankings with
`movement`.

Each name is imported from its module on first use, so that `show` (which
needs `explain_item`) does not load stability's draws or the movement.
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from backlogctl import lazy_exports

if TYPE_CHECKING:
    from backlogctl.scoring.explain import explain, explain_item
    from backlogctl.scoring.formula import EvaluationError, Formula, FormulaError, parse
    from backlogctl.scoring.models import Compiled, Score, Term, compile_model, inputs, score, select
    from backlogctl.scoring.movement import movement
    from backlogctl.scoring.ranking import Ranked, Ranking, rank, rank_with
    from backlogctl.scoring.stability import Stability, stability

__getattr__ = lazy_exports(
    globals(),
    {
        "explain": ("explain", "explain_item"),
        "formula": ("EvaluationError", "Formula", "FormulaError", "parse"),
        "models": ("Compiled", "Score", "Term", "compile_model", "inputs", "score", "select"),
        "movement": ("movement",),
        "ranking": ("Ranked", "Ranking", "rank", "rank_with"),
        "stability": ("Stability", "stability"),
    },
)

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


class _Package(types.ModuleType):
    """``scoring.explain``, ``scoring.movement`` and ``scoring.stability`` stay the functions
    after their modules of the same names are imported: the import system binds a submodule
    to its name in the package, which would hide the function (the modules stay in sys.modules)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if not (isinstance(value, types.ModuleType) and name in __all__):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
