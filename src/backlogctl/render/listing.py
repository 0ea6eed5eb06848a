"""`list` output: a rich table, JSON or CSV."""

from __future__ import annotations

import csv
import sys

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


def render(items: list[Item], output: str) -> None:
    if output == "json":
        jsonout.write({"items": [_row(item) | {"tags": item.tags} for item in items]})
    elif output == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_row(item) for item in items)
    else:
        _table(items)


def _table(items: list[Item]) -> None:
    from rich.table import Table

    from backlogctl.render.console import console

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in COLUMNS:
        table.add_column(column, overflow="fold", max_width=48 if column == "title" else None)
    for item in items:
        table.add_row(*_row(item).values())
    out = console()
    out.print(table)
    out.print(f"[dim]{len(items)} item{'s' if len(items) != 1 else ''}[/dim]")
