"""A deterministic generated backlog for the before/after comparisons of the ranking code.

Kept here rather than borrowed from bench/generate.py so that a change to the
benchmark generator never invalidates the recorded answers in tests/data/.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

FIB = (1, 2, 3, 5, 8, 13, 20)
STATUSES = ("proposed", "ready", "in_progress", "deployed", "parked", "rejected", "retired")
RISKS = ("minimal", "limited", "high", "unassessed")


def write(root: Path, items: int, seed: int = 4) -> Path:
    """A backlog of ``items`` complete items with random scores and dependencies."""
    rng = random.Random(seed)
    (root / "items").mkdir(parents=True)
    (root / "backlog.yaml").write_text("name: Golden\nid_prefix: AI\nitems_dir: items\n")
    for number in range(1, items + 1):
        deps = [f"AI-{rng.randrange(1, number)}"] if number > 1 and rng.random() < 0.25 else []
        created = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(600))
        text = f"""\
id: AI-{number}
title: Model {number}
kind: new
status: {rng.choice(STATUSES)}
owner: ana
created: {created}
last_reviewed: {created}
decision: Which cases come first.
description: A model.
expected_benefit: {{summary: Fewer escalations, metric: rate, baseline: '4', target: '3'}}
resources: {{effort_weeks: 4}}
scores:
  business_value: {rng.choice(FIB)}
  time_criticality: {rng.choice(FIB)}
  risk_reduction: {rng.choice(FIB)}
  feasibility: {rng.randint(1, 5)}
  effort: {rng.choice(FIB)}
  confidence: {rng.choice((0.5, 0.7, 0.8, 0.9))}
  reach: {rng.randrange(50, 20000)}
  impact: {rng.choice((0.25, 0.5, 1, 2, 3))}
risk_class: {rng.choice(RISKS)}
depends_on: [{", ".join(deps)}]
"""
        (root / "items" / f"AI-{number}-model.yaml").write_text(text)
    return root
