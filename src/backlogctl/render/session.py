"""Session output: who has rated (status) and the results, as a table, JSON or Markdown."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from backlogctl.render import aligned, jsonout
from backlogctl.render.text import markdown

if TYPE_CHECKING:
    from backlogctl.sessions import Results, Status
    from backlogctl.sessions.results import ItemResult


def status(found: Status, output: str) -> None:
    if output == "json":
        jsonout.write(
            {
                "session": found.session,
                "items": found.items,
                "criteria": list(found.criteria),
                "raters": [
                    {"rater": r.rater, "rated": r.rated, "complete": r.complete, "missing": list(r.missing)}
                    for r in found.raters
                ],
            }
        )
        return
    if not found.raters:
        sys.stdout.write(f"session {found.session}: nobody has rated yet ({found.items} items)\n")
        return
    rows = [[r.rater, f"{r.complete}/{found.items}", str(r.rated - r.complete)] for r in found.raters]
    aligned.table(["rater", "complete", "partly rated"], rows, right=frozenset({"complete", "partly rated"}))


def number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"


def results_data(found: Results) -> dict[str, Any]:
    """The documented JSON shape (PRODUCT.md), plus rank_range and comments per item."""
    return {
        "session": found.session,
        "model": found.model,
        "raters": found.raters,
        "criteria": found.criteria,
        "agreement": found.agreement,
        "agreement_measure": "Krippendorff's alpha, interval metric on scale positions",
        "items": [
            {
                "id": row.id,
                "title": row.title,
                "criteria": {
                    name: {"median": c.median, "min": c.min, "max": c.max, "n": c.n, "values": c.values}
                    for name, c in row.criteria.items()
                },
                "spread": row.spread,
                "discuss": row.discuss,
                "rank_range": list(row.rank_range) if row.rank_range else None,
                "comments": row.comments,
            }
            for row in found.items
        ],
        "discuss_first": found.discuss_first,
    }


def _values(row: ItemResult, criterion: str, raters: list[str]) -> str:
    summary = row.criteria.get(criterion)
    if summary is None:
        return "–"
    each = " ".join(number(summary.values.get(r)) for r in raters)
    return f"{number(summary.median)} ({each})"


def _places(row: ItemResult) -> str:
    if row.rank_range is None:
        return "–"
    low, high = row.rank_range
    return str(low) if low == high else f"{low}–{high}"


def results(found: Results, output: str) -> None:
    if output == "json":
        jsonout.write(results_data(found))
        return
    if output == "markdown":
        sys.stdout.write(results_markdown(found, heading="##") + "\n")
        return
    head = ["", "id", "title", *(f"{c} median (each)" for c in found.criteria), "places"]
    rows = [
        [
            "!" if r.discuss else "",
            r.id,
            r.title,
            *(_values(r, c, found.raters) for c in found.criteria),
            _places(r),
        ]
        for r in found.items
    ]
    sys.stdout.write(f"session {found.session}, raters (in this order): {', '.join(found.raters)}\n")
    agreement = ", ".join(f"{c} {number(a)}" for c, a in found.agreement.items())
    sys.stdout.write(f"agreement (Krippendorff's alpha): {agreement}\n\n")
    aligned.table(head, rows)
    if found.discuss_first:
        sys.stdout.write(f"\ndiscuss first: {', '.join(found.discuss_first)}\n")


def results_markdown(found: Results, *, heading: str = "##", only_discuss: bool = False) -> str:
    """The results as Markdown: agreement, then the items (or only those to discuss) with each value."""
    lines = [
        f"{heading} Session {markdown(found.session)}",
        "",
        f"Raters: {', '.join(markdown(r) for r in found.raters)}. Agreement per criterion "
        "(Krippendorff's alpha, 1 = full agreement, 0 = chance): "
        + ", ".join(f"{markdown(c)} {number(a)}" for c, a in found.agreement.items())
        + ".",
        "",
    ]
    rows = [r for r in found.items if r.discuss] if only_discuss else found.items
    if not rows:
        lines.append("The raters' differences change no place in the ranking.")
        return "\n".join(lines)
    head = ["Item", "Title", *(markdown(c) for c in found.criteria), "Places", "Comments"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for r in rows:
        values = [
            "–"
            if c not in r.criteria
            else f"{number(r.criteria[c].median)} ("
            + ", ".join(f"{markdown(k)} {number(v)}" for k, v in r.criteria[c].values.items())
            + ")"
            for c in found.criteria
        ]
        comments = "; ".join(f"{markdown(k)}: {markdown(v)}" for k, v in r.comments.items())
        lines.append(
            "| " + " | ".join([markdown(r.id), markdown(r.title), *values, _places(r), comments]) + " |"
        )
    return "\n".join(lines)
