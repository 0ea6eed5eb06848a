"""Prioritisation sessions: every stakeholder rates privately, in their own file.

``sessions/NAME/session.yaml`` holds what is rated (items, criteria, model);
``sessions/NAME/RATER.yaml`` one rater's values and comments, so raters on
their own branches never conflict in git. `files` reads and writes them,
`workflow` opens, rates, reports status and applies the medians, `results`
summarises the ratings, their agreement and what to discuss first.
"""

from __future__ import annotations

from backlogctl.sessions.files import Rating, Session, load, load_ratings
from backlogctl.sessions.results import Results, results
from backlogctl.sessions.workflow import (
    Applied,
    Rated,
    Status,
    apply,
    open_session,
    rate,
    stability_ratings,
    status,
)

__all__ = [
    "Applied",
    "Rated",
    "Rating",
    "Results",
    "Session",
    "Status",
    "apply",
    "load",
    "load_ratings",
    "open_session",
    "rate",
    "results",
    "stability_ratings",
    "status",
]
