"""Deterministic, realistic synthetic backlogs for the benchmarks.

Items look like filled-in templates (~760 bytes each). With ``commits`` the
backlog gets a git history written by one ``git fast-import`` process:
several authors, status walks, score changes, and moves into sub-folders.
With ``branches`` each branch adds one item at its tip (for ``new``).
Every ``MERGE_EVERY`` commits a topic branch takes a few edits while main goes
on, and a merge commit (``--no-ff`` style) brings it in: the history a team
makes, which `changes` and `history` walk through every parent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import subprocess
from pathlib import Path

CONFIG = """\
name: Synthetic backlog
id_prefix: AI
items_dir: items
review:
  cadence_days: 14
scoring:
  default: weighted
"""

SUBJECTS = (
    "churn",
    "invoice OCR",
    "demand forecast",
    "fraud score",
    "support retrieval",
    "lead scoring",
    "price elasticity",
    "anomaly alerts",
    "document triage",
    "credit scorecard",
    "route planning",
    "stock-out risk",
    "call summaries",
    "CV screening",
    "energy load",
    "defect detection",
)
ADJECTIVES = ("B2B", "retail", "weekly", "real-time", "regional", "nightly", "EU", "pilot", "v2", "legacy")
PEOPLE = ("ana", "bjorn", "chen", "dara", "emeka", "fatima", "goran", "hana", "ivan", "julia")
TEAMS = ("ml-platform", "risk-analytics", "customer-ai", "ops-research", "document-ai")
STATUSES = ("proposed", "ready", "in_progress", "deployed", "parked", "rejected", "retired")
WALK = ("proposed", "ready", "in_progress", "deployed")
KINDS = ("new", "implement", "revise", "retire")
RISKS = ("minimal", "limited", "high", "unassessed")
FIB = (1, 2, 3, 5, 8, 13, 20)
EPOCH = dt.date(2023, 1, 2)
MERGE_EVERY = 25
TOPIC_COMMITS = 6
# Review dates are relative to the day of generation: the same seed gives the
# same backlog on one day, and lint sees the same share of overdue reviews on any.
TODAY = dt.date.today()


def slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:40]


def item_fields(number: int, rng: random.Random) -> dict[str, object]:
    subject, adjective = rng.choice(SUBJECTS), rng.choice(ADJECTIVES)
    created = EPOCH + dt.timedelta(days=rng.randrange(900))
    deps = [f"AI-{rng.randrange(1, number)}"] if number > 1 and rng.random() < 0.2 else []
    return {
        "id": f"AI-{number}",
        "title": f"{subject.capitalize()} model ({adjective})",
        "kind": rng.choice(KINDS),
        "status": rng.choice(STATUSES),
        "owner": rng.choice(PEOPLE),
        "team": rng.choice(TEAMS),
        "stakeholders": rng.sample(PEOPLE, 2),
        "created": created,
        # A lab that reviews every two weeks: most reviews are recent, a few overdue.
        "last_reviewed": max(
            created,
            TODAY - dt.timedelta(days=rng.randrange(13) if rng.random() < 0.92 else rng.randrange(15, 60)),
        ),
        "business_value": rng.choice(FIB),
        "time_criticality": rng.choice(FIB),
        "feasibility": rng.randint(1, 5),
        "effort": rng.choice(FIB),
        "confidence": rng.choice((0.5, 0.7, 0.8, 0.9)),
        "reach": rng.randrange(50, 20000),
        "effort_weeks": rng.choice((2, 4, 6, 8, 12)),
        "risk": rng.choice(RISKS),
        "deps": deps,
        "subject": subject,
    }


def render(f: dict[str, object]) -> str:
    """One item file; the same shape as a filled-in template without comments."""
    deps = "[" + ", ".join(f["deps"]) + "]"  # type: ignore[arg-type]
    stakeholders = ", ".join(f["stakeholders"])  # type: ignore[arg-type]
    return f"""\
