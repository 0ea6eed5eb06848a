"""Open a session, rate in it, see who has rated, apply the medians to the items."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backlogctl import store
from backlogctl.backlog import Backlog
from backlogctl.errors import InputError, NotFoundError
from backlogctl.model import RiskClass
from backlogctl.sessions import files
from backlogctl.sessions.files import COMMENT, Rating, Session
from backlogctl.sessions.scales import scale_for, snap


@dataclass(slots=True)
class Rated:
    """What `rate` wrote: the rater's file, how many values, the commit."""

    session: str
    rater: str
    path: Path
    values: int
    comments: int
    commit: str | None = None


@dataclass(frozen=True, slots=True)
class RaterStatus:
    rater: str
    rated: int
    complete: int
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Status:
    """Who has rated how much of the session."""

    session: str
    items: int
    criteria: tuple[str, ...]
    raters: tuple[RaterStatus, ...]


@dataclass(slots=True)
class Applied:
    """The scores `apply` wrote: (item id, criterion, old, new), and the commit."""

    session: str
    raters: tuple[str, ...]
    changes: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    commit: str | None = None


def _backlog(where: Path | Backlog) -> Backlog:
    if isinstance(where, Backlog):
        return where
    from backlogctl import backlog

    return backlog.load(where)


Check = Callable[[str, str], tuple[Any, str | None]]
"""(criterion, text typed) -> (value, why it is refused or None): for an interactive rater."""
Ask = Callable[[Session, Mapping[str, Any], Check], dict[str, dict[str, Any]]]
"""Asks a rater item by item: (session, items by id, check) -> {item id: {criterion: value}}."""


def open_session(
    where: Path | Backlog,
    name: str,
    *,
    items: Sequence[str] = (),
    statuses: Sequence[str] = (),
    criteria: Sequence[str] = (),
    model: str | None = None,
    commit: bool = False,
    why: str | None = None,
    today: dt.date | None = None,
) -> Session:
    """Write sessions/NAME/session.yaml: the items to rate (default: the rankable ones) and the criteria
    (default: the scores the model reads)."""
    from backlogctl import history
    from backlogctl.scoring import select

    backlog = _backlog(where)
    folder = files.folder(backlog.root, name)
    if (folder / files.SESSION_FILE).exists():
        raise InputError(f"session {name!r} exists already ({files.FOLDER}/{name}/{files.SESSION_FILE})")
    compiled = select(backlog.config, model)
    chosen_criteria = tuple(criteria) or tuple(
        n for n in compiled.inputs if n != "confidence" or not compiled.discount
    )
    for criterion in chosen_criteria:
        scale_for(backlog.config, criterion)  # an unknown score is an error before anything is written
    by_id = {item.id.upper(): item for item in backlog.items}
    if items:
        missing = [i for i in items if i.upper() not in by_id]
        if missing:
            raise NotFoundError(f"no item {missing[0]} in the backlog")
        chosen = [by_id[i.upper()].id for i in items]
    else:
        wanted = set(statuses) or set(backlog.config.statuses.rankable)
        chosen = [
            item.id
            for item in backlog.items
            if item.status in wanted and item.risk_class != RiskClass.UNACCEPTABLE
        ]
    if not chosen:
        raise InputError("no items to rate: name them with --item or choose statuses with --status")
    session = Session(name, folder, today or dt.date.today(), compiled.name, chosen_criteria, tuple(chosen))
    text = files.session_text(session)
    history.commit_change(
        backlog.root,
        lambda: store.create(session.path, text),
        written=lambda _: [session.path],
        message=lambda _: history.full_message(f"session {name}: open ({len(chosen)} items)", why),
        commit=commit,
    )
    return session


def parse_values(session: Session, config: Any, item_id: str, pairs: Mapping[str, Any]) -> Rating:
    """One item's CRITERION=VALUE pairs checked against the session and each criterion's scale."""
    rating = Rating()
    for key, value in pairs.items():
        if key == COMMENT:
            rating.comment = None if value is None else str(value)
            continue
        if key not in session.criteria:
            known = ", ".join(session.criteria)
            raise InputError(f"{item_id}: {key} is not rated in session {session.name} (criteria: {known})")
        problem = scale_for(config, key).problem(value)
        if problem is not None:
            raise InputError(f"{item_id}: {key}={value!r} {problem}")
        rating.values[key] = value
    return rating


