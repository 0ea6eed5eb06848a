"""`show` output: one item as text, JSON or YAML, with its score breakdown."""

from __future__ import annotations

import re
import sys
from typing import Any

from backlogctl.backlog import Backlog, Entry
from backlogctl.render import console, jsonout


def _breakdown(backlog: Backlog, entry: Entry) -> Any:
    """The item's score under the default model, or None before scoring exists."""
    try:
        from backlogctl import scoring
    except ImportError:
        return None
    if entry.item is None or not hasattr(scoring, "explain_item"):
        return None
    return scoring.explain_item(backlog.config, entry.item)


def as_json(backlog: Backlog, entry: Entry) -> dict[str, Any]:
    """`show --format json`; ``hash`` is what the MCP write tools take as expected_hash."""
    from backlogctl import store

    score = _breakdown(backlog, entry)
    raw = store.read_document(entry.path).raw
    found = {"path": backlog.relative(entry.path), "item": entry.data or {}, "score": score}
    return jsonout.to_json_value(found | {"hash": store.content_hash(raw)})  # type: ignore[no-any-return]


def render(backlog: Backlog, entry: Entry, output: str) -> None:
    data = entry.data or {}
    path = backlog.relative(entry.path)
    if output == "json":
        jsonout.write(as_json(backlog, entry))
        return
    score = _breakdown(backlog, entry)
    if output == "yaml":
        from backlogctl import store

        sys.stdout.write(store.dump(jsonout.to_json_value(data)))
        return
    _text(path, data, score)


Line = list[tuple[str, str | None]]
"""One line of the text page: runs of text, each with its rich style or None."""


def _text(path: str, data: dict[str, Any], score: Any) -> None:
    lines = _lines(path, data, score)
    shown = ["".join(run for run, _ in line) for line in lines]
    width = console.plain_width()
    if width is not None and all(map(_plain, shown)):
        sys.stdout.write("".join(f"{row}\n" for text in shown for row in _wrap(text, width)))
        return
    from rich.markup import escape

    out = console.console()
    for line in lines:
        # Each run is escaped as a whole: "[b" in a key and "x]" in its value escaped apart
        # made the tag "[b: x]" (the text vanished, or rich raised on "[/b: x]").
        out.print(
            "".join(f"[{style}]{escape(run)}[/{style}]" if style else escape(run) for run, style in line)
        )


def _lines(path: str, data: dict[str, Any], score: Any) -> list[Line]:
    """The page: id and title, path, each field (a mapping's keys indented), the score's terms."""
    lines: list[Line] = [
        [(str(data.get("id", "?")), "bold"), (f"  {data.get('title', '')}", None)],
        [(path, "dim")],
    ]
    for key, value in data.items():
        if key in ("id", "title"):
            continue
        if isinstance(value, dict):
            lines.append([(key, "bold"), (":", None)])
            lines.extend([(f"  {sub}: {_fmt(subvalue)}", None)] for sub, subvalue in value.items())
        else:
            lines.append([(key, "bold"), (f": {_fmt(value)}", None)])
    if score is not None:
        from backlogctl.scoring.explain import describe

        lines.append([])
        lines.extend([(line, None)] for line in describe(score))
    return lines


_EMOJI_CODE = re.compile(r":\S*:")
_WORD = re.compile(r"\s*\S+\s*")


def _plain(text: str) -> bool:
    """True when rich would print ``text`` as it is, only wrapped: printable ASCII (a cell a
    character, nothing to escape for a terminal) and line breaks, no backslash (rich's markup
    reads ``\\[`` as an escaped bracket even after `escape`), no ``:code:`` that could be an emoji."""
    return (
        text.isascii()
        and text.replace("\n", "").isprintable()
        and "\\" not in text
        and _EMOJI_CODE.search(text) is None
    )


def _wrap(text: str, width: int) -> list[str]:
    """The rows rich prints ``text`` (`_plain`) in on a console ``width`` cells wide, as
    ``rich.text.Text.wrap`` wraps it: at word starts, a word longer than a row folded, spaces
    past the edge dropped."""
    rows = []
    for line in text.split("\n"):
        breaks: list[int] = []
        used = 0
        for word in _WORD.finditer(line):
            start, spelled = word.start(), word.group()
            length = len(spelled.rstrip())
            if width - used >= length:
                used += len(spelled)
            elif length > width:
                folds = [spelled[at : at + width] for at in range(0, len(spelled), width)]
                for fold in folds[:-1]:
                    if start:
                        breaks.append(start)
                    start += len(fold)
                if start:
                    breaks.append(start)
                used = len(folds[-1])
            elif used and start:
                breaks.append(start)
                used = len(spelled)
        for begin, end in zip([0, *breaks], [*breaks, len(line)], strict=True):
            row = line[begin:end]
            if len(row) > width:
                row = row[: len(row) - min(len(row) - width, len(row) - len(row.rstrip()))]
            rows.append(row[:width])
    return rows


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "[]"
    return "" if value is None else str(value)
