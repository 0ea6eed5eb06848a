"""Commands: session open | rate | status | results | apply (prioritisation sessions)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import app, handle_errors, start_dir
from backlogctl.cli.audit import CommitOption, MessageOption

if TYPE_CHECKING:
    from backlogctl.sessions import Session
    from backlogctl.sessions.workflow import Check

F = TypeVar("F", bound=Callable[..., Any])

session_app = typer.Typer(
    help="Prioritisation sessions: everyone rates privately, the results show where the room disagrees.",
    no_args_is_help=True,
)
app.add_typer(session_app, name="session")

NameArgument = Annotated[str, typer.Argument(metavar="NAME", help="The session, e.g. 2026-12-01.")]


def _command(name: str) -> Callable[[F], F]:
    def register(func: F) -> F:
        session_app.command(name)(handle_errors(func))
        return func

    return register


@_command("open")
def open_command(
    ctx: typer.Context,
    name: NameArgument,
    item: Annotated[
        list[str] | None, typer.Option("--item", help="An item to rate. Repeatable.", metavar="ID")
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="Rate the items with this status. Repeatable.", metavar="S"),
    ] = None,
    criteria: Annotated[
        str | None,
        typer.Option(help="Comma-separated scores to rate (default: those the model reads).", metavar="A,B"),
    ] = None,
    model: Annotated[str | None, typer.Option(help="Scoring model (default: scoring.default).")] = None,
    date: Annotated[
        str | None, typer.Option(help="The session's date, YYYY-MM-DD (default: today).", metavar="DATE")
    ] = None,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Open a session: sessions/NAME/session.yaml lists the items and criteria to rate.

    Example: backlogctl session open 2026-12-01 --criteria business_value,feasibility,effort --commit
    """
    import datetime as dt

    from backlogctl import sessions
    from backlogctl.errors import InputError

    names = [c.strip() for c in (criteria or "").split(",") if c.strip()]
    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise InputError(f"--date {date}: use YYYY-MM-DD") from None
    opened = sessions.open_session(
        start_dir(ctx),
        name,
        items=item or [],
        statuses=status or [],
        criteria=names,
        model=model,
        commit=commit,
        why=message,
        today=day,
    )
    typer.echo(
        f"opened session {opened.name}: {len(opened.items)} items, criteria {', '.join(opened.criteria)}"
    )
    typer.echo(f"rate with: backlogctl session rate {opened.name} --rater NAME")