def rate(
    where: Path | Backlog,
    name: str,
    rater: str,
    ratings: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    ask: Ask | None = None,
    commit: bool = False,
    why: str | None = None,
) -> Rated:
    """Write ``rater``'s values (and comments) into sessions/NAME/RATER.yaml; every value is checked first.

    Values given as text are read as YAML (``13``, ``0.7``); ``ask`` collects them item by item instead.
    """
    from backlogctl import history

    backlog = _backlog(where)
    session = files.load(backlog.root, name)
    files.check_name(rater, "rater")
    if ask is not None:
        ratings = ask(session, {item.id: item for item in backlog.items}, _checker(backlog.config))
    ratings = {key: _read(pairs) for key, pairs in (ratings or {}).items()}
    path = session.rater_path(rater)
    inside = {i.upper(): i for i in session.items}
    checked: dict[str, Rating] = {}
    for item_id, pairs in ratings.items():
        key = inside.get(item_id.upper())
        if key is None:
            raise InputError(
                f"{item_id} is not rated in session {name} (see {files.FOLDER}/{name}/{files.SESSION_FILE})"
            )
        checked[key] = parse_values(session, backlog.config, key, pairs)
    result = Rated(
        name,
        rater,
        path,
        sum(len(r.values) for r in checked.values()),
        sum(1 for r in checked.values() if r.comment is not None),
    )
    if not checked:
        return result
    document = store.read_document(path) if path.exists() else None
    text = document.text if document is not None else None
    for item_id, rating in checked.items():
        entries: dict[str, Any] = dict(rating.values)
        if rating.comment is not None:
            entries[COMMENT] = rating.comment
        if text is None:
            text = files.rater_text(rater, session, {item_id: entries})
            continue
        for key, value in entries.items():
            text = store.set_value(text, f"{item_id}.{key}", value)
    assert text is not None
    files.parse_ratings(store.as_mapping(store.parse(text, path), path, "a rater file"), path)

    def write() -> Rated:
        if document is None:
            store.create(path, text)
        else:
            store.replace(path, text, expected=document.raw, bom=document.bom)
        return result

    _, result.commit = history.commit_change(
        backlog.root,
        write,
        touches=[path],
        written=lambda r: [r.path],
        message=lambda r: history.full_message(f"session {name}: {rater} rates {len(checked)} items", why),
        commit=commit,
    )
    return result


def _read(pairs: Mapping[str, Any]) -> dict[str, Any]:
    """Values typed as text read as YAML numbers; comments stay text."""
    return {
        key: store.parse_value(value) if isinstance(value, str) and key != COMMENT else value
        for key, value in pairs.items()
    }


def _checker(config: Any) -> Check:
    def check(criterion: str, text: str) -> tuple[Any, str | None]:
        try:
            value = store.parse_value(text)
        except InputError as exc:
            return None, exc.message
        return value, scale_for(config, criterion).problem(value)

    return check


def status(where: Path | Backlog, name: str) -> Status:
    backlog = _backlog(where)
    session = files.load(backlog.root, name)
    found = files.load_ratings(session)
    rows = []
    for rater, ratings in found.items():
        rated = [i for i in session.items if i in ratings and ratings[i].values]
        complete = [i for i in rated if all(c in ratings[i].values for c in session.criteria)]
        missing = tuple(i for i in session.items if i not in complete)
        rows.append(RaterStatus(rater, len(rated), len(complete), missing))
    return Status(name, len(session.items), session.criteria, tuple(rows))


def medians(
    session: Session, config: Any, found: Mapping[str, Mapping[str, Rating]]
) -> dict[str, dict[str, float]]:
    """Each item's criterion medians over the raters who rated it, snapped to the scale."""
    out: dict[str, dict[str, float]] = {}
    for item_id in session.items:
        for criterion in session.criteria:
            values = [
                r[item_id].values[criterion]
                for r in found.values()
                if item_id in r and criterion in r[item_id].values
            ]
            if values:
                out.setdefault(item_id, {})[criterion] = snap(
                    scale_for(config, criterion), statistics.median(values)
                )
    return out


def stability_ratings(backlog: Backlog, name: str) -> dict[str, dict[str, list[float]]]:
    """item id -> criterion -> every rater's value: what `rank --stability --session` draws from."""
    session = files.load(backlog.root, name)
    drawn: dict[str, dict[str, list[float]]] = {}
    for ratings in files.load_ratings(session).values():
        for item_id, rating in ratings.items():
            for criterion, value in rating.values.items():
                drawn.setdefault(item_id, {}).setdefault(criterion, []).append(float(value))
    return drawn


def apply(where: Path | Backlog, name: str, *, commit: bool = False, why: str | None = None) -> Applied:
    """Write each criterion's median (snapped to its scale) into the items' scores; one commit."""
    from backlogctl import editing, history

    backlog = _backlog(where)
    session = files.load(backlog.root, name)
    found = files.load_ratings(session)
    if not found:
        raise InputError(f"nobody has rated in session {name} yet")
    raters = tuple(found)
    result = Applied(name, raters)
    entries = {entry.id: entry for entry in backlog.entries if entry.id}
    plan: list[tuple[Path, str | None, bytes | None]] = []
    for item_id, values in medians(session, backlog.config, found).items():
        entry = entries.get(item_id)
        if entry is None or entry.item is None:
            raise NotFoundError(
                f"{item_id} is rated in session {name} but is not a valid item in the backlog"
            )
        document = store.read_document(entry.path)
        text = document.text
        for criterion, value in values.items():
            old = entry.item.score(criterion)
            if old is not None and float(old) == float(value):
                continue
            text = store.set_value(text, f"scores.{criterion}", value)
            result.changes.append((item_id, criterion, old, value))
        if text != document.text:
            editing.check_edit(backlog, entry, text)
            plan.append((entry.path, text, document.raw))
    people = ", ".join(raters)
    summary = f"session {name}: scores from the medians of {people}"
    body = why or f"Prioritisation session {name}, rated by {people}."
    _, result.commit = history.commit_change(
        backlog.root,
        lambda: editing.write_files(plan),
        touches=[path for path, _, _ in plan],
        written=lambda paths: paths,
        message=lambda _: history.full_message(summary, body),
        commit=commit,
    )
    return result
