#!/usr/bin/env python3
"""Build a demo git repository with two review cycles over examples/ai-lab.

Usage: python examples/build-demo.py DEST

DEST must not exist or be empty. The result is a git repository whose
backlog at HEAD is exactly examples/ai-lab, reached through a believable
history: the import of the lab's spreadsheet on 2026-10-20, score and status
changes by eight people, items added and removed, two reviews tagged
review/2026-11-03 and review/2026-11-17, and a few changes after the last
review. Every edit of a field goes through `backlogctl set`, every new item
through `backlogctl new`; commits and tags are made with git, with fixed
authors and dates, so two runs give the same commits.

Needs git and a Python with backlogctl installed (`pip install -e .`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent / "ai-lab"
CLOSED = {"deployed", "rejected", "retired"}
SPREADSHEET_REVIEW = "2026-10-06"  # the last review held with the spreadsheet

PEOPLE = {
    "miriam": "Miriam Keller",
    "jonas": "Jonas Brandt",
    "aylin": "Aylin Demir",
    "tobias": "Tobias Wagner",
    "lea": "Lea Hoffmann",
    "felix": "Felix Neumann",
    "niklas": "Niklas Berger",
    "katrin": "Katrin Vogel",
}


# --- the plan -----------------------------------------------------------------


@dataclass
class Change:
    """Someone edits fields of one item: ``{field: (old, new)}``, values as YAML."""

    when: str
    who: str
    item: str
    fields: dict[str, tuple[str, str]]
    why: str
    reviewed: bool = False  # also set last_reviewed to the day of the change
    comments: tuple[str, ...] = ()  # keys whose comment in the example is written now
    notes: str | None = None  # the notes section before this change


@dataclass
class Add:
    """Someone creates an item with `backlogctl new` and fills it in."""

    when: str
    who: str
    item: str
    why: str


@dataclass
class Remove:
    """Someone deletes an item file; ``notes`` rewrites another item's notes."""

    when: str
    who: str
    item: str
    reason: str  # for the subject line
    why: str
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class Review:
    """The review meeting: mark reviewed items, commit, tag review/<date>."""

    when: str
    who: str
    summary: str


IMPORT = ("2026-10-20T09:30:00+02:00", "miriam")