@_command("rate")
def rate_command(
    ctx: typer.Context,
    name: NameArgument,
    rater: Annotated[
        str, typer.Option("--rater", help="Who rates (their file name), e.g. anna.berg.", metavar="R")
    ],
    ratings: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[ID CRITERION=VALUE...]...",
            help="An item id, then its values; comment=TEXT adds a comment.",
        ),
    ] = None,
    ask: Annotated[
        bool | None,
        typer.Option(
            "--ask/--no-ask", help="Ask item by item (default: when no values are given on a terminal)."
        ),
    ] = None,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Rate items in a session; values are checked against each criterion's scale.

    Without values on a terminal it asks item by item, showing the decision,
    description and benefit; Enter skips a value, '-' skips the item, 'q' stops.

    Example: backlogctl session rate 2026-12-01 --rater anna.berg AI-3 business_value=13 comment="pilot first"
    """
    from backlogctl import sessions
    from backlogctl.errors import InputError

    if ask is None:
        ask = not ratings and sys.stdin.isatty()
    if not ask and not ratings:
        raise InputError("give ID CRITERION=VALUE... to rate, or --ask to be asked item by item")
    rated = sessions.rate(
        start_dir(ctx),
        name,
        rater,
        None if ask else _pairs(ratings or []),
        ask=_ask if ask else None,
        commit=commit,
        why=message,
    )
    where = f"sessions/{rated.session}/{rated.path.name}"
    committed = f", committed {rated.commit[:10]}" if rated.commit else ""
    typer.echo(f"{rated.rater}: {rated.values} values, {rated.comments} comments in {where}{committed}")


def _pairs(arguments: list[str]) -> dict[str, dict[str, str]]:
    """`AI-3 business_value=13 comment=text AI-5 effort=3` as {AI-3: {...}, AI-5: {...}} (texts)."""
    from backlogctl.errors import InputError

    found: dict[str, dict[str, str]] = {}
    current: str | None = None
    for argument in arguments:
        key, sep, text = argument.partition("=")
        if not sep:
            current = argument
            found.setdefault(current, {})
            continue
        if current is None:
            raise InputError(f"{argument}: name the item first (ID CRITERION=VALUE...)")
        found[current][key.strip()] = text
    return found


def _ask(session: Session, items: Mapping[str, Any], check: Check) -> dict[str, dict[str, Any]]:
    """Item by item on the terminal: the item's case, then each criterion (Enter skips)."""
    from backlogctl.render.text import terminal

    given: dict[str, dict[str, Any]] = {}
    for number, item_id in enumerate(session.items, start=1):
        item = items.get(item_id)
        title = terminal(item.title if item else "", one_line=True)
        typer.echo(f"\n[{number}/{len(session.items)}] {item_id}: {title}")
        if item is not None:
            benefit = item.expected_benefit.summary if item.expected_benefit else None
            for label, text in (
                ("decision", item.decision),
                ("description", item.description),
                ("benefit", benefit),
            ):
                if text:
                    typer.echo(f"  {label}: {terminal(str(text).strip())}")
        values: dict[str, Any] = {}
        for criterion in session.criteria:
            while True:
                answer = typer.prompt(f"  {criterion}", default="", show_default=False).strip()
                if answer in ("q", "-") or not answer:
                    break
                value, problem = check(criterion, answer)
                if problem is None:
                    values[criterion] = value
                    break
                typer.echo(f"  {criterion} {problem}")
            if answer in ("q", "-"):
                break
        if answer != "-" and values:
            comment = typer.prompt("  comment", default="", show_default=False).strip()
            if comment:
                values["comment"] = comment
            given[item_id] = values
        if answer == "q":
            break
    return given


@_command("status")
def status_command(
    ctx: typer.Context,
    name: NameArgument,
    output: Annotated[str, dialect.format_option("table", "json")] = "table",
) -> None:
    """Who has rated how much of the session.

    Example: backlogctl session status 2026-12-01
    """
    from backlogctl import sessions
    from backlogctl.render import session as render

    render.status(sessions.status(start_dir(ctx), name), output)


@_command("results")
def results_command(
    ctx: typer.Context,
    name: NameArgument,
    output: Annotated[str, dialect.format_option("table", "json", "markdown")] = "table",
    output_file: dialect.OutputOption = None,
) -> None:
    """Median, range and each rater's value per item and criterion, the agreement, what to discuss first.

    Example: backlogctl session results 2026-12-01 --format markdown
    """
    from backlogctl import sessions
    from backlogctl.render import session as render

    with dialect.output_to(output_file):
        render.results(sessions.results(start_dir(ctx), name), output)


@_command("apply")
def apply_command(
    ctx: typer.Context,
    name: NameArgument,
    commit: CommitOption = False,
    message: MessageOption = None,
) -> None:
    """Write each criterion's median (snapped to its scale) into the items' scores.

    With --commit, one commit names the session and the raters.

    Example: backlogctl session apply 2026-12-01 --commit
    """
    from backlogctl import sessions

    applied = sessions.apply(start_dir(ctx), name, commit=commit, why=message)
    for item_id, criterion, old, new in applied.changes:
        typer.echo(f"{item_id}: scores.{criterion} {old if old is not None else '(none)'} → {new}")
    if not applied.changes:
        typer.echo("nothing to change: every score already holds the session's median")
    if applied.commit:
        typer.echo(f"committed {applied.commit[:10]}: session {name}, raters {', '.join(applied.raters)}")
