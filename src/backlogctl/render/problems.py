"""`lint` output: problems as text grouped per file, JSON, or GitHub annotations."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict
from itertools import groupby
from typing import Any

from backlogctl.lint import RULES, Problem
from backlogctl.render import jsonout
from backlogctl.render.text import terminal


def summary(problems: Sequence[Problem], items: int) -> dict[str, int]:
    errors = sum(1 for p in problems if p.severity == "error")
    return {"items": items, "errors": errors, "warnings": len(problems) - errors}


def as_json(problems: Sequence[Problem], items: int) -> dict[str, Any]:
    """`lint --format json`."""
    shown = [{k: v for k, v in asdict(p).items() if k != "field"} for p in problems]
    return {"problems": shown, "summary": summary(problems, items)}


def render(problems: Sequence[Problem], items: int, output: str, prefix: str = "") -> None:
    """Print ``problems`` in ``output`` format; ``prefix`` leads annotation paths to the repo root."""
    if output == "json":
        jsonout.write(as_json(problems, items))
    elif output == "github":
        sys.stdout.writelines(annotation(p, prefix) + "\n" for p in problems)
    else:
        _text(problems, items)


def annotation(problem: Problem, prefix: str = "") -> str:
    """A GitHub Actions workflow command: ``::error file=…,line=…,col=…,title=…::message``."""
    fields = [f"file={_property(prefix + problem.path)}"]
    if problem.line is not None:
        fields.append(f"line={problem.line}")
    if problem.column is not None:
        fields.append(f"col={problem.column}")
    fields.append(f"title={_property('backlogctl ' + problem.rule)}")
    return f"::{problem.severity} {','.join(fields)}::{_data(terminal(problem.message))}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _text(problems: Sequence[Problem], items: int) -> None:
    # Aligned text with ANSI styles: rich's markup costs seconds for thousands of problems.
    from backlogctl.render.aligned import colour, styled

    on = colour()
    width = max((len(p.rule) for p in problems), default=0)
    out: list[str] = []
    for path, group in groupby(problems, key=lambda p: p.path):
        out.append(styled(terminal(path, one_line=True), "bold", "underline", enabled=on))
        for problem in group:
            where = f"{problem.line or 1}:{problem.column or 1}"
            colour_name = "red" if problem.severity == "error" else "yellow"
            out.append(
                f"  {where:<7} {styled(f'{problem.severity:<7}', colour_name, enabled=on)}  "
                f"{styled(f'{problem.rule:<{width}}', 'dim', enabled=on)}  {terminal(problem.message)}"
            )
        out.append("")
    counts = summary(problems, items)
    checked = f"{items} item file{'s' if items != 1 else ''} checked"
    if not problems:
        out.append(f"{styled('✓', 'green', enabled=on)} {checked}, no problems")
    else:
        files = len({p.path for p in problems})
        totals = f"{_plural(counts['errors'], 'error')}, {_plural(counts['warnings'], 'warning')}"
        out.append(f"{styled(totals, 'bold', enabled=on)} in {_plural(files, 'file')} ({checked})")
    sys.stdout.write("\n".join(out) + "\n")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def rules_text() -> None:
    """`lint --list-rules`: every rule with its severity and one-line doc."""
    width = max(len(rule_id) for rule_id in RULES)
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        sys.stdout.write(f"{rule.id:<{width}}  {rule.severity:<7}  {rule.doc}\n")