PLAN: list[Change | Add | Remove | Review] = [
    Change(
        "2026-10-21T14:12:00+02:00",
        "jonas",
        "AI-3",
        {"scores.business_value": ("8", "13")},
        "Stefan Maier's figures: the five framework contracts lost in 2025 were\n"
        "2.3 M EUR of yearly revenue.",
    ),
    Change(
        "2026-10-22T10:05:00+02:00",
        "felix",
        "AI-8",
        {"scores.confidence": ("0.6", "0.7")},
        "Backtest on the 2019-2024 write-offs: AUC 0.81, stable across segments.",
    ),
    Change(
        "2026-10-26T11:40:00+01:00",
        "tobias",
        "AI-10",
        {"scores.feasibility": ("2", "3")},
        "Sensor data complete since May (AI-11); 41 failures labelled with the\nmaintenance planners.",
    ),
    Remove(
        "2026-10-27T16:20:00+01:00",
        "miriam",
        "AI-9",
        "duplicate of AI-3",
        "Duplicate of AI-3: webshop customers with a contract are in the churn\n"
        "model's scope, the others order too rarely to predict.",
    ),
    Add(
        "2026-10-28T09:15:00+01:00",
        "tobias",
        "AI-31",
        "The planners agreed on 2026-10-27 that the new forecast (AI-4) has been\n"
        "better for 16 weeks in a row.",
    ),
    Change(
        "2026-10-29T13:30:00+01:00",
        "katrin",
        "AI-15",
        {"risk_class": ("unassessed", "unacceptable"), "status": ("proposed", "rejected")},
        "Emotion recognition in the workplace is a prohibited practice under\n"
        "Art. 5(1)(f) of the AI Act since 2025-02-02. Agreed with Julia Zimmermann (Legal).",
        reviewed=True,
        comments=("risk_class:",),
        notes="notes: Proposed by the call-centre software vendor in June; compliance to assess.\n",
    ),
    Change(
        "2026-10-30T10:45:00+01:00",
        "felix",
        "AI-6",
        {
            "title": ("Fraud model recalibration", "'Webshop fraud model: new payment methods'"),
            "scores.effort": ("8", "5"),
        },
        "Scope narrowed to the new payment methods; the account features stay.",
    ),
    Change(
        "2026-11-03T15:02:00+01:00",
        "miriam",
        "AI-3",
        {"status": ("proposed", "ready")},
        "Review 2026-11-03: definition of ready met, pilot region agreed with sales.",
    ),
    Change(
        "2026-11-03T15:06:00+01:00",
        "miriam",
        "AI-18",
        {"status": ("proposed", "ready")},
        "Review 2026-11-03: Claudia Schulz accepts the pilot results (91 % accuracy).",
    ),
    Change(
        "2026-11-03T15:11:00+01:00",
        "miriam",
        "AI-14",
        {"status": ("proposed", "parked")},
        "Review 2026-11-03: the works council wants a works agreement on AI in HR\n"
        "before any screening model is built.",
        notes="notes: >-\n  The works council asked for details before the review; meeting on\n"
        "  2026-10-30.\n",
    ),
    Review(
        "2026-11-03T15:40:00+01:00",
        "miriam",
        "AI-3 and AI-18 ready, AI-14 parked, AI-15 rejected (prohibited practice).\nNext review 2026-11-17.",
    ),
    Add(
        "2026-11-05T11:20:00+01:00",
        "lea",
        "AI-32",
        "The FAQ bot's licence renews in June; the notice period ends 2027-03-31.",
    ),
    Change(
        "2026-11-09T17:45:00+01:00",
        "niklas",
        "AI-1",
        {"status": ("in_progress", "deployed")},
        "Two weeks of shadow loads without a data quality alert.",
        reviewed=True,
        notes="notes: Shadow loads since 2026-10-26; go-live planned for 2026-11-09.\n",
    ),
    Change(
        "2026-11-10T09:10:00+01:00",
        "jonas",
        "AI-3",
        {"status": ("ready", "in_progress")},
        "Pilot started with the six account managers of the Southern region.",
    ),
    Change(
        "2026-11-10T11:30:00+01:00",
        "jonas",
        "AI-12",
        {"scores.feasibility": ("2", "3")},
        "Account features now come from the feature store (AI-1).",
    ),
    Change(
        "2026-11-10T16:00:00+01:00",
        "tobias",
        "AI-25",
        {"scores.confidence": ("0.4", "0.5")},
        "Reviewed with the quality team: the camera budget is approved.",
        reviewed=True,
        notes="notes: ''\n",
    ),
    Change(
        "2026-11-11T10:30:00+01:00",
        "aylin",
        "AI-16",
        {"scores.business_value": ("5", "8"), "scores.time_criticality": ("3", "8")},
        "Purchasing's new standard terms apply from 2027; about 90 framework\n"
        "contracts are renegotiated in Q1.",
        comments=("  time_criticality:",),
    ),
    Change(
        "2026-11-11T14:00:00+01:00",
        "tobias",
        "AI-31",
        {"status": ("proposed", "in_progress")},
        "Comparison report removed; switching off the nightly job on Friday.",
    ),
    Add(
        "2026-11-12T09:40:00+01:00",
        "felix",
        "AI-33",
        "Marco Fischer's request from the S&OP meeting: 46 production orders\n"
        "waited for purchased parts in October.",
    ),
    Remove(
        "2026-11-12T14:15:00+01:00",
        "aylin",
        "AI-17",
        "merged into AI-26",
        "Merged into AI-26: the photo check is one input of the claim triage.",
        notes={"AI-26": "notes: ''\n"},
    ),
    Change(
        "2026-11-13T16:30:00+01:00",
        "tobias",
        "AI-31",
        {"status": ("in_progress", "retired")},
        "ARIMA job switched off, code archived.",
        reviewed=True,
        notes="notes: ''\n",
    ),
    Change(
        "2026-11-16T18:05:00+01:00",
        "miriam",
        "AI-7",
        {"scores.time_criticality": ("5", "13")},
        "Procurement: the scorecard vendor will not extend for one year only;\n"
        "without a decision by January we pay for three more years.",
        comments=("  time_criticality:",),
    ),
    Change(
        "2026-11-17T15:03:00+01:00",
        "miriam",
        "AI-27",
        {"status": ("proposed", "ready")},
        "Review 2026-11-17: the collections team lead joins in January.",
    ),
    Change(
        "2026-11-17T15:08:00+01:00",
        "miriam",
        "AI-22",
        {"status": ("proposed", "parked")},
        "Review 2026-11-17: the PIM replacement in 2027 brings attribute suggestions.",
        notes="notes: ''\n",
    ),
    Review(
        "2026-11-17T15:45:00+01:00",
        "miriam",
        "AI-27 ready, AI-22 parked; AI-7 moves up (vendor deadline), AI-1 deployed,\n"
        "AI-31 retired. Next review 2026-12-01.",
    ),
    # After the last review: what `changes --since last-review` shows.
    Change(
        "2026-11-18T10:20:00+01:00",
        "aylin",
        "AI-16",
        {"scores.feasibility": ("3", "4")},
        "Pilot on 40 contracts: 93 % of the clauses found, 2 % wrong.",
        comments=("  feasibility:",),
    ),
    Change(
        "2026-11-19T08:50:00+01:00",
        "jonas",
        "AI-13",
        {"scores.business_value": ("8", "13")},
        "CFO's budget memo of 2026-11-18: spare-parts margin is the 2027 target.",
        comments=("  business_value:",),
    ),
    Add(
        "2026-11-19T14:30:00+01:00",
        "niklas",
        "AI-34",
        "The 2027 CSRD report needs scope 3 figures per product family.",
    ),
    Change(
        "2026-11-20T09:00:00+01:00",
        "felix",
        "AI-6",
        {"status": ("ready", "in_progress")},
        "Started: the labels from the order desk's case log are in.",
    ),
    Change(
        "2026-11-20T16:10:00+01:00",
        "lea",
        "AI-5",
        {"scores.effort": ("13", "8")},
        "Reuse the AI-30 index instead of building a second one.",
        comments=("  effort:",),
    ),
]

