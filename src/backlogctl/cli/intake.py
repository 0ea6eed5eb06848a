"""Commands that bring a backlog in and let agents at it: import, mcp."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from backlogctl.cli.app import command, start_dir


class ImportFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"
    jira_csv = "jira-csv"


@command("import")
def import_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A .csv, .xlsx or Jira CSV export.")],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option(
            "--format", "-f", help="csv, xlsx or jira-csv (default: from the extension and header)."
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="COLUMN=FIELD: fill FIELD from COLUMN; FIELD '-' leaves it out. Repeatable.",
            metavar="COLUMN=FIELD",
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            help="Column with a unique key per row; rows imported before are skipped.", metavar="COLUMN"
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and show what would be created.")
    ] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the created items in one commit.")] = False,
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", help="Why, written into the commit message (with --commit)."),
    ] = None,
) -> None:
    """Create an item per row of a spreadsheet; nothing is written unless every row is valid.

    Example: backlogctl import backlog.xlsx --key ID --map "Modell=title" --commit -m "Import the lab sheet"
    """
    from backlogctl import intake
    from backlogctl.render import intake as render

    outcome = intake.import_file(
        start_dir(ctx),
        file,
        fmt=fmt.value if fmt is not None else None,
        maps=maps,
        key=key,
        dry_run=dry_run,
        commit=commit,
        why=message,
    )
    assert outcome.root is not None
    render.import_text(outcome, outcome.root)


@command("mcp")
def mcp_command(ctx: typer.Context) -> None:
    """Serve the backlog to agents over the Model Context Protocol on stdio.

    Tools: list_items, show_item, rank, lint, history, changes, review_due,
    plan, new_item, set_fields. Each takes an optional `backlog` folder (default:
    where the server was started, or -C DIR). Needs `pip install 'backlogctl[mcp]'`.

    Example: backlogctl mcp    (or backlogctl -C ~/lab-backlog mcp from anywhere)
    """
    from backlogctl.agent import serve

    serve(start_dir(ctx))
