"""The value-versus-effort matrix as an inline SVG, laid out in Python.

Both axes are the Fibonacci scales (1 … 20) at equal spacing, split between 5
and 8 into the four quadrants. Items that share a cell are fanned out in rows
and columns so that none hides another; labels are truncated to the room they
have (estimated from the characters, generously) so they never leave the SVG,
and each point carries its full text in a <title>.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable

from backlogctl.report import HIGH_FROM, QUADRANTS, Pack, RankedItem, scale_position
from backlogctl.scales import FIBONACCI

LEFT, RIGHT, TOP = 84, 1010, 46
WIDTH, HEIGHT = RIGHT + 16, 760  # labels stay inside the plot frame: near its right edge they go left
STEPS = len(FIBONACCI)
CELL_W = (RIGHT - LEFT) / STEPS
CELL_H = 84
BOTTOM = TOP + CELL_H * STEPS
ROW = 19
ROWS_PER_CELL = 4
FONT = 15
MARKER = 7
MIN_TEXT_PX = 10
MIN_CSS_WIDTH = -(-WIDTH * MIN_TEXT_PX // FONT)
"""The narrowest the chart is drawn (CSS px): its smallest text is then 10 px; narrower screens scroll it."""
LABEL_GAP = MARKER + 5
MAX_LABEL = 2.4 * CELL_W

KIND_COLOURS = {  # Okabe-Ito: distinguishable with colour-blindness
    "new": "#0072B2",
    "implement": "#009E73",
    "revise": "#D55E00",
    "retire": "#CC79A7",
}
OTHER_COLOUR = "#555555"
HOLLOW_STATUSES = frozenset({"proposed"})
SPLIT = scale_position(HIGH_FROM) - 0.5  # between 5 and 8


def svg(pack: Pack) -> str:
    """The matrix of the pack's ranked items as an SVG element (a string, escaped)."""
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {HEIGHT}",
            "role": "img",
            "aria-labelledby": "matrix-title matrix-desc",
            "class": "matrix",
            "font-family": "system-ui, 'Segoe UI', 'Noto Sans', 'DejaVu Sans', sans-serif",
            "font-size": str(FONT),
        },
    )
    _sub(root, "title", {"id": "matrix-title"}, "Value versus effort")
    _sub(root, "desc", {"id": "matrix-desc"}, _description(pack))
    _draw_frame(root)
    points = _sub(root, "g", {"class": "points"})
    for item, (x, y, room, leftwards) in _layout(pack.placed).items():
        _draw_point(points, item, x, y, room, leftwards)
    _draw_legend(root, pack.placed)
    for element in root.iter():
        if element.tag in ("g", "title", "desc", "circle", "rect", "line") or (
            element.tag == "text" and not len(element)
        ):
            element.tail = "\n"  # one element per line, but never whitespace inside a label
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _sub(
    parent: ET.Element, tag: str, attrs: dict[str, str] | None = None, text: str | None = None
) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs or {})
    element.text = text
    return element


def _description(pack: Pack) -> str:
    groups: dict[str, list[str]] = defaultdict(list)
    for item in pack.placed:
        groups[item.quadrant or ""].append(item.id)
    parts = [f"{name}: {', '.join(groups[name]) or 'none'}" for name in QUADRANTS.values()]
    text = f"{len(pack.placed)} ranked items by effort (x) and business value (y). " + "; ".join(parts) + "."
    if pack.unplaced:
        text += f" Not placed, estimates missing: {', '.join(i.id for i in pack.unplaced)}."
    return text


def _x(position: float) -> float:
    return LEFT + (position + 0.5) * CELL_W


def _y(position: float) -> float:
    return BOTTOM - (position + 0.5) * CELL_H


