"""Which score fields a scoring model reads: what `scores.*` requires."""

from __future__ import annotations

from backlogctl.config import ScoringModel


def inputs_of(model: ScoringModel) -> set[str]:
    """The score fields ``model`` reads; the scoring package is the one source of truth."""
    from backlogctl import scoring

    return scoring.inputs(model)
