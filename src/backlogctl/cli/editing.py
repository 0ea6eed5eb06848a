"""Commands that edit items like a person: unset, edit, renumber."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from backlogctl.cli.app import command, start_dir
from backlogctl.cli.items import CommitOption, MessageOption

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="The item's id, e.g. AI-7.")]


@command("unset")
def unset_command(
    ctx: typer.Context,
    item_id: IdArgument,
    fields: Annotated[list[str], typer.Argument(metavar="FIELD...", help="Dotted field paths to remove.")],
    force: Annotated[bool, typer.Option(help="Remove even if lint would refuse the result.")] = False,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Remove fields from one item; the comments and lines around them stay.

    Example: backlogctl unset AI-7 scores.reach links --commit -m "RICE is not used here"
    """
    from backlogctl import editing

    edit = editing.unset_fields(start_dir(ctx), item_id, fields, force=force, commit=commit, why=message)
    typer.echo(f"{edit.id}: {edit.summary()}" if edit.changed else f"{edit.id}: nothing to change")


@command("edit")
def edit_command(
    ctx: typer.Context,
    item_id: IdArgument,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Open the item in $VISUAL or $EDITOR; what you save is checked like lint before it is written.

    On problems the file is opened again with them listed at the top (as
    comments, removed before writing); close it unchanged to give up. Without
    a terminal this is exit 2.

    Example: backlogctl edit AI-7 --commit -m "rewrote the description"
    """
    from backlogctl import editor
    from backlogctl.render import terminal_editor

    edit = editor.edit(start_dir(ctx), item_id, terminal_editor.open_in_editor, commit=commit, why=message)
    typer.echo(f"{edit.id}: {edit.summary()}" if edit.changed else f"{edit.id}: nothing to change")


@command("renumber")
def renumber_command(
    ctx: typer.Context,
    item_id: IdArgument,
    new_id: Annotated[
        str | None, typer.Argument(metavar="[NEW_ID]", help="The new id (default: the next free one).")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Which file, when two files hold ID (after a merge).", metavar="PATH"),
    ] = None,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Give an item a new id: its file is renamed and depends_on references to it are rewritten.

    With --commit all of it is one commit, which `history NEW_ID` follows back
    into the item's life under its old id.

    Example: backlogctl renumber AI-12 --file items/AI-12-invoice-ocr.yaml --commit
    """
    from backlogctl import renumber

    done = renumber.renumber(start_dir(ctx), item_id, new_id, file=file, commit=commit, why=message)
    typer.echo(f"{done.old} → {done.new}\t{done.relative}")
    for other in done.references:
        typer.echo(f"  depends_on rewritten in {other}")
