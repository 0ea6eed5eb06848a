"""`rank` output: a rich table, JSON, CSV or Markdown for the meeting notes."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from typing import Any

from backlogctl.render import jsonout
from backlogctl.render.text import moved
from backlogctl.scoring import Ranked, Ranking
from backlogctl.scoring.explain import lines, term_data
from backlogctl.usecases.ranking import RankingView as RankView


def render(view: RankView, output: str) -> None:
    if output == "json":
        jsonout.write(as_json(view))
    elif output == "csv":
        _csv(view)
    elif output == "markdown":
        sys.stdout.write(markdown(view))
    else:
        _table(view)


def as_json(view: RankView) -> dict[str, Any]:
    """The documented JSON shape, plus left_out (and terms / stability when asked)."""
    items = []
    for entry in view.entries:
        row: dict[str, Any] = {
            "rank": entry.rank,
            "id": entry.item.id,
            "title": entry.item.title,
            "status": entry.item.status,
            "score": _round(entry.score),
            "effective_score": _round(entry.effective_score),
            "breakdown": {name: _round(value) for name, value in entry.breakdown.items()},
            "movement": view.movement.get(entry.item.id) if view.movement is not None else None,
            "inherited_from": entry.inherited_from,
        }
        if view.explain:
            row["terms"] = [term_data(term) for term in entry.terms]
        if view.stability is not None:
            found = view.stability[entry.item.id]
            row["stability"] = {
                "rank_p5": found.low,
                "rank_p95": found.high,
                "p_top": round(found.top, 4),
                "settled": found.settled,
            }
        items.append(row)
    data: dict[str, Any] = {"model": view.ranking.model, "as_of": view.as_of, "items": items}
    if view.since is not None:
        data["since"] = view.since
    if view.stability is not None:
        data["stability_top"] = view.stability_top
        data["stability_rule"] = view.stability_rule
    from backlogctl.render.text import with_hint

    data["left_out"] = [
        {"id": out.id, "reason": with_hint(out.reason, out.hint)} for out in view.ranking.left_out
    ]
    return data


def _round(value: float) -> float:
    return round(value, 4)


def score_text(value: float) -> str:
    return f"{value:.2f}"


def contributors(entry: Ranked, count: int = 2, separator: str = ", ") -> str:
    """The terms that move the score most (render/text.py's one rule for "main contributors")."""
    from backlogctl.render import text

    return text.contributors_text(entry.terms, separator)


def effective_text(entry: Ranked) -> str:
    if entry.inherited_from is None:
        return ""
    return f"{score_text(entry.effective_score)} ← {entry.inherited_from}"


def movement_text(view: RankView, entry: Ranked) -> str:
    if view.movement is None:
        return ""
    return moved(view.movement.get(entry.item.id))


def _columns(view: RankView) -> list[str]:
    columns = ["rank", "id", "title", "status", "score", "inherited", "main contributors"]
    if view.movement is not None:
        columns.append("moved")
    if view.stability is not None:
        columns += ["rank range", f"P(top {view.stability_top})"]
    return columns


def _cells(view: RankView, entry: Ranked, separator: str = ", ") -> list[str]:
    cells = [
        str(entry.rank),
        entry.item.id,
        entry.item.title,
        entry.item.status or "",
        score_text(entry.score),
        effective_text(entry),
        contributors(entry, separator=separator),
    ]
    if view.movement is not None:
        cells.append(movement_text(view, entry))
    if view.stability is not None:
        found = view.stability[entry.item.id]
        cells += [f"{found.low}–{found.high}", f"{found.top:.0%}"]
    return cells


def _heading(view: RankView) -> str:
    where = f" as of {view.as_of[:12]}" if view.as_of else ""
    since = f", movement since {view.since[:12]}" if view.since else ""
    return f"model {view.ranking.model}{where}{since}"


def _table(view: RankView) -> None:
    from backlogctl.render import aligned

    rows = [_cells(view, entry, separator="\n") for entry in view.entries]
    if aligned.is_terminal() and len(rows) <= aligned.RICH_ROWS:
        emit = _rich_table(view, rows)
    else:
        emit = _aligned_table(view, rows)
    if view.explain:
        for entry in view.entries:
            emit("", "")
            emit(f"{entry.rank}. {entry.item.id} {score_text(entry.score)}", "bold")
            for line in lines(entry):
                emit("   " + line, "")
    total = len(view.ranking.entries)
    emit(f"{len(view.entries)} of {total} ranked item{'s' if total != 1 else ''}", "dim")
    if view.stability is not None:
        settled = sum(1 for s in view.stability.values() if s.settled)
        emit(f"{settled} of {len(view.stability)} places settled. {view.stability_rule or ''}".strip(), "dim")
    if view.ranking.left_out:
        emit("", "")
        emit("left out", "bold")
        for line in left_out_lines(view.ranking):
            emit(f"  {line}", "")
    for note in view.notes:
        emit(note, "dim")


Emit = Callable[[str, str], None]


def _rich_table(view: RankView, rows: list[list[str]]) -> Emit:
    """Print the heading and table with rich; return how to print the lines after it."""
    from rich.markup import escape
    from rich.table import Table

    from backlogctl.render.console import console

    out = console()

    def emit(text: str, style: str) -> None:
        out.print(f"[{style}]{escape(text)}[/]" if style and text else escape(text))

    emit(_heading(view), "dim")
    table = Table(box=None, header_style="bold", pad_edge=False)
    from backlogctl.render import text

    # A narrow terminal loses the extra columns first, then the title is cut; never the id.
    columns, rows = text.fit_columns(
        _columns(view),
        rows,
        out.width,
        drop=("main contributors", "inherited", "moved", "rank range"),
    )
    for column in columns:
        # Only the title wraps; numbers and contributors stay on one line each.
        table.add_column(
            column,
            overflow="fold",
            no_wrap=column != "title",
            min_width=12 if column == "title" and out.width >= 80 else None,
            max_width=40 if column == "title" else None,
            justify="right" if column in ("rank", "score") else "left",
        )
    for row in rows:
        # one contributor per line: narrow terminals then wrap titles, not "effort +22.4"
        table.add_row(*(escape(cell) for cell in row))
    out.print(table)
    return emit


def _aligned_table(view: RankView, rows: list[list[str]]) -> Emit:
    """Write the heading and table as aligned text; return how to write the lines after it."""
    from backlogctl.render import aligned

    enabled = aligned.colour()

    def emit(text: str, style: str) -> None:
        sys.stdout.write(aligned.styled(text, *filter(None, [style]), enabled=enabled) + "\n")

    emit(_heading(view), "dim")
    aligned.table(_columns(view), rows, right=frozenset({"rank", "score"}))
    return emit


def left_out_lines(ranking: Ranking) -> list[str]:
    """Why items are not ranked; items held back only by their status share one line per status."""
    from backlogctl.render import text

    return text.left_out_lines((out.id, out.reason, out.status, out.hint) for out in ranking.left_out)


def _csv(view: RankView) -> None:
    from backlogctl.render.text import csv_cell

    writer = csv.writer(sys.stdout, lineterminator="\n")
    header = ["rank", "id", "title", "status", "score", "effective_score", "inherited_from", "breakdown"]
    if view.movement is not None:
        header.append("movement")
    if view.stability is not None:
        header += ["rank_p5", "rank_p95", "p_top"]
    writer.writerow(header)
    for entry in view.entries:
        breakdown = "; ".join(f"{name}={value:.4g}" for name, value in entry.breakdown.items())
        row: list[Any] = [
            entry.rank,
            entry.item.id,
            entry.item.title,
            entry.item.status or "",
            _round(entry.score),
            _round(entry.effective_score),
            entry.inherited_from or "",
            breakdown,
        ]
        if view.movement is not None:
            moved = view.movement.get(entry.item.id)
            row.append("" if moved is None else moved)
        if view.stability is not None:
            found = view.stability[entry.item.id]
            row += [found.low, found.high, round(found.top, 4)]
        writer.writerow([csv_cell(cell) for cell in row])


def _md(text: str) -> str:
    from backlogctl.render.text import markdown

    return markdown(text)


def markdown(view: RankView) -> str:
    """A Markdown table (and explanations) ready to paste into meeting notes."""
    columns = _columns(view)
    out = [f"Ranking ({_md(_heading(view))})", "", "| " + " | ".join(columns) + " |"]
    out.append("|" + "|".join("---:" if c in ("rank", "score") else "---" for c in columns) + "|")
    for entry in view.entries:
        out.append("| " + " | ".join(_md(cell) for cell in _cells(view, entry)) + " |")
    if view.explain:
        out += ["", "### Why"]
        for entry in view.entries:
            out.append(f"- **{entry.rank}. {_md(entry.item.id)}** {score_text(entry.score)}")
            out += [f"  - {_md(line)}" for line in lines(entry)]
    if view.ranking.left_out:
        out += ["", "Left out:", ""]
        out += [f"- {_md(line)}" for line in left_out_lines(view.ranking)]
    return "\n".join(out) + "\n"
