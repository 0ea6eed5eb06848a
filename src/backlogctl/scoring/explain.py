"""Explanations: a score as plain data, term by term, for `show` and `rank --explain`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from backlogctl.config import Config
from backlogctl.errors import BacklogError
from backlogctl.model import Item
from backlogctl.scoring.models import Score, Term, score_with, select

if TYPE_CHECKING:
    from backlogctl.scoring.ranking import Ranked  # `show` explains one item without the ranking


def term_data(term: Term) -> dict[str, Any]:
    return {
        "criterion": term.criterion,
        "raw": term.raw,
        "normalised": _round(term.normalised),
        "weight": term.weight,
        "contribution": _round(term.contribution),
    }


def explain(result: Score) -> dict[str, Any]:
    """A score with its terms; the contributions sum to the score."""
    return {
        "model": result.model,
        "score": _round(result.value),
        "terms": [term_data(term) for term in result.terms],
        "confidence_discount": result.discount,
        "message": result.message,
    }


def explain_item(config: Config, item: Item, model: str | None = None) -> dict[str, Any]:
    """One item's score under the default (or a named) model, term by term."""
    try:
        compiled = select(config, model)
    except BacklogError as exc:
        return {"model": model or config.scoring.default, "score": None, "terms": [], "message": exc.message}
    return explain(score_with(item, compiled))


def term_line(term: Term) -> str:
    """One term as text: business_value  raw 8  normalised 0.368  weight 0.5  contributes +18.42."""
    parts = [term.criterion]
    if term.raw is not None:
        parts.append(f"raw {term.raw:g}")
    if term.normalised is not None:
        parts.append(f"normalised {term.normalised:.3g}")
    if term.weight is not None:
        parts.append(f"weight {term.weight:g}")
    parts.append(f"contributes {term.contribution:+.4g}")
    return "  ".join(parts)


def describe(explained: dict[str, Any]) -> list[str]:
    """An `explain`/`explain_item` result as lines of text (for `show`)."""
    value = explained.get("score")
    head = f"score ({explained.get('model')}): "
    head += f"{value:.2f}" if isinstance(value, int | float) else f"none: {explained.get('message')}"
    out = [head]
    for term in explained.get("terms", []):
        out.append("  " + term_line(Term(**term)))
    if explained.get("confidence_discount") is not None:
        out.append(f"  discounted by confidence {explained['confidence_discount']:g}")
    return out


def lines(entry: Ranked) -> list[str]:
    """The explanation of one ranked item as short lines of text."""
    out = [term_line(term) for term in entry.terms]
    if entry.scored is not None and entry.scored.discount is not None:
        out.append(f"discounted by confidence {entry.scored.discount:g}")
    if entry.inherited_from is not None:
        out.append(f"effective score {entry.effective_score:.4g} inherited from {entry.inherited_from}")
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