# Items in the imported spreadsheet that were deleted later; they are not in
# examples/ai-lab, so their text lives here.
REMOVED = {
    "AI-9-churn-early-warning-for-webshop-customers.yaml": """\
# yaml-language-server: $schema=../item.schema.json
id: AI-9
title: Churn early warning for webshop customers
kind: new
status: proposed
owner: Jonas Brandt
team: Customer AI
stakeholders:
  - Nina Koch
created: 2026-05-18
last_reviewed: 2026-10-06
decision: >-
  Marketing decides which webshop customers get a reactivation offer; today
  everyone without an order for 12 months gets the same e-mail.
description: >-
  Predicts which webshop customers will not order again within 12 months,
  from their order history and webshop visits.
expected_benefit:
  summary: Reactivation offers for the customers who would otherwise leave.
  metric: reactivated webshop customers per quarter
  baseline: 120
  target: 250
resources:
  effort_weeks: 4
  roles: [data scientist]
  compute: Laptop.
  data: Webshop orders since 2021.
scores:
  business_value: 3
  time_criticality: 2
  risk_reduction: 1
  feasibility: 4
  effort: 3
  confidence: 0.5
  reach: 9000
  impact: 0.25
risk_class: minimal
depends_on: []
tags: [webshop, customer, retention]
links: []
notes: ''
""",
    "AI-17-warranty-claim-photo-check.yaml": """\
# yaml-language-server: $schema=../item.schema.json
id: AI-17
title: Warranty claim photo check
kind: new
status: proposed
owner: Aylin Demir
team: Document AI
stakeholders:
  - Dr. Markus Weber
created: 2026-07-06
last_reviewed: 2026-10-06
decision: >-
  Warranty clerks decide whether the photos sent with a claim show our part
  and the damage claimed; today they ask quality engineering when unsure.
description: >-
  A vision model that checks claim photos: is it our part (matched against
  product images), is the damage visible, is the photo usable.
expected_benefit:
  summary: Fewer claims sent to quality engineering for a photo check.
  metric: claims forwarded to quality engineering per month
  baseline: 140
  target: 60
resources:
  effort_weeks: 5
  roles: [data scientist, quality engineer]
  compute: Managed vision endpoint.
  data: Claim photos since 2024.
scores:
  business_value: 3
  time_criticality: 2
  risk_reduction: 2
  feasibility: 3
  effort: 5
  confidence: 0.5
  reach: 1050
  impact: 0.5
risk_class: minimal
depends_on: []
tags: [service, quality, vision]
links: []
notes: ''
""",
}


