"""Editing items like a person: set, unset, and the check every edit passes.

Each use case reads the item, computes the new text, checks it with lint's
own rules (only what the edit makes worse counts), and writes it through the
one commit flow (`history.commit`), so ``--commit`` is all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backlogctl import store
from backlogctl.backlog import Backlog, Entry
from backlogctl.errors import InputError


@dataclass(slots=True)
class Edited:
    """The outcome of an edit: which item, what changed, and the commit (None without --commit)."""

    id: str
    path: Path
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    """(field, old, new); new is None for a removed field."""
    commit: str | None = None
    removed: list[str] = field(default_factory=list)
    """Fields the edit removed (their change's new value is None)."""

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def summary(self) -> str:
        return "; ".join(
            f"{name} removed ({short(old)})"
            if name in self.removed
            else f"{name} {short(old)} → {short(new)}"
            for name, old, new in self.changes
        )


def short(value: object) -> str:
    """A value on one line for a summary: ∅ for nothing, lists in flow style, long text cut."""
    if isinstance(value, list):
        text = "[" + ", ".join(short(v) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {short(v)}" for k, v in value.items()) + "}"
    else:
        text = "∅" if value is None else "''" if value == "" else str(value)
    text = " ".join(text.split()) if "\n" in text else text
    return text if len(text) <= 40 else text[:37] + "..."


def load_entry(start: Path, item_id: str) -> tuple[Backlog, Entry]:
    """The backlog and one item's entry; refuses non-ids and ids held by two files.

    Reads only the item's file where its name settles it (`backlog.load_ids`);
    `check_edit` reads what else the rules need.
    """
    from backlogctl import backlog as backlog_module

    backlog, [entry] = backlog_module.load_ids(start, [item_id])
    return backlog, entry


# What an edit may not bring in: lint's rules about the item's schema. Completeness
# (`incomplete`) is lint's definition of ready, reported there; the review rules
# depend on the calendar, not on the edit.
_REFUSED = frozenset(
    {
        "schema",
        "unknown-field",
        "unknown-status",
        "id-format",
        "file-name",
        "duplicate-id",
        "unknown-dependency",
        "dependency-cycle",
    }
)

# A result that does not pass the schema is refused even when the edit did not cause it.
_ALWAYS_REFUSED = frozenset({"schema", "unknown-status", "id-format"})


def check_edit(backlog: Backlog, entry: Entry, text: str) -> None:
    """Refuse an edit whose result lint would reject for reasons the edit brings in.

    Runs lint's rules on the backlog with this one file's new content. A result
    that fails the schema is refused; so are problems the edit brings in
    (unknown fields and dependencies, cycles). All are named, with the line of
    the first.
    """
    located = edit_problems(backlog, entry, text)
    if not located:
        return
    line, first = located[0]
    more = located[1:4]
    also = "".join(f"; line {n}: {message}" if n else f"; {message}" for n, message in more)
    if len(located) > 4:
        also += f"; and {len(located) - 4} more ('backlogctl lint' lists them)"
    raise InputError(
        f"{first}{also}; nothing was written (use --force to write it anyway)",
        path=entry.path,
        line=line,
    )


def edit_problems(backlog: Backlog, entry: Entry, text: str) -> list[tuple[int | None, str]]:
    """(line, message) of each problem that refuses ``text`` as the new content of ``entry``'s file."""
    from backlogctl.backlog import entries_from
    from backlogctl.lint import check

    data = store.parse(text, entry.path)
    # A backlog loaded in part gains what the rules need (dependencies, in turn).
    backlog = backlog.around([data if isinstance(data, dict) else None])
    before = {(p.rule, p.message) for p in check(backlog, paths=[entry.path], locate=False)}
    from backlogctl.template import item_model

    loaded = store.Loaded(entry.path, data if isinstance(data, dict) else None)
    edited = entries_from([loaded], model=item_model(backlog.config))[0]
    changed = Backlog(backlog.dir, [edited if e.path == entry.path else e for e in backlog.entries])
    problems = [
        p
        for p in check(changed, paths=[entry.path], locate=False)
        if p.rule in _ALWAYS_REFUSED or ((p.rule, p.message) not in before and p.rule in _REFUSED)
    ]
    if not isinstance(data, dict):
        return [(1, "the file must be a mapping of field: value")]
    lines = store.key_lines(text)
    return sorted(((_line_of(lines, p.field), p.message) for p in problems), key=lambda lp: lp[0] or 1 << 30)


def _line_of(lines: dict[str, tuple[int, int]], field: str | None) -> int | None:
    """The line of the field a problem is about (its nearest parent key that is written in the file)."""
    name = field
    while name:
        if name in lines:
            return lines[name][0]
        name = name.rpartition(".")[0]
    return None


def set_fields(
    start: Path,
    item_id: str,
    pairs: list[str],
    *,
    force: bool = False,
    commit: bool = False,
    why: str | None = None,
    stdin: Callable[[], str] | None = None,
) -> Edited:
    """`set ID FIELD=VALUE…`: values typed by the schema, checked like lint, written all or nothing."""
    from backlogctl import config, template
    from backlogctl.assign import parse_assignments

    assignments = parse_assignments(pairs, stdin, template.item_model(config.load(start).config))
    if "id" in assignments:
        raise InputError("the id cannot be set; 'backlogctl renumber ID NEW_ID' gives an item a new id")
    backlog, entry = load_entry(start, item_id)

    def edit(text: str, data: Any) -> tuple[str, list[tuple[str, Any, Any]]]:
        return assign_values(text, data, assignments)

    return _apply(backlog, entry, edit, force=force, commit=commit, why=why, expected=assignments)


def assign_values(
    text: str, data: Any, assignments: dict[str, Any]
) -> tuple[str, list[tuple[str, Any, Any]]]:
    """``text`` (which reads as ``data``) with each assigned field set, and the (field, old, new) of
    those that change; a field that already has the value, of the same type, is left as written."""
    from backlogctl.model import get_path

    changes = []
    for dotted, value in assignments.items():
        old = get_path(data, dotted)
        if old == value and type(old) is type(value):
            continue
        text = store.set_value(text, dotted, value)
        changes.append((dotted, old, value))
    return text, changes


def unset_fields(
    start: Path,
    item_id: str,
    names: list[str],
    *,
    force: bool = False,
    commit: bool = False,
    why: str | None = None,
) -> Edited:
    """`unset ID FIELD…`: remove fields; comments and the lines around them stay."""
    from backlogctl.assign import parse_fields

    fields = parse_fields(names)
    if "id" in fields or "title" in fields:
        raise InputError("id and title identify the item and cannot be removed")
    backlog, entry = load_entry(start, item_id)

    def edit(text: str, data: Any) -> tuple[str, list[tuple[str, Any, Any]]]:
        from backlogctl.model import get_path, has_path

        changes = []
        for dotted in fields:
            old = get_path(data, dotted)
            if not has_path(data, dotted):
                continue
            text = store.remove_value(text, dotted)
            changes.append((dotted, old, None))
        return text, changes

    return _apply(backlog, entry, edit, force=force, commit=commit, why=why, removed=fields)


Edit = Callable[[str, Any], tuple[str, list[tuple[str, Any, Any]]]]


def _apply(
    backlog: Backlog,
    entry: Entry,
    edit: Edit,
    *,
    force: bool,
    commit: bool,
    why: str | None,
    expected: dict[str, Any] | None = None,
    removed: list[str] | None = None,
) -> Edited:
    label = entry.id or entry.path.stem
    document = store.read_document(entry.path)
    data = document.data()
    try:
        text, changes = edit(document.text, data)
    except InputError as exc:
        if exc.path is not None:
            raise
        raise InputError(exc.message, path=entry.path, kind=exc.kind) from None  # the editor knows no file
    result = Edited(label, entry.path, changes, removed=list(removed or []))
    if not changes:
        return result
    after = store.parse(text, entry.path)
    check_reads_back(data, after, expected or {}, removed or [], entry.path)
    if not force:
        check_edit(backlog, entry, text)

    save_edit(backlog, entry, document, text, result, why=why, commit=commit)
    return result


def save_edit(
    backlog: Any, entry: Any, document: Any, text: str, result: Edited, *, why: str | None, commit: bool
) -> None:
    """Write one item's new text (compare-and-swap against ``document``), committing it with ``--commit``."""
    from backlogctl import history

    def write() -> Edited:
        store.replace(entry.path, text, expected=document.raw, bom=document.bom)
        return result

    _, result.commit = history.commit_change(
        backlog.root,
        write,
        touches=[entry.path],
        written=lambda r: [r.path],
        message=lambda r: history.full_message(f"{result.id}: {r.summary()}", why),
        commit=commit,
    )


def check_reads_back(
    before: Any, after: Any, assigned: dict[str, Any], removed: list[str], path: Path
) -> None:
    """The edited text must read back as the old data with only the asked fields changed:
    never write a surprise."""
    import copy

    from backlogctl.model import set_path

    expected = copy.deepcopy(before)
    for dotted, value in assigned.items():
        set_path(expected, dotted, value)
    for dotted in removed:
        *parents, leaf = dotted.split(".")
        node = expected
        for name in parents:
            node = node.get(name) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(leaf, None)
    if after != expected:
        raise InputError(
            "the edit would not read back as intended; nothing was written (please report this file)",
            path=path,
        )


def write_files(plan: list[tuple[Path, str | None, bytes | None]]) -> list[Path]:
    """Write several files as one change: (path, new text or None to remove, old bytes or None to create).

    If any write fails, the ones already made are undone before the error goes on.
    """
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, text, expected in plan:
            if expected is None:
                store.create(path, text or "")
            elif text is None:
                if path.read_bytes() != expected:
                    from backlogctl.errors import ConflictError

                    raise ConflictError(
                        "the file changed while it was being edited; nothing was written", path=path
                    )
                path.unlink()
            else:
                store.replace(path, text, expected=expected, bom=expected.startswith(store.BOM.encode()))
            done.append((path, expected))
    except BaseException:
        for path, expected in reversed(done):
            store.restore(path, expected)
        raise
    return [path for path, _, _ in plan]
