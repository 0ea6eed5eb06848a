"""What rules see: the backlog, today's date, and file text read on demand."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from functools import cached_property
from typing import Any

from backlogctl import store
from backlogctl.backlog import Backlog, Entry
from backlogctl.config import Config
from backlogctl.errors import InputError


class Context:
    """The backlog under lint, with indexes the cross-item rules share."""

    def __init__(self, backlog: Backlog, today: dt.date) -> None:
        self.backlog = backlog
        self.today = today
        self._texts: dict[Any, str | None] = {}
        self.required: dict[str | None, list[str]] = {}
        """Required fields per status, expanded once per run."""

    @property
    def config(self) -> Config:
        return self.backlog.config

    @property
    def entries(self) -> list[Entry]:
        return self.backlog.entries

    @cached_property
    def levels(self) -> dict[str, tuple[str, ...]]:
        """Known field names per dotted level of the lab's item model."""
        from backlogctl import template

        return template.field_levels(template.item_model(self.config))

    @cached_property
    def by_id(self) -> dict[str, list[Entry]]:
        """Entries by id; a list because a merge can leave two files with one id."""
        found: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            if entry.id is not None:
                found[entry.id].append(entry)
        return dict(found)

    def status(self, item_id: str) -> str | None:
        """The status of the item with this id (the first file's, for duplicates)."""
        for entry in self.by_id.get(item_id, []):
            return entry.status
        return None

    def text(self, entry: Entry) -> str | None:
        """The file's text, read once; None when it cannot be decoded."""
        if entry.path not in self._texts:
            try:
                self._texts[entry.path] = store.read_document(entry.path).text
            except InputError:
                self._texts[entry.path] = None
        return self._texts[entry.path]
