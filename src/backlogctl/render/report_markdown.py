"""The meeting pack as Markdown: pasteable into a wiki or an e-mail."""

from __future__ import annotations

from backlogctl.render import text
from backlogctl.render.report_html import contributors, movement_text, score, value, weights
from backlogctl.report import HIGH_FROM, QUADRANTS, Incomplete, ItemRef, Pack


def cell(text: object) -> str:
    """Text made safe for one Markdown table cell: one line, pipes and markup escaped."""
    from backlogctl.render.text import markdown

    return markdown(" ".join(str(text).split()))


def render(pack: Pack) -> str:
    """The whole pack, sections in the same order as the HTML page."""
    parts = [
        _header(pack),
        _ranking(pack),
        _matrix(pack),
        _stability(pack),
        *([_disagreement(pack)] if pack.disagreement is not None else []),
        *([_plan(pack)] if pack.plan is not None else []),
        _changes(pack),
        _due(pack),
        _incomplete(pack),
        _blocked(pack),
        _owner(pack),
    ]
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def _table(heads: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(heads) + " |", "|" + "|".join("---" for _ in heads) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _header(pack: Pack) -> str:
    base = pack.baseline
    compared = (
        (
            f"{base.label or base.requested} (`{base.revision}`"
            + (f", {base.date.isoformat()}" if base.date else "")
            + ")"
        )
        if base.found
        else (base.note or "no earlier review found")
    )
    model = pack.model.name + (f" — {cell(pack.model.description)}" if pack.model.description else "")
    return "\n".join(
        [
            f"# {cell(pack.name)} — review {pack.generated.isoformat()}",
            "",
            f"- **Date:** {pack.generated.isoformat()}",
            f"- **Model:** {model}",
            f"- **Weights:** {cell(weights(pack.model))}",
            "- **Revision:** " + (f"`{pack.revision}`" if pack.revision else "not in git"),
            f"- **Compared with:** {compared}",
        ]
    )


def _ranking(pack: Pack) -> str:
    if not pack.ranking:
        reasons = "\n".join(
            f"- {cell(line)}" for line in text.left_out_lines((*out, None) for out in pack.left_out)
        )
        return "## Ranking\n\nNo item is rankable." + (f" Why:\n\n{reasons}" if reasons else "")
    rows: list[list[object]] = []
    for row in pack.ranking:
        symbol = movement_text(row, pack.baseline.found)[0]
        shown = score(row.effective_score) + (
            f" (inherits from {row.inherited_from})" if row.inherited_from else ""
        )
        rows.append(
            [
                row.rank,
                row.id,
                row.title,
                shown,
                symbol,
                contributors(row),
                row.status or "",
                row.owner or "missing",
            ]
        )
    table = _table(
        ["Rank", "Item", "Title", "Score", "Movement", "Main contributors", "Status", "Owner"], rows
    )
    lead = ""
    if pack.ranked_total is not None and pack.ranked_total > len(pack.ranking):
        lead = f"The top {len(pack.ranking)} of {pack.ranked_total} ranked items.\n\n"
    return "## Ranking\n\n" + lead + table + (f"\n\n{cell(pack.unranked_note)}" if pack.unranked_note else "")


def _matrix(pack: Pack) -> str:
    groups: dict[str, list[str]] = {name: [] for name in QUADRANTS.values()}
    for row in pack.placed:
        groups[row.quadrant or ""].append(row.id)

    def names(name: str) -> str:
        return f"**{name}:** " + (", ".join(groups[name]) or "—")

    low, high = f"low (1–{HIGH_FROM - 3})", f"high ({HIGH_FROM}–20)"
    lines = [
        "## Value versus effort",
        "",
        f"| business value ↓ / effort → | {low} effort | {high} effort |",
        "|---|---|---|",
        f"| **{high} value** | {names(QUADRANTS[(True, False)])} | {names(QUADRANTS[(True, True)])} |",
        f"| **{low} value** | {names(QUADRANTS[(False, False)])} | {names(QUADRANTS[(False, True)])} |",
    ]
    if pack.unplaced:
        lines += [
            "",
            "Not placed, effort or business value not estimated: " + ", ".join(r.id for r in pack.unplaced),
        ]
    return "\n".join(lines)


def _stability(pack: Pack) -> str:
    stab = pack.stability
    if stab is None or not stab.places:
        note = (stab.note if stab else None) or "nothing ranked"
        return f"## Rank stability\n\nNo stability figures: {cell(note)}."
    contested = ", ".join(p.id for p in stab.contested)
    summary = f"{len(stab.settled)} of {len(stab.places)} places are settled" + (
        f"; contested: {contested}." if contested else "."
    )
    if stab.rule:
        summary += f"\n\n{cell(stab.rule)}"
    rows: list[list[object]] = [
        [
            p.rank,
            p.id,
            p.title,
            str(p.low) if p.low == p.high else f"{p.low}–{p.high}",
            "" if p.p_top is None else f"{p.p_top * 100:.0f} %",
            "settled" if p.settled else "contested",
        ]
        for p in stab.places
    ]
    heads = ["Rank", "Item", "Title", "Likely ranks (p5–p95)", f"P(top {stab.top_n})", "Verdict"]
    return f"## Rank stability\n\n{summary}\n\n" + _table(heads, rows)


def _plan(pack: Pack) -> str:
    """report --capacity: the plan section, as `plan --format markdown` writes it one level down."""
    from backlogctl.render.plan import plan_markdown

    assert pack.plan is not None
    return plan_markdown(pack.plan, level=2)


def _changes(pack: Pack) -> str:
    head = "## Changes since the last review\n\n"
    changes = pack.changes
    if changes is None:
        note = pack.baseline.note or "No earlier review found"
        return head + f"{cell(note)}. Movement and changes are left out."
    if changes.empty:
        return head + f"Nothing changed since {pack.baseline.label or pack.baseline.requested}."
    parts = []
    for title, refs in (("Added", changes.added), ("Removed", changes.removed)):
        if refs:
            parts.append(
                f"### {title}\n\n" + "\n".join(f"- {r.id} {cell(r.title or '')}".rstrip() for r in refs)
            )
    for title, rows in (
        ("Status changes", changes.status),
        ("Score changes", changes.scores),
        ("Other changes", changes.other),
    ):
        if rows:
            table = _table(
                ["Item", "Field", "Was", "Now", "Who", "When"],
                [
                    [c.id, pack.label(c.field), value(c.old), value(c.new), c.author or "", c.date or ""]
                    for c in rows
                ],
            )
            parts.append(f"### {title}\n\n{table}")
    return head + "\n\n".join(parts)


def _due(pack: Pack) -> str:
    if not pack.due:
        return "## Due for review\n\nNo item is due for review."
    rows: list[list[object]] = [
        [
            d.id,
            d.title,
            d.owner or "",
            d.last_reviewed.isoformat() if d.last_reviewed else "never",
            "" if d.days_since is None else d.days_since,
        ]
        for d in pack.due
    ]
    return "## Due for review\n\n" + _table(
        ["Item", "Title", "Owner", "Last reviewed", "Days since review"], rows
    )


def _incomplete(pack: Pack) -> str:
    if not pack.incomplete:
        return "## Incomplete items\n\nEvery item is complete for its status."
    rows: list[list[object]] = [
        [entry.id or entry.path, entry.title or "", entry.status or "", missing_text(entry)]
        for entry in pack.incomplete
    ]
    return "## Incomplete items\n\n" + _table(["Item", "Title", "Status", "Missing"], rows)


def missing_text(entry: Incomplete) -> str:
    """What an incomplete item lacks, in words; other problems are counted, the appendix lists them."""
    parts = [", ".join(entry.missing)] if entry.missing else []
    others = entry.other_problems
    if others:
        parts.append(f"{text.plural(others, 'other problem')} (see For the backlog owner)")
    return "; ".join(parts)


def _owner(pack: Pack) -> str:
    """The appendix for the backlog owner: the lint findings and the commands that fix them."""
    lines = [
        "## For the backlog owner",
        "",
        "How to complete the backlog before the next review: fill in the fields below in the item files "
        "(or with `backlogctl set ID FIELD=VALUE`), check with `backlogctl lint`, and mark reviewed items "
        "with `backlogctl review mark ID`. Items left out of the ranking by their status are ranked "
        "with `backlogctl rank --all`.",
    ]
    if pack.incomplete:
        lines += [
            "",
            _table(
                ["File", "Line", "Severity", "Rule", "Problem"],
                [
                    [e.path, f.line or "", f.severity, f.rule, f.message]
                    for e in pack.incomplete
                    for f in e.findings
                ],
            ),
        ]
    return "\n".join(lines)


def _blocked(pack: Pack) -> str:
    if not pack.blocked:
        return "## Blocked by dependencies\n\nNo open item waits on another."
    rows: list[list[object]] = [
        [b.id, b.title, b.status or "", ", ".join(_waiting(d) for d in b.waiting_on)] for b in pack.blocked
    ]
    return "## Blocked by dependencies\n\n" + _table(["Item", "Title", "Status", "Waiting on"], rows)


def _waiting(dep: ItemRef) -> str:
    return f"{dep.id} ({dep.status or 'no status'})" if dep.title else f"{dep.id} (no such item)"


def _disagreement(pack: Pack) -> str:
    """`report --session`: the items to discuss first, with each rater's values."""
    from backlogctl.render.session import results_markdown

    body = results_markdown(pack.disagreement, heading="###", only_discuss=True)
    return "## Where the room disagrees\n\n" + body
