"""Command: rank, the ordered backlog for the prioritisation meeting."""

from __future__ import annotations

from typing import Annotated

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import command, start_dir

ModelOption = Annotated[str | None, typer.Option(help="Scoring model (default: scoring.default).")]
FormulaOption = Annotated[
    str | None, typer.Option(help="Rank by an ad-hoc formula over the scores, for a what-if.", metavar="EXPR")
]
ExplainOption = Annotated[bool, typer.Option("--explain", help="Show each item's terms.")]
StabilityOption = Annotated[
    bool, typer.Option("--stability", help="Add each item's rank range and P(top N) under perturbation.")
]
SinceOption = Annotated[str | None, typer.Option(help="Show how places moved since REV.", metavar="REV")]
AsOfOption = Annotated[str | None, typer.Option(help="Rank the backlog as it was at REV.", metavar="REV")]
TopOption = Annotated[int | None, typer.Option(help="Show only the first N.", min=1, metavar="N")]
AllOption = Annotated[bool, typer.Option("--all", help="Rank every status, not only rankable ones.")]
StrictOption = Annotated[bool, typer.Option("--strict", help="Fail (exit 1) if an item has lint errors.")]
FormatOption = Annotated[str, dialect.format_option("table", "json", "csv", "markdown")]


SessionOption = Annotated[
    str | None,
    typer.Option(
        help="With --stability: draw each rated score from the raters' values of session NAME.",
        metavar="NAME",
    ),
]
RunsOption = Annotated[
    int | None, typer.Option(help="Stability runs (scoring.stability.runs).", min=0, metavar="N")
]
SeedOption = Annotated[int | None, typer.Option(help="Stability random seed.", min=0, metavar="N")]
WeightSpreadOption = Annotated[
    float | None,
    typer.Option(help="Weights move by a factor in [1-S, 1+S] (default 0.5; 0 with --session).", metavar="S"),
]
ScoreStepsOption = Annotated[
    int | None, typer.Option(help="Scores move up to N steps of their scale.", metavar="N")
]
ConfidenceSpreadOption = Annotated[float | None, typer.Option(help="Confidence moves up to S.", metavar="S")]
ReachSpreadOption = Annotated[
    float | None, typer.Option(help="Reach moves by a factor in [1-S, 1+S].", metavar="S")
]


@command("rank")
def rank_command(
    ctx: typer.Context,
    model: ModelOption = None,
    formula: FormulaOption = None,
    explain: ExplainOption = False,
    stability: StabilityOption = False,
    since: SinceOption = None,
    as_of: AsOfOption = None,
    top: TopOption = None,
    include_all: AllOption = False,
    strict: StrictOption = False,
    output: FormatOption = "table",
    output_file: dialect.OutputOption = None,
    session: SessionOption = None,
    runs: RunsOption = None,
    seed: SeedOption = None,
    weight_spread: WeightSpreadOption = None,
    score_steps: ScoreStepsOption = None,
    confidence_spread: ConfidenceSpreadOption = None,
    reach_spread: ReachSpreadOption = None,
) -> None:
    """Score and rank the backlog; items that cannot be ranked are listed with the reason.

    Example: backlogctl rank --model wsjf --top 10 --explain
    """
    from backlogctl.render import ranking as render
    from backlogctl.usecases import ranking

    view = ranking.rank(
        start_dir(ctx),
        model=model,
        formula=formula,
        explain=explain,
        stability=stability,
        since=since,
        as_of=as_of,
        top=top,
        include_all=include_all,
        strict=strict,
        session=session,
        perturbation={
            "runs": runs,
            "seed": seed,
            "weight_spread": weight_spread,
            "score_steps": score_steps,
            "confidence_spread": confidence_spread,
            "reach_spread": reach_spread,
        },
    )
    with dialect.output_to(output_file):
        render.render(view, output)
