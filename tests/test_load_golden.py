"""Lint and rank give the answers recorded before items were loaded as one representation.

tests/data/load-golden.json was written by scripts/record-load-golden.py with
the loading code of 0.1 (a parsed dict beside four pydantic models per item,
fresh strings everywhere); interned keys and values, shared field sets and
rank's one representation must change nothing lint or rank say, cold or warm.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from backlogctl import backlog as backlog_module
from backlogctl.lint import check
from backlogctl.render.ranking import as_json
from backlogctl.store import cache as store_cache
from backlogctl.usecases import ranking
from tests.golden_backlog import write, write_broken
from tests.helpers import EXAMPLE

GOLDEN = json.loads((Path(__file__).parent / "data" / "load-golden.json").read_text())
TODAY = dt.date(2026, 6, 1)
RANKS: list[dict[str, Any]] = [{}, {"include_all": True}, {"model": "rice", "explain": True}]


@pytest.fixture(scope="module")
def roots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("golden")
    return {
        "example": EXAMPLE,
        "generated": write(folder / "gen", 300),
        "broken": write_broken(write(folder / "broken", 120)),
    }


def answers(root: Path) -> dict[str, Any]:
    problems = check(backlog_module.load(root, models=False), today=TODAY)
    found = {
        "lint": [[p.path, p.line, p.column, p.rule, p.severity, p.item, p.message] for p in problems],
        "rank": [as_json(ranking.rank(root, **options)) for options in RANKS],
    }
    return json.loads(json.dumps(found, sort_keys=True, default=str))


@pytest.mark.parametrize("name", ["example", "generated", "broken"])
@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_same_answers_as_recorded(
    name: str, cache: str, roots: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("BACKLOGCTL_NO_CACHE", "1" if cache == "cold" else "0")
    if cache == "warm":
        monkeypatch.setattr(store_cache, "RACY_SECONDS", 0)  # the files were written a moment ago
        answers(roots[name])  # fills the cache
        assert any(path.is_file() for path in tmp_path.rglob("*"))
    assert answers(roots[name]) == GOLDEN[name]
