"""Importing a spreadsheet or a Jira export: every row checked first, then items created as `new` does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backlogctl import authoring, store
from backlogctl.backlog import validate
from backlogctl.config import BacklogDir
from backlogctl.errors import InputError
from backlogctl.intake import columns as columns_module
from backlogctl.intake import sheet as sheet_module
from backlogctl.intake import values

KEY_FIELD = "import_key"


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one cell (or row) cannot be imported."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column!r}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


class ImportRefused(InputError):
    """At least one row failed; nothing was written."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        lines = "".join(f"\n  {problem}" for problem in problems)
        super().__init__(
            f"{count}; nothing was written (fix the file or map columns with --map){lines}", path=path
        )
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Row:
    """A row ready to become an item."""

    number: int
    title: str
    fields: dict[str, Any]
    key: str | None
    text: str


@dataclass(slots=True)
class Outcome:
    """What the import did (or, with dry_run, would do)."""

    sheet_format: str
    dry_run: bool
    created: list[tuple[int, str, Path]] = field(default_factory=list)  # row, id, path
    skipped: list[tuple[int, str, str]] = field(default_factory=list)  # row, key, existing id
    unmapped: list[str] = field(default_factory=list)
    commit: str | None = None
    root: Path | None = None
    """The backlog's root, for showing paths relative to it."""


def import_file(
    start: BacklogDir | Path,
    path: Path,
    *,
    fmt: str | None = None,
    maps: list[str] | None = None,
    key: str | None = None,
    dry_run: bool = False,
    commit: bool = False,
    why: str | None = None,
    today: dt.date | None = None,
) -> Outcome:
    """Import every row of ``path`` as an item; all rows are checked before the first is written.

    ``start`` is the backlog, or a folder inside it. With ``commit`` the created
    files are committed in one commit (``why`` is its body, as `-m` everywhere),
    all or nothing: if git refuses, they are removed.
    """
    from backlogctl import config, history

    backlog_dir = start if isinstance(start, BacklogDir) else config.load(start)

    sheet = sheet_module.read(path, fmt)
    jira = sheet.format == "jira-csv"
    mapping = columns_module.map_columns(sheet.columns, columns_module.parse_maps(maps or []), jira=jira)
    key_index = _key_column(sheet, key if key is not None else (columns_module.JIRA_KEY if jira else None))
    known = _imported_keys(backlog_dir) if key_index is not None else {}
    outcome = Outcome(sheet.format, dry_run, root=backlog_dir.root)
    outcome.unmapped = [c for i, c in enumerate(sheet.columns) if c in mapping.unmapped and i != key_index]
    rows, problems = _check_rows(backlog_dir, sheet, mapping, key_index, known, outcome, today)
    if problems:
        raise ImportRefused(path, problems)
    if commit and not dry_run:
        history.ensure_can_commit(backlog_dir.root)  # before writing: a refused commit changes nothing
    highest = history.branch_highest_ids(backlog_dir.root, backlog_dir.config.items_dir)
    taken = {f"{prefix}-{number}" for prefix, number in highest.items()}
    if dry_run:
        _predict(backlog_dir, rows, taken, outcome)
        return outcome
    count = f"{len(rows)} item{'s' if len(rows) != 1 else ''}"
    _, outcome.commit = history.commit_change(
        backlog_dir.root,
        lambda: _create(backlog_dir, rows, taken, outcome),
        written=lambda _: [created for _, _, created in outcome.created],
        message=lambda _: history.full_message(f"Import {count} from {path.name}", why),
        commit=commit and bool(rows),
    )
    return outcome


def _key_column(sheet: sheet_module.Sheet, key: str | None) -> int | None:
    if key is None:
        return None
    wanted = columns_module.norm(key)
    for index, column in enumerate(sheet.columns):
        if columns_module.norm(column) == wanted:
            return index
    if sheet.format == "jira-csv" and key == columns_module.JIRA_KEY:
        return None
    raise InputError(f"--key {key!r}: no such column; the columns are " + ", ".join(map(repr, sheet.columns)))


def _imported_keys(backlog_dir: BacklogDir) -> dict[str, str]:
    from backlogctl import backlog as backlog_module

    found: dict[str, str] = {}
    for entry in backlog_module.load(backlog_dir.root, models=False).entries:
        value = entry.data.get(KEY_FIELD) if entry.data else None
        if value is not None:
            found[str(value)] = entry.id or entry.path.name
    return found


