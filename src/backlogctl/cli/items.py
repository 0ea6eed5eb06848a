"""Commands that create, list, show and edit items: init, new, list, show, set, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import command, start_dir

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        "-s",
        help="FIELD=VALUE; dotted paths, VALUE read as YAML. Repeatable.",
        metavar="FIELD=VALUE",
    ),
]
CommitOption = Annotated[
    bool,
    typer.Option(
        "--commit", help="Commit the written file (and only it) to git; all or nothing (see docs/editing.md)."
    ),
]
MessageOption = Annotated[
    str | None,
    typer.Option(
        "--message", "-m", help="Why: written into the commit message (with --commit).", metavar="TEXT"
    ),
]


@command("init")
def init_command(
    ctx: typer.Context,
    directory: Annotated[
        Path | None, typer.Argument(help="Folder for the new backlog (default: here).")
    ] = None,
    name: Annotated[str, typer.Option(help="The backlog's name, shown in reports.")] = "Model backlog",
    prefix: Annotated[str, typer.Option(help="Prefix of item ids.")] = "AI",
) -> None:
    """Create backlog.yaml, items/ and item.schema.json.

    Example: backlogctl init lab-backlog --name "AI Lab"
    """
    from backlogctl import authoring

    folder = directory if directory is not None else start_dir(ctx)
    for path in authoring.init(folder, name=name, prefix=prefix):
        typer.echo(f"created {path}")


@command("new")
def new_command(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="The item's title.")],
    kind: Annotated[str | None, typer.Option(help="new, implement, revise or retire.")] = None,
    owner: Annotated[str | None, typer.Option(help="The person who answers for the item.")] = None,
    sets: SetOption = None,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Create an item from the template; prints its id and path.

    Without --kind the template's kind stands (the shipped template says new;
    a lab template that leaves it empty leaves it empty, and lint asks for it).

    Example: backlogctl new "Churn prediction" --kind new --owner anna --set scores.effort=5
    """
    from backlogctl import authoring

    created = authoring.create(
        start_dir(ctx), title, kind=kind, owner=owner, sets=sets, commit=commit, why=message
    )
    if created.warning:
        typer.echo(f"warning: {created.warning}", err=True)
    typer.echo(f"{created.id}\t{created.relative}")


@command("list")
def list_command(
    ctx: typer.Context,
    status: Annotated[list[str] | None, typer.Option(help="Only items with this status. Repeatable.")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="Only items with this tag. Repeatable.")] = None,
    owner: Annotated[str | None, typer.Option(help="Only items of this owner.")] = None,
    output: Annotated[str, dialect.format_option("table", "json", "csv")] = "table",
    output_file: dialect.OutputOption = None,
) -> None:
    """List items, in id order.

    Example: backlogctl list --status ready --format csv
    """
    from backlogctl.render import listing
    from backlogctl.usecases import items

    found = items.list_items(start_dir(ctx), statuses=status, tags=tag, owner=owner)
    with dialect.output_to(output_file):
        listing.render(found.items, output)
    skipped = found.skipped
    if skipped:
        files = "file is" if skipped == 1 else "files are"
        note = f"note: {skipped} item {files} not valid and not listed; 'backlogctl lint' says why"
        typer.echo(note, err=True)


@command("show")
def show_command(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="The item's id, e.g. AI-7.")],
    output: Annotated[str, dialect.format_option("text", "json", "yaml")] = "text",
    output_file: dialect.OutputOption = None,
) -> None:
    """Show one item with its score breakdown under the default model.

    Example: backlogctl show AI-7 --format json
    """
    from backlogctl.render import detail
    from backlogctl.usecases import items

    shown = items.show_item(start_dir(ctx), item_id)
    with dialect.output_to(output_file):
        detail.render(shown.backlog, shown.entry, output)


@command("set")
def set_command(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="The item's id, e.g. AI-7.")],
    assignments: Annotated[
        list[str],
        typer.Argument(
            metavar="FIELD=VALUE...",
            help=(
                "Dotted field paths. Text fields take VALUE literally, others read it as YAML; "
                "FIELD:=YAML forces YAML, FIELD=@PATH reads a file, FIELD=@- standard input."
            ),
        ),
    ],
    force: Annotated[bool, typer.Option(help="Write even if lint would refuse the result.")] = False,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Edit fields of one item; comments, order and formatting survive.

    Example: backlogctl set AI-7 "description=Predicts churn: monthly" status=ready --commit -m "agreed"
    """
    from backlogctl import editing

    edit = editing.set_fields(start_dir(ctx), item_id, assignments, force=force, commit=commit, why=message)
    typer.echo(f"{edit.id}: {edit.summary()}" if edit.changed else f"{edit.id}: nothing to change")


@command("schema")
def schema_command(ctx: typer.Context, output_file: dialect.OutputOption = None) -> None:
    """Print the JSON Schema (draft 2020-12) of this backlog's items, for editors.

    It carries the lab's own fields, scales and statuses and forbids unknown
    fields, so an editor flags what lint would. Outside a backlog it is the
    default template's schema.

    Example: backlogctl schema -o item.schema.json
    """
    from backlogctl import schema

    text = schema.schema_for(start_dir(ctx))
    with dialect.output_to(output_file):
        typer.echo(text, nl=False)
