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
CommitOption = Annotated[bool, typer.Option("--commit", help="Commit the written file (and only it) to git.")]


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
) -> None:
    """Create an item from the template; prints its id and path.

    Example: backlogctl new "Churn prediction" --kind new --owner anna --set scores.effort=5
    """
    from backlogctl import authoring, config, history

    backlog_dir = config.load(start_dir(ctx))
    fields = authoring.parse_assignments(sets or [])
    fields.update({k: v for k, v in (("kind", kind), ("owner", owner)) if v is not None})
    # The highest id per prefix at any branch tip: new ids go above it.
    highest = history.branch_highest_ids(backlog_dir.root, backlog_dir.config.items_dir)
    taken = {f"{prefix}-{number}" for prefix, number in highest.items()}
    if commit:
        history.ensure_can_commit(backlog_dir.root)  # before writing: a refused --commit changes nothing
    created = authoring.new_item(backlog_dir, title, fields, taken=taken)
    if commit:
        history.commit_files(backlog_dir.root, [created.path], f"{created.id}: add {title}")
    typer.echo(f"{created.id}\t{created.path.relative_to(backlog_dir.root).as_posix()}")


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
    from backlogctl import backlog as backlog_module
    from backlogctl import query
    from backlogctl.render import listing

    backlog = backlog_module.load(start_dir(ctx))
    rows = query.select(backlog.items, statuses=status, tags=tag, owner=owner)
    with dialect.output_to(output_file):
        listing.render(rows, output)
    skipped = len(backlog.entries) - len(backlog.items)
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
    from backlogctl import backlog as backlog_module
    from backlogctl import query
    from backlogctl.render import detail

    backlog = backlog_module.load(start_dir(ctx))
    entry = query.entry_for(backlog, item_id)
    with dialect.output_to(output_file):
        detail.render(backlog, entry, output)


@command("set")
def set_command(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="The item's id, e.g. AI-7.")],
    assignments: Annotated[
        list[str], typer.Argument(metavar="FIELD=VALUE...", help="Dotted field paths; values read as YAML.")
    ],
    force: Annotated[bool, typer.Option(help="Write even if the result fails the schema.")] = False,
    commit: CommitOption = False,
) -> None:
    """Edit fields of one item; comments, order and formatting survive.

    Example: backlogctl set AI-7 scores.business_value=8 status=ready --commit
    """
    from backlogctl import authoring, history, query, template
    from backlogctl import backlog as backlog_module

    backlog = backlog_module.load(start_dir(ctx))
    entry = query.entry_for(backlog, item_id)
    changes = authoring.parse_assignments(assignments)
    if commit:
        history.ensure_can_commit(backlog.root)  # before writing: a refused --commit changes nothing
    model = template.item_model(backlog.config)
    edit = authoring.set_fields(entry.path, changes, force=force, model=model)
    label = entry.id or item_id
    if not edit.changed:
        typer.echo(f"{label}: nothing to change")
        return
    summary = "; ".join(f"{field} {_short(old)} → {_short(new)}" for field, old, new in edit.changes)
    if commit:
        history.commit_files(backlog.root, [entry.path], f"{label}: {summary}")
    typer.echo(f"{label}: {summary}")


def _short(value: object) -> str:
    text = "∅" if value is None else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


@command("schema")
def schema_command(ctx: typer.Context, output_file: dialect.OutputOption = None) -> None:
    """Print the JSON Schema (draft 2020-12) of this backlog's items, for editors.

    It carries the lab's own fields, scales and statuses and forbids unknown
    fields, so an editor flags what lint would. Outside a backlog it is the
    default template's schema.

    Example: backlogctl schema -o item.schema.json
    """
    from backlogctl import config as config_module
    from backlogctl import schema
    from backlogctl.errors import NotFoundError

    try:
        config = config_module.load(start_dir(ctx)).config
    except NotFoundError:
        config = config_module.Config()
    with dialect.output_to(output_file):
        typer.echo(schema.schema_text(config), nl=False)
