"""Command: report, the meeting pack as Markdown or one self-contained HTML page."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from backlogctl.cli.app import command, start_dir


class ReportFormat(StrEnum):
    markdown = "markdown"
    html = "html"


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
        ReportFormat | None,
        typer.Option("--format", help="markdown or html (default: from -o's extension, else markdown)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write to FILE (atomically) instead of stdout.", metavar="FILE"),
    ] = None,
) -> None:
    """The meeting pack: ranking, value-versus-effort matrix, stability, changes, due, incomplete, blocked.

    Example: backlogctl report --format html -o review.html
    """
    from backlogctl import backlog as backlog_module
    from backlogctl import report

    if output_format is None:
        html = output is not None and output.suffix.lower() in (".html", ".htm")
        output_format = ReportFormat.html if html else ReportFormat.markdown
    pack = report.build(backlog_module.load(start_dir(ctx)), since=since, model=model)
    if output_format is ReportFormat.html:
        from backlogctl.render import report_html as renderer
    else:
        from backlogctl.render import report_markdown as renderer  # type: ignore[no-redef]
    text = renderer.render(pack)
    if output is None:
        typer.echo(text, nl=False)
        return
    report.write(output, text)
    typer.echo(f"wrote {output}", err=True)
