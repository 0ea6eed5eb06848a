"""The review's decision record as Markdown: reviews/YYYY-MM-DD.md."""

from __future__ import annotations

from backlogctl.render.report_markdown import cell
from backlogctl.review import Record


def markdown(record: Record) -> str:
    """Attendees, the ranking at close and the decisions since the last review, with who and why."""
    lines = [f"# {cell(record.backlog)}: review {record.day.isoformat()}", ""]
    lines.append(
        f"Tag: `{record.name}`" + (f" (previous review: `{record.previous[:12]}`)" if record.previous else "")
    )
    lines += ["", "## Attendees", ""]
    lines += [f"- {cell(name)}" for name in record.attendees] or [
        "- (not recorded: `review close --attendee NAME`)"
    ]
    lines += ["", f"## Ranking at close ({cell(record.model)})", ""]
    if record.ranking:
        lines += ["| rank | id | title | score | status |", "|---:|---|---|---:|---|"]
        lines += [
            f"| {rank} | {cell(item_id)} | {cell(title)} | {score:.1f} | {cell(status or '')} |"
            for rank, item_id, title, score, status in record.ranking
        ]
    else:
        lines.append("No item is ranked.")
    lines += ["", "## Decisions since the last review", ""]
    if not record.decisions:
        lines.append("No status changes, no items added or removed.")
    for decision in record.decisions:
        who = f" ({cell(decision.author)}, {decision.date[:10]})" if decision.author else ""
        why = f": {cell(decision.why)}" if decision.why else ""
        lines.append(f"- **{cell(decision.id)}** {cell(decision.title)}: {cell(decision.what)}{who}{why}")
    return "\n".join(lines) + "\n"
