"""Record the stability analysis of the example and a generated backlog (tests/data).

Run once with the implementation to compare against; tests/test_stability_golden.py
checks that today's code gives the same places, ranges and probabilities.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from backlogctl import backlog as backlog_module  # noqa: E402
from backlogctl import prioritise, scoring  # noqa: E402
from golden_backlog import write  # noqa: E402

CASES = [
    ("example", None, False, 500, 0, 5),
    ("example", "urgency", False, 300, 3, 5),
    ("example", "value_density", False, 300, 11, 3),
    ("example", "rice", True, 200, 5, 10),
    ("example", "wsjf", False, 200, 1, 5),
    ("generated", None, False, 60, 0, 5),
    ("generated", "(business_value + time_criticality) * confidence / effort", False, 40, 9, 10),
    ("generated", None, True, 30, 2, 5),
    ("generated", "wsjf", False, 40, 5, 5),
    ("generated", "ice", False, 40, 6, 5),
]


def record(
    root: Path, name: str, model: str | None, include_all: bool, runs: int, seed: int, top: int
) -> dict:
    loaded = backlog_module.load(root)
    formula = model if model and " " in model else None
    model = None if formula else model
    ranking = prioritise.rank_backlog(loaded, model=model, formula=formula, include_all=include_all)
    found = scoring.stability(
        loaded.items,
        loaded.config,
        model=model,
        formula=formula,
        runs=runs,
        seed=seed,
        top=top,
        include_all=include_all,
        excluded=prioritise.unranked(loaded, ranking),
    )
    return {
        "backlog": name,
        "model": model,
        "formula": formula,
        "all": include_all,
        "runs": runs,
        "seed": seed,
        "top": top,
        "ranking": [[e.item.id, e.effective_score, e.inherited_from] for e in ranking.entries],
        "stability": [[s.id, s.rank, s.low, s.high, s.top] for s in found],
    }


def main() -> None:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        generated = write(Path(tmp) / "gen", 1500)
        roots = {"example": REPO / "examples" / "ai-lab", "generated": generated}
        for name, model, include_all, runs, seed, top in CASES:
            out.append(record(roots[name], name, model, include_all, runs, seed, top))
    target = REPO / "tests" / "data" / "stability-golden.json"
    target.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
