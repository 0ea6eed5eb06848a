"""Command: rank, the ordered backlog for the prioritisation meeting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backlogctl.cli import dialect
from backlogctl.cli.app import command, start_dir

if TYPE_CHECKING:
    from backlogctl.backlog import Backlog


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
    from backlogctl import prioritise, scoring
    from backlogctl.errors import InputError
    from backlogctl.render import ranking as render

    if model is not None and formula is not None:
        raise InputError("use either --model or --formula, not both")
    folder = start_dir(ctx)
    backlog, as_of_sha = _backlog(folder, as_of)
    view = render.RankView(scoring.Ranking(""), top=top, as_of=as_of_sha, explain=explain)
    view.ranking = prioritise.rank_backlog(
        backlog, model=model, formula=formula, include_all=include_all, strict=strict
    )
    if since is not None:
        from backlogctl import history

        then_backlog = history.backlog_at(folder, since)
        view.since = history.resolve(folder, since)
        then = prioritise.rank_backlog(
            then_backlog, model=model, formula=formula, include_all=include_all, tolerant=True
        )
        view.movement = scoring.movement(view.ranking, then)
    if stability:
        from backlogctl.scoring.stability import configured

        view.stability_top = top or 5
        ratings = None
        if session is not None:
            from backlogctl import sessions

            ratings = sessions.stability_ratings(backlog, session)
            weight_spread = 0.0 if weight_spread is None else weight_spread
        settings, rule = configured(
            backlog.config,
            runs=runs,
            seed=seed,
            weight_spread=weight_spread,
            score_steps=score_steps,
            confidence_spread=confidence_spread,
            reach_spread=reach_spread,
        )
        found = scoring.stability(
            view.ranking,
            backlog.config,
            top=view.stability_top,
            settings=settings,
            ratings=ratings,
            settled=rule,
        )
        view.stability = {s.id: s for s in found}
        view.stability_rule = rule.describe(view.stability_top, settings, session)
    elif session is not None:
        raise InputError("--session goes with --stability (rank --stability --session NAME)")
    with dialect.output_to(output_file):
        render.render(view, output)


def _backlog(folder: Path, as_of: str | None) -> tuple[Backlog, str | None]:
    if as_of is None:
        from backlogctl import backlog as backlog_module

        return backlog_module.load(folder), None
    from backlogctl import history

    return history.backlog_at(folder, as_of), history.resolve(folder, as_of)
