"""The meeting pack: everything the review needs, assembled once, rendered elsewhere.

`pack` holds the values the renderers in `render/report_*.py` lay out;
`build` gathers them from the ranking, its stability, what changed since the
last review, the items due for review, lint problems and blocked items.
"""

from __future__ import annotations

from backlogctl.report.build import blocked_items, build, incomplete_items, model_info, write
from backlogctl.report.pack import (
    HIGH_FROM,
    LAST_REVIEW,
    MATRIX_X,
    MATRIX_Y,
    QUADRANTS,
    SETTLED_SPREAD,
    STABILITY_TOP,
    SURE,
    Baseline,
    Blocked,
    ChangeLine,
    Changes,
    Contribution,
    Due,
    Incomplete,
    ItemRef,
    ModelInfo,
    Pack,
    Place,
    ProblemLine,
    RankedItem,
    StabilitySummary,
    Weight,
    quadrant,
    scale_position,
)

__all__ = [
    "HIGH_FROM",
    "LAST_REVIEW",
    "MATRIX_X",
    "MATRIX_Y",
    "QUADRANTS",
    "SETTLED_SPREAD",
    "STABILITY_TOP",
    "SURE",
    "Baseline",
    "Blocked",
    "ChangeLine",
    "Changes",
    "Contribution",
    "Due",
    "Incomplete",
    "ItemRef",
    "ModelInfo",
    "Pack",
    "Place",
    "ProblemLine",
    "RankedItem",
    "StabilitySummary",
    "Weight",
    "blocked_items",
    "build",
    "incomplete_items",
    "model_info",
    "quadrant",
    "scale_position",
    "write",
]