# --- running the tools ----------------------------------------------------------


class DemoError(Exception):
    pass


def git_env(who: str, when: str) -> dict[str, str]:
    name = PEOPLE[who]
    mail = name.lower().replace(" ", ".") + "@example.com"
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": mail,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": mail,
        "GIT_COMMITTER_DATE": when,
        # The user's own git configuration (signing, hooks, templates) stays out.
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }


def git(repo: Path, *args: str, who: str = "miriam", when: str = IMPORT[0]) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        cwd=repo,
        env=git_env(who, when),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise DemoError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def backlogctl(repo: Path, *args: str) -> str:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "backlogctl", "-C", str(repo), *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise DemoError(f"backlogctl {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def commit(repo: Path, who: str, when: str, subject: str, body: str) -> None:
    git(repo, "add", "-A", who=who, when=when)
    git(repo, "commit", "-q", "-m", subject, "-m", body, who=who, when=when)


# --- item text ------------------------------------------------------------------


def example_files() -> dict[str, Path]:
    """Example item files by id."""
    return {item_id(path.name): path for path in sorted((EXAMPLE / "items").glob("*.yaml"))}


def item_id(file_name: str) -> str:
    """``AI-7-churn.yaml`` -> ``AI-7`` (file names start with the id)."""
    return "-".join(file_name.split("-", 2)[:2])


def scalar(text: str, dotted: str) -> str | None:
    """The YAML text of a one-line scalar field (``scores.effort``); None when empty."""
    match = _field_line(text, dotted)
    value = match.group(2).strip()
    return value or None


def put(text: str, dotted: str, value: str | None) -> str:
    """Set a one-line scalar field by editing its line (for preparing old states)."""
    match = _field_line(text, dotted)
    line = match.group(1) + (f" {value}" if value else "")
    return text[: match.start()] + line + text[match.end() :]


def _field_line(text: str, dotted: str) -> re.Match[str]:
    parent, _, key = dotted.rpartition(".")
    start = 0
    indent = ""
    if parent:
        found = re.search(rf"^{re.escape(parent)}:\s*$", text, re.M)
        if found is None:
            raise DemoError(f"no {parent}: block")
        start, indent = found.end(), "  "
    match = re.compile(rf"^({indent}{re.escape(key)}:)([^\n]*)$", re.M).search(text, start)
    if match is None:
        raise DemoError(f"no field {dotted}")
    return match


def comment_block(text: str, key_line: str) -> str:
    """The comment lines directly above the line that starts with ``key_line``."""
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(key_line))
    first = index
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    if first == index:
        raise DemoError(f"no comment above {key_line!r}")
    return "".join(lines[first:index])


def notes_section(text: str) -> str:
    """The notes field, the last one in every item, up to the end of the file."""
    return text[text.index("\nnotes:") + 1 :]


