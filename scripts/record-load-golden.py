"""Record lint's problems and rank's JSON on three backlogs (tests/data/load-golden.json).

Run once with the loading code to compare against (issue 19 recorded it with
the code before items were loaded as one representation);
tests/test_load_golden.py checks that today's code gives the same answers.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from backlogctl import backlog as backlog_module  # noqa: E402
from backlogctl.lint import check  # noqa: E402
from backlogctl.render.ranking import as_json  # noqa: E402
from backlogctl.usecases import ranking  # noqa: E402
from golden_backlog import write, write_broken  # noqa: E402

TODAY = dt.date(2026, 6, 1)
RANKS: list[dict[str, Any]] = [{}, {"include_all": True}, {"model": "rice", "explain": True}]


def answers(root: Path) -> dict[str, Any]:
    """What lint and rank say about the backlog at ``root``."""
    problems = check(backlog_module.load(root, models=False), today=TODAY)
    return {
        "lint": [[p.path, p.line, p.column, p.rule, p.severity, p.item, p.message] for p in problems],
        "rank": [as_json(ranking.rank(root, **options)) for options in RANKS],
    }


def record() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        generated = write(Path(folder) / "gen", 300)
        broken = write_broken(write(Path(folder) / "broken", 120))
        return {
            "example": answers(REPO / "examples" / "ai-lab"),
            "generated": answers(generated),
            "broken": answers(broken),
        }


if __name__ == "__main__":
    target = REPO / "tests" / "data" / "load-golden.json"
    target.write_text(json.dumps(record(), sort_keys=True, default=str) + "\n")
    print(f"wrote {target}")
