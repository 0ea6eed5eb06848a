"""Commands of the audit trail: history, changes, and the review cycle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import app, command, handle_errors, start_dir

F = TypeVar("F", bound=Callable[..., Any])


CommitOption = Annotated[
    bool, typer.Option("--commit", help="Commit the written files (and only them) to git; all or nothing.")
]
MessageOption = Annotated[
    str | None,
    typer.Option("--message", "-m", help="Why: written into the commit message.", metavar="TEXT"),
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
    from backlogctl.usecases import audit

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
    from backlogctl.usecases import audit

    view = audit.changes(start_dir(ctx), since=since, until=until, with_titles=output != "json")
    for warning in view.changes.warnings:
        typer.echo(f"warning: {warning}", err=True)
    with dialect.output_to(output_file):
        if output == "json":
            from backlogctl.render import jsonout

            jsonout.write(view.changes)
            return
        from backlogctl.render import audit as render

        show = render.changes_markdown if output == "markdown" else render.changes_text
        typer.echo(show(view.changes, view.titles, view.label))


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
    """Open items due for review: last reviewed (or, never reviewed, created) longer ago than the cadence.

    Example: backlogctl review due --format json
    """
    from backlogctl.render import audit as render
    from backlogctl.usecases import audit

    due = audit.review_due(start_dir(ctx))
    with dialect.output_to(output_file):
        if output == "json":
            from backlogctl.render import jsonout

            jsonout.write(render.due_json(due.items, due.cadence_days))
            return
        typer.echo(render.due_text(due.items, due.cadence_days))


@_review_command("mark")
def review_mark_command(
    ctx: typer.Context,
    item_ids: Annotated[
        list[str] | None, typer.Argument(metavar="[ID]...", help="Ids of the items reviewed.")
    ] = None,
    all_due: Annotated[bool, typer.Option("--due", help="Mark every item that is due for review.")] = False,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Set last_reviewed to today on the given items (comments and layout survive).

    Every file is checked before any is written; with --commit all go into one commit.

    Example: backlogctl review mark AI-7 AI-12 --commit -m "weekly review"
    """
    from backlogctl import review

    marked = review.mark(start_dir(ctx), item_ids or [], all_due=all_due, commit=commit, why=message)
    for item_id, changed in zip(marked.ids, marked.changed, strict=True):
        typer.echo(
            f"{item_id}: last_reviewed → {marked.day}" if changed else f"{item_id}: already reviewed today"
        )


@_review_command("close")
def review_close_command(
    ctx: typer.Context,
    attendee: Annotated[
        list[str] | None, typer.Option("--attendee", help="Who took part. Repeatable.", metavar="NAME")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="Commit review marks not committed yet, with the record.")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Move today's tag if a review was closed today already.")
    ] = False,
    message: MessageOption = None,
) -> None:
    """Close the review: write reviews/YYYY-MM-DD.md, commit it and tag that commit review/YYYY-MM-DD.

    Checks everything first: today's tag must not exist (--force moves it) and
    review marks must be committed (--commit commits them with the record).

    Example: backlogctl review close --attendee anna --attendee ben --commit
    """
    from backlogctl import review
    from backlogctl.render import review_record

    closed = review.close(
        start_dir(ctx),
        render=review_record.markdown,
        attendees=attendee,
        commit_marks=commit,
        force=force,
        why=message,
    )
    if closed.marks:
        typer.echo(f"committed {closed.marks} review marks")
    typer.echo(f"wrote {closed.record.parent.name}/{closed.record.name}")
    typer.echo(f"tagged {closed.tag}; 'changes --since last-review' now starts here")