def set_notes(text: str, section: str) -> str:
    return text[: text.index("\nnotes:") + 1] + section


def first_states(final: dict[str, str]) -> dict[str, str]:
    """Each example item as it was before the plan's first change to it."""
    texts = dict(final)
    for step in reversed(PLAN):
        if isinstance(step, Change):
            text = texts[step.item]
            for key_line in step.comments:
                text = text.replace(comment_block(final[step.item], key_line), "", 1)
            if step.notes is not None:
                text = set_notes(text, step.notes)
            for name, (old, _) in step.fields.items():
                text = put(text, name, old)
            texts[step.item] = text
        elif isinstance(step, Remove):
            for item, section in step.notes.items():
                texts[item] = set_notes(texts[item], section)
    for item, text in texts.items():
        reviewed = scalar(final[item], "last_reviewed")
        if reviewed is not None and reviewed >= IMPORT[0][:10]:
            created = scalar(text, "created") or ""
            before = SPREADSHEET_REVIEW if created <= SPREADSHEET_REVIEW else None
            texts[item] = put(text, "last_reviewed", before)
    return texts


def check_plan(final: dict[str, str]) -> None:
    """Olds follow news, and every new value is the example's value at the end."""
    current: dict[tuple[str, str], str] = {}
    for step in PLAN:
        if not isinstance(step, Change):
            continue
        for name, (old, new) in step.fields.items():
            seen = current.get((step.item, name), old)
            if seen != old:
                raise DemoError(f"{step.item} {name}: plan says {old} at {step.when}, but it is {seen}")
            current[(step.item, name)] = new
    for (item, name), value in current.items():
        if scalar(final[item], name) != value:
            example = scalar(final[item], name)
            raise DemoError(f"{item} {name}: the plan ends at {value}, examples/ai-lab has {example}")


# --- the history ------------------------------------------------------------------


def build(dest: Path) -> None:
    files = example_files()
    final = {item: path.read_text(encoding="utf-8") for item, path in files.items()}
    check_plan(final)
    first = first_states(final)
    added = {step.item for step in PLAN if isinstance(step, Add)}
    removed_names = {item_id(name): name for name in REMOVED}

    items = dest / "items"
    items.mkdir(parents=True)
    for name in ("backlog.yaml", "item.schema.json"):
        shutil.copyfile(EXAMPLE / name, dest / name)
    for item, path in files.items():
        if item not in added:
            (items / path.name).write_text(first[item], encoding="utf-8")
    for name, text in REMOVED.items():
        (items / name).write_text(text, encoding="utf-8")

    when, who = IMPORT
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "core.autocrlf", "false")
    count = len(list(items.glob("*.yaml")))
    commit(
        dest,
        who,
        when,
        "Import the model backlog from the review spreadsheet",
        f"{count} items from AI-Lab-Backlog-2026-10.xlsx, one YAML file per item.\n"
        "From now on the backlog lives here and is reviewed every second Tuesday.",
    )

    for step in PLAN:
        if isinstance(step, Change):
            apply_change(dest, step, files, final)
        elif isinstance(step, Add):
            apply_add(dest, step, files, first)
        elif isinstance(step, Remove):
            apply_remove(dest, step, files, final, removed_names)
        else:
            apply_review(dest, step, final)
    compare(dest, files)
    record_session(dest, final)


# --- the prioritisation session before the 2026-12-01 review ----------------------------

SESSION = "2026-12-01"
RATERS = {"jonas": "jonas.brandt", "aylin": "aylin.demir", "katrin": "katrin.vogel"}
FIB = (1, 2, 3, 5, 8, 13, 20)
# Where a rater sees it differently from the item's current scores: (item, criterion, steps, comment).
DIFFERENT = {
    "jonas": [
        ("AI-27", "business_value", 1, "Collections would pay for this twice over."),
        ("AI-20", "effort", 1, None),
        ("AI-33", "business_value", 1, None),
    ],
    "aylin": [
        ("AI-13", "feasibility", -1, "Price data before 2024 is not in the warehouse."),
        ("AI-5", "business_value", -1, None),
        ("AI-33", "business_value", 1, "Late deliveries stop the line in Lindau."),
    ],
    "katrin": [
        ("AI-19", "effort", 1, None),
        ("AI-27", "business_value", -1, "Finance's estimate, not ours."),
    ],
}