def _check_rows(
    backlog_dir: BacklogDir,
    sheet: sheet_module.Sheet,
    mapping: columns_module.Mapping,
    key_index: int | None,
    known: dict[str, str],
    outcome: Outcome,
    today: dt.date | None,
) -> tuple[list[Row], list[Problem]]:
    template = authoring.template_text(backlog_dir)
    statuses = backlog_dir.config.statuses.names
    rows: list[Row] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        key = None
        if key_index is not None:
            key = str(values.convert("notes", cells[key_index], statuses=statuses) or "")
            if not key:
                problems.append(Problem(number, sheet.columns[key_index], "empty key; every row needs one"))
                continue
            if key in seen:
                problems.append(
                    Problem(number, sheet.columns[key_index], f"key {key!r} again (first in row {seen[key]})")
                )
                continue
            seen[key] = number
            if key in known:
                outcome.skipped.append((number, key, known[key]))
                continue
        fields, row_problems = _fields(sheet, mapping, number, cells, statuses)
        if key is not None:
            fields[KEY_FIELD] = key
        title = fields.pop("title", None)
        if not title:
            column = sheet.columns[mapping.columns_of("title")[0]]
            row_problems.append(Problem(number, column, "empty; every item needs a title"))
        try:
            text = authoring.draft(
                backlog_dir, str(title or "untitled"), fields, today=today, template=template
            )
        except InputError as exc:
            row_problems.append(Problem(number, None, exc.message))
        else:
            row_problems.extend(_schema_problems(sheet, mapping, number, text))
        if row_problems:
            problems.extend(row_problems)
            continue
        assert isinstance(title, str)
        rows.append(Row(number, title, fields, key, text))
    return rows, problems


def _fields(
    sheet: sheet_module.Sheet,
    mapping: columns_module.Mapping,
    number: int,
    cells: list[Any],
    statuses: list[str],
) -> tuple[dict[str, Any], list[Problem]]:
    fields: dict[str, Any] = {}
    problems: list[Problem] = []
    for target in dict.fromkeys(mapping.fields.values()):
        indexes = mapping.columns_of(target)
        repeated = len(indexes) > 1
        if repeated and values.kind_of(target)[0] != "list":
            names = ", ".join(repr(sheet.columns[i]) for i in indexes)
            problems.append(
                Problem(number, None, f"{names} all fill {target}; map all but one with --map COLUMN=-")
            )
            continue
        cell: Any = [cells[i] for i in indexes] if repeated else cells[indexes[0]]
        column = sheet.columns[indexes[0]]
        priority = sheet.format == "jira-csv" and columns_module.norm(column) == "priority"
        try:
            value = values.convert(target, cell, statuses=statuses, jira_priority=priority)
        except values.CellError as exc:
            problems.append(Problem(number, column, str(exc)))
            continue
        if value is not None:
            fields[target] = value
    return fields, problems


def _schema_problems(
    sheet: sheet_module.Sheet, mapping: columns_module.Mapping, number: int, text: str
) -> list[Problem]:
    _, errors = validate(store.parse(text, sheet.path))
    problems = []
    for error in errors:
        indexes = mapping.columns_of(error.field)
        message = f"{error.value!r}: {error.message}" if error.value is not None else error.message
        if "must be one of" in error.message:
            message += " (values are not rounded)"
        if indexes:
            problems.append(Problem(number, sheet.columns[indexes[0]], message))
        else:
            problems.append(Problem(number, None, f"{error.field}: {message}"))
    return problems


def _predict(backlog_dir: BacklogDir, rows: list[Row], taken: set[str], outcome: Outcome) -> None:
    prefix = backlog_dir.config.id_prefix
    used = (
        set(taken) | store.scan_ids(backlog_dir.items_path) if backlog_dir.items_path.is_dir() else set(taken)
    )
    number = authoring.next_number(used, prefix)
    for offset, row in enumerate(rows):
        item_id = f"{prefix}-{number + offset}"
        outcome.created.append((row.number, item_id, authoring.item_path(backlog_dir, item_id, row.title)))


def _create(backlog_dir: BacklogDir, rows: list[Row], taken: set[str], outcome: Outcome) -> None:
    try:
        for row in rows:
            created = authoring.create_drafted(backlog_dir, row.title, row.text, taken=taken)
            outcome.created.append((row.number, created.id, created.path))
    except BaseException:
        # All or nothing: a failure part-way (a full disk, Ctrl-C) removes what this run created.
        for _, _, path in outcome.created:
            path.unlink(missing_ok=True)
        outcome.created.clear()
        raise
