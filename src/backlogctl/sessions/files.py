"""Session files: ``sessions/NAME/session.yaml`` and one ``RATER.yaml`` per rater."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backlogctl import store
from backlogctl.errors import InputError, NotFoundError

FOLDER = "sessions"
SESSION_FILE = "session.yaml"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
COMMENT = "comment"


@dataclass(frozen=True, slots=True)
class Session:
    """What a session rates: items, criteria, under which model."""

    name: str
    folder: Path
    opened: dt.date
    model: str
    criteria: tuple[str, ...]
    items: tuple[str, ...]

    @property
    def path(self) -> Path:
        return self.folder / SESSION_FILE

    def rater_path(self, rater: str) -> Path:
        return self.folder / f"{check_name(rater, 'rater')}.yaml"


@dataclass(slots=True)
class Rating:
    """One rater's values for one item, and their comment."""

    values: dict[str, float] = field(default_factory=dict)
    comment: str | None = None


def check_name(name: str, what: str) -> str:
    """A session or rater name that is safe as a file name."""
    if not NAME.fullmatch(name) or name.endswith((".yaml", ".")) or (what == "rater" and name == "session"):
        raise InputError(
            f"{what} name {name!r}: use letters, digits, '.', '_' or '-' (up to 64), "
            "starting with a letter or digit, e.g. anna.berg"
        )
    return name


def folder(root: Path, name: str) -> Path:
    return root / FOLDER / check_name(name, "session")


def session_text(session: Session) -> str:
    """The session.yaml of a new session."""
    head = (
        f"# Prioritisation session {session.name}: each rater scores in their own file here\n"
        f"# (backlogctl session rate {session.name} --rater NAME); the ratings never conflict in git.\n"
    )
    data = {
        "name": session.name,
        "opened": session.opened,
        "model": session.model,
        "criteria": list(session.criteria),
        "items": list(session.items),
    }
    return head + store.dump(data)


def load(root: Path, name: str) -> Session:
    """The session NAME of the backlog at ``root``."""
    where = folder(root, name)
    path = where / SESSION_FILE
    if not path.is_file():
        raise NotFoundError(
            f"no session {name!r}: {FOLDER}/{name}/{SESSION_FILE} does not exist; "
            f"open it with 'backlogctl session open {name}'"
        )
    data = store.load_mapping(path, "a session file")
    try:
        criteria = tuple(str(c) for c in data["criteria"])
        items = tuple(str(i) for i in data["items"])
        opened = data.get("opened")
        model = str(data.get("model") or "")
    except (KeyError, TypeError):
        raise InputError("a session file needs criteria: [...] and items: [...]", path=path) from None
    if not isinstance(opened, dt.date):
        opened = dt.date.today()
    return Session(name, where, opened, model, criteria, items)


def raters(session: Session) -> list[str]:
    """Every rater with a file in the session, in name order."""
    return sorted(
        p.stem for p in session.folder.glob("*.yaml") if p.name != SESSION_FILE and NAME.fullmatch(p.stem)
    )


def load_ratings(session: Session) -> dict[str, dict[str, Rating]]:
    """rater -> item id -> rating, for every rater file of the session."""
    found: dict[str, dict[str, Rating]] = {}
    for rater in raters(session):
        path = session.rater_path(rater)
        found[rater] = parse_ratings(store.load_mapping(path, "a rater file"), path)
    return found


def parse_ratings(data: dict[str, Any], path: Path) -> dict[str, Rating]:
    ratings: dict[str, Rating] = {}
    for item_id, entry in data.items():
        if entry is None:
            continue
        if not isinstance(entry, dict):
            raise InputError(f"{item_id}: expected criterion: value pairs", path=path)
        rating = Rating()
        for key, value in entry.items():
            if key == COMMENT:
                rating.comment = None if value is None else str(value)
            elif value is None:
                continue
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f"{item_id}.{key}: {value!r} is not a number", path=path)
            else:
                rating.values[str(key)] = value
        ratings[str(item_id)] = rating
    return ratings


def rater_text(rater: str, session: Session, ratings: dict[str, dict[str, Any]]) -> str:
    """A new rater file."""
    head = f"# {rater}'s ratings in session {session.name} (backlogctl session rate)\n"
    return head + store.dump(ratings)