def _moved(criterion: str, value: int, steps: int) -> int:
    if criterion == "feasibility":
        return min(5, max(1, value + steps))
    return FIB[min(len(FIB) - 1, max(0, FIB.index(value) + steps))]


def record_session(dest: Path, final: dict[str, str]) -> None:
    """Open the session, let three people rate on their own branches, merge them (no conflicts)."""
    opened = "2026-11-27T09:00:00+01:00"
    backlogctl(dest, "session", "open", SESSION, "--date", SESSION)
    commit(
        dest, "miriam", opened, f"Open the prioritisation session {SESSION}", "Everyone rates before Tuesday."
    )
    items = git(dest, "show", f"HEAD:sessions/{SESSION}/session.yaml", who="miriam", when=opened)
    rated = [line[2:] for line in items.splitlines() if line.startswith("- AI-")]
    for hour, (who, rater) in enumerate(RATERS.items(), start=10):
        when = f"2026-11-27T{hour}:30:00+01:00"
        git(dest, "checkout", "-q", "-b", f"rate/{who}", "main", who=who, when=when)
        changes = {(item, criterion): (steps, note) for item, criterion, steps, note in DIFFERENT[who]}
        args: list[str] = []
        for item in rated:
            args.append(item)
            for criterion in ("business_value", "effort", "feasibility"):
                value = int(float(scalar(final[item], f"scores.{criterion}") or 0))
                steps, note = changes.get((item, criterion), (0, None))
                args.append(f"{criterion}={_moved(criterion, value, steps)}")
                if note:
                    args.append(f"comment={note}")
        backlogctl(dest, "session", "rate", SESSION, "--rater", rater, *args)
        commit(dest, who, when, f"{PEOPLE[who]} rates session {SESSION}", f"{len(rated)} items.")
        git(dest, "checkout", "-q", "main", who=who, when=when)
    for who in RATERS:
        git(
            dest,
            "merge",
            "-q",
            "--no-ff",
            "-m",
            f"Merge {PEOPLE[who]}'s ratings",
            f"rate/{who}",
            who="miriam",
            when="2026-11-30T17:00:00+01:00",
        )
    built = sorted((dest / "sessions").rglob("*.yaml"))
    wanted = sorted((EXAMPLE / "sessions").rglob("*.yaml"))
    differ = [p.name for p, q in zip(built, wanted, strict=False) if p.read_bytes() != q.read_bytes()]
    if len(built) != len(wanted) or differ:
        raise DemoError(
            "the demo's session differs from examples/ai-lab/sessions: " + ", ".join(differ or ["files"])
        )


def apply_change(dest: Path, step: Change, files: dict[str, Path], final: dict[str, str]) -> None:
    assignments = [f"{name}:={new}" for name, (_, new) in step.fields.items()]  # YAML spellings
    if step.reviewed:
        assignments.append(f"last_reviewed={step.when[:10]}")
    backlogctl(dest, "set", step.item, *assignments)
    # What the person also wrote in the file by hand: the comment that says
    # why, and the notes.
    path = dest / "items" / files[step.item].name
    text = path.read_text(encoding="utf-8")
    for key_line in step.comments:
        block = comment_block(final[step.item], key_line)
        index = text.index("\n" + key_line) + 1
        text = text[:index] + block + text[index:]
    if step.notes is not None:
        text = set_notes(text, notes_section(final[step.item]))
    path.write_text(text, encoding="utf-8")
    summary = "; ".join(
        f"{name} {old.strip(chr(39))} → {new.strip(chr(39))}" for name, (old, new) in step.fields.items()
    )
    commit(dest, step.who, step.when, f"{step.item}: {summary}", step.why)