id: {f["id"]}
title: {f["title"]}
kind: {f["kind"]}
status: {f["status"]}
owner: {f["owner"]}
team: {f["team"]}
stakeholders: [{stakeholders}]
created: {f["created"]}
last_reviewed: {f["last_reviewed"]}
decision: >-
  Which cases the {f["team"]} team handles first each week.
description: |
  Gradient-boosted model predicting {f["subject"]} from a year
  of history; scores go nightly to the warehouse.
expected_benefit:
  summary: Fewer escalations and faster handling.
  metric: escalation rate
  baseline: 4.1%
  target: 3.2%
resources:
  effort_weeks: {f["effort_weeks"]}
  roles: [data scientist, ML engineer]
  compute: 1 GPU for a week
  data: available in the warehouse
scores:
  business_value: {f["business_value"]}
  time_criticality: {f["time_criticality"]}
  feasibility: {f["feasibility"]}
  effort: {f["effort"]}
  confidence: {f["confidence"]}
  reach: {f["reach"]}
risk_class: {f["risk"]}
depends_on: {deps}
tags: [{f["subject"].split()[0].lower()}, benchmark]
links: []
notes: ''
"""


def item_name(f: dict[str, object]) -> str:
    return f"{f['id']}-{slug(str(f['title']))}.yaml"


def generate(root: Path, items: int, commits: int = 0, branches: int = 0, seed: int = 1) -> Path:
    """Write a backlog of ``items`` items to ``root`` (and its git history)."""
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    fields = [item_fields(n, rng) for n in range(1, items + 1)]
    if commits <= 0:
        (root / "backlog.yaml").write_text(CONFIG)
        folder = root / "items"
        folder.mkdir(exist_ok=True)
        for f in fields:
            (folder / item_name(f)).write_text(render(f))
        return root
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream = _history(fields, commits, branches, rng)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=stream, check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    return root


class _Stream:
    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.mark = 0

    def blob(self, text: str) -> int:
        self.mark += 1
        data = text.encode()
        self.parts.append(b"blob\nmark :%d\ndata %d\n%s\n" % (self.mark, len(data), data))
        return self.mark

    def commit(
        self,
        ref: str,
        who: str,
        when: int,
        message: str,
        ops: list[str],
        parent: int | None,
        merge: int | None = None,
    ) -> int:
        self.mark += 1
        msg = message.encode()
        head = f"commit {ref}\nmark :{self.mark}\n"
        head += f"author {who.title()} <{who}@lab.example> {when} +0100\n"
        head += f"committer {who.title()} <{who}@lab.example> {when} +0100\n"
        body = b"data %d\n%s\n" % (len(msg), msg)
        tail = (f"from :{parent}\n" if parent else "") + (f"merge :{merge}\n" if merge else "")
        tail += "".join(op + "\n" for op in ops)
        self.parts.append(head.encode() + body + tail.encode() + b"\n")
        return self.mark


@dataclasses.dataclass
class _Topic:
    """An open topic branch: its tip, the items it changes (main leaves them alone) and their last ops."""

    tip: int
    left: int = TOPIC_COMMITS
    items: set[int] = dataclasses.field(default_factory=set)
    ops: dict[str, str] = dataclasses.field(default_factory=dict)


def _history(fields: list[dict[str, object]], commits: int, branches: int, rng: random.Random) -> bytes:
    """A fast-import stream: items arrive over time, then walk statuses and move."""
    out = _Stream()
    paths: dict[int, str] = {}
    when = 1672650000
    head: int | None = None
    config = out.blob(CONFIG)
    # The first commit holds the configuration and a tenth of the items; the
    # rest arrive one per commit, mixed with edits, so every commit touches items.
    first = max(1, len(fields) // 10)
    ops = [f"M 100644 :{config} backlog.yaml"]
    for index in range(first):
        paths[index] = f"items/{item_name(fields[index])}"
        ops.append(f"M 100644 :{out.blob(render(fields[index]))} {paths[index]}")
    head = out.commit("refs/heads/main", rng.choice(PEOPLE), when, "Import the backlog", ops, head)
    added = first
    topic: _Topic | None = None
    for number in range(1, commits):
        when += rng.randrange(600, 20000)
        if topic is None and number % MERGE_EVERY == 0 and added > 10:
            topic = _Topic(tip=head or 0)
        if topic is not None and topic.left == 0:
            message = f"Merge topic ({', '.join(sorted(topic.ops))})"
            ops = list(topic.ops.values())
            head = out.commit("refs/heads/main", rng.choice(PEOPLE), when, message, ops, head, topic.tip)
            topic = None
            continue
        on_topic = topic is not None and rng.random() < 0.5
        to_add = len(fields) - added
        if not on_topic and to_add and rng.random() < to_add / max(1, commits - number):
            index, verb = added, "Add"
            added += 1
            paths[index] = f"items/{item_name(fields[index])}"
            ops = []
        else:
            index = rng.randrange(added)
            if topic is not None:
                if on_topic and topic.items and rng.random() < 0.5:
                    index = rng.choice(sorted(topic.items))
                if not on_topic and index in topic.items:
                    continue  # main leaves the topic's items alone while it is open
                if on_topic:
                    topic.items.add(index)
            f = fields[index]
            roll = rng.random()
            if topic is None and roll < 0.05 and paths[index].count("/") == 1:
                old = paths[index]
                paths[index] = f"items/{f['team']}/{old.rsplit('/', 1)[1]}"
                verb, ops = "Move", [f'R "{old}" "{paths[index]}"']
                out.commit("refs/heads/main", rng.choice(PEOPLE), when, f"{verb} {f['id']}", ops, head)
                head = out.mark
                continue
            if roll < 0.5 and f["status"] in WALK[:-1]:
                f["status"] = WALK[WALK.index(str(f["status"])) + 1]
                verb = f"Move to {f['status']}:"
            else:
                key = rng.choice(("business_value", "effort", "time_criticality"))
                f[key] = rng.choice(FIB)
                verb = f"Re-score {key} of"
            ops = []
        ops.append(f"M 100644 :{out.blob(render(fields[index]))} {paths[index]}")
        message = f"{verb} {fields[index]['id']}"
        if on_topic and topic is not None:
            topic.tip = out.commit("refs/heads/topic", rng.choice(PEOPLE), when, message, ops, topic.tip)
            topic.ops[str(fields[index]["id"])] = ops[-1]
            topic.left -= 1
            continue
        head = out.commit("refs/heads/main", rng.choice(PEOPLE), when, message, ops, head)
    # Items not added yet (more items than commits) arrive in one last commit.
    if added < len(fields):
        ops = []
        for index in range(added, len(fields)):
            paths[index] = f"items/{item_name(fields[index])}"
            ops.append(f"M 100644 :{out.blob(render(fields[index]))} {paths[index]}")
        when += 600
        head = out.commit("refs/heads/main", rng.choice(PEOPLE), when, "Add the remaining items", ops, head)
    for number in range(branches):
        f = item_fields(len(fields) + 1 + number, rng)
        blob = out.blob(render(f))
        who = rng.choice(PEOPLE)
        ops = [f"M 100644 :{blob} items/{item_name(f)}"]
        out.commit(f"refs/heads/feature/{number}", who, when + number, f"Propose {f['id']}", ops, head)
    return b"".join(out.parts)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Write a synthetic backlog.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=0)
    parser.add_argument("--branches", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.root, args.items, args.commits, args.branches, args.seed)


if __name__ == "__main__":
    main()


def generate_chain(root: Path, items: int, seed: int = 1) -> Path:
    """A backlog whose open items form one ``depends_on`` chain: AI-n depends on AI-(n-1).

    The worst case for inherited scores (every prerequisite inherits from the
    whole chain after it); issue 11 measured it quadratic.
    """
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    (root / "backlog.yaml").write_text(CONFIG)
    folder = root / "items"
    folder.mkdir(exist_ok=True)
    for number in range(1, items + 1):
        f = item_fields(number, rng)
        f["status"] = "proposed"
        f["risk"] = "minimal"
        f["deps"] = [f"AI-{number - 1}"] if number > 1 else []
        (folder / item_name(f)).write_text(render(f))
    return root
