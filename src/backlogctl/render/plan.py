"""`plan` and `calibrate` output: aligned text tables, JSON, and Markdown for the meeting pack."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from backlogctl.render import aligned, jsonout, text

if TYPE_CHECKING:
    from backlogctl.planning.calibrate import Calibration, Figure
    from backlogctl.planning.plan import Next, Plan


def render_plan(plan: Plan, output: str) -> None:
    if output == "json":
        jsonout.write(plan_json(plan))
    elif output == "markdown":
        sys.stdout.write(plan_markdown(plan))
    else:
        _plan_table(plan)


def plan_json(plan: Plan) -> dict[str, Any]:
    """The documented shape; ``calibration`` and per-item ``p_selected`` when asked for."""
    data: dict[str, Any] = {
        "model": plan.model,
        "capacity": plan.capacity,
        "used": plan.used,
        "objective": plan.objective,
        "optimal": plan.optimal,
        "selected": [
            {"id": c.id, "title": c.title, "score": c.score, "uses": c.uses}
            | ({"p_selected": plan.stability.get(c.id, 0.0)} if plan.stability is not None else {})
            for c in plan.selected
        ],
        "left_out": [{"id": x.id, "reason": x.reason} for x in plan.left_out],
        "next": [
            {"field": n.field, "extra": n.extra, "adds": n.adds, "objective_gain": n.objective_gain}
            | ({"drops": n.drops} if n.drops else {})
            for n in plan.next
        ],
    }
    if plan.stability is not None:
        data["stability"] = plan.stability
    if plan.calibration is not None:
        data["calibration"] = plan.calibration
    return data


def amount(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value == int(value) else f"{value:g}"


def next_sentence(plan: Plan, step: Next) -> str:
    """'AI-9 would fit with 3 more resources.effort_weeks (+42.1 total score)'."""
    if step.extra is None:
        return (
            f"{step.field}: no amount more changes the plan (the other capacities or the candidates limit it)"
        )
    if not step.adds and not step.drops:
        return f"{step.field}: the plan is not proved optimal; re-run to improve it"
    adds = ", ".join(step.adds) or "nothing new"
    verb = "would fit" if len(step.adds) == 1 else "would fit together"
    swap = f", in place of {', '.join(step.drops)}" if step.drops else ""
    return (
        f"{adds} {verb} with {amount(step.extra)} more {step.field}{swap} "
        f"(+{step.objective_gain:.1f} total score)"
    )


def heading(plan: Plan) -> list[str]:
    capacity = ", ".join(
        f"{name} {amount(plan.used[name])} of {amount(total)}" for name, total in plan.capacity.items()
    )
    proof = "optimal (proved by the solver)" if plan.optimal else "NOT proved optimal (solver stopped early)"
    lines = [
        f"Plan under {plan.model}: {len(plan.selected)} items, total score {plan.objective:.1f}, {proof}",
        f"Used: {capacity}",
    ]
    if plan.calibration is not None:
        lines.append(str(plan.calibration["note"]))
    return lines


def _plan_table(plan: Plan) -> None:
    out = sys.stdout
    for line in heading(plan):
        out.write(line + "\n")
    out.write("\n")
    headers = ["id", "title", "score", *plan.capacity]
    if plan.stability is not None:
        headers.append("P(selected)")
    rows = []
    for chosen in plan.selected:
        row = [
            chosen.id,
            text.truncate(text.terminal(chosen.title, one_line=True), 44),
            f"{chosen.score:.1f}",
        ]
        row += [amount(chosen.uses[name]) for name in plan.capacity]
        if plan.stability is not None:
            row.append(f"{plan.stability.get(chosen.id, 0.0):.0%}")
        rows.append(row)
    if rows:
        aligned.table(headers, rows, right=frozenset({"score", "P(selected)", *plan.capacity}))
    else:
        out.write("Nothing fits.\n")
    out.write("\nWhat more would buy:\n")
    for step in plan.next:
        out.write(f"  {next_sentence(plan, step)}\n")
    if plan.left_out:
        out.write("\nLeft out:\n")
        for line in left_out_lines(plan):
            out.write(f"  {text.terminal(line, one_line=True)}\n")


def left_out_lines(plan: Plan) -> list[str]:
    """One line for the candidates not chosen, then one per item left out for a reason."""

    def shown(key: str) -> str:
        if plan.stability is not None and key in plan.stability:
            return f"{key} ({plan.stability[key]:.0%})"
        return key

    from backlogctl.planning.plan import NOT_CHOSEN

    passed = [x.id for x in plan.left_out if x.reason == NOT_CHOSEN]
    lines = []
    if passed:
        also = " (P(selected) after each)" if plan.stability is not None else ""
        lines.append(f"{NOT_CHOSEN}{also}: " + ", ".join(shown(key) for key in passed))
    lines += [f"{x.id}: {x.reason}" for x in plan.left_out if x.reason != NOT_CHOSEN]
    return lines


def plan_markdown(plan: Plan, level: int = 1) -> str:
    """The plan as Markdown; ``level`` is the heading level (the meeting pack nests it)."""
    hashes = "#" * level
    lines = [f"{hashes} Plan", ""]
    lines += [f"{line}  " for line in heading(plan)]
    lines.append("")
    headers = ["id", "title", "score", *plan.capacity]
    if plan.stability is not None:
        headers.append("P(selected)")
    lines.append("| " + " | ".join(headers) + " |")
    lines.append("|" + "|".join("---:" if h not in ("id", "title") else "---" for h in headers) + "|")
    for chosen in plan.selected:
        cells = [chosen.id, _md(chosen.title), f"{chosen.score:.1f}"]
        cells += [amount(chosen.uses[name]) for name in plan.capacity]
        if plan.stability is not None:
            cells.append(f"{plan.stability.get(chosen.id, 0.0):.0%}")
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"{hashes}# What more would buy", ""]
    lines += [f"- {next_sentence(plan, step)}" for step in plan.next]
    if plan.left_out:
        lines += ["", f"{hashes}# Left out", ""]
        lines += [f"- {_md(line)}" for line in left_out_lines(plan)]
    return "\n".join(lines) + "\n"


def _md(value: str) -> str:
    return text.markdown(value)


def render_calibration(calibration: Calibration, output: str) -> None:
    if output == "json":
        jsonout.write(calibration_json(calibration))
    else:
        _calibration_table(calibration)


def calibration_json(calibration: Calibration) -> dict[str, Any]:
    return {
        "start_status": calibration.start_status,
        "done_status": calibration.done_status,
        "items": jsonout.to_json_value(calibration.deliveries),
        "overall": jsonout.to_json_value(calibration.overall),
        "teams": jsonout.to_json_value(calibration.teams),
        "owners": jsonout.to_json_value(calibration.owners),
        "skipped": [{"id": key, "reason": reason} for key, reason in calibration.skipped],
    }


def _calibration_table(calibration: Calibration) -> None:
    out = sys.stdout
    if not calibration.deliveries:
        out.write(
            f"No item went from {calibration.start_status} to {calibration.done_status} "
            "in the committed history yet: nothing to calibrate against.\n"
        )
        for key, reason in calibration.skipped:
            out.write(f"{key}: {text.terminal(reason, one_line=True)}\n")
        return
    out.write(
        f"Estimate (resources.effort_weeks at the first {calibration.start_status}) against the weeks "
        f"until {calibration.done_status}; ratio = actual / estimate\n\n"
    )
    rows = [
        [
            d.id,
            d.team or "-",
            d.owner or "-",
            amount(d.estimate),
            f"{d.weeks:g}",
            "-" if d.ratio is None else f"{d.ratio:.2f}",
            f"{d.started[:10]} -> {d.deployed[:10]}",
        ]
        for d in calibration.deliveries
    ]
    headers = ["id", "team", "owner", "estimate", "weeks", "ratio", "in progress -> deployed"]
    aligned.table(headers, rows, right=frozenset({"estimate", "weeks", "ratio"}))
    for title, figures in (
        ("all items", [calibration.overall] if calibration.overall else []),
        ("per team", calibration.teams),
        ("per owner", calibration.owners),
    ):
        out.write(f"\nMedian ratio {title}:\n")
        aligned.table(
            ["", "items", "median", "range", "note"],
            [_figure_row(f) for f in figures],
            right=frozenset({"items", "median"}),
        )
    if calibration.skipped:
        out.write("\nNot counted:\n")
    for key, reason in calibration.skipped:
        out.write(f"  {key}: {text.terminal(reason, one_line=True)}\n")


def _figure_row(figure: Figure) -> list[str]:
    return [
        figure.name,
        str(figure.items),
        f"{figure.median:.2f}",
        f"{figure.low:.2f}-{figure.high:.2f}",
        figure.note or "",
    ]