def apply_add(dest: Path, step: Add, files: dict[str, Path], first: dict[str, str]) -> None:
    text = first[step.item]
    title = re.search(r"^title: '?(.*?)'?$", text, re.M)
    kind = scalar(text, "kind")
    owner = scalar(text, "owner")
    assert title is not None and kind is not None and owner is not None
    out = backlogctl(dest, "new", title.group(1), "--kind", kind, "--owner", owner)
    item, _, relative = out.strip().splitlines()[-1].partition("\t")
    expected = f"items/{files[step.item].name}"
    if (item, relative) != (step.item, expected):
        raise DemoError(f"backlogctl new made {item} {relative}, the plan expects {step.item} {expected}")
    if scalar(text, "created") != step.when[:10]:
        created = scalar(text, "created")
        raise DemoError(f"{step.item}: created is {created}, the plan adds it on {step.when[:10]}")
    # The author fills in the template.
    (dest / expected).write_text(text, encoding="utf-8")
    commit(dest, step.who, step.when, f"{step.item}: add {title.group(1)}", step.why)


def apply_remove(
    dest: Path, step: Remove, files: dict[str, Path], final: dict[str, str], removed_names: dict[str, str]
) -> None:
    git(dest, "rm", "-q", f"items/{removed_names[step.item]}", who=step.who, when=step.when)
    for item in step.notes:
        path = dest / "items" / files[item].name
        path.write_text(
            set_notes(path.read_text(encoding="utf-8"), notes_section(final[item])), encoding="utf-8"
        )
    commit(dest, step.who, step.when, f"{step.item}: remove, {step.reason}", step.why)


def apply_review(dest: Path, step: Review, final: dict[str, str]) -> None:
    day = step.when[:10]
    marked = []
    for path in sorted((dest / "items").glob("*.yaml")):
        item = item_id(path.name)
        text = path.read_text(encoding="utf-8")
        # Items deleted later were still reviewed; the others as far as the
        # example says they were.
        reviewed = scalar(final[item], "last_reviewed") if item in final else day
        # As `backlogctl review mark` would, but with the meeting's fixed date.
        if reviewed is not None and reviewed >= day and scalar(text, "status") not in CLOSED:
            path.write_text(put(text, "last_reviewed", day), encoding="utf-8")
            marked.append(item)
    marked.sort(key=lambda i: int(i.split("-")[1]))
    commit(
        dest,
        step.who,
        step.when,
        f"Review {day}: {len(marked)} items reviewed",
        step.summary + "\n\nReviewed: " + ", ".join(marked),
    )
    git(
        dest,
        "tag",
        "-a",
        f"review/{day}",
        "-m",
        f"Review {day}\n\n{step.summary}",
        who=step.who,
        when=step.when,
    )


def compare(dest: Path, files: dict[str, Path]) -> None:
    """The demo's HEAD must be the example, byte for byte."""
    built = {p.name: p.read_bytes() for p in (dest / "items").glob("*.yaml")}
    wanted = {p.name: p.read_bytes() for p in files.values()}
    differ = sorted(name for name in built.keys() | wanted.keys() if built.get(name) != wanted.get(name))
    if differ:
        raise DemoError("the demo's HEAD differs from examples/ai-lab in " + ", ".join(differ))


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    dest = Path(argv[1])
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        print(f"error: {dest} exists and is not empty; choose a new folder", file=sys.stderr)
        return 2
    if shutil.which("git") is None:
        print("error: git is not installed", file=sys.stderr)
        return 2
    try:
        build(dest)
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    commits = git(dest, "rev-list", "--count", "HEAD").strip()
    tags = git(dest, "tag", "--list", "review/*").split()
    print(f"built {dest}: {commits} commits, tags {', '.join(tags)}")
    print(f"try: cd {dest} && backlogctl changes --since last-review")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
