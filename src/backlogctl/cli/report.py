"""Command: report, the meeting pack as Markdown or one self-contained HTML page."""

from __future__ import annotations

from typing import Annotated

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import command, start_dir

_KNOWN_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".txt", "")


@command("report")
def report_command(
    ctx: typer.Context,
    since: Annotated[
        str,
        typer.Option(
            help="Compare with REV, a date YYYY-MM-DD, or last-review (the newest review tag).",
            metavar="REV|DATE|last-review",
        ),
    ] = "last-review",
    model: Annotated[
        str | None, typer.Option(help="Scoring model to rank with (default: backlog.yaml's).")
    ] = None,
    output_format: Annotated[
        str | None,
        dialect.format_option(
            "markdown", "html", help="markdown or html (default: from -o's extension, else markdown)."
        ),
    ] = None,
    output: dialect.OutputOption = None,
    session: Annotated[
        str | None,
        typer.Option(
            help="Add 'Where the room disagrees' from session NAME; stability draws from its ratings.",
            metavar="NAME",
        ),
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", min=1, metavar="N", help="Show only the first N of the ranking.")
    ] = None,
    capacity: Annotated[
        list[str] | None,
        typer.Option(
            "--capacity",
            help="Add a Plan section: what fits FIELD=AMOUNT (repeatable; as in plan).",
            metavar="FIELD=AMOUNT",
        ),
    ] = None,
) -> None:
    """The meeting pack: ranking, value-versus-effort matrix, stability, changes, due, incomplete, blocked.

    Example: backlogctl report --format html -o review.html
    """
    from backlogctl.usecases import report

    if output_format is None and output is not None and output.suffix.lower() not in _KNOWN_SUFFIXES:
        raise typer.BadParameter(
            f"cannot tell the format from {output.name!r}: name it .html or .md, or give --format"
        )
    if output_format is None:
        html = output is not None and output.suffix.lower() in (".html", ".htm")
        output_format = "html" if html else "markdown"
    pack = report.meeting_pack(
        start_dir(ctx), since=since, model=model, limit=top, capacity=capacity, target=output, session=session
    )
    if output_format == "html":
        from backlogctl.render import report_html as renderer
    else:
        from backlogctl.render import report_markdown as renderer  # type: ignore[no-redef]
    text = renderer.render(pack)
    with dialect.output_to(output):
        typer.echo(text, nl=False)
