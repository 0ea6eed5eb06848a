"""Turning a cell into a field value of the item model's type, or saying why it cannot be one."""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from enum import Enum
from functools import cache
from typing import Any

from pydantic import BaseModel

from backlogctl.model import Item

# German and Jira words for the values of kind, risk class and status; a
# status word is used only when the backlog has that status.
WORDS: dict[str, dict[str, str]] = {
    "kind": {
        "neu": "new",
        "neuentwicklung": "new",
        "umsetzen": "implement",
        "umsetzung": "implement",
        "einführung": "implement",
        "überarbeiten": "revise",
        "überarbeitung": "revise",
        "verbesserung": "revise",
        "abschalten": "retire",
        "abschaltung": "retire",
        "stilllegung": "retire",
    },
    "risk_class": {
        "minimal": "minimal",
        "gering": "minimal",
        "begrenzt": "limited",
        "hoch": "high",
        "hochrisiko": "high",
        "unannehmbar": "unacceptable",
        "verboten": "unacceptable",
        "unbewertet": "unassessed",
        "offen": "unassessed",
    },
    "status": {
        "vorgeschlagen": "proposed",
        "idee": "proposed",
        "to do": "proposed",
        "open": "proposed",
        "backlog": "proposed",
        "bereit": "ready",
        "selected for development": "ready",
        "in arbeit": "in_progress",
        "in bearbeitung": "in_progress",
        "in progress": "in_progress",
        "im einsatz": "deployed",
        "produktiv": "deployed",
        "in produktion": "deployed",
        "done": "deployed",
        "geparkt": "parked",
        "zurückgestellt": "parked",
        "on hold": "parked",
        "abgelehnt": "rejected",
        "won't do": "rejected",
        "abgeschaltet": "retired",
        "ausgemustert": "retired",
    },
}

JIRA_PRIORITY = {
    "highest": 13,
    "blocker": 20,
    "critical": 13,
    "high": 8,
    "major": 8,
    "medium": 5,
    "low": 3,
    "minor": 3,
    "lowest": 1,
    "trivial": 1,
}
"""Jira priority -> a Fibonacci score (by default business value)."""

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d/%m/%Y",
    "%d/%b/%y %I:%M %p",  # Jira's default export
    "%d/%b/%Y %I:%M %p",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%b/%y",
)
_SPLIT = re.compile(r"\s*[,;\n]\s*")


class CellError(ValueError):
    """A cell that cannot be the field's value; the message says why."""


@cache
def kind_of(dotted: str) -> tuple[str, tuple[str, ...]]:
    """("list"|"date"|"number"|"text"|"text-or-number"|"enum", enum values) of a dotted field."""
    model: type[BaseModel] = Item
    *parents, leaf = dotted.split(".")
    for name in parents:
        model = next(t for t in _types(model.model_fields[name].annotation) if isinstance(t, type))
    annotation = model.model_fields[leaf].annotation
    if typing.get_origin(annotation) is list:
        return "list", ()
    found = set(_types(annotation)) - {type(None)}
    enums = [t for t in found if isinstance(t, type) and issubclass(t, Enum)]
    if enums:
        return "enum", tuple(str(member.value) for member in enums[0])
    if dt.date in found:
        return "date", ()
    if found <= {int, float}:
        return "number", ()
    return ("text-or-number" if float in found else "text"), ()


def _types(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType, typing.Annotated):
        args = typing.get_args(annotation)
        if typing.get_origin(annotation) is typing.Annotated:
            args = args[:1]
        return [t for arg in args for t in _types(arg)]
    return [annotation]


def convert(dotted: str, cell: Any, *, statuses: list[str], jira_priority: bool = False) -> Any:
    """The value of ``dotted`` for ``cell`` (a list of cells for a repeated column); None if empty."""
    if isinstance(cell, list):
        values = [v for c in cell for v in _as_list(c)]
        return values or None
    if _empty(cell):
        return None
    kind, choices = kind_of(dotted)
    if jira_priority:
        return _priority(cell)
    if kind == "list":
        return _as_list(cell) or None
    if kind == "date":
        return _date(cell)
    if kind == "number":
        return _number(cell)
    if kind == "enum":
        return _word(dotted, cell, choices)
    if dotted == "status":
        return _word(dotted, cell, tuple(statuses))
    if kind == "text-or-number" and isinstance(cell, int | float) and not isinstance(cell, bool):
        return _integral(cell)
    return _text(cell)


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Any) -> str:
    if isinstance(cell, float):
        return f"{_integral(cell)}"
    if isinstance(cell, dt.datetime | dt.date):
        return cell.isoformat()
    return str(cell).strip()


def _as_list(cell: Any) -> list[str]:
    if _empty(cell):
        return []
    return [part for part in _SPLIT.split(_text(cell)) if part]


def _integral(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _number(cell: Any) -> int | float:
    if isinstance(cell, bool):
        raise CellError(f"{cell!r} is not a number")
    if isinstance(cell, int | float):
        return _integral(cell)
    text = str(cell).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d+,\d+", text):
        text = text.replace(",", ".")  # German decimal comma: 0,8
    try:
        return _integral(float(text))
    except ValueError:
        raise CellError(f"{cell!r} is not a number") from None


def _date(cell: Any) -> dt.date:
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = str(cell).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise CellError(f"{text!r} is not a date; write 2026-12-01 or 01.12.2026")


def _word(dotted: str, cell: Any, choices: tuple[str, ...]) -> str:
    text = _text(cell)
    wanted = " ".join(text.casefold().replace("_", " ").replace("-", " ").split())
    for choice in choices:
        if wanted == " ".join(choice.casefold().replace("_", " ").replace("-", " ").split()):
            return choice
    translated = WORDS.get(dotted, {}).get(wanted)
    if translated in choices:
        return translated
    raise CellError(f"{text!r} is not one of {', '.join(choices)}")


def _priority(cell: Any) -> int | float:
    word = _text(cell).casefold()
    if word in JIRA_PRIORITY:
        return JIRA_PRIORITY[word]
    try:
        return _number(cell)
    except CellError:
        names = ", ".join(JIRA_PRIORITY)
        raise CellError(f"{_text(cell)!r} is not a Jira priority ({names})") from None
