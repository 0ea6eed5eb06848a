"""The meeting pack as one self-contained HTML page (Jinja2, autoescaped)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from backlogctl import __version__
from backlogctl.render import chart, text
from backlogctl.render import plan as plan_view
from backlogctl.report import SETTLED_SPREAD, SURE, ModelInfo, Pack, RankedItem

TEMPLATES = Path(__file__).with_name("templates")


def render(pack: Pack) -> str:
    """The HTML page: inline CSS, inline SVG, a few lines of JavaScript, nothing fetched."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    template = environment.get_template("report.html.j2")
    return template.render(
        pack=pack,
        version=__version__,
        chart=Markup(chart.svg(pack)),  # ElementTree escaped every text in it
        chart_width=chart.WIDTH,
        missing_text=_missing_text,
        left_out_lines=text.left_out_lines((*out, None) for out in pack.left_out) if not pack.ranking else [],
        chart_min_px=chart.MIN_CSS_WIDTH,
        weights=weights,
        score=score,
        contributors=contributors,
        movement_cell=movement_cell,
        value=value,
        settled_spread=SETTLED_SPREAD,
        sure=SURE,
        planview=plan_view,
    )


def weights(model: ModelInfo) -> str:
    """The model's terms in one line: business_value 0.5, effort 0.25 (cost)."""
    if model.weights:
        return ", ".join(
            f"{w.criterion.replace('_', ' ')} {w.weight:g}" + (" (cost)" if w.direction == "cost" else "")
            for w in model.weights
        )
    return model.formula or model.type


def score(number: float) -> str:
    return f"{number:.1f}" if abs(number) < 1000 else f"{number:,.0f}"


def contributors(row: RankedItem) -> str:
    """The terms that move the score most, in words: business value +32.5, feasibility +18.8."""
    return text.contributors_text(row.contributors, in_words=True)


def movement_text(row: RankedItem, baseline_found: bool) -> tuple[str, str, str]:
    """(symbol, words for screen readers, css class) of a row's movement."""
    if not baseline_found:
        return "", "", "muted"
    if row.new_since or row.movement is None:
        return "new", "not ranked at the last review", "muted"
    if row.movement > 0:
        return f"▲ {row.movement}", f"up {row.movement} places", "up"
    if row.movement < 0:
        return f"▼ {-row.movement}", f"down {-row.movement} places", "down"
    return "–", "unchanged", "flat"


def movement_cell(row: RankedItem, baseline_found: bool) -> Markup:
    symbol, words, css = movement_text(row, baseline_found)
    order = row.movement if row.movement is not None else ""
    return Markup(
        '<td class="num {}" data-label="Movement" data-sort="{}"><span aria-hidden="true">{}</span>'
        '<span class="sr">{}</span></td>'
    ).format(css, order, symbol, words)


def value(raw: object, limit: int = 120) -> str:
    """A changed field's old or new value as short text; a template placeholder is "missing"."""
    from backlogctl.model import is_placeholder

    if raw is None:
        return "—"
    if isinstance(raw, str) and is_placeholder(raw):
        return "missing"
    if isinstance(raw, float):
        text = f"{raw:g}"
    elif isinstance(raw, list | tuple):
        text = ", ".join(str(v) for v in raw)
    else:
        text = " ".join(str(raw).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _missing_text(entry: object) -> str:
    from backlogctl.render.report_markdown import missing_text

    return missing_text(entry)  # type: ignore[arg-type]
