"""Text and markdown for the audit trail: history, changes and review due."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from typing import Any

from backlogctl.history.audit import BacklogChanges, Change, ItemHistory
from backlogctl.history.commit import why_of
from backlogctl.render.text import markdown, terminal
from backlogctl.review import DueItem


def due_json(items: Sequence[DueItem], cadence_days: int) -> dict[str, Any]:
    """`review due --format json`."""
    return {"cadence_days": cadence_days, "items": list(items)}


def value(data: Any, limit: int = 60) -> str:
    """A field value on one line: ∅ for nothing, lists and mappings in flow style."""
    if data is None:
        text = "∅"
    elif isinstance(data, list):
        text = "[" + ", ".join(value(v, limit) for v in data) + "]"
    elif isinstance(data, dict):
        text = "{" + ", ".join(f"{k}: {value(v, limit)}" for k, v in data.items()) + "}"
    elif hasattr(data, "isoformat"):
        text = data.isoformat()
    else:
        text = " ".join(str(data).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(change: Change) -> str:
    if change.field is None:
        return "created" if change.old is None else "deleted"
    return f"{change.field}: {value(change.old)} → {value(change.new)}"


def history_text(history: ItemHistory) -> str:
    """One block per commit: date, author, short sha, subject, then its changes."""
    commits = len({c.commit for c in history.changes})
    lines = [f"{history.id}: {len(history.changes)} changes in {commits} commits", ""]
    for sha, group in groupby(history.changes, key=lambda c: c.commit):
        changes = list(group)
        head = changes[0]
        subject = head.message.splitlines()[0] if head.message else ""
        lines.append(f"{head.date[:10]}  {sha[:8]}  {head.author}  {subject}")
        why = why_of(head.message) if head.message else None
        if why:
            lines.append(f"    why: {' '.join(why.split())}")
        lines += [f"    {describe(change)}" for change in changes]
    return terminal("\n".join(lines))


def _range(changes: BacklogChanges, since_label: str | None) -> str:
    start = (
        f"{since_label} ({changes.since[:8]})"
        if changes.since and since_label
        else (changes.since[:8] if changes.since else "the first commit")
    )
    return f"since {start} until {changes.until[:8]}"


def changes_text(changes: BacklogChanges, titles: dict[str, str], since_label: str | None = None) -> str:
    lines = [f"Changes {_range(changes, since_label)}", ""]
    lines.append("added:   " + (", ".join(changes.added) or "none"))
    lines.append("removed: " + (", ".join(changes.removed) or "none"))
    lines.append(f"changed: {len(changes.changed)} fields" if changes.changed else "changed: none")
    for item_id, group in groupby(changes.changed, key=lambda c: c.id):
        lines.append(f"  {item_id}  {titles.get(item_id, '')}".rstrip())
        for c in group:
            lines.append(
                f"    {c.field}: {value(c.old)} → {value(c.new)}  ({c.author}, {c.date[:10]}, {c.commit[:8]})"
            )
    return terminal("\n".join(lines))


def _cell(text: str) -> str:
    return markdown(text)


def _field(name: str | None) -> str:
    """A dotted field name as code; anything unusual in it as escaped text instead."""
    if name and all(part.replace("_", "a").replace("-", "a").isalnum() for part in name.split(".")):
        return f"`{name}`"
    return _cell(name or "")


def changes_markdown(changes: BacklogChanges, titles: dict[str, str], since_label: str | None = None) -> str:
    """The "what changed since the last review" section for stakeholders."""
    heading = "since the last review" if since_label == "last-review" else _range(changes, since_label)
    lines = [f"## What changed {heading}", ""]
    if since_label == "last-review" and changes.since:
        lines += [f"_From {changes.since[:8]} to {changes.until[:8]}._", ""]
    if not (changes.added or changes.removed or changes.changed):
        return "\n".join([*lines, "Nothing changed.", ""])
    for label, ids in (("New items", changes.added), ("Removed items", changes.removed)):
        if ids:
            lines += [f"### {label}", ""]
            lines += [f"- **{_cell(i)}** {_cell(titles.get(i, ''))}".rstrip() for i in ids]
            lines.append("")
    if changes.changed:
        lines += [
            "### Changed fields",
            "",
            "| Item | Field | Before | After | By | Date |",
            "|---|---|---|---|---|---|",
        ]
        for c in changes.changed:
            item = f"**{_cell(c.id)}** {_cell(titles.get(c.id, ''))}".rstrip()
            lines.append(
                f"| {item} | {_field(c.field)} | {_cell(value(c.old, 40))} | {_cell(value(c.new, 40))} "
                f"| {_cell(c.author)} | {c.date[:10]} |"
            )
        lines.append("")
    return "\n".join(lines)


def due_text(items: Sequence[DueItem], cadence: int) -> str:
    if not items:
        return f"No open item is due for review (cadence {cadence} days)."
    noun = "item" if len(items) == 1 else "items"
    lines = [f"{len(items)} open {noun} due for review (cadence {cadence} days):"]
    width = max(len(d.id) for d in items)
    for d in items:
        when = (
            f"last reviewed {d.last_reviewed} ({d.days_since} days ago)"
            if d.last_reviewed
            else "never reviewed"
        )
        lines.append(f"  {d.id:<{width}}  {d.status or '-':<12} {when:<40} {d.title}")
    return terminal("\n".join(lines))
