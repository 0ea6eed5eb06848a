"""How much the raters agree: Krippendorff's alpha with the interval metric.

Chosen over Kendall's W because raters skip items (alpha takes missing values;
W needs every rater to rank every item), because it works for any number of
raters and values, and because it measures agreement on the values themselves
rather than on rank orders that ties (common on a 7-step scale) blur. Values
are compared by their position on the scale (1, 2, 3, 5, 8 are steps 0-4), so
13 against 20 counts as much as 1 against 2. A short implementation, tested
against Krippendorff's own worked example (2011, alpha = 0.849).
"""

from __future__ import annotations

from collections.abc import Sequence


def _squared_differences(values: Sequence[float]) -> float:
    """Sum of (a - b)^2 over ordered pairs of distinct positions: 2n*sum(a^2) - 2*(sum a)^2."""
    n = len(values)
    return 2 * n * sum(v * v for v in values) - 2 * sum(values) ** 2


def krippendorff_alpha(units: Sequence[Sequence[float]]) -> float | None:
    """Alpha (interval) over units, each the values its raters gave; None when nothing is pairable.

    1 is perfect agreement, 0 agreement by chance, below 0 systematic
    disagreement. When every value is the same, alpha is undefined in
    Krippendorff's definition; we report 1.0 (nobody disagrees).
    """
    pairable = [list(u) for u in units if len(u) >= 2]
    n = sum(len(u) for u in pairable)
    if n < 2:
        return None
    observed = sum(_squared_differences(u) / (len(u) - 1) for u in pairable) / n
    expected = _squared_differences([v for u in pairable for v in u]) / (n * (n - 1))
    if expected == 0:
        return 1.0
    return 1.0 - observed / expected
