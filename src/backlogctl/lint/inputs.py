"""Which score fields a scoring model reads: what `scores.*` requires."""

from __future__ import annotations

from backlogctl.config import Config, ScoringModel


def inputs_of(model: ScoringModel, config: Config | None = None) -> set[str]:
    """The score fields ``model`` reads; the scoring package is the one source of truth."""
    from backlogctl import scoring

    if config is None:
        return scoring.inputs(model)
    return scoring.inputs(model, config.score_scales())
