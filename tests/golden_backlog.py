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


BROKEN = {
    "AI-9001-schema.yaml": "id: AI-9001\ntitle: Bad score\nstatus: ready\n"
    "scores: {business_value: 4, effort: high}\n",
    "AI-9002-status.yaml": "id: AI-9002\ntitle: Odd status\nstatus: redy\nowner: ana\n",
    "AI-9003-incomplete.yaml": "id: AI-9003\ntitle: TODO\nstatus: ready\ndecision: tbd\nstakeholders: []\n",
    "AI-9004-unknown.yaml": "id: AI-9004\ntitle: Typo\nstatus: proposed\nbussiness_value: 3\n"
    "scores: {efort: 2}\ndepends_on: [AI-99999]\n",
    "AI-9005-cycle.yaml": "id: AI-9005\ntitle: Cycle one\nstatus: proposed\ndepends_on: [AI-9006]\n",
    "AI-9006-cycle.yaml": "id: AI-9006\ntitle: Cycle two\nstatus: in_progress\ndepends_on: [AI-9005]\n",
    "AI-9007-syntax.yaml": "id: AI-9007\ntitle: [unclosed\n",
    "AI-9008-list.yaml": "- just\n- a list\n",
    "AI-9009-duplicate.yaml": "id: AI-1\ntitle: Same id\nstatus: proposed\n",
    "AI-9010-quoted.yaml": "id: AI-9010\ntitle: Quoted date\nstatus: proposed\ncreated: '2024-02-03'\n"
    "risk_class: high\nkind: revise\nresources: {effort_weeks: 3, roles: [a, b]}\n",
    "ai-9011-name.yaml": "id: AI-9011\ntitle: Lower-case name\nstatus: parked\n",
}
"""Files with one lint finding each (or several), added to a generated backlog."""


def write_broken(root: Path) -> Path:
    """Add the BROKEN files to the backlog at ``root``."""
    for name, text in BROKEN.items():
        (root / "items" / name).write_text(text)
    return root