def _draw_frame(root: ET.Element) -> None:
    frame = _sub(root, "g", {"class": "frame", "aria-hidden": "true"})
    split_x, split_y = _x(SPLIT), _y(SPLIT)
    tints = [  # quick wins, big bets, fill-ins, time sinks
        (LEFT, TOP, split_x - LEFT, split_y - TOP, "#e6f4ea"),
        (split_x, TOP, RIGHT - split_x, split_y - TOP, "#e8f0fb"),
        (LEFT, split_y, split_x - LEFT, BOTTOM - split_y, "#f4f4f4"),
        (split_x, split_y, RIGHT - split_x, BOTTOM - split_y, "#fbeaea"),
    ]
    for x, y, w, h, colour in tints:
        _sub(frame, "rect", {"x": _n(x), "y": _n(y), "width": _n(w), "height": _n(h), "fill": colour})
    for index, step in enumerate(FIBONACCI):
        _sub(
            frame,
            "text",
            {"x": _n(_x(index)), "y": _n(BOTTOM + 22), "text-anchor": "middle", "fill": "#333"},
            str(step),
        )
        _sub(
            frame,
            "text",
            {"x": _n(LEFT - 10), "y": _n(_y(index) + 4), "text-anchor": "end", "fill": "#333"},
            str(step),
        )
    line = {"stroke": "#666", "stroke-width": "1.5", "stroke-dasharray": "6 4"}
    _sub(frame, "line", {"x1": _n(split_x), "y1": _n(TOP), "x2": _n(split_x), "y2": _n(BOTTOM), **line})
    _sub(frame, "line", {"x1": _n(LEFT), "y1": _n(split_y), "x2": _n(RIGHT), "y2": _n(split_y), **line})
    _sub(
        frame,
        "rect",
        {
            "x": _n(LEFT),
            "y": _n(TOP),
            "width": _n(RIGHT - LEFT),
            "height": _n(BOTTOM - TOP),
            "fill": "none",
            "stroke": "#666",
        },
    )
    heading = {
        "text-anchor": "middle",
        "font-weight": "700",
        "font-size": "17",
        "fill": "#222",
        "letter-spacing": "0.06em",
    }
    names = [
        (QUADRANTS[(True, False)], LEFT, split_x, TOP - 16),
        (QUADRANTS[(True, True)], split_x, RIGHT, TOP - 16),
        (QUADRANTS[(False, False)], LEFT, split_x, BOTTOM + 50),
        (QUADRANTS[(False, True)], split_x, RIGHT, BOTTOM + 50),
    ]
    for name, x0, x1, y in names:
        _sub(frame, "text", {"x": _n((x0 + x1) / 2), "y": _n(y), **heading}, name.upper())
    _sub(
        frame,
        "text",
        {
            "x": _n((LEFT + RIGHT) / 2),
            "y": _n(BOTTOM + 78),
            "text-anchor": "middle",
            "fill": "#222",
            "font-size": "16",
        },
        "Effort (relative job size) →",
    )
    _sub(
        frame,
        "text",
        {
            "x": "0",
            "y": "0",
            "text-anchor": "middle",
            "fill": "#222",
            "font-size": "16",
            "transform": f"translate(22 {_n((TOP + BOTTOM) / 2)}) rotate(-90)",
        },
        "Business value →",
    )


Placement = tuple[float, float, float, bool]


