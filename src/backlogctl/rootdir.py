"""Where a backlog is: the nearest folder that holds backlog.yaml (imports nothing heavy).

`config` reads and validates the file; finding it needs neither pydantic nor
the model, so work that needs only the place (history's early walk, see
`history.early`) can start before they are imported.
"""

from __future__ import annotations

from pathlib import Path

CONFIG_NAME = "backlog.yaml"
DEFAULT_ITEMS_DIR = "items"
"""The items folder when backlog.yaml names none."""


def nearest(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` (resolved) that holds backlog.yaml; None if none does."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None
