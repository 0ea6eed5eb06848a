"""`list` output: a table (rich on a terminal, aligned text elsewhere), JSON or CSV."""

from __future__ import annotations

import csv
import sys
from typing import Any

from backlogctl.model import Item
from backlogctl.render import jsonout

COLUMNS = ("id", "title", "kind", "status", "owner", "risk_class", "tags")


def _row(item: Item) -> dict[str, str]:
    return {
        "id": item.id,
        "title": item.title,
        "kind": item.kind.value if item.kind else "",
        "status": item.status or "",
        "owner": item.owner or "",
        "risk_class": item.risk_class.value,
        "tags": ", ".join(item.tags),
    }


def as_json(items: list[Item]) -> dict[str, Any]:
    """`list --format json`."""
    return {"items": [_row(item) | {"tags": list(item.tags)} for item in items]}


def render(items: list[Item], output: str) -> None:
    if output == "json":
        jsonout.write(as_json(items))
    elif output == "csv":
        from backlogctl.render.text import csv_cell

        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: csv_cell(v) for k, v in _row(item).items()} for item in items)
    else:
        _table(items)


def _table(items: list[Item]) -> None:
    from backlogctl.render import aligned

    if not aligned.is_terminal() or len(items) > aligned.RICH_ROWS:
        aligned.table(COLUMNS, [list(_row(item).values()) for item in items])
        sys.stdout.write(f"{len(items)} item{'s' if len(items) != 1 else ''}\n")
        return

    from rich.markup import escape
    from rich.table import Table

    from backlogctl.render import text
    from backlogctl.render.console import console

    out = console()
    # A narrow terminal loses tags, risk class, kind and owner first, then the title is cut; never the id.
    columns, rows = text.fit_columns(
        list(COLUMNS),
        [list(_row(item).values()) for item in items],
        out.width,
        drop=("tags", "risk_class", "kind", "owner"),
    )
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in columns:
        table.add_column(
            column, overflow="fold", no_wrap=column != "title", max_width=48 if column == "title" else None
        )
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    out.print(table)
    out.print(f"[dim]{len(items)} item{'s' if len(items) != 1 else ''}[/dim]")
