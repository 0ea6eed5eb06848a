"""Loading a backlog: entries, ids, and loading without the item models."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from backlogctl import backlog as backlog_module
from backlogctl.lint import check
from tests.helpers import EXAMPLE, REPO


def test_loading_without_models_keeps_every_problem(tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    shutil.copytree(EXAMPLE, lab)
    for invalid in sorted((REPO / "tests" / "examples" / "invalid").glob("*.yaml"))[:8]:
        shutil.copy(invalid, lab / "items" / invalid.name)
    today = dt.date(2026, 11, 21)

    with_models = backlog_module.load(lab)
    without = backlog_module.load(lab, models=False)

    assert without.items == []
    assert len(with_models.items) >= 25
    assert [e.id for e in without.entries] == [e.id for e in with_models.entries]
    assert [e.invalid for e in without.entries] == [e.invalid for e in with_models.entries]
    assert check(without, today=today) == check(with_models, today=today)
    assert any(p.severity == "error" for p in check(without, today=today))


def test_keep_models_holds_one_representation_per_item(tmp_path: Path) -> None:
    lab = tmp_path / "lab"
    shutil.copytree(EXAMPLE, lab)
    for invalid in sorted((REPO / "tests" / "examples" / "invalid").glob("*.yaml"))[:8]:
        shutil.copy(invalid, lab / "items" / invalid.name)
    with_models = backlog_module.load(lab)
    kept = backlog_module.load(lab, models=False)
    statuses = [e.status for e in kept.entries]

    kept.keep_models()

    assert [e.item for e in kept.entries] == [e.item for e in with_models.entries]
    assert all(e.data is None for e in kept.entries if e.item is not None)
    invalid = [e for e in kept.entries if e.item is None]
    assert invalid and all(e.data is not None or e.error is not None for e in invalid)
    assert [e.status for e in kept.entries] == statuses
    assert [e.id for e in kept.entries] == [e.id for e in with_models.entries]
    assert [e.valid for e in kept.entries] == [e.item is not None for e in with_models.entries]
    # Equal field sets are one set object, inside models too.
    items = kept.items
    shared = {id(item.scores.model_fields_set) for item in items}
    assert len(shared) < len(items)
    assert [i.model_dump(exclude_unset=True) for i in items] == [
        i.model_dump(exclude_unset=True) for i in with_models.items
    ]
