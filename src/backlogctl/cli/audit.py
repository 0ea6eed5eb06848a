"""Commands of the audit trail: history, changes, and the review cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import app, command, handle_errors, start_dir

F = TypeVar("F", bound=Callable[..., Any])


CommitOption = Annotated[
    bool, typer.Option("--commit", help="Commit the written files (and only them) to git.")
]


@command("history")
def history_command(
    ctx: typer.Context,
    item_id: Annotated[str, typer.Argument(metavar="ID", help="The item's id, e.g. AI-7.")],
    output: Annotated[str, dialect.format_option("text", "json")] = "text",
    output_file: dialect.OutputOption = None,
) -> None:
    """Every field change of one item from git: commit, author, date, message, old → new.

    Example: backlogctl history AI-7 --format json
    """
    from backlogctl import ids
    from backlogctl.history import audit

    if not ids.is_id(item_id):
        from backlogctl.errors import InputError

        raise InputError(f"{item_id!r} is not an item id; ids look like AI-7 (see 'backlogctl list')")
    result = audit.item_history(start_dir(ctx), item_id)
    with dialect.output_to(output_file):
        if output == "json":
            from backlogctl.render import jsonout

            jsonout.write(result)
            return
        from backlogctl.render import audit as render

        typer.echo(render.history_text(result))


@command("changes")
def changes_command(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            help="A revision, a date YYYY-MM-DD or last-review (default: last review, else the start)."
        ),
    ] = None,
    until: Annotated[str, typer.Option(help="A revision or date to stop at.")] = "HEAD",
    output: Annotated[str, dialect.format_option("text", "markdown", "json")] = "text",
    output_file: dialect.OutputOption = None,
) -> None:
    """Items added and removed, and every changed field, since a revision.

    Example: backlogctl changes --since last-review --format markdown
    """
    from backlogctl.history import audit

    root = start_dir(ctx)
    result = audit.backlog_changes(root, since=since, until=until)
    with dialect.output_to(output_file):
        _changes_out(root, result, output, since)


def _changes_out(root: Any, result: Any, output: str, since: str | None) -> None:
    from backlogctl import history

    if output == "json":
        from backlogctl.render import jsonout

        jsonout.write(result)
        return
    from backlogctl.render import audit as render

    ids = {*result.added, *result.removed, *(change.id for change in result.changed)}
    shas = [sha for sha in (result.until, result.since) if sha is not None]
    titles = history.titles_at(root, shas, ids)
    label = since if since is not None else ("last-review" if result.since else None)
    show = render.changes_markdown if output == "markdown" else render.changes_text
    typer.echo(show(result, titles, label))


review_app = typer.Typer(
    help="The review cycle: items due for review, marking them reviewed, closing a review.",
    no_args_is_help=True,
)
app.add_typer(review_app, name="review")


def _review_command(name: str) -> Callable[[F], F]:
    """Register a `review` sub-command whose BacklogErrors become exit codes."""

    def register(func: F) -> F:
        review_app.command(name)(handle_errors(func))
        return func

    return register


@_review_command("due")
def review_due_command(
    ctx: typer.Context,
    output: Annotated[str, dialect.format_option("text", "json")] = "text",
    output_file: dialect.OutputOption = None,
) -> None:
    """Open items whose last review is older than the cadence, or missing.

    Example: backlogctl review due --format json
    """
    from backlogctl import backlog as backlog_module
    from backlogctl import review

    backlog = backlog_module.load(start_dir(ctx))
    items = review.due(backlog)
    with dialect.output_to(output_file):
        if output == "json":
            from backlogctl.render import jsonout

            jsonout.write({"cadence_days": backlog.config.review.cadence_days, "items": items})
            return
        from backlogctl.render import audit as render

        typer.echo(render.due_text(items, backlog.config.review.cadence_days))


@_review_command("mark")
def review_mark_command(
    ctx: typer.Context,
    item_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Ids of the items reviewed.")],
    commit: CommitOption = False,
) -> None:
    """Set last_reviewed to today on the given items (comments and layout survive).

    Example: backlogctl review mark AI-7 AI-12 --commit
    """
    import datetime as dt

    from backlogctl import backlog as backlog_module
    from backlogctl import history, review

    today = dt.date.today()
    backlog = backlog_module.load(start_dir(ctx))
    if commit:
        history.ensure_can_commit(backlog.root)  # before writing: a refused --commit changes nothing
    edits = review.mark(backlog, item_ids, today)
    written = [edit.path for edit in edits if edit.changed]
    ids = [backlog.find(i).id or i for i in item_ids]
    if commit and written:
        history.commit_files(
            backlog.root, written, f"Review {today}: {', '.join(ids)} last_reviewed → {today}"
        )
    for item_id, edit in zip(ids, edits, strict=True):
        typer.echo(
            f"{item_id}: last_reviewed → {today}" if edit.changed else f"{item_id}: already reviewed today"
        )


@_review_command("close")
def review_close_command(ctx: typer.Context, commit: CommitOption = False) -> None:
    """Close the review: tag HEAD as review/YYYY-MM-DD, which last-review then names.

    With --commit, review marks not yet committed (item files whose only
    change is last_reviewed set to today) are committed first.

    Example: backlogctl review close --commit
    """
    import datetime as dt

    from backlogctl import config, review

    backlog_dir = config.load(start_dir(ctx))
    name, committed = review.close(
        backlog_dir.root,
        backlog_dir.config.review.tag_prefix,
        dt.date.today(),
        items_dir=backlog_dir.config.items_dir if commit else None,
    )
    if committed:
        typer.echo(f"committed {committed} review marks")
    typer.echo(f"tagged {name}; 'changes --since last-review' now starts here")