def _layout(items: Iterable[RankedItem]) -> dict[RankedItem, Placement]:
    """Marker position and label room of every item; items sharing a cell fan out in columns."""
    cells: dict[tuple[float, float], list[RankedItem]] = defaultdict(list)
    for item in items:
        assert item.value is not None and item.effort is not None
        cells[(scale_position(item.effort), scale_position(item.value))].append(item)
    markers: dict[RankedItem, tuple[float, float]] = {}
    for (px, py), members in cells.items():
        columns = -(-len(members) // ROWS_PER_CELL)
        rows = -(-len(members) // columns)
        column_w = CELL_W / columns
        for index, item in enumerate(members):
            column, row = divmod(index, rows)
            # A lone column sits on the tick; crowded cells split into columns.
            x = _x(px) if columns == 1 else LEFT + px * CELL_W + column * column_w + MARKER + 4
            markers[item] = (x, _y(py) + (row - (rows - 1) / 2) * ROW)
    return {item: (x, y, *_room(x, y, markers.values())) for item, (x, y) in markers.items()}


def _room(x: float, y: float, markers: Iterable[tuple[float, float]]) -> tuple[float, bool]:
    """Width a label may take and whether it goes left of its marker.

    A label runs right up to the next marker on its line or the plot frame;
    when that leaves less than most of a cell and there is more room on the
    left (the last columns), it runs left instead. It never leaves the frame.
    """
    markers = list(markers)
    start = x + LABEL_GAP
    limit = min(RIGHT - 4.0, start + MAX_LABEL)
    back = x - LABEL_GAP
    floor = max(LEFT + 4.0, back - MAX_LABEL)
    for other_x, other_y in markers:
        if abs(other_y - y) < ROW:
            if other_x > x:
                limit = min(limit, other_x - MARKER - 6)
            elif other_x < x:
                floor = max(floor, other_x + MARKER + 6)
    right, left = max(limit - start, 0.0), max(back - floor, 0.0)
    if right < 0.75 * CELL_W and left > right:
        return left, True
    return right, False


def _draw_point(
    parent: ET.Element, item: RankedItem, x: float, y: float, room: float, leftwards: bool = False
) -> None:
    group = _sub(
        parent, "g", {"class": "point", "data-id": item.id, "data-rank": str(item.rank), "tabindex": "0"}
    )
    _sub(group, "title", None, _point_title(item))
    colour = KIND_COLOURS.get(item.kind or "", OTHER_COLOUR)
    hollow = item.status in HOLLOW_STATUSES
    _sub(
        group,
        "circle",
        {
            "cx": _n(x),
            "cy": _n(y),
            "r": str(MARKER),
            "stroke": colour,
            "stroke-width": "2.5",
            "fill": "#ffffff" if hollow else colour,
        },
    )
    # The id is never cut (people say it in the meeting); the title gets what room is left.
    title_room = room - text_width(item.id + " ")
    title_shown = fit(item.title, title_room) if title_room >= text_width("Ww…") else ""
    label = f"{item.id} {title_shown}" if title_shown else item.id
    text = _sub(
        group,
        "text",
        {
            "x": _n(x - LABEL_GAP if leftwards else x + LABEL_GAP),
            "y": _n(y + 5),
            "fill": "#111",
            "class": "label",
            "direction": "ltr",
            **({"text-anchor": "end"} if leftwards else {}),
        },
    )
    ident, _, title = label.partition(" ")
    text.text = ident + (" " if title else "")
    if title:
        _sub(text, "tspan", {"unicode-bidi": "isolate", "direction": direction(title)}, title)


def _point_title(item: RankedItem) -> str:
    parts = [
        f"#{item.rank} {item.id} {item.title}",
        f"score {item.score:g}",
        f"value {item.value:g}",
        f"effort {item.effort:g}",
        item.quadrant or "",
    ]
    if item.status:
        parts.append(f"status {item.status}")
    if item.kind:
        parts.append(f"kind {item.kind}")
    return ", ".join(p for p in parts if p)


def _draw_legend(root: ET.Element, items: tuple[RankedItem, ...]) -> None:
    legend = _sub(root, "g", {"class": "legend"})
    kinds = sorted(
        {i.kind or "other" for i in items},
        key=lambda k: list(KIND_COLOURS).index(k) if k in KIND_COLOURS else 99,
    )
    x, y = float(LEFT), HEIGHT - 14
    for kind in kinds:
        colour = KIND_COLOURS.get(kind, OTHER_COLOUR)
        _sub(legend, "circle", {"cx": _n(x), "cy": _n(y - 4), "r": str(MARKER), "fill": colour})
        _sub(legend, "text", {"x": _n(x + 12), "y": _n(y), "fill": "#222"}, kind)
        x += 12 + text_width(kind) + 24
    if any(i.status in HOLLOW_STATUSES for i in items):
        _sub(
            legend,
            "circle",
            {
                "cx": _n(x),
                "cy": _n(y - 4),
                "r": str(MARKER),
                "fill": "#fff",
                "stroke": "#333",
                "stroke-width": "2.5",
            },
        )
        _sub(
            legend, "text", {"x": _n(x + 12), "y": _n(y), "fill": "#222"}, "hollow: proposed (not yet ready)"
        )


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def char_width(char: str, size: float = FONT) -> float:
    """A generous estimate of one character's advance in a sans-serif font."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return size * 1.05
    if char == " ":
        return size * 0.32
    if char.isupper() or char in "mw@%&":
        return size * 0.74
    return size * 0.6


def text_width(text: str, size: float = FONT) -> float:
    return sum(char_width(c, size) for c in text)


def fit(text: str, room: float, size: float = FONT) -> str:
    """``text`` cut with an ellipsis so that it fits ``room`` pixels."""
    if text_width(text, size) <= room:
        return text
    budget = room - char_width("…", size)
    kept: list[str] = []
    for char in text:
        budget -= char_width(char, size)
        if budget < 0:
            break
        kept.append(char)
    return "".join(kept).rstrip() + "…"


def direction(text: str) -> str:
    """rtl when the first strong character is right-to-left (Arabic, Hebrew), else ltr."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
