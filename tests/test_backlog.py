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
