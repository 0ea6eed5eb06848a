"""Running every rule over a backlog and turning findings into problems."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from backlogctl import store
from backlogctl.backlog import Backlog
from backlogctl.lint.context import Context
from backlogctl.lint.problem import RULES, Finding, Problem


def check(
    backlog: Backlog,
    *,
    today: dt.date | None = None,
    paths: Iterable[Path] | None = None,
    locate: bool = True,
    errors_only: bool = False,
) -> list[Problem]:
    """Every problem in the backlog, sorted by path and line.

    Rules always see the whole backlog (duplicates and dependencies need it);
    ``paths`` (files or folders) only limits which files' problems are returned.
    ``locate=False`` skips looking up the line of field problems (they get line
    1), for callers that only need to know which items have problems;
    ``errors_only`` runs only the rules whose findings are errors.
    """
    ctx = Context(backlog, today or dt.date.today())
    wanted = _selector(paths)
    found: dict[Path, list[tuple[str, Finding]]] = defaultdict(list)
    for rule in RULES.values():
        if errors_only and rule.severity != "error":
            continue
        for finding in rule.run(ctx):
            if wanted(finding.entry.path):
                found[finding.entry.path].append((rule.id, finding))
    problems = [p for path, findings in found.items() for p in _problems(ctx, path, findings, locate)]
    problems.sort(key=lambda p: (p.path, p.line or 0, p.column or 0, p.rule, p.message))
    return problems


def _selector(paths: Iterable[Path] | None) -> Callable[[Path], bool]:
    if paths is None:
        return lambda path: True
    chosen = [p.resolve() for p in paths]
    return lambda path: any(path.resolve().is_relative_to(p) for p in chosen)


def _problems(
    ctx: Context, path: Path, findings: list[tuple[str, Finding]], locate: bool = True
) -> list[Problem]:
    """Problems of one file; key lines are looked up only here, for files with problems."""
    lines: dict[str, tuple[int, int]] | None = None
    relative = ctx.backlog.relative(path)
    problems = []
    for rule_id, finding in findings:
        line, column = finding.line, finding.column
        if line is None and finding.field is not None and locate:
            if lines is None:
                text = ctx.text(finding.entry)
                lines = store.key_lines(text) if text is not None else {}
            line, column = _field_position(lines, finding.field)
        rule = RULES[rule_id]
        problems.append(
            Problem(
                relative,
                line or 1,
                column,
                rule_id,
                rule.severity,
                finding.entry.id,
                finding.message,
                finding.field,
            )
        )
    return problems


def _field_position(lines: dict[str, tuple[int, int]], dotted: str) -> tuple[int | None, int | None]:
    """The key's position, or its nearest written parent's (scores for scores.effort)."""
    parts = dotted.split(".")
    while parts:
        found = lines.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return 1, None
