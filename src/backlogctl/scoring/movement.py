"""How the ranking moved between two revisions."""

from __future__ import annotations

from backlogctl.scoring.ranking import Ranking


def movement(now: Ranking, then: Ranking) -> dict[str, int | None]:
    """Places each ranked item moved up since ``then`` (positive: closer to rank 1).

    None for items that were not ranked then.
    """
    before = {entry.item.id: entry.rank for entry in then.entries}
    return {
        entry.item.id: (before[entry.item.id] - entry.rank) if entry.item.id in before else None
        for entry in now.entries
    }
